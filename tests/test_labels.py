"""Display labels (helpers.vocabulary.DISPLAY_LABELS): every code the frame, the cleaning and the weighting give has
words, and the step figures and tables show the words, not the codes."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import vocabulary
from helpers.cleaning.clean import DISPOSITIONS as CLEANING_DISPOSITIONS
from helpers.cleaning.clean import NO_SUBMISSION, clean_wave, data_dictionary
from helpers.demo import synthetic_frame
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave
from helpers.paths import raw_dir
from helpers.report import sections, texts
from helpers.steps import plots
from helpers.steps.adjustment import METHODS
from helpers.steps.auxvars import POLITICAL_BLOCS, REGION_GROUPS, SIZE_BANDS, add_auxiliary
from helpers.steps.labels import labelled, term_label
from helpers.survey import aapor
from helpers.vocabulary import DISPLAY_LABELS, display_label

CODES = {
    "type": set(vocabulary.UNIT_TYPES),
    "type_group": set(vocabulary.TYPE_GROUPS.values()),
    "tier": set(vocabulary.TIERS.values()),
    "disposition": set(aapor.DISPOSITIONS) | set(CLEANING_DISPOSITIONS) | {d for d, _ in NO_SUBMISSION.values()},
    "size_band": {label for _, label in SIZE_BANDS},
    "political_group": set(vocabulary.POLITICAL_GROUPS),
    "political_bloc": set(POLITICAL_BLOCS.values()),
    "region_group": set(REGION_GROUPS.values()),
    "method": set(METHODS),
}


@pytest.mark.parametrize("variable", sorted(CODES))
def test_every_code_has_a_label(variable):
    assert set(DISPLAY_LABELS[variable]) == CODES[variable]
    assert set(vocabulary.COLLAPSE_ORDER.get(variable, ())) <= set(DISPLAY_LABELS[variable])


def test_labels_are_words_and_tell_codes_apart():
    for variable, labels in DISPLAY_LABELS.items():
        assert all("_" not in label and label.strip() == label and label for label in labels.values()), variable
        assert len(set(labels.values())) == len(labels), variable


def test_a_frame_and_its_auxiliary_variables_have_only_labelled_codes():
    units = add_auxiliary(synthetic_frame())
    for variable in ("type", "type_group", "tier", "size_band", "political_group", "political_bloc", "region_group"):
        assert set(units[variable].astype(str)) <= set(DISPLAY_LABELS[variable]), variable


def test_the_report_takes_its_english_labels_from_the_vocabulary():
    assert texts.TYPE_LABELS["en"] is vocabulary.TYPE_GROUP_LABELS
    assert sections.DISPOSITIONS["en"] == {d: vocabulary.DISPOSITION_LABELS[d] for d in sections.DISPOSITIONS["fr"]}
    assert texts.type_label("cu_metropole", "en") == "Urban communities and métropole"


def test_an_unknown_code_is_shown_as_delivered():
    assert display_label("type_group", "syndicat_mixte") == "syndicat_mixte"


def test_labelled_tables_keep_their_numbers():
    crosstab = pd.crosstab(pd.Series(["region", "metropole", "region"], name="type"),
                           pd.Series(["complete", "non_contact", "unknown_eligibility"], name="disposition"),
                           margins=True, margins_name="total")
    shown = labelled(crosstab)
    assert list(shown.index) == ["Métropole", "Régions", "total"]
    assert list(shown.columns) == ["Complete answers", "Invitation not delivered", "No reply (eligibility unknown)",
                                   "total"]
    assert (shown.index.name, shown.columns.name) == ("type of authority", "final disposition")
    assert (shown.to_numpy() == crosstab.to_numpy()).all()

    pairs = pd.DataFrame({"n": [3, 4]}, index=pd.MultiIndex.from_tuples(
        [("type_group", "cu_metropole"), ("political_bloc", "centre_other")], names=["variable", "category"]))
    assert labelled(pairs).index.tolist() == [("type of authority", "Urban communities and métropole"),
                                              ("political bloc of the executive", "Centre, other or unknown")]
    methods = labelled(pd.DataFrame([[0.5, 0.6]], columns=["cell", "logit"]), columns="method")
    assert list(methods.columns) == ["Weighting-class adjustment", "Logit calibration"]
    assert methods.columns.name is None


@pytest.mark.parametrize("term, words", [
    ("type_group[commune] vs communaute_agglomeration", "type of authority: Communes vs Agglomeration communities"),
    ("tier[intercommunal]", "tier of local government: Intercommunal groupings"),
    ("log_population", "population (log)"),
    ("(Intercept)", "(Intercept)"),
    ("elected", "elected"),
])
def test_model_terms_in_words(term, words):
    assert term_label(term) == words


def _texts(fig: plt.Figure) -> list[str]:
    """The legend entries and category tick labels of a figure's main axes."""
    ax = fig.axes[0]
    legend = ax.get_legend()
    shown = [t.get_text() for t in legend.get_texts()] if legend is not None else []
    if legend is not None and legend.get_title().get_text():
        shown.append(legend.get_title().get_text())
    shown += [t.get_text() for t in ax.get_yticklabels()]
    plt.close(fig)
    return shown


def _no_code(shown: list[str]) -> None:
    assert shown and not [text for text in shown if "_" in text]


def test_dispositions_figure_names_types_and_dispositions_in_words():
    units = pd.DataFrame({"type": ["region", "communaute_urbaine", "communaute_agglomeration", "metropole"],
                          "disposition": ["complete", "non_contact", "unknown_eligibility", "partial"]})
    shown = _texts(plots.dispositions_figure(units, year=2012, source="test"))
    _no_code(shown)
    assert {"Urban communities", "Agglomeration communities", "Métropole", "Régions"} <= set(shown)
    assert {"Invitation not delivered", "No reply (eligibility unknown)"} <= set(shown)


def test_response_curve_legend_names_type_groups_in_words():
    index = pd.MultiIndex.from_product([["all", "communaute_agglomeration", "cu_metropole"], range(3)],
                                       names=["group", "day"])
    curve = pd.DataFrame({"rate": np.linspace(0, 0.3, 9)}, index=index)
    contacts = pd.DataFrame({"contact": ["invitation", "reminder 1"], "date": ["2012-09-10", "2012-09-11"],
                             "day": [0, 1]})
    shown = _texts(plots.response_curve_figure(curve, contacts, 2, "type_group", year=2012, source="test"))
    _no_code(shown)
    assert shown[:3] == ["all authorities", "Agglomeration communities", "Urban communities and métropole"]


def test_category_figures_name_variables_and_categories_in_words():
    index = pd.MultiIndex.from_tuples([("type_group", "cu_metropole"), ("size_band", ">=500k"),
                                       ("political_bloc", "centre_other")], names=["variable", "category"])
    rates = pd.DataFrame({"rate": [0.2, 0.3, 0.4], "wilson_low": [0.1, 0.2, 0.3], "wilson_high": [0.3, 0.4, 0.5]},
                         index=index)
    shown = _texts(plots.response_rates_figure(rates, 0.25, year=2012, level_text="95%", source="test"))
    _no_code(shown)
    assert "population band: 500,000 inhabitants or more" in shown
    shown = _texts(plots.r_indicators_figure(pd.DataFrame({"unconditional": [0.1, -0.1, 0.0]}, index=index),
                                             year=2012, source="test"))
    _no_code(shown)
    assert "type of authority: Urban communities and métropole" in shown


def test_weights_figure_names_methods_in_words():
    shown = _texts(plots.weights_figure({"cell": np.array([1.0, 2.0]), "poststratification": np.array([1.5, 2.5])},
                                        year=2012, source="test"))
    assert shown == ["Weighting-class adjustment", "Post-stratification"]


def test_every_code_of_the_cleaning_has_a_label():
    """The missing reasons in the cleaned demo answers and in the data dictionary, the counts by step and the ways
    of linking of the cleaning's summary."""
    source = raw_dir(2012)
    wave = load_wave(2012)
    codebook = load_codebook()
    cleaned = clean_wave(source / "frame.csv", source / "export.csv", codebook, wave.section("cleaning"),
                         wave.section("fieldwork"))
    reasons = set(pd.unique(cleaned.answers.filter(like="__missing").to_numpy().ravel())) - {None, ""}
    reasons = {reason for reason in reasons if isinstance(reason, str)}
    assert reasons and reasons <= set(vocabulary.MISSING_REASON_LABELS)
    documented = set(data_dictionary(codebook).query("type == 'missing reason'")["codes"])
    assert documented == {"empty = answered; not_asked; not_answered; dont_know; not_applicable; invalid"}
    assert labelled(pd.DataFrame([[1, 2]], columns=["dont_know", "not_asked"]), columns="missing_reason").columns \
        .tolist() == ["Don't know", "Not asked (routed past)"]
    assert list(cleaned.summary["steps"]) == list(vocabulary.CLEANING_STEP_LABELS)
    assert list(cleaned.summary["linkage"]) == list(vocabulary.LINKAGE_LABELS)
    steps = pd.Series(cleaned.summary["steps"], name="submissions").rename_axis("step").to_frame()
    shown = labelled(steps, index="cleaning_step")
    assert shown.index.name == "step" and shown.index[0] == "Submissions read"
    assert shown["submissions"].tolist() == steps["submissions"].tolist()
