"""The report's figures, drawn from ``results.json``: headline indicators, response by type, delta curves, trend.

Each function returns a finished figure (title, labelled axes, source line in the report's language) for
:func:`helpers.report.display.show_figure`. Rows resting on fewer respondents than the small-cell threshold
are left out, as the tables suppress them.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import NullFormatter

from helpers.report.display import finish_figure
from helpers.report.formatting import number
from helpers.report.sections import PUBLISHED_YEAR, ReportSetup, rates_by_type, trend_changes
from helpers.report.texts import type_label

SHARE_LABEL = {"fr": "part des répondants ayant donné une réponse valide (%)",
               "en": "share of respondents with a valid answer (%)"}


def headline_figure(setup: ReportSetup) -> plt.Figure:
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
    return fig


def rates_by_type_figure(setup: ReportSetup) -> plt.Figure:
    """RR2 by type of authority with Wilson intervals, against the rate of all authorities."""
    lang = setup.lang
    by_type = rates_by_type(setup.results)
    shown = by_type[by_type["numerator"] >= setup.threshold]
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
    return fig


def delta_figure(setup: ReportSetup) -> plt.Figure:
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
    return fig


def trend_figure(setup: ReportSetup) -> plt.Figure:
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
    return fig
