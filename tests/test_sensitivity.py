"""E-values and non-ignorable non-response bounds on hand-computable cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.survey import sensitivity


def test_e_value_reference():
    """VanderWeele and Ding (2017): RR 10.73 (8.02-14.36) gives 20.94777 and 15.52336."""
    result = sensitivity.e_value(10.73, 8.02, 14.36)
    assert result.point == pytest.approx(20.94777, abs=5e-6)
    assert result.ci == pytest.approx(15.52336, abs=5e-6)
    assert result.limit == 8.02


def test_e_value_protective_null_and_odds_ratios():
    protective = sensitivity.e_value(0.5, 0.3, 0.8)
    assert protective.point == pytest.approx(2 + math.sqrt(2))  # RR 1/0.5 = 2
    assert protective.ci == pytest.approx(1.25 + math.sqrt(1.25 * 0.25))  # upper limit 0.8 -> 1.25
    assert sensitivity.e_value(1.8, 0.9, 3.6).ci == 1.0
    common = sensitivity.e_value(4.0, 1.44, 9.0, measure="OR")
    assert common.risk_ratio == 2.0 and common.limit == pytest.approx(1.2)
    assert common.point == pytest.approx(2 + math.sqrt(2))
    rare = sensitivity.e_value(4.0, measure="OR", rare=True)
    assert rare.point == pytest.approx(4 + math.sqrt(12)) and rare.ci is None


@pytest.mark.parametrize("args, kwargs, match", [((0.0,), {}, "positive"), ((2.0, 1.0), {}, "both"),
                                                  ((2.0, 2.5, 3.0), {}, "bracket"), ((2.0,), {"measure": "HR"},
                                                                                     "measure")])
def test_e_value_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sensitivity.e_value(*args, **kwargs)


def test_share_bounds_by_hand():
    answers = [1, 0, 1, np.nan, np.nan]
    bounds = sensitivity.share_bounds(answers)
    assert (bounds.lower, bounds.estimate, bounds.upper) == pytest.approx((2 / 5, 2 / 3, 4 / 5))
    assert (bounds.n_known, bounds.n_unknown) == (3, 2)
    weighted = sensitivity.share_bounds(answers, weights=[1, 1, 2, 3, 1])
    assert (weighted.lower, weighted.estimate, weighted.upper) == pytest.approx((3 / 8, 3 / 4, 7 / 8))


def test_delta_curve_by_hand():
    """Cell A: respondents 1, 0 (p 1/2), one non-respondent; cell B: respondent 1, 0, 0, 0 (p 1/4), two."""
    answers = [1, 0, np.nan, 1, 0, 0, 0, np.nan, np.nan]
    cells = pd.Series(list("AAABBBBBB"), name="cell")
    curve = sensitivity.delta_adjusted_share(answers, cells, deltas=[1.0, 3.0])
    # delta 1: cell-adjusted: (3 * 1/2 + 6 * 1/4) / 9 = 1/3
    assert curve["share"].iloc[0] == pytest.approx(1 / 3)
    # delta 3: p_nr(A) = 3/4, p_nr(B) = 0.75 / 1.5 = 1/2 -> (1 + 0.75 + 1 + 2 * 0.5) / 9
    assert curve["share"].iloc[1] == pytest.approx(3.75 / 9)
    extremes = sensitivity.delta_adjusted_share(answers, cells, deltas=[1e-12, 1e12])["share"]
    bounds = sensitivity.share_bounds(answers)
    assert extremes.tolist() == pytest.approx([bounds.lower, bounds.upper], abs=1e-9)


def test_delta_curve_errors():
    with pytest.raises(ValueError, match="deltas"):
        sensitivity.delta_adjusted_share([1, 0, np.nan], deltas=[0.0])
    with pytest.raises(ValueError, match="cell"):
        sensitivity.delta_adjusted_share([1, np.nan], pd.Series(["a", "b"], name="cell"))
    with pytest.raises(ValueError, match="answer"):
        sensitivity.share_bounds([2, 0, 1])
