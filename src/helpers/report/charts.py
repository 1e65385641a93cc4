"""The report's figures, drawn from ``results.json``: headline indicators, response by type, delta curves, trend.

Each function returns a :class:`helpers.report.display.Chart` for :func:`helpers.report.display.show_figure`:
the finished figure (title, labelled axes, source line in the report's language), its plotted values as a
table (cells traced to their results keys) and a sentence saying what it shows, for its text alternative.
Rows resting on fewer respondents than the small-cell threshold are left out (and, where they add up to a total,
their complements), as the tables suppress them.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from helpers.report.display import Chart, finish_figure
from helpers.report.formatting import number, percent
from helpers.report.sections import PUBLISHED_YEAR, ReportSetup, rates_by_type, trend_changes
from helpers.report.suppression import shown_rows
from helpers.report.texts import type_label

SHARE_LABEL = {"fr": "part des répondants ayant donné une réponse valide (%)",
               "en": "share of respondents with a valid answer (%)"}


def headline_figure(setup: ReportSetup) -> Chart:
    """The headline indicators unweighted and weighted with their intervals (and as published, for 2012)."""
    lang, bias = setup.lang, setup.results["response_bias"]
    weighted, unweighted = bias["estimates"]["weighted"], bias["estimates"]["unweighted"]
    shown = [i for i in bias["headline"] if weighted[i]["n"] >= setup.threshold]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    positions = np.arange(len(shown))
    names = {"fr": ("sans pondération", f"pondéré ({bias['weighting']['primary']})", "publié en 2012"),
             "en": ("unweighted", f"weighted ({bias['weighting']['primary']})", "published 2012")}[lang]
    for offset, name, table in ((-0.15, names[0], unweighted), (0.15, names[1], weighted)):
        rows = pd.DataFrame({i: table[i] for i in shown}).T
        ax.errorbar(100 * rows["estimate"], positions + offset, fmt="o", capsize=3, label=name,
                    xerr=100 * np.vstack([rows["estimate"] - rows["ci_low"], rows["ci_high"] - rows["estimate"]]))
    if setup.year == PUBLISHED_YEAR:
        published = [setup.codebook.indicators[i].published_2012 for i in shown]
        ax.scatter([np.nan if p is None else 100 * p for p in published], positions, marker="x", color="black",
                   zorder=3, label=names[2])
    ax.set_yticks(positions, [textwrap.fill(setup.labels[i], 34) for i in shown])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(loc="lower right")
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Indicateurs principaux {setup.year}, sans et avec pondération (intervalles à "
                     f"{setup.shown_level})",
               "en": f"Headline indicators {setup.year}, unweighted and weighted "
                     f"({setup.shown_level} intervals)"}[lang],
        xlabel=SHARE_LABEL[lang], ylabel="", source=f"{setup.source}{setup.separator}results.json")
    columns = {"fr": ("Indicateur", "Non pondéré", "Non pondéré, borne basse", "Non pondéré, borne haute",
                      "Pondéré", "Pondéré, borne basse", "Pondéré, borne haute"),
               "en": ("Indicator", "Unweighted", "Unweighted, lower bound", "Unweighted, upper bound", "Weighted",
                      "Weighted, lower bound", "Weighted, upper bound")}[lang]
    data = pd.DataFrame([(setup.labels[i], *(percent(table[i][key], lang) for table in (unweighted, weighted)
                                             for key in ("estimate", "ci_low", "ci_high"))) for i in shown],
                        columns=list(columns))
    top = max(shown, key=lambda i: weighted[i]["estimate"])
    low = min(shown, key=lambda i: weighted[i]["estimate"])
    description = {
        "fr": f"Pour chacun des {len(shown)} indicateurs principaux, la part sans pondération et la part pondérée, "
              f"avec leurs intervalles. La part pondérée la plus haute est « {setup.labels[top]} » "
              f"({percent(weighted[top]['estimate'], lang)}), la plus basse « {setup.labels[low]} » "
              f"({percent(weighted[low]['estimate'], lang)}).",
        "en": f"For each of the {len(shown)} headline indicators, the unweighted and the weighted share with their "
              f"intervals. The highest weighted share is '{setup.labels[top]}' "
              f"({percent(weighted[top]['estimate'], lang)}), the lowest '{setup.labels[low]}' "
              f"({percent(weighted[low]['estimate'], lang)}).",
    }[lang]
    return Chart(fig, "headline", data, description, lang)


def rates_by_type_figure(setup: ReportSetup) -> Chart:
    """RR2 by type of authority with Wilson intervals, against the rate of all authorities."""
    lang = setup.lang
    by_type = rates_by_type(setup.results)
    shown = by_type[shown_rows(by_type["numerator"], setup.threshold)]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    ax.errorbar(100 * shown["rate"], [type_label(code, lang) for code in shown.index], fmt="o", capsize=3,
                xerr=100 * np.vstack([shown["rate"] - shown["wilson_low"], shown["wilson_high"] - shown["rate"]]))
    ax.axvline(100 * setup.results["response_bias"]["rates"]["RR2"]["rate"], color="0.5", linestyle="--",
               label={"fr": "toutes collectivités", "en": "all authorities"}[lang])
    ax.set_xlim(0, 100)
    ax.legend(loc="lower right")
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Taux de réponse RR2 par type de collectivité, {setup.year} (intervalles de Wilson)",
               "en": f"Response rate RR2 by type of authority, {setup.year} (Wilson intervals)"}[lang],
        xlabel={"fr": "taux de réponse (%)", "en": "response rate (%)"}[lang], ylabel="",
        source=f"{setup.source}{setup.separator}results.json")
    rates = setup.results["response_bias"]["rates_by_type"]
    columns = {"fr": ("Type de collectivité", "Taux RR2", "borne basse", "borne haute"),
               "en": ("Type of authority", "RR2 rate", "lower bound", "upper bound")}[lang]
    data = pd.DataFrame([(type_label(code, lang), *(percent(rates[code][key], lang)
                                                    for key in ("rate", "wilson_low", "wilson_high")))
                         for code in shown.index], columns=list(columns))
    overall = percent(setup.results["response_bias"]["rates"]["RR2"]["rate"], lang)
    description = {
        "fr": f"Taux de réponse de chaque type de collectivité, de {percent(shown['rate'].iloc[0], lang)} "
              f"({type_label(shown.index[0], lang)}) à {percent(shown['rate'].iloc[-1], lang)} "
              f"({type_label(shown.index[-1], lang)}), autour du taux de toutes les collectivités ({overall}, "
              "ligne pointillée).",
        "en": f"Response rate of each type of authority, from {percent(shown['rate'].iloc[0], lang)} "
              f"({type_label(shown.index[0], lang)}) to {percent(shown['rate'].iloc[-1], lang)} "
              f"({type_label(shown.index[-1], lang)}), around the rate of all authorities ({overall}, dashed line).",
    }[lang]
    return Chart(fig, "rates_by_type", data, description, lang)


def delta_figure(setup: ReportSetup) -> Chart:
    """Each indicator's share as non-respondents' odds of yes vary by a factor δ (log scale)."""
    lang = setup.lang
    curves = pd.DataFrame(setup.results["response_bias"]["nonignorable"]["delta_curves"]).T
    deltas = [float(d) for d in curves.columns]
    fig, ax = plt.subplots(figsize=(9, 4.6))
    for indicator, curve in curves.iterrows():
        ax.plot(deltas, 100 * curve.to_numpy(), marker="o", label=textwrap.fill(setup.labels[indicator], 30))
    ax.set_xscale("log")
    ax.set_xticks(deltas, [number(d, lang, 2).rstrip("0").rstrip(",.") for d in deltas])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.axvline(1, color="0.5", linestyle="--")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Parts estimées si les chances de « oui » des non-répondants diffèrent d'un facteur δ, "
                     f"{setup.year}",
               "en": f"Estimated shares if non-respondents' odds of 'yes' differ by a factor δ, {setup.year}"}[lang],
        xlabel={"fr": "δ : rapport des chances de « oui », non-répondants / répondants (échelle log)",
                "en": "δ: odds of 'yes', non-respondents over respondents (log scale)"}[lang],
        ylabel={"fr": "part des collectivités éligibles (%)", "en": "share of eligible authorities (%)"}[lang],
        source=f"{setup.source}{setup.separator}results.json")
    raw = setup.results["response_bias"]["nonignorable"]["delta_curves"]
    data = pd.DataFrame([[number(float(delta), lang, 2)] + [percent(raw[i][delta], lang) for i in curves.index]
                         for delta in curves.columns], columns=["δ", *(setup.labels[i] for i in curves.index)])
    shown = ", ".join(number(d, lang, 2) for d in deltas)
    description = {
        "fr": f"Une courbe par indicateur : sa part estimée quand les chances de « oui » des non-répondants sont "
              f"celles des répondants multipliées par δ ({shown}) ; à δ = 1 (ligne pointillée), la non-réponse "
              "est "
              "ignorable dans les cellules de pondération. Plus la courbe monte, plus l'indicateur dépend de "
              "cette hypothèse.",
        "en": f"One curve per indicator: its estimated share when non-respondents' odds of 'yes' are the "
              f"respondents' times δ ({shown}); at δ = 1 (dashed line), non-response is ignorable within the "
              "weighting cells. The steeper the curve, the more the indicator rests on that assumption.",
    }[lang]
    return Chart(fig, "delta", data, description, lang)


def trend_figure(setup: ReportSetup) -> Chart:
    """The weighted headline indicators of the previous and the current wave with their intervals."""
    lang, year = setup.lang, setup.year
    previous = setup.results["trend"]["previous_year"]
    changes = trend_changes(setup)
    rows = changes.loc[[i for i in setup.results["response_bias"]["headline"] if i in changes.index]]
    fig, ax = plt.subplots(figsize=(9, 4.4))
    positions = np.arange(len(rows))
    for offset, when, prefix in ((-0.15, str(previous), "previous"), (0.15, str(year), "current")):
        ax.errorbar(100 * rows[prefix].astype(float), positions + offset, fmt="o", capsize=3, label=when,
                    xerr=100 * np.vstack([rows[prefix] - rows[f"{prefix}_ci_low"],
                                          rows[f"{prefix}_ci_high"] - rows[prefix]]).astype(float))
    ax.set_yticks(positions, [textwrap.fill(setup.labels[i], 34) for i in rows.index])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.legend(loc="lower right")
    finish_figure(
        fig, ax, lang,
        title={"fr": f"Indicateurs principaux pondérés, {previous} et {year} (intervalles à {setup.shown_level})",
               "en": f"Weighted headline indicators, {previous} and {year} ({setup.shown_level} intervals)"}[lang],
        xlabel=SHARE_LABEL[lang], ylabel="",
        source=f"{setup.source}{setup.separator}"
        + {"fr": "results.json des deux vagues", "en": "results.json of both waves"}[lang])
    raw = setup.results["trend"]["indicators"]
    bounds = {"fr": ("borne basse", "borne haute"), "en": ("lower bound", "upper bound")}[lang]
    columns = ("Indicateur" if lang == "fr" else "Indicator",
               *(name for when in (previous, year) for name in (str(when), *(f"{when}, {b}" for b in bounds))))
    data = pd.DataFrame([(setup.labels[i], *(percent(raw[i][f"{prefix}{key}"], lang)
                                             for prefix in ("previous", "current")
                                             for key in ("", "_ci_low", "_ci_high")))
                         for i in rows.index], columns=list(columns))
    description = {
        "fr": f"Pour chaque indicateur principal, la part pondérée de {previous} et celle de {year}, avec leurs "
              "intervalles : deux points proches dont les intervalles se recouvrent largement indiquent une "
              "évolution non établie.",
        "en": f"For each headline indicator, the weighted share of {previous} and that of {year} with their "
              "intervals: two close points whose intervals overlap widely show a change that is not established.",
    }[lang]
    return Chart(fig, "trend", data, description, lang)
