"""Tests of the synthetic demo waves (helpers.demo) and of the codebook they are written from."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from helpers import demo
from helpers.demo.truth import TRUTH_DIR
from helpers.frame.reader import FRAME_COLUMNS
from helpers.inputs.codebook import load_codebook
from helpers.paths import raw_dir
from helpers.vocabulary import POLITICAL_GROUPS, TIERS, UNIT_TYPES

# Unweighted shares among 2012 complete respondents may differ from the published figures
# by this much (calibration hits them to within one respondent; rounding and the
# deduplication rule account for the rest).
SHARE_TOLERANCE = 0.03


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module", params=demo.YEARS)
def wave(request) -> demo.DemoWave:
    return demo.generate_wave(request.param)


@pytest.fixture(scope="module")
def wave_2012() -> demo.DemoWave:
    return demo.generate_wave(2012)


def _read_export(wave: demo.DemoWave) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(wave.export_bytes), sep=";", dtype=str, keep_default_na=False,
                       encoding=demo.export_encoding(wave.year)[0])


# --- determinism ----------------------------------------------------------------------

def test_same_seed_gives_identical_bytes(wave):
    again = demo.generate_wave(wave.year)
    assert again.export_bytes == wave.export_bytes
    assert again.frame_bytes == wave.frame_bytes
    assert again.truth == wave.truth


def test_other_seed_differs():
    assert demo.generate_wave(2012, seed=1).export_bytes != demo.generate_wave(2012).export_bytes


def test_committed_files_equal_fresh_generation(wave, tmp_path):
    """Guards against drift between the generator and the files shipped in data/."""
    folder = raw_dir(wave.year)
    if not (folder / "export.csv").is_file():
        pytest.skip(f"{folder} holds no demo wave")
    written = demo.write_wave(wave, tmp_path / "raw", tmp_path / "truth.json")
    committed = [folder / "frame.csv", folder / "export.csv", folder / "README.md",
                 TRUTH_DIR / f"{wave.year}.json"]
    for fresh, shipped in zip(written, committed):
        assert fresh.read_bytes() == shipped.read_bytes(), f"{shipped} differs from a fresh generation"


def test_2013_replays_the_2012_population(wave_2012):
    wave_2013 = demo.generate_wave(2013)
    assert list(wave_2013.frame["unit_id"]) == list(wave_2012.frame["unit_id"])
    assert (wave_2013.frame["population"].dropna() >= wave_2012.frame["population"].dropna()).mean() > 0.9
    assert wave_2013.units["maturity"].mean() > wave_2012.units["maturity"].mean()
    before = set(wave_2012.units.loc[wave_2012.units["outcome"] == "complete", "unit_id"])
    after = set(wave_2013.units.loc[wave_2013.units["outcome"] == "complete", "unit_id"])
    assert 0.35 <= len(before & after) / len(before) <= 0.65
    assert len(after - before) > 20


# --- frame --------------------------------------------------------------------------------

def test_frame_columns_and_vocabularies(wave):
    frame = pd.read_csv(io.BytesIO(wave.frame_bytes), dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == FRAME_COLUMNS
    assert frame["unit_id"].str.fullmatch(r"\d{9}").all() and frame["unit_id"].is_unique
    assert set(frame["type"]) == set(UNIT_TYPES)
    assert set(frame["political_group"]) <= set(POLITICAL_GROUPS)
    assert set(frame["invitation"]) == {"invited", "bounced", "declined", "ineligible"}
    assert frame["prefecture"].isin(["0", "1"]).all()
    assert ((frame["nuance"] == "") == (frame["political_group"] == "unknown")).all()
    order = frame["type"].map({t: k for k, t in enumerate(UNIT_TYPES)})
    assert frame.assign(order=order).sort_values(["order", "unit_id"]).index.equals(frame.index)
    communes = frame[frame["type"] == "commune"]
    assert communes["insee_code"].str.fullmatch(r"[0-9][0-9AB]\d{3}").all()
    assert (frame.loc[frame["type"].isin(["metropole", "communaute_urbaine", "communaute_agglomeration"]),
                      "insee_code"] == "").all()
    assert (frame.loc[frame["type"] == "region", "insee_code"].str.len() == 2).all()


def test_frame_structure_2012(wave_2012):
    frame = wave_2012.frame
    counts = frame["type"].value_counts()
    assert counts.to_dict() == {"region": 27, "departement": 101, "metropole": 1, "communaute_urbaine": 15,
                                "communaute_agglomeration": 202, "commune": 168}
    communes = frame[frame["type"] == "commune"]
    big = communes[communes["population"] >= 50_000]
    small = communes[~(communes["population"] >= 50_000).fillna(False)]
    assert len(big) == 123 and (big["population"] > 100_000).sum() == 41
    assert len(small) == 45 and small["prefecture"].eq(1).all()
    assert small["population"].isna().sum() == 1
    assert communes.loc[communes["population"].isna(), "name"].tolist() == ["Mamoudzou"]
    assert frame["prefecture"].sum() == 101
    assert frame.loc[frame["type"] == "departement", "region"].nunique() == 27


@pytest.mark.parametrize(("subset", "expected"), [
    ("region", (224_469, 1_842_221, 11_709_222)),
    ("departement", (77_164, 557_177, 2_571_936)),
    ("communaute_urbaine", (48_702, 256_966, 1_281_971)),
    ("metropole", (530_016, 530_016, 530_016)),
    ("communaute_agglomeration", (27_971, 85_054, 486_519)),
    ("commune_50k", (50_021, 74_707, 2_214_962)),
    ("prefecture_small", (8_461, 30_118, 49_975)),
])
def test_population_min_median_max(wave_2012, subset, expected):
    frame = wave_2012.frame
    if subset == "commune_50k":
        pop = frame.loc[(frame["type"] == "commune") & (frame["population"] >= 50_000), "population"]
    elif subset == "prefecture_small":
        pop = frame.loc[(frame["type"] == "commune") & (frame["population"] < 50_000), "population"]
    else:
        pop = frame.loc[frame["type"] == subset, "population"]
    assert (pop.min(), pop.median(), pop.max()) == expected


def test_political_colours_follow_published_counts(wave_2012):
    frame = wave_2012.frame
    mayors = frame[(frame["type"] == "commune") & (frame["population"] >= 50_000)]
    assert mayors["nuance"].value_counts()[["SOC", "UMP", "COM", "DVG"]].tolist() == [54, 34, 9, 6]
    assert (mayors["nuance"] != "").sum() == 113
    assert (frame.loc[frame["type"] == "communaute_agglomeration", "nuance"] != "").sum() == 190
    assert (frame.loc[frame["type"] == "departement", "nuance"] != "").sum() == 92
    assert (frame.loc[frame["type"] == "region", "nuance"] != "").sum() == 24


def test_invitation_outcomes(wave):
    outcome = wave.frame["invitation"].value_counts()
    assert outcome["invited"] / len(wave.frame) > 0.9
    assert 1 <= outcome["ineligible"] <= 2
    assert 0.01 <= outcome["bounced"] / len(wave.frame) <= 0.05
    assert (wave.units.loc[wave.frame["invitation"] != "invited", "outcome"] == "none").all()


def test_names_exercise_matching(wave_2012):
    names = wave_2012.frame["name"]
    assert names.str.contains("Saint-").any() and names.str.contains("'").any()
    assert names.str.contains("-").any() and names.str.contains("[éèêàôûçÉÎ]").any()
    markers = load_codebook().export.test_markers
    assert not names.str.lower().str.contains("|".join(markers)).any()


def test_external_frame_is_accepted(wave_2012, tmp_path):
    path = tmp_path / "frame.csv"
    path.write_bytes(wave_2012.frame_bytes)
    frame = demo.read_frame_csv(path).drop(columns="invitation").sample(300, random_state=1)
    wave = demo.generate_wave(2012, frame=frame)
    assert len(wave.frame) == 300 and set(wave.frame["invitation"]) >= {"invited"}
    assert set(wave.units.loc[wave.units["outcome"] != "none", "unit_id"]) <= set(frame["unit_id"])


# --- export ----------------------------------------------------------------------------

def test_encodings():
    export_2012 = demo.generate_wave(2012).export_bytes
    export_2013 = demo.generate_wave(2013).export_bytes
    assert export_2012.decode("cp1252").startswith("ID de la réponse;")
    with pytest.raises(UnicodeDecodeError):
        export_2012.decode("utf-8")
    assert b"\r\n" in export_2012
    assert export_2013.startswith(b"\xef\xbb\xbf")
    assert export_2013.decode("utf-8-sig").startswith("ID de la réponse;")


def test_export_layout(wave):
    codebook = demo.wave_codebook(wave.year)
    export = _read_export(wave)
    assert list(export.columns) == [*codebook.export.columns.values(), *codebook.question_columns()]
    cols = codebook.export.columns
    dates = pd.to_datetime(export[cols["submitted_at"]], format=codebook.export.datetime_format)
    assert dates.dt.month.between(9, 11).all() and (dates.dt.year == wave.year).all()
    assert set(export[cols["status"]]) == set(codebook.export.status_labels)
    assert export[cols["response_id"]].astype(int).is_monotonic_increasing
    assert export[cols["email"]].str.endswith(".example").all()
    assert len(export) == len(wave.export)


def test_every_label_is_in_the_codebook(wave):
    codebook = demo.wave_codebook(wave.year)
    export = _read_export(wave)
    for question in codebook.questions.values():
        values = set().union(*(set(export[c]) for c in question.export_columns)) - {""}
        if question.type == "single":
            scale = question.scale
            assert values <= set(scale.labels) | set(scale.dont_know) | set(scale.not_applicable), question.id
        elif question.type == "multi":
            assert values <= {codebook.export.multi_checked_label}, question.id
        elif question.type == "numeric":
            numbers = pd.Series(sorted(values)).str.replace(",", ".").astype(float)
            assert numbers.between(question.minimum, question.maximum).all(), question.id
    types = set(export[codebook.export.columns["authority_type"]]) - {""}
    assert types <= set(codebook.export.authority_type_labels)


def test_numeric_answers_use_decimal_commas_and_have_item_nonresponse(wave_2012, codebook):
    export = _read_export(wave_2012)
    complete = export[export[codebook.export.columns["status"]] == "Complète"]
    fte = complete[codebook.questions["it_staff_fte"].column]
    assert fte.str.contains(",").any()
    for qid in ("it_staff_fte", "digital_budget_keur"):
        share = (complete[codebook.questions[qid].column] == "").mean()
        assert 0.02 <= share <= 0.15, qid


def test_comments_are_messy(wave_2012, codebook):
    comments = _read_export(wave_2012)[codebook.questions["comments"].column]
    assert comments.str.contains(";").any() and comments.str.contains('"').any()
    assert comments.str.contains("\n").any() and comments.str.contains("[éèà]").any()


def test_routing_leaves_not_asked_blank(wave_2012, codebook):
    export = _read_export(wave_2012)
    projects = export[codebook.questions["projects_underway"].column]
    savings = export[codebook.questions["savings"].column]
    assert (savings[projects != "Oui"] == "").all()
    payment = export[codebook.questions["demat_payment"].column]
    detail = export[list(codebook.questions["payment_services"].export_columns)]
    assert (detail[~payment.isin(["Partiellement", "Totalement"])] == "").all().all()
    complete = export[codebook.export.columns["status"]] == "Complète"
    assert (savings[complete & (projects == "Oui")] != "").mean() > 0.9


def test_partial_submissions_stop_at_a_question(wave_2012, codebook):
    export = _read_export(wave_2012)
    partial = export[export[codebook.export.columns["status"]] == "Incomplète"]
    assert len(partial) >= 10
    last_questions = [c for q in list(codebook.questions.values())[-3:] for c in q.export_columns]
    assert (partial[last_questions] == "").all().all()
    answered = partial[codebook.question_columns()].ne("").sum(axis=1)
    assert answered.nunique() > 5  # they stop at different questions


def test_planted_rows_are_present(wave, codebook):
    export = _read_export(wave).set_index(codebook.export.columns["response_id"])
    cols = codebook.export.columns
    planted = wave.truth["planted"]
    names = export[cols["authority_name"]].str.lower()
    assert 2 <= len(planted["test"]) <= 3
    for rid in planted["test"]:
        assert any(marker in names[str(rid)] for marker in codebook.export.test_markers)
    assert {o["kind"] for o in planted["out_of_frame"]} == {"commune", "syndicat"}
    frame_ids = set(wave.frame["unit_id"])
    for entry in planted["out_of_frame"]:
        assert export.at[str(entry["response_id"]), cols["unit_id"]] not in frame_ids
    assert {d["kind"] for d in planted["duplicates"]} == {"partial_then_complete", "two_completes"}
    for duplicate in planted["duplicates"]:
        rows = export.loc[[str(r) for r in duplicate["response_ids"]]]
        assert len(rows) == 2 and (rows[cols["unit_id"]] == duplicate["unit_id"]).all()
        assert rows[cols["status"]].iloc[-1] == "Complète"
    assert {m["kind"] for m in planted["malformed_id"]} == {"spaces", "eight_digits", "letters"}
    for entry in planted["malformed_id"]:
        typed = export.at[str(entry["response_id"]), cols["unit_id"]]
        assert typed == entry["typed"] and typed != entry["unit_id"]
        assert not (len(typed) == 9 and typed.isdigit())
    assert (export.loc[[str(r) for r in planted["blank_id"]], cols["unit_id"]] == "").all()
    typed_names = " ".join(export[cols["authority_name"]])
    for abbreviation in ("St-", "Ville d", "Dépt", "Conseil général"):
        assert abbreviation.lower() in typed_names.lower()
    assert any(a in typed_names for a in ("CA ", "Cté d'agglo", "Communauté d'agglo."))


def test_about_a_fifth_of_the_frame_completes(wave):
    complete = (wave.units["outcome"] == "complete").mean()
    assert 0.17 <= complete <= 0.24


# --- model and truth --------------------------------------------------------------------

def test_respondent_shares_near_published_2012(wave_2012, codebook):
    shares = wave_2012.truth["respondent_shares"]
    for indicator in codebook.indicators.values():
        if indicator.published_2012 is None:
            continue
        observed = shares[indicator.id]["share"]
        assert abs(observed - indicator.published_2012) <= SHARE_TOLERANCE, indicator.id


def test_respondent_shares_recomputed_from_the_export(wave_2012, codebook):
    """The truth's respondent shares are those of the export's latest complete rows."""
    export = _read_export(wave_2012)
    cols = codebook.export.columns
    complete = export[(export[cols["status"]] == "Complète")]
    kept = complete[~complete[cols["response_id"]].astype(int).isin(
        wave_2012.truth["planted"]["test"] + [o["response_id"] for o in wave_2012.truth["planted"]["out_of_frame"]]
        + [d["response_ids"][0] for d in wave_2012.truth["planted"]["duplicates"]])]
    for iid in ("driver_elected", "savings", "measure_internal_usage"):
        indicator = codebook.indicators[iid]
        question = codebook.questions[indicator.question]
        if question.type == "multi":
            column = next(o.column for o in question.options if o.code == indicator.option)
            answered = kept[list(question.export_columns)].ne("").any(axis=1)
            share = (kept.loc[answered, column] == "Oui").mean()
        else:
            values = kept[question.column]
            valid = values.isin(question.scale.labels)
            share = (values[valid] == "Oui").mean()
        assert share == pytest.approx(wave_2012.truth["respondent_shares"][iid]["share"], abs=1e-6), iid


def test_respondents_are_more_mature_within_type(wave):
    units = wave.units[wave.frame["invitation"] == "invited"]
    means = units.assign(responded=units["outcome"] == "complete").groupby(["type", "responded"])["maturity"].mean()
    for unit_type in ("region", "departement", "communaute_agglomeration", "commune"):
        assert means[(unit_type, True)] > means[(unit_type, False)], unit_type


def test_response_depends_on_maturity_beyond_frame_variables(wave_2012):
    import statsmodels.api as sm

    units = wave_2012.units[wave_2012.frame["invitation"] == "invited"]
    frame = wave_2012.frame.loc[units.index]
    design = pd.get_dummies(frame["type"].map(TIERS), drop_first=True, dtype=float)
    design["log_population"] = np.log(frame["population"].astype(float).fillna(30_000))
    design["maturity"] = units["maturity"]
    fit = sm.Logit((units["outcome"] != "none").astype(float), sm.add_constant(design)).fit(disp=0)
    assert fit.params["maturity"] > 0 and fit.pvalues["maturity"] < 0.01


def test_truth_file_contents(wave):
    truth = wave.truth
    assert truth["synthetic"] is True and truth["seed"] == demo.DEFAULT_SEED
    assert truth["model"]["savings"]["true_conditional_odds_ratio"] == demo.TRUE_ODDS_RATIO
    assert set(truth["frame_shares"]) == set(demo.wave_codebook(wave.year).indicators)
    assert len(truth["units"]) == len(wave.frame)
    text = json.dumps(truth, ensure_ascii=False)
    assert ".example" not in text and "01 99 00" not in text


def test_census_odds_ratio(wave):
    import statsmodels.api as sm

    census = wave.truth["census_odds_ratio"]
    units, frame = wave.units, wave.frame
    keep = ((frame["invitation"] != "ineligible") & (units["projects_underway"] == 1)
            & frame["population"].notna())
    design = pd.DataFrame({"elected": units.loc[keep, "driver__elected"].astype(float),
                           "log_population": np.log(frame.loc[keep, "population"].astype(float))})
    groups = frame.loc[keep, "type"].map(TIERS)
    for group in ("intercommunal", "commune"):
        design[f"tier[{group}]"] = (groups == group).astype(float)
    fit = sm.Logit(units.loc[keep, "savings"].astype(float), sm.add_constant(design)).fit(disp=0)
    assert census["n"] == keep.sum()
    assert census["odds_ratio"] == pytest.approx(np.exp(fit.params["elected"]), rel=1e-5)
    # Leadership rises with maturity, which the analysis model cannot see.
    assert census["odds_ratio"] > 1.0


def test_true_conditional_odds_ratio_is_recovered_with_maturity(wave_2012):
    """Given maturity and log population, the frame's savings odds ratio is close to 2."""
    import statsmodels.api as sm

    units = wave_2012.units
    design = pd.DataFrame({"elected": units["driver__elected"].astype(float),
                           "maturity": units["maturity"],
                           "log_population": np.log(wave_2012.frame["population"].astype(float)
                                                    .fillna(30_000) / demo.POP_CENTRE)})
    fit = sm.Logit(units["savings"].astype(float), sm.add_constant(design)).fit(disp=0)
    low, high = np.exp(fit.conf_int().loc["elected"])
    assert low < demo.TRUE_ODDS_RATIO < high


# --- codebook and command line ----------------------------------------------------------

def test_codebook_covers_the_published_table(codebook):
    published = [i for i in codebook.indicators.values() if i.published_2012 is not None]
    assert len(published) >= 25
    assert all(0 < i.published_2012 < 1 and i.published_note for i in published)
    headlines = {i.id for i in codebook.indicators.values() if i.headline}
    assert {"driver_elected", "savings", "costs_increased", "measure_internal_usage"} <= headlines
    assert 4 <= len(headlines) <= 6
    assert any(q.asked_if for q in codebook.questions.values())
    assert {q.type for q in codebook.questions.values()} == {"single", "multi", "numeric", "text"}
    for scale in codebook.scales.values():
        assert set(scale.en) == set(scale.labels.values())


def test_command_line_writes_a_wave(tmp_path):
    from helpers.__main__ import main

    status = main(["demo", "--year", "2013", "--seed", "7", "--out-dir", str(tmp_path / "raw"),
                   "--truth", str(tmp_path / "truth.json")])
    assert status == 0
    assert (tmp_path / "raw" / "export.csv").read_bytes() == demo.generate_wave(2013, seed=7).export_bytes
    assert "SYNTHETIC" in (tmp_path / "raw" / "README.md").read_text(encoding="utf-8")


def test_refuses_to_overwrite_real_data(tmp_path, wave_2012):
    from helpers.errors import InputError

    (tmp_path / "export.csv").write_text("real data", encoding="utf-8")
    with pytest.raises(InputError, match="refusing"):
        demo.write_wave(wave_2012, tmp_path, tmp_path / "truth.json")
    assert (tmp_path / "export.csv").read_text(encoding="utf-8") == "real data"


def test_2013_questionnaire_drops_adds_and_rewords_a_question(wave_2012):
    """The 2013 wave is written from its own codebook; the reworded question's new wording moves its answers."""
    wave_2013 = demo.generate_wave(2013)
    headers = _read_export(wave_2013).columns
    assert not any(header.startswith("Q17. Utilisez-vous un coffre-fort") for header in headers)
    assert "Q17. Publiez-vous des données publiques en open data ?" in headers
    assert "Q15. Vos agents peuvent-ils télétravailler au moins un jour par semaine ?" in headers
    shares = wave_2013.truth["frame_shares"]
    assert "e_safe" not in shares and 0.1 < shares["open_data"] < 0.4
    assert shares["remote_work"] < wave_2012.truth["frame_shares"]["remote_work"] - 0.1
    assert wave_2013.truth["respondent_shares"]["open_data"]["share"] == pytest.approx(0.30, abs=SHARE_TOLERANCE)


def test_a_2013_wave_with_the_2012_questionnaire_keeps_its_wording(wave_2012):
    """Nothing is reworded, so the remote-work answers follow the model's drift only."""
    shared = demo.generate_wave(2013, codebook=load_codebook())
    assert shared.truth["frame_shares"]["remote_work"] > wave_2012.truth["frame_shares"]["remote_work"] - 0.05
    assert "e_safe" in shared.truth["frame_shares"] and "open_data" not in shared.truth["frame_shares"]
