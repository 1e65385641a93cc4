"""Design-based estimation against R survey's printed numbers and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.survey import weighting
from helpers.survey.estimation import Design, Estimate

STYPE = {"E": 4421, "H": 755, "M": 1018}
SCH_WIDE = {"No": 1072, "Yes": 5122}


def total(design: Design, y: str | np.ndarray) -> Estimate:
    """Horvitz-Thompson total of ``y`` with the design variance of its influence values ``w y`` (R ``svytotal``)."""
    values = design.data[y].to_numpy(dtype=float) if isinstance(y, str) else np.asarray(y, dtype=float)
    z = design.weights * values
    se = float(np.sqrt(design.variance(z[:, None])[0]))
    return Estimate(float(z.sum()), se, np.nan, np.nan, int((design.weights > 0).sum()))


def printed(value: float, expected: float, decimals: int) -> bool:
    """``value`` rounds to what R printed with ``decimals`` decimals."""
    return abs(value - expected) <= 0.5 * 10.0**-decimals + 1e-9 * abs(expected)


@pytest.fixture(scope="module")
def apistrat(reference_dir):
    return pd.read_csv(reference_dir / "apistrat.csv")


@pytest.fixture(scope="module")
def apiclus1(reference_dir):
    return pd.read_csv(reference_dir / "apiclus1.csv")


@pytest.fixture(scope="module")
def dclus1(apiclus1):
    return Design(apiclus1, "pw", clusters="dnum", fpc="fpc")


def test_dstrat_mean_and_total(apistrat):
    dstrat = Design(apistrat, "pw", strata="stype", fpc="fpc")
    mean = dstrat.mean("api00")
    assert mean.estimate == pytest.approx(662.2873631589, rel=1e-6)
    assert mean.se == pytest.approx(9.4089408027, rel=1e-6)
    assert mean.n == 200
    ht = total(dstrat, "enroll")
    assert printed(ht.estimate, 3687178, 0)
    assert printed(ht.se, 114642, 0)


def test_dstrat_without_fpc(apistrat):
    mean = Design(apistrat, "pw", strata="stype").mean("api00")
    assert mean.estimate == pytest.approx(662.2873631589, rel=1e-6)
    assert printed(mean.se, 9.536132, 6)


def test_dclus1_mean_and_total(dclus1):
    mean = dclus1.mean("api00")
    assert printed(mean.estimate, 644.17, 2)
    assert mean.se == pytest.approx(23.542240693781, rel=1e-6)
    ht = total(dclus1, "enroll")
    assert printed(ht.estimate, 3404940, 0)
    assert printed(ht.se, 932235, 0)


def test_dclus1_poststratify(dclus1):
    dps = dclus1.poststratify("stype", STYPE)
    mean = dps.mean("api00")
    assert mean.estimate == pytest.approx(642.310788211584, rel=1e-6)
    assert mean.se == pytest.approx(23.9204864450905, rel=1e-6)
    ht = total(dps, "enroll")
    assert printed(ht.estimate, 3680893, 0)
    assert printed(ht.se, 406293, 0)
    weighting.check_calibration(pd.get_dummies(dclus1.data["stype"], dtype=float), dps.weights, STYPE)


def test_dclus1_rake_as_r(dclus1):
    # R's rake stops once the crossed weighted counts move by less than 1 (epsilon = 1).
    drake = dclus1.rake({"stype": STYPE, "sch.wide": SCH_WIDE}, r_epsilon=1, max_iter=10)
    mean = drake.mean("api00")
    assert printed(mean.estimate, 641.23, 2)
    assert printed(mean.se, 23.704, 3)
    ht = total(drake, "enroll")
    assert printed(ht.estimate, 3647300, 0)
    assert printed(ht.se, 400603, 0)


def test_dclus1_rake_converged(dclus1):
    drake = dclus1.rake({"stype": STYPE, "sch.wide": SCH_WIDE})
    mean = drake.mean("api00")
    assert printed(mean.estimate, 641.23, 2)
    assert printed(mean.se, 23.704, 3)
    # Fully converged raking moves the enrolment total by about 20 (5e-6 relative) from R's early stop.
    assert total(drake, "enroll").estimate == pytest.approx(3647300, rel=1e-5)
    model, totals = weighting.calibration_matrix(dclus1.data, {"stype": STYPE, "sch.wide": SCH_WIDE})
    weighting.check_calibration(model, drake.weights, totals)


def test_dclus1_linear_calibration(dclus1):
    model = pd.DataFrame({"(Intercept)": 1.0, "api99": dclus1.data["api99"]})
    dcal = dclus1.calibrate(model, {"(Intercept)": 6194, "api99": 3914069})
    mean = dcal.mean("api00")
    assert mean.estimate == pytest.approx(666.717736250273, rel=1e-6)
    assert mean.se == pytest.approx(3.29588091215716, rel=1e-6)
    weighting.check_calibration(model, dcal.weights, [6194, 3914069])


def test_calibration_estimates_population_totals_without_error(dclus1, reference_dir):
    apipop = pd.read_csv(reference_dir / "apipop.csv")
    model = pd.DataFrame({"(Intercept)": 1.0, "api99": dclus1.data["api99"]})
    dcal = dclus1.calibrate(model, [len(apipop), apipop["api99"].sum()], method="raking")
    ht = total(dcal, "api99")
    assert ht.estimate == pytest.approx(apipop["api99"].sum(), rel=1e-8)
    assert ht.se < 1e-6 * ht.estimate


def test_domain_mean_keeps_the_whole_design(dclus1):
    # A domain's influence values are zero outside it: its variance keeps every PSU (R svyby, subset).
    domain = (dclus1.data["stype"] == "E").to_numpy()
    mean = dclus1.mean("api00", domain=domain)
    y = dclus1.data["api00"].to_numpy(dtype=float)
    w = np.where(domain, dclus1.weights, 0.0)
    estimate = (w @ y) / w.sum()
    z = w * (y - estimate) / w.sum()
    assert mean.estimate == pytest.approx(estimate)
    assert mean.se == pytest.approx(np.sqrt(dclus1.variance(z[:, None])[0]))
    assert mean.n == domain.sum()


def test_variance_needs_one_row_per_unit(dclus1):
    with pytest.raises(ValueError, match="expected 183 rows"):
        dclus1.variance(np.ones((10, 1)))


def test_simple_random_sample_by_hand():
    y = np.array([3.0, 5.0, 8.0, 10.0, 14.0])
    data = pd.DataFrame({"y": y, "w": 20.0, "N": 100})
    srs = Design(data, "w").mean("y")
    assert srs.estimate == pytest.approx(y.mean())
    assert srs.se == pytest.approx(y.std(ddof=1) / np.sqrt(5))
    fpc = Design(data, "w", fpc="N").mean("y")
    assert fpc.se == pytest.approx(np.sqrt(1 - 5 / 100) * y.std(ddof=1) / np.sqrt(5))
    ht = total(Design(data, "w"), "y")
    assert ht.estimate == pytest.approx(20 * y.sum())
    assert ht.se == pytest.approx(100 * y.std(ddof=1) / np.sqrt(5))
    z = stats.norm.ppf(0.975)
    assert srs.ci_low == pytest.approx(srs.estimate - z * srs.se)
    t = Design(data, "w").mean("y", dist="t")
    assert t.ci_high == pytest.approx(t.estimate + stats.t.ppf(0.975, 4) * t.se)


def test_cluster_sample_by_hand():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "c": [1, 1, 2, 2, 3, 3], "w": 2.0})
    ht = total(Design(data, "w", clusters="c"), "y")
    cluster_totals = np.array([6.0, 14.0, 22.0])
    assert ht.se == pytest.approx(np.sqrt(3 * cluster_totals.var(ddof=1)))


def test_missing_values_are_dropped_as_a_domain():
    data = pd.DataFrame({"y": [1.0, np.nan, 3.0, 5.0], "w": [1.0, 2.0, 1.0, 2.0]})
    est = Design(data, "w").mean("y")
    assert est.estimate == pytest.approx((1 + 3 + 10) / 4)
    assert est.n == 3


def test_estimate_as_dict():
    est = Estimate(1.0, 0.1, 0.8, 1.2, 10)
    assert est.as_dict() == {"estimate": 1.0, "se": 0.1, "ci_low": 0.8, "ci_high": 1.2, "n": 10}


def test_lonely_psu_is_named():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0], "s": ["a", "a", "b"], "w": 1.0})
    with pytest.raises(ValueError, match="'b' has a single PSU"):
        Design(data, "w", strata="s")
    removed = total(Design(data, "w", strata="s", lonely_psu="remove"), "y")
    assert removed.se == pytest.approx(np.sqrt(2 * 0.5))
    adjusted = total(Design(data, "w", strata="s", lonely_psu="adjust"), "y")
    assert adjusted.se == pytest.approx(np.sqrt(1 + 9))


def test_bad_design_input_is_named():
    data = pd.DataFrame({"y": [1.0, 2.0], "w": [1.0, -1.0], "N": [1, 1]})
    with pytest.raises(ValueError, match="w: 1 negative weight"):
        Design(data, "w")
    data["w"] = 1.0
    with pytest.raises(ValueError, match="N: stratum .* population count of 1"):
        Design(data, "w", fpc="N")
    with pytest.raises(ValueError, match="no column 'pw'"):
        Design(data, "pw")
