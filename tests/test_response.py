"""AAPOR rates against nrba's numbers and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from helpers.survey.aapor import DispositionCounts, aapor_rates, aapor_rates_by, count_dispositions, estimate_e

COUNTS = DispositionCounts(complete=40, partial=10, refusal=20, non_contact=10, other=5,
                           unknown_household=10, unknown_other=5, ineligible=10)


def test_nrba_involvement_survey(reference_dir):
    data = pd.read_csv(reference_dir / "involvement_survey_srs.csv")
    status = data["RESPONSE_STATUS"].value_counts()
    counts = DispositionCounts(complete=status["Respondent"], refusal=status["Nonrespondent"],
                               ineligible=status["Ineligible"], unknown_household=status["Unknown"])
    assert (counts.complete, counts.refusal, counts.ineligible, counts.unknown) == (3011, 1521, 233, 235)
    assert estimate_e(counts) == pytest.approx(0.9511018, rel=1e-6)
    rates = aapor_rates(counts)["rate"]
    assert rates["RR1"] == pytest.approx(0.6316342, rel=1e-6)
    assert rates["RR3"] == pytest.approx(0.6331604, rel=1e-6)
    assert rates["RR5"] == pytest.approx(0.6643866, rel=1e-6)
    # Which eligible non-response code is used does not change response rates.
    as_non_contact = DispositionCounts(complete=3011, non_contact=1521, ineligible=233, unknown_other=235)
    assert aapor_rates(as_non_contact)["rate"]["RR3"] == pytest.approx(rates["RR3"])


def test_every_rate_by_hand():
    e = 85 / 95
    rr1, rr3, rr5 = 85 + 15, 85 + e * 15, 85
    expected = {
        "RR1": 40 / rr1, "RR2": 50 / rr1, "RR3": 40 / rr3, "RR4": 50 / rr3, "RR5": 40 / rr5, "RR6": 50 / rr5,
        "COOP1": 40 / 75, "COOP2": 50 / 75, "COOP3": 40 / 70, "COOP4": 50 / 70,
        "REF1": 20 / rr1, "REF2": 20 / rr3, "REF3": 20 / rr5,
        "CON1": 75 / rr1, "CON2": 75 / rr3, "CON3": 75 / rr5,
    }
    rates = aapor_rates(COUNTS)
    assert list(rates.index) == list(expected)
    for name, value in expected.items():
        assert rates.loc[name, "rate"] == pytest.approx(value, rel=1e-12), name


def test_given_e_is_used():
    rates = aapor_rates(COUNTS, e=0.5)["rate"]
    assert rates["RR3"] == pytest.approx(40 / (85 + 7.5))
    assert aapor_rates(COUNTS, e=1.0)["rate"]["RR3"] == pytest.approx(40 / 100)
    with pytest.raises(ValueError, match="e=1.5"):
        aapor_rates(COUNTS, e=1.5)


def test_intervals_match_statsmodels():
    rates = aapor_rates(COUNTS)
    for name in ["RR1", "RR5", "COOP1", "REF1", "CON3"]:
        x, n = rates.loc[name, ["numerator", "denominator"]]
        wilson = proportion_confint(x, n, alpha=0.05, method="wilson")
        exact = proportion_confint(x, n, alpha=0.05, method="beta")
        np.testing.assert_allclose(rates.loc[name, ["wilson_low", "wilson_high"]], wilson, rtol=1e-10)
        np.testing.assert_allclose(rates.loc[name, ["exact_low", "exact_high"]], exact, rtol=1e-10)


def test_interval_edges():
    rates = aapor_rates(DispositionCounts(complete=5))
    assert rates.loc["RR1", "rate"] == 1.0
    assert rates.loc["RR1", "exact_high"] == 1.0
    assert rates.loc["REF1", "exact_low"] == 0.0
    assert rates.loc["RR1", "exact_low"] == pytest.approx(0.025 ** (1 / 5))
    empty = aapor_rates(DispositionCounts(ineligible=3))
    assert np.isnan(empty.loc["RR1", "rate"])


def test_by_group():
    data = pd.DataFrame({
        "disposition": ["complete", "refusal", "non_contact", "ineligible", "unknown_eligibility",
                        "complete", "complete", "partial", "other"],
        "type": ["commune"] * 5 + ["region"] * 4,
    })
    table = aapor_rates_by(data, disposition="disposition", by="type")
    assert table.loc[("commune", "RR1"), "rate"] == pytest.approx(1 / 4)
    assert table.loc[("commune", "RR3"), "rate"] == pytest.approx(1 / (3 + 0.75))
    assert table.loc[("region", "RR2"), "rate"] == pytest.approx(3 / 4)
    assert table.loc[("region", "COOP1"), "rate"] == pytest.approx(2 / 4)
    overall = count_dispositions(data, "disposition")
    assert overall.complete == 3 and overall.unknown_other == 1


def test_unexpected_disposition_is_named():
    data = pd.DataFrame({"status": ["complete", "refused"]})
    with pytest.raises(ValueError, match=r"status: unexpected disposition\(s\) \['refused'\]"):
        count_dispositions(data, "status")
    with pytest.raises(ValueError, match="refusal: count -1"):
        DispositionCounts(refusal=-1)


def test_group_without_unit_of_known_eligibility_is_marked_and_the_others_are_estimated():
    """Issue 16.5: a group whose units all have unknown eligibility (2012 without its Nord respondents)."""
    data = pd.DataFrame({"disposition": ["complete", "refusal", "ineligible", "unknown_eligibility",
                                         "unknown_eligibility", "unknown_eligibility"],
                         "zeat": ["Est", "Est", "Est", "Est", "Nord", "Nord"]})
    table = aapor_rates_by(data, disposition="disposition", by="zeat")
    assert table.loc[("Nord", "RR2"), "rate"] == 0.0 and table.loc[("Nord", "RR2"), "denominator"] == 2
    assert np.isnan(table.loc[("Nord", "RR3"), "rate"]) and np.isnan(table.loc[("Nord", "RR4"), "wilson_low"])
    assert table.xs("RR1", level="rate")["known_eligibility"].to_dict() == {"Est": 3.0, "Nord": 0.0}
    assert table.loc[("Est", "RR3"), "rate"] == pytest.approx(1 / (2 + 2 / 3))


def test_e_not_estimable_says_why():
    with pytest.raises(ValueError, match="no unit has a known eligibility .* pass e explicitly"):
        estimate_e(DispositionCounts(unknown_other=4))
