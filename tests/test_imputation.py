"""Rubin's rules with Barnard-Rubin degrees of freedom on hand-worked numbers, and MICE behaviour."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.models import imputation
from helpers.models import logit as models


def test_pool_by_hand():
    """m = 3, Q = 1, 2, 3, U = 1, 1, 1, nu_com = 10.

    Ubar = 1, B = 1, T = 1 + (4/3) 1 = 7/3, r = 4/3, lambda = 4/7,
    nu_old = 2 / (4/7)^2 = 49/8, nu_obs = (11/13) 10 (3/7) = 330/91,
    nu = 1 / (8/49 + 91/330) = 16170/7099.
    """
    table = imputation.pool([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], df_complete=10).iloc[0]
    assert table["estimate"] == 2.0
    assert table["total"] == pytest.approx(7 / 3) and table["se"] == pytest.approx(np.sqrt(7 / 3))
    assert table["riv"] == pytest.approx(4 / 3) and table["lambda"] == pytest.approx(4 / 7)
    assert table["df"] == pytest.approx(16170 / 7099)
    rubin = imputation.pool([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]).iloc[0]
    assert rubin["df"] == pytest.approx(49 / 8)
    assert rubin["fmi"] == pytest.approx((4 / 3 + 2 / (49 / 8 + 3)) / (4 / 3 + 1))


def test_pool_without_between_variance_uses_observed_df():
    table = imputation.pool(np.array([[0.5, 1.0]] * 4), np.array([[0.04, 0.09]] * 4), df_complete=20)
    assert table["se"].tolist() == pytest.approx([0.2, 0.3])
    assert table["df"].tolist() == pytest.approx([21 / 23 * 20] * 2)


def test_pool_errors():
    with pytest.raises(ValueError, match="at least 2"):
        imputation.pool([1.0], [1.0])
    with pytest.raises(ValueError, match="variances"):
        imputation.pool([1.0, 2.0], [1.0, -1.0])


def _data(seed: int = 3, n: int = 130) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"group": rng.choice(["a", "b", "c"], n), "elected": rng.integers(0, 2, n).astype(float),
                         "log_population": rng.normal(size=n)})
    eta = -1.5 + 0.8 * data["elected"] + 0.4 * data["log_population"]
    data["savings"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return data


def _fits(datasets):
    return [models.survey_logit(d["savings"], models.model_matrix(d, ["elected", "group", "log_population"]))
            for d in datasets]


def test_mi_reproduces_complete_case_when_nothing_is_missing():
    data = _data()
    completed = imputation.impute(data, m=5, seed=1)
    assert all(d.equals(data) for d in completed)
    pooled = imputation.pool_logit(_fits(completed))
    single = _fits([data])[0]
    assert pooled["estimate"].to_numpy() == pytest.approx(single.table["coef"].to_numpy())
    assert pooled["se"].to_numpy() == pytest.approx(single.table["se"].to_numpy())
    assert (pooled["between"] == 0).all()


def test_mice_fills_values_reproducibly():
    data = _data()
    rng = np.random.default_rng(9)
    holes = data.copy()
    holes.loc[rng.random(len(data)) < 0.1, "savings"] = np.nan
    holes.loc[rng.random(len(data)) < 0.05, "elected"] = np.nan
    holes.loc[rng.random(len(data)) < 0.05, "log_population"] = np.nan
    completed = imputation.impute(holes, m=20, seed=4)
    for d in completed:
        assert not d.isna().any().any()
        assert d["savings"].isin([0, 1]).all() and d["elected"].isin([0, 1]).all()
        observed = holes["log_population"].notna()
        assert d.loc[observed, "log_population"].equals(holes.loc[observed, "log_population"])
        assert d.loc[~observed, "log_population"].isin(holes["log_population"]).all()  # PMM donors
    again = imputation.impute(holes, m=20, seed=4)
    assert all(a.equals(b) for a, b in zip(completed, again))
    pooled = imputation.pool_logit(_fits(completed))
    assert (pooled["between"] > 0).all() and (pooled["fmi"] < 0.5).all()
    assert np.isfinite(pooled["df"]).all() and (pooled["df"] < 130).all()


def test_impute_errors():
    data = _data().astype({"group": object})
    data.loc[0, "group"] = None
    with pytest.raises(ValueError, match="group"):
        imputation.impute(data)
    with pytest.raises(ValueError, match="m, n_iter"):
        imputation.impute(_data(), m=0)
