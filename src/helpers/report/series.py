"""The report's section on the series of waves: its prose values, tables and figure.

Everything comes from the ``series`` section of ``results.json`` that the year-on-year and series step writes
(:mod:`helpers.steps.series`): each indicator's weighted estimates in every wave that measured it alike, its
change over the series and the panel of respondents. A first wave, or results written before that section
existed, gets the section's "unavailable" text.
"""

from __future__ import annotations

import textwrap
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.report.display import Chart, finish_figure
from helpers.report.formatting import bracket, count, formatted_value, percent, points
from helpers.report.sections import ReportSetup
from helpers.report.suppression import small_cell_note, suppress_small_cells
from helpers.report.tracing import derived


def series_results(setup: ReportSetup) -> dict[str, Any]:
    """The ``series`` section of the results (empty when the step wrote none)."""
    return setup.results.get("series", {})


def series_available(setup: ReportSetup) -> bool:
    """Whether earlier waves were there to set the current one beside."""
    return bool(series_results(setup).get("available"))


def headline_series(setup: ReportSetup) -> list[str]:
    """The headline indicators with at least two waves of their series resting on enough respondents to be shown
    (the small-cell threshold): those the series table and figure show."""
    estimates = series_results(setup)["estimates"]
    return [i for i in setup.results["response_bias"]["headline"]
            if sum(row["n"] >= setup.threshold for row in estimates.get(i, {}).values()) >= 2]


def _years(series: dict) -> list[str]:
    return sorted(series, key=int)


def series_text(setup: ReportSetup, part: str) -> str:
    """One block of the ``series`` template with the values it states."""
    section = series_results(setup)
    values: dict[str, Any] = {}
    if series_available(setup):
        years = section["years"]
        values["years"] = years
        values["gaps"] = any(later - earlier > 1 for earlier, later in zip(years, years[1:]))
        values["broken"] = [{"label": setup.labels[i], "since": span["break_year"], "reason": span["break_reason"]}
                            for i, span in section["spans"].items() if span["break_reason"] and i in setup.labels]
        answered = section["waves_answered"]
        values["authorities"] = derived(sum(answered.values()), answered.values())
        values["every_wave"] = answered[max(answered, key=int)]
        changes, estimates = section["changes"], section["estimates"]
        values["established"] = [
            {"label": setup.labels[i], "since": row["first_year"], "difference": row["difference"]}
            for i, row in changes.items()
            if (row["ci_low"] > 0 or row["ci_high"] < 0) and _smallest_n(estimates[i], row) >= setup.threshold]
    return setup.text("series", part, **values)


def _smallest_n(series: dict, change: dict) -> int:
    """The fewer respondents of the two waves a change over the series compares."""
    return min(series[str(change["first_year"])]["n"], series[max(series, key=int)]["n"])


def series_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Each headline indicator in every wave of its series: respondents, weighted share and interval.

    One row per indicator and wave (long form, as each wave's ``response_bias.estimates.weighted`` gives it);
    returns the table and its note.
    """
    lang, estimates = setup.lang, series_results(setup)["estimates"]
    columns = {"fr": ("Indicateur", "Vague", "n", "Part pondérée", f"Intervalle à {setup.shown_level}"),
               "en": ("Indicator", "Wave", "n", "Weighted share", f"{setup.shown_level} interval")}[lang]
    rows = [(setup.labels[i], formatted_value(row["year"], "year", lang), count(row["n"], lang),
             percent(row["estimate"], lang), bracket(row["ci_low"], row["ci_high"], lang))
            for i in headline_series(setup) for row in (estimates[i][year] for year in _years(estimates[i]))]
    table, suppressed = suppress_small_cells(pd.DataFrame(rows, columns=list(columns)), "n", list(columns[3:]),
                                             setup.threshold)
    note = small_cell_note(suppressed, setup.threshold, lang) + {
        "fr": " Chaque vague avec sa propre pondération et son propre intervalle ; n : réponses valides.",
        "en": " Each wave with its own weighting and interval; n: valid answers."}[lang]
    return table, note


def series_change_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Every indicator's change from the first wave of its series to this one, with both intervals."""
    lang, section = setup.lang, series_results(setup)
    changes, estimates = section["changes"], section["estimates"]
    columns = {"fr": ("Indicateur", "Depuis", "Part à la première vague", str(setup.year), "Écart",
                      f"Intervalle à {setup.shown_level} (points)", "Intervalle si vagues indépendantes (points)",
                      "n min."),
               "en": ("Indicator", "Since", "Share in the first wave", str(setup.year), "Difference",
                      f"{setup.shown_level} interval (points)", "Interval if independent waves (points)",
                      "min. n")}[lang]
    rows = []
    for indicator in [i for i in setup.codebook.indicators if i in changes]:
        row, series = changes[indicator], estimates[indicator]
        smallest = _smallest_n(series, row)
        rows.append((setup.labels[indicator], formatted_value(row["first_year"], "year", lang),
                     percent(row["first"], lang), percent(row["current"], lang), points(row["difference"], lang),
                     bracket(row["ci_low"], row["ci_high"], lang, "points"),
                     bracket(row["ci_low_independent"], row["ci_high_independent"], lang, "points"),
                     count(smallest, lang)))
    table, suppressed = suppress_small_cells(pd.DataFrame(rows, columns=list(columns)), columns[-1],
                                             list(columns[2:7]), setup.threshold)
    return table, small_cell_note(suppressed, setup.threshold, lang)


def panel_table(setup: ReportSetup) -> pd.DataFrame:
    """The respondents of each wave by their history: answered the previous wave read, first answer, back after a
    gap (the three add up to the respondents), and those that answered every wave."""
    lang, history = setup.lang, series_results(setup)["panel"]
    columns = {"fr": ("Vague", "Répondants", "dont répondants à la vague précédente", "dont premières réponses",
                      "dont retours après une absence", "Répondants à toutes les vagues depuis la première"),
               "en": ("Wave", "Respondents", "of which respondents of the previous wave", "of which first answers",
                      "of which back after missing a wave", "Respondents of every wave since the first")}[lang]
    return pd.DataFrame([(formatted_value(history[year]["year"], "year", lang),
                          *(count(history[year][key], lang)
                            for key in ("respondents", "answered_previous", "first_time", "returned", "every_wave")))
                         for year in _years(history)], columns=list(columns))


def series_figure(setup: ReportSetup) -> Chart:
    """Each headline indicator's weighted share over the waves of its series, with its intervals.

    A point resting on fewer respondents than the small-cell threshold is left out, as the table hides it.
    """
    lang, estimates = setup.lang, series_results(setup)["estimates"]
    shown = headline_series(setup)
    years = [int(year) for year in series_results(setup)["years"]]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    width = 0.3 / max(len(shown), 1)
    plotted = []
    for k, indicator in enumerate(shown):
        kept = [year for year in _years(estimates[indicator]) if estimates[indicator][year]["n"] >= setup.threshold]
        rows = pd.DataFrame({int(year): estimates[indicator][year] for year in kept}).T.astype(float)
        x = rows.index.to_numpy(dtype=float) + (k - (len(shown) - 1) / 2) * width
        ax.errorbar(x, 100 * rows["estimate"], fmt="o-", capsize=3, label=textwrap.fill(setup.labels[indicator], 34),
                    yerr=100 * np.vstack([rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]]))
        plotted += [(indicator, year) for year in kept]
    ax.set_xticks(years, [str(year) for year in years])
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    first, last = years[0], years[-1]
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Indicateurs principaux pondérés, vagues {first} à {last} (intervalles à "
                     f"{setup.shown_level})",
               "en": f"Weighted headline indicators, waves {first} to {last} ({setup.shown_level} intervals)"}[lang],
        xlabel={"fr": "vague du baromètre", "en": "wave of the barometer"}[lang],
        ylabel={"fr": "part des réponses valides (%)", "en": "share of valid answers (%)"}[lang],
        source=f"{setup.source}{setup.separator}"
        + {"fr": "results.json de chaque vague", "en": "results.json of every wave"}[lang])
    columns = {"fr": ("Indicateur", "Vague", "Part pondérée", "borne basse", "borne haute"),
               "en": ("Indicator", "Wave", "Weighted share", "lower bound", "upper bound")}[lang]
    data = pd.DataFrame([(setup.labels[i], formatted_value(estimates[i][year]["year"], "year", lang),
                          *(percent(estimates[i][year][key], lang) for key in ("estimate", "ci_low", "ci_high")))
                         for i, year in plotted], columns=list(columns))
    description = {
        "fr": f"Pour chacun des {len(shown)} indicateurs principaux, sa part pondérée et son intervalle à chaque "
              f"vague de {first} à {last} où il a été mesuré de la même façon ; la courbe montre le sens de "
              "l'évolution, et le tableau de l'évolution sur l'ensemble de la série dit si elle est établie (des "
              "intervalles qui se recouvrent n'excluent pas une évolution, les répondants communs rendant les "
              "vagues corrélées).",
        "en": f"For each of the {len(shown)} headline indicators, its weighted share and interval in every wave "
              f"from {first} to {last} that measured it alike; the curve shows the direction of the change, and the "
              "table of the change over the whole series says whether it is established (overlapping intervals "
              "do not rule a change out, the repeat respondents making the waves correlated).",
    }[lang]
    return Chart(fig, "series", data, description, lang)
