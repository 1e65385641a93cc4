"""Non-ignorable non-response bounds and delta adjustment on hand-computable cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.survey import sensitivity


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
