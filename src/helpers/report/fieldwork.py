"""The report's section on fieldwork and level of effort: its prose values, tables and figures.

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

from helpers.report.display import Chart, finish_figure
from helpers.report.formatting import bracket, count, long_date, number, percent, points
from helpers.report.sections import ReportSetup
from helpers.report.suppression import shown_rows, small_cell_note, suppress_small_cells
from helpers.report.texts import type_label

# How a contact is named in a sentence and in a table: the invitation, then "reminder {k}".
CONTACT_NAMES = {"sentence": {"fr": ("L'invitation", "La relance {}"), "en": ("The invitation", "Reminder {}")},
                 "table": {"fr": ("Invitation", "Relance {}"), "en": ("Invitation", "Reminder {}")}}
# How an effort level (the number of reminders sent before an answer) is named.
LEVEL_NAMES = {"fr": ("avant la 1re relance", "après la relance {}"),
               "en": ("before the 1st reminder", "after reminder {}")}


def fieldwork_results(setup: ReportSetup) -> dict[str, Any]:
    """The ``fieldwork`` section of the results (empty when step 02 wrote none)."""
    return setup.results.get("fieldwork", {})


def curve_available(setup: ReportSetup) -> bool:
    """Whether the response curve could be drawn (every respondent has a day within fieldwork)."""
    return bool(fieldwork_results(setup).get("available"))


def effort_available(setup: ReportSetup) -> bool:
    """Whether, in addition, the wave had reminders, hence effort levels."""
    return bool(fieldwork_results(setup).get("effort_available"))


def _last_day(curve: dict[str, dict]) -> dict:
    """The point of a curve (keyed by day as text) on the last day of fieldwork."""
    return curve[max(curve, key=int)]


def _days(curve: dict[str, dict]) -> list[str]:
    return sorted(curve, key=int)


def _contacts(fw: dict[str, Any]) -> list[tuple[str, dict]]:
    """The contacts in the order they went out."""
    return sorted(fw["contacts"].items(), key=lambda item: item[1]["day"])


def _ordered(by_contact: dict[str, dict], fw: dict[str, Any]) -> list[tuple[str, dict]]:
    return [(name, by_contact[name]) for name, _ in _contacts(fw) if name in by_contact]


def _contact_name(contact: str, lang: str, form: str = "table") -> str:
    invitation, reminder = CONTACT_NAMES[form][lang]
    return invitation if contact == "invitation" else reminder.format(contact.removeprefix("reminder "))


def _levels(fw: dict[str, Any]) -> list[str]:
    """The effort levels of the cumulative estimates, in order (keys of the results)."""
    return sorted(fw["cumulative"]["unweighted"], key=int)


def _estimate_at(fw: dict[str, Any], level: str, indicator: str) -> dict:
    """An indicator's cumulative estimate at an effort level: weighted, or unweighted where the weighting could
    not be redone at that level."""
    weighted = fw["cumulative"].get("weighted", {}).get(level, {}).get(indicator)
    return weighted or fw["cumulative"]["unweighted"][level][indicator]


def _level_name(level: str, lang: str) -> str:
    before, after = LEVEL_NAMES[lang]
    return before if int(level) == 0 else after.format(level)


def _shown_groups(setup: ReportSetup) -> list[str]:
    """The curve's groups a figure may show: all authorities, and the types of authority that the table of
    response by type shows (neither fewer respondents than the threshold nor their complement)."""
    curves = fieldwork_results(setup)["curve"]
    types = [group for group in curves if group != "all"]
    shown = shown_rows([_last_day(curves[group])["respondents"] for group in types], setup.threshold)
    return ["all", *(group for group, keep in zip(types, shown) if keep)]


def _group_name(group: str, lang: str) -> str:
    return {"fr": "toutes collectivités", "en": "all authorities"}[lang] if group == "all" else type_label(group, lang)


def fieldwork_text(setup: ReportSetup, part: str) -> str:
    """One block of the ``fieldwork`` template with the values it states."""
    fw = fieldwork_results(setup)
    values: dict[str, Any] = {"fw": {"respondents_without_time": fw.get("respondents_without_time", 0),
                                     "respondents_outside_fieldwork": fw.get("respondents_outside_fieldwork", 0)},
                              "breaks": fw.get("break_offs", {"total": 0})}
    if curve_available(setup):
        values["final_rate"] = _last_day(fw["curve"]["all"])["rate"]
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
    lang, fw = setup.lang, fieldwork_results(setup)
    columns = {"fr": ("Envoi", "Date", "Réponses obtenues", "Part des répondants", "RR2 avant", "RR2 après"),
               "en": ("Contact", "Date", "Answers gained", "Share of respondents", "RR2 before", "RR2 after")}[lang]
    return pd.DataFrame([(_contact_name(name, lang), long_date(row["date"], lang), count(row["respondents"], lang),
                          percent(row["share_of_respondents"], lang, 0), percent(row["rate_before"], lang),
                          percent(row["rate_after"], lang))
                         for name, row in _ordered(fw["gains"], fw)], columns=list(columns))


def cumulative_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Each headline indicator on the respondents by each effort level, unweighted and weighted with its interval.

    One row per indicator and level, as ``nrba::get_cumulative_estimates`` gives them; at a level where the
    weighting could not be redone, the weighted share is ``–`` and the interval the unweighted one. Returns the
    table and its note.
    """
    lang, fw = setup.lang, fieldwork_results(setup)
    weighted, unweighted = fw["cumulative"].get("weighted", {}), fw["cumulative"]["unweighted"]
    columns = {"fr": ("Indicateur", "Répondants pris en compte", "n", "Non pondéré", "Pondéré",
                      f"Intervalle à {setup.shown_level}"),
               "en": ("Indicator", "Respondents included", "n", "Unweighted", "Weighted",
                      f"{setup.shown_level} interval")}[lang]
    rows = []
    for indicator in setup.results["response_bias"]["headline"]:
        for level in _levels(fw):
            plain, shown = unweighted[level][indicator], _estimate_at(fw, level, indicator)
            adjusted = weighted.get(level, {}).get(indicator)
            weighted_share = "–" if adjusted is None else percent(adjusted["estimate"], lang)
            rows.append((setup.labels[indicator], _level_name(level, lang), count(plain["n"], lang),
                         percent(plain["estimate"], lang), weighted_share,
                         bracket(shown["ci_low"], shown["ci_high"], lang)))
    table, suppressed = suppress_small_cells(pd.DataFrame(rows, columns=list(columns)), "n", list(columns[3:]),
                                             setup.threshold)
    note = small_cell_note(suppressed, setup.threshold, lang) + {
        "fr": " n : réponses valides à l'indicateur parmi les répondants pris en compte. Intervalle de la part "
              "pondérée ; – : pondération impossible à ce niveau, l'intervalle est alors celui de la part sans "
              "pondération.",
        "en": " n: valid answers to the indicator among the respondents included. Interval of the weighted share; "
              "–: no weighting possible at that level, the interval is then that of the unweighted share."}[lang]
    return table, note


def effort_trend_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Each headline indicator's design-based linear trend on the effort level, unweighted and weighted."""
    lang, trends = setup.lang, fieldwork_results(setup)["trends"]
    columns = {"fr": ("Indicateur", "Pente non pondérée", "p (non pondéré)", "Pente pondérée",
                      f"Intervalle à {setup.shown_level} (pondéré)", "p (pondéré)"),
               "en": ("Indicator", "Unweighted slope", "p (unweighted)", "Weighted slope",
                      f"{setup.shown_level} interval (weighted)", "p (weighted)")}[lang]

    def slope(row: dict) -> tuple[str, ...]:
        if row["slope"] is None:
            return ("–", "–")
        # No p-value when the answer does not vary among the respondents (a slope of 0 with a standard error of 0).
        return (points(row["slope"], lang), "–" if row["p_value"] is None else number(row["p_value"], lang, 3))

    rows = []
    for indicator in setup.results["response_bias"]["headline"]:
        plain, adjusted = trends["unweighted"][indicator], trends["weighted"][indicator]
        interval = ("–" if adjusted["slope"] is None else
                    bracket(adjusted["ci_low"], adjusted["ci_high"], lang, "points"))
        weighted_slope, weighted_p = slope(adjusted)
        rows.append((setup.labels[indicator], *slope(plain), weighted_slope, interval, weighted_p))
    note = {"fr": "Pente : variation de l'indicateur, en points, par relance supplémentaire nécessaire à la "
                  "réponse (régression linéaire de la réponse sur le niveau d'effort, fondée sur le plan) ; p : "
                  "test de pente nulle.",
            "en": "Slope: change of the indicator, in points, per additional reminder needed for the answer "
                  "(design-based linear regression of the answer on the effort level); p: test of a zero "
                  "slope."}[lang]
    return pd.DataFrame(rows, columns=list(columns)), note


def early_late_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Headline indicators among early and late respondents (unweighted), standardised difference, Fisher p."""
    lang, rows = setup.lang, fieldwork_results(setup)["early_late"]["indicators"]
    columns = {"fr": ("Indicateur", "Précoces", "n précoces", "Tardifs", "n tardifs", "Différence standardisée",
                      "p (Fisher)"),
               "en": ("Indicator", "Early", "n early", "Late", "n late", "Standardised difference",
                      "p (Fisher)")}[lang]
    compared = [i for i in setup.results["response_bias"]["headline"] if i in rows]
    table = pd.DataFrame([(setup.labels[i], percent(rows[i]["early"], lang), count(rows[i]["n_early"], lang),
                           percent(rows[i]["late"], lang), count(rows[i]["n_late"], lang),
                           number(rows[i]["late_vs_early"], lang, 2), number(rows[i]["p_value"], lang, 3))
                          for i in compared], columns=list(columns))
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


def response_curve_figure(setup: ReportSetup) -> Chart:
    """Cumulative RR2 by day of fieldwork, overall and by type of authority, reminders marked.

    The types of authority that the table of response by type hides (small, or their complement) are left out.
    """
    lang, fw = setup.lang, fieldwork_results(setup)
    groups = _shown_groups(setup)
    fig, ax = plt.subplots(figsize=(9, 4.6))
    for group in groups:
        curve = fw["curve"][group]
        days = _days(curve)
        overall = group == "all"
        ax.step([int(day) for day in days], [100 * curve[day]["rate"] for day in days], where="post",
                label=_group_name(group, lang), linewidth=2.4 if overall else 1.2,
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
    day_column = {"fr": "Jour du terrain", "en": "Day of fieldwork"}[lang]
    data = pd.DataFrame([(count(int(day), lang), *(percent(fw["curve"][group][day]["rate"], lang) for group in groups))
                         for day in _days(fw["curve"]["all"])],
                        columns=[day_column, *(_group_name(group, lang) for group in groups)])
    final = _last_day(fw["curve"]["all"])["rate"]
    reminders = len(contacts) - 1
    description = {
        "fr": f"Une courbe en escalier par groupe : la part des collectivités éligibles ayant répondu à chaque "
              f"jour du terrain, jusqu'à {percent(final, lang)} pour toutes les collectivités à la clôture ; les "
              f"{reminders} relances sont marquées par des lignes pointillées, après lesquelles les courbes "
              "remontent.",
        "en": f"One step curve per group: the share of eligible authorities that had answered on each day of "
              f"fieldwork, up to {percent(final, lang)} for all authorities at the close; the {reminders} reminders "
              "are marked by dotted lines, after which the curves rise again.",
    }[lang]
    return Chart(fig, "response_curve", data, description, lang)


def cumulative_figure(setup: ReportSetup) -> Chart:
    """Each headline indicator, weighted, on the respondents by each effort level, with its interval (indicators
    resting on fewer respondents than the small-cell threshold at the first level left out)."""
    lang, fw = setup.lang, fieldwork_results(setup)
    unweighted = fw["cumulative"]["unweighted"]
    levels = _levels(fw)
    shown = [i for i in setup.results["response_bias"]["headline"]
             if unweighted[levels[0]][i]["n"] >= setup.threshold]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    width = 0.6 / max(len(shown), 1)
    for k, indicator in enumerate(shown):
        rows = pd.DataFrame({int(level): _estimate_at(fw, level, indicator) for level in levels}).T.astype(float)
        x = rows.index.to_numpy(dtype=float) + (k - (len(shown) - 1) / 2) * width
        ax.errorbar(x, 100 * rows["estimate"], fmt="o-", capsize=3, label=textwrap.fill(setup.labels[indicator], 34),
                    yerr=100 * np.vstack([rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]]))
    ax.set_xticks([int(level) for level in levels], [textwrap.fill(_level_name(level, lang), 14) for level in levels],
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
    columns = {"fr": ("Indicateur", "Répondants pris en compte", "Estimation", "borne basse", "borne haute"),
               "en": ("Indicator", "Respondents included", "Estimate", "lower bound", "upper bound")}[lang]
    data = pd.DataFrame([(setup.labels[i], _level_name(level, lang),
                          *(percent(_estimate_at(fw, level, i)[key], lang)
                            for key in ("estimate", "ci_low", "ci_high")))
                         for i in shown for level in levels], columns=list(columns))
    description = {
        "fr": f"Pour chacun des {len(shown)} indicateurs principaux, sa part pondérée et son intervalle sur les "
              f"répondants de chacun des {len(levels)} niveaux d'effort, du premier (avant la 1re relance) à "
              "l'ensemble des réponses : une série qui monte ou descend d'un niveau à l'autre signale que les "
              "répondants tardifs répondent autrement que les précoces.",
        "en": f"For each of the {len(shown)} headline indicators, its weighted share and interval on the "
              f"respondents of each of the {len(levels)} effort levels, from the first (before the 1st reminder) "
              "to the whole response: a series that rises or falls from one level to the next shows late "
              "respondents answering differently from early ones.",
    }[lang]
    return Chart(fig, "cumulative", data, description, lang)
