"""The report's section on fieldwork and level of effort: its prose values, tables and response-curve figure.

Everything comes from the ``fieldwork`` section of ``results.json`` that step 02 writes
(:mod:`helpers.steps.fieldwork`); a wave without usable submission times, or results written before that
section existed, gets the section's "unavailable" text and the break-offs only.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.display import finish_figure
from helpers.report.suppression import small_cell_note, suppress_small_cells
from helpers.report.formatting import bracket, count, number, percent
from helpers.report.sections import ReportSetup
from helpers.report.texts import type_label

# How a contact is named in a sentence and in a table: the invitation, then "reminder {k}".
CONTACT_NAMES = {"sentence": {"fr": ("L'invitation", "La relance {}"), "en": ("The invitation", "Reminder {}")},
                 "table": {"fr": ("Invitation", "Relance {}"), "en": ("Invitation", "Reminder {}")}}


def fieldwork_results(setup: ReportSetup) -> dict[str, Any]:
    """The ``fieldwork`` section of the results (empty when step 02 wrote none)."""
    return setup.results.get("fieldwork", {})


def curve_available(setup: ReportSetup) -> bool:
    """Whether the response curve could be drawn (every respondent has a day within fieldwork)."""
    return bool(fieldwork_results(setup).get("available"))


def effort_available(setup: ReportSetup) -> bool:
    """Whether, in addition, the wave had reminders, hence effort levels."""
    return bool(fieldwork_results(setup).get("effort_available"))


def _by_day(curve: dict[str, dict]) -> pd.DataFrame:
    """A curve of the results (keyed by day as text, in the file's key order) as a table in day order."""
    table = pd.DataFrame(curve).T
    table.index = table.index.astype(int)
    return table.sort_index()


def _contacts(fw: dict[str, Any]) -> list[tuple[str, dict]]:
    """The contacts in the order they went out."""
    return sorted(fw["contacts"].items(), key=lambda item: item[1]["day"])


def _ordered(by_contact: dict[str, dict], fw: dict[str, Any]) -> list[tuple[str, dict]]:
    return [(name, by_contact[name]) for name, _ in _contacts(fw) if name in by_contact]


def _contact_name(contact: str, lang: str, form: str = "table") -> str:
    invitation, reminder = CONTACT_NAMES[form][lang]
    return invitation if contact == "invitation" else reminder.format(contact.removeprefix("reminder "))


def fieldwork_text(setup: ReportSetup, part: str) -> str:
    """One block of the ``fieldwork`` template with the values it states."""
    fw = fieldwork_results(setup)
    values: dict[str, Any] = {"fw": {"respondents_without_time": fw.get("respondents_without_time", 0),
                                     "respondents_outside_fieldwork": fw.get("respondents_outside_fieldwork", 0)},
                              "breaks": fw.get("break_offs", {"total": 0})}
    if curve_available(setup):
        values["final_rate"] = float(_by_day(fw["curve"]["all"])["rate"].iloc[-1])
        values["gains"] = [{"name": _contact_name(name, setup.lang, "sentence"),
                            "date": row["date"], "respondents": row["respondents"],
                            "share": row["share_of_respondents"], "before": row["rate_before"],
                            "after": row["rate_after"]} for name, row in _ordered(fw["gains"], fw)]
    if effort_available(setup):
        weighted = fw["trends"]["weighted"]
        values["significant"] = [{"label": setup.labels[i], "slope": row["slope"], "p": row["p_value"]}
                                 for i, row in weighted.items()
                                 if row["p_value"] is not None and row["p_value"] < 1 - setup.level]
        values["counts"] = fw["early_late"]["counts"]
        values["distance"] = fw["early_late"]["distance"]
    return setup.text("fieldwork", part, **values)


def gains_table(setup: ReportSetup) -> pd.DataFrame:
    """Respondents gained after the invitation and each reminder, with the cumulative RR2 before and after."""
    lang = setup.lang
    columns = {"fr": ("Envoi", "Date", "Réponses obtenues", "Part des répondants", "RR2 avant", "RR2 après"),
               "en": ("Contact", "Date", "Answers gained", "Share of respondents", "RR2 before", "RR2 after")}[lang]
    return pd.DataFrame([(_contact_name(name, lang), row["date"], count(row["respondents"], lang),
                          percent(row["share_of_respondents"], lang, 0), percent(row["rate_before"], lang),
                          percent(row["rate_after"], lang))
                         for name, row in _ordered(fieldwork_results(setup)["gains"], fieldwork_results(setup))],
                        columns=list(columns))


def cumulative_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Each headline indicator, weighted, on the respondents by each effort level, and the trend's p-value."""
    lang, fw = setup.lang, fieldwork_results(setup)
    weighted, unweighted = fw["cumulative"].get("weighted", {}), fw["cumulative"]["unweighted"]
    levels = sorted(unweighted, key=int)
    names = {"fr": {"0": "avant la 1re relance"}, "en": {"0": "before the 1st reminder"}}[lang]
    heading = {"fr": "après la relance {}", "en": "after reminder {}"}[lang]
    columns = [{"fr": "Indicateur", "en": "Indicator"}[lang], "n"]
    columns += [names.get(level, heading.format(level)) for level in levels]
    columns += [{"fr": "Pente par relance (p)", "en": "Slope per reminder (p)"}[lang]]
    rows = []
    for indicator in setup.results["response_bias"]["headline"]:
        cells = []
        for level in levels:
            estimate = weighted.get(level, {}).get(indicator) or unweighted[level][indicator]
            cells.append(f"{percent(estimate['estimate'], lang)} "
                         f"{bracket(estimate['ci_low'], estimate['ci_high'], lang)}"
                         + ("" if level in weighted else " *"))
        trend = fw["trends"]["weighted"][indicator]
        slope = ("–" if trend["slope"] is None else
                 f"{number(100 * trend['slope'], lang, 1)} ({number(trend['p_value'], lang, 3)})")
        rows.append((setup.labels[indicator], unweighted[levels[0]][indicator]["n"], *cells, slope))
    table = pd.DataFrame(rows, columns=columns)
    shown, suppressed = suppress_small_cells(table, "n", columns[2:3], setup.threshold)
    note = small_cell_note(suppressed, setup.threshold, lang)
    note += {"fr": " n : répondants avant la première relance. Estimations pondérées, intervalles à "
                   f"{setup.shown_level} ; * : sans pondération (pondération impossible à ce niveau). Pente en "
                   "points par relance, régression linéaire fondée sur le plan.",
             "en": " n: respondents before the first reminder. Weighted estimates with "
                   f"{setup.shown_level} intervals; *: unweighted (no weighting possible at that level). Slope in "
                   "points per reminder, design-based linear regression."}[lang]
    return shown, note


def early_late_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Headline indicators among early and late respondents (unweighted), standardised difference, Fisher p."""
    lang, rows = setup.lang, fieldwork_results(setup)["early_late"]["indicators"]
    columns = {"fr": ("Indicateur", "Précoces", "n précoces", "Tardifs", "n tardifs", "Différence standardisée",
                      "p (Fisher)"),
               "en": ("Indicator", "Early", "n early", "Late", "n late", "Standardised difference",
                      "p (Fisher)")}[lang]
    table = pd.DataFrame([(setup.labels[i], percent(row["early"], lang), row["n_early"], percent(row["late"], lang),
                           row["n_late"], number(row["late_vs_early"], lang, 2), number(row["p_value"], lang, 3))
                          for i, row in ((i, rows[i]) for i in setup.results["response_bias"]["headline"] if i in rows)],
                         columns=list(columns))
    shown, first = suppress_small_cells(table, columns[2], [columns[1], *columns[5:]], setup.threshold)
    shown, second = suppress_small_cells(shown, columns[4], [columns[3], *columns[5:]], setup.threshold)
    return shown, small_cell_note(max(first, second), setup.threshold, lang)


def break_off_table(setup: ReportSetup) -> pd.DataFrame:
    """Break-offs by the last question answered, in questionnaire order."""
    lang = setup.lang
    columns = {"fr": ("Dernière question répondue", "Questionnaires arrêtés", "Part"),
               "en": ("Last question answered", "Submissions stopped", "Share")}[lang]
    rows = []
    stops = fieldwork_results(setup).get("break_offs", {}).get("by_question", {})
    for question, row in sorted(stops.items(), key=lambda item: item[1]["position"]):
        wording = "" if question == "(none)" else (setup.codebook.questions[question].fr if lang == "fr"
                                                   else row["question"])
        label = {"fr": "(aucune)", "en": "(none)"}[lang] if question == "(none)" else f"Q{row['position']}. {wording}"
        rows.append((label, count(row["break_offs"], lang), percent(row["share"], lang, 0)))
    return pd.DataFrame(rows, columns=list(columns))


def response_curve_figure(setup: ReportSetup) -> plt.Figure:
    """Cumulative RR2 by day of fieldwork, overall and by type of authority (types with fewer respondents than
    the small-cell threshold left out), reminders marked."""
    lang, fw = setup.lang, fieldwork_results(setup)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    for group, curve in fw["curve"].items():
        points = _by_day(curve)
        if group != "all" and points["respondents"].iloc[-1] < setup.threshold:
            continue
        overall = group == "all"
        ax.step(points.index, 100 * points["rate"].astype(float), where="post",
                label={"fr": "toutes collectivités", "en": "all authorities"}[lang] if overall
                else type_label(group, lang), linewidth=2.4 if overall else 1.2,
                color="black" if overall else None, zorder=3 if overall else 2)
    contacts = _contacts(fw)
    for name, contact in contacts[1:]:
        ax.axvline(contact["day"], color="0.4", linestyle=":", linewidth=1)
        ax.annotate(_contact_name(name, lang).lower(), (contact["day"], ax.get_ylim()[1]), xytext=(3, -3),
                    textcoords="offset points", va="top", fontsize=8, color="0.3")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    start = contacts[0][1]["date"]
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Taux de réponse cumulé (RR2) au fil du terrain, {setup.year}, par type de collectivité",
               "en": f"Cumulative response rate (RR2) over fieldwork, {setup.year}, by type of authority"}[lang],
        xlabel={"fr": f"jours depuis la première invitation ({start})",
                "en": f"days since the first invitation ({start})"}[lang],
        ylabel={"fr": "taux de réponse cumulé (%)", "en": "cumulative response rate (%)"}[lang],
        source=f"{setup.source}{setup.separator}results.json")
    return fig


def cumulative_figure(setup: ReportSetup) -> plt.Figure:
    """Each headline indicator, weighted, on the respondents by each effort level, with its interval (indicators
    resting on fewer respondents than the small-cell threshold before the first reminder left out)."""
    lang, fw = setup.lang, fieldwork_results(setup)
    unweighted, weighted = fw["cumulative"]["unweighted"], fw["cumulative"].get("weighted", {})
    levels = sorted(unweighted, key=int)
    shown = [i for i in setup.results["response_bias"]["headline"]
             if unweighted[levels[0]][i]["n"] >= setup.threshold]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    width = 0.6 / max(len(shown), 1)
    for k, indicator in enumerate(shown):
        rows = pd.DataFrame({int(level): (weighted.get(level) or unweighted[level])[indicator]
                             for level in levels}).T.astype(float)
        x = rows.index.to_numpy(dtype=float) + (k - (len(shown) - 1) / 2) * width
        ax.errorbar(x, 100 * rows["estimate"], fmt="o-", capsize=3, label=textwrap.fill(setup.labels[indicator], 34),
                    yerr=100 * np.vstack([rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]]))
    names = {"fr": ("avant la 1re relance", "après la relance {}"), "en": ("before the 1st reminder",
                                                                         "after reminder {}")}[lang]
    ax.set_xticks([int(level) for level in levels],
                  [textwrap.fill(names[0] if level == "0" else names[1].format(level), 14) for level in levels],
                  fontsize=9)
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Indicateurs principaux pondérés selon l'effort de collecte, {setup.year} (intervalles à "
                     f"{setup.shown_level})",
               "en": f"Weighted headline indicators by effort level, {setup.year} ({setup.shown_level} "
                     "intervals)"}[lang],
        xlabel={"fr": "répondants pris en compte (niveau d'effort cumulé)",
                "en": "respondents included (cumulative effort level)"}[lang],
        ylabel={"fr": "part des réponses valides (%)", "en": "share of valid answers (%)"}[lang],
        source=f"{setup.source}{setup.separator}results.json")
    return fig
