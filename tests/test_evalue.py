"""E-values against VanderWeele and Ding's published example and hand computations."""

from __future__ import annotations

import math

import pytest

from helpers.models import evalue


def test_e_value_reference():
    """VanderWeele and Ding (2017): RR 10.73 (8.02-14.36) gives 20.94777 and 15.52336."""
    result = evalue.e_value(10.73, 8.02, 14.36)
    assert result.point == pytest.approx(20.94777, abs=5e-6)
    assert result.ci == pytest.approx(15.52336, abs=5e-6)
    assert result.limit == 8.02


def test_e_value_protective_null_and_odds_ratios():
    protective = evalue.e_value(0.5, 0.3, 0.8)
    assert protective.point == pytest.approx(2 + math.sqrt(2))  # RR 1/0.5 = 2
    assert protective.ci == pytest.approx(1.25 + math.sqrt(1.25 * 0.25))  # upper limit 0.8 -> 1.25
    assert evalue.e_value(1.8, 0.9, 3.6).ci == 1.0
    common = evalue.e_value(4.0, 1.44, 9.0, measure="OR")
    assert common.risk_ratio == 2.0 and common.limit == pytest.approx(1.2)
    assert common.point == pytest.approx(2 + math.sqrt(2))
    rare = evalue.e_value(4.0, measure="OR", rare=True)
    assert rare.point == pytest.approx(4 + math.sqrt(12)) and rare.ci is None


@pytest.mark.parametrize("args, kwargs, match", [((0.0,), {}, "positive"), ((2.0, 1.0), {}, "both"),
                                                  ((2.0, 2.5, 3.0), {}, "bracket"), ((2.0,), {"measure": "HR"},
                                                                                     "measure")])
def test_e_value_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        evalue.e_value(*args, **kwargs)
