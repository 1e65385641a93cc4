"""Dummy coding with a stated reference level, and the shared input validators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.models.imputation import impute
from helpers.models.logit import model_matrix
from helpers.survey import weighting
from helpers.survey.coding import dummy_code, most_frequent
from helpers.survey.validation import cell_codes, check_weights

TIER = pd.Series(["commune", "region", None, "intercommunal", "commune"], name="tier")


def test_dummy_code_leaves_out_the_first_sorted_level_by_default():
    coded = dummy_code(TIER)
    assert coded.columns.tolist() == ["tier[intercommunal]", "tier[region]"]
    assert coded["tier[region]"].tolist()[:2] == [0.0, 1.0]
    assert coded.iloc[2].isna().all()


def test_dummy_code_with_a_named_reference_and_prefix():
    coded = dummy_code(TIER, reference="region", name="t")
    assert coded.columns.tolist() == ["t[commune]", "t[intercommunal]"]
    np.testing.assert_array_equal(coded["t[commune]"], [1.0, 0.0, np.nan, 0.0, 1.0])
    with pytest.raises(ValueError, match="level 'town' of 'tier' does not occur"):
        dummy_code(TIER, reference="town")


def test_most_frequent_level():
    assert most_frequent(TIER) == "commune"


def test_every_model_matrix_codes_categories_alike():
    data = pd.DataFrame({"tier": ["commune", "region", "intercommunal", "commune", "region", "commune"],
                         "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "respondent": [1, 0, 1, 1, 0, 0]})
    logit = model_matrix(data, ["tier", "x"], reference={"tier": "commune"})
    assert logit.columns.tolist() == ["(Intercept)", "tier[intercommunal]", "tier[region]", "x"]
    calibration, totals = weighting.calibration_matrix(data, {"tier": {"commune": 3, "intercommunal": 1,
                                                                      "region": 2}})
    assert calibration.columns.tolist() == ["(Intercept)", "tier[intercommunal]", "tier[region]"]
    pd.testing.assert_frame_equal(calibration.iloc[:, 1:], logit.iloc[:, 1:3])
    assert totals["tier[region]"] == 2
    response = weighting.response_model(data, "respondent", ["tier", "x"])
    assert response.coefficients.index.tolist() == logit.columns.tolist()


def test_imputation_predictors_take_categories_as_dummies():
    data = pd.DataFrame({"y": [1.0, 0.0, np.nan, 1.0, 0.0, 1.0, 0.0, 1.0],
                         "tier": ["a", "b", "c", "a", "b", "c", "a", "b"]})
    completed = impute(data, m=2, n_iter=2, seed=1)
    assert all(frame["y"].notna().all() for frame in completed)
    with pytest.raises(ValueError, match="tier"):
        impute(data.assign(tier=data["tier"].where(data.index != 0)), m=1, n_iter=1)


def test_check_weights_names_the_argument_and_position():
    assert check_weights([1, 2]).dtype == float
    with pytest.raises(ValueError, match="base: 1 negative weight"):
        check_weights([1.0, -2.0], "base")
    with pytest.raises(ValueError, match="weights: 1 missing or infinite weight.*position 1"):
        check_weights([1.0, np.nan])
    with pytest.raises(ValueError, match="one-dimensional"):
        check_weights([[1.0]])


def test_cell_codes_single_and_crossed():
    codes, labels, name = cell_codes(pd.Series(["b", "a", "b"], name="kind"), 3)
    assert codes.tolist() == [1, 0, 1] and labels == ["a", "b"] and name == "kind"
    crossed = pd.DataFrame({"kind": ["b", "a", "b"], "size": [1, 1, 2]})
    codes, labels, name = cell_codes(crossed, 3)
    assert labels == [("a", 1), ("b", 1), ("b", 2)] and codes.tolist() == [1, 0, 2] and name == "kind x size"
    with pytest.raises(ValueError, match="kind: 1 missing value"):
        cell_codes(pd.Series(["a", None], name="kind"), 2)
    with pytest.raises(ValueError, match="2 values for 3 weights"):
        cell_codes(pd.Series(["a", "b"], name="kind"), 3)
