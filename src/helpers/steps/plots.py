"""The step notebooks' figures whose categories are codes, drawn with their labels in words.

Each function returns a finished figure (:func:`helpers.steps.figures.finish`); the notebook saves and shows it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from helpers.steps import figures
from helpers.steps.labels import category_label
from helpers.vocabulary import DISPOSITION_LABELS, VARIABLE_LABELS, display_label


def dispositions_figure(units: pd.DataFrame, *, year: int, source: str) -> plt.Figure:
    """Stacked shares of each unit type's frame units by final disposition.

    Parameters
    ----------
    units
        The cleaned units, with ``type`` and ``disposition``.
    year, source
        For the title and the source line.
    """
    shares = pd.crosstab(units["type"], units["disposition"], normalize="index") * 100
    order = [d for d in DISPOSITION_LABELS if d in shares.columns]
    shown = shares[order].rename(index=lambda code: display_label("type", code),
                                 columns=lambda code: display_label("disposition", code))
    fig, ax = plt.subplots(figsize=(8, 4.5))
    shown.plot.barh(stacked=True, ax=ax, width=0.75)
    ax.legend(title="final disposition", bbox_to_anchor=(1.01, 1), loc="upper left")
    figures.finish(fig, ax, title=f"Disposition of the invited authorities by type, {year}",
                   xlabel="share of the type's frame units (%)", ylabel="type of authority",
                   source=f"{source}; frame and survey export, cleaning step")
    return fig


def response_curve_figure(curve: pd.DataFrame, contacts: pd.DataFrame, horizon: int, by: str, *, year: int,
                   source: str) -> plt.Figure:
    """Cumulative RR2 by day of fieldwork, overall and by group, contacts marked.

    Parameters
    ----------
    curve
        :func:`helpers.steps.fieldwork.response_curve`'s table, groups of ``by`` (and "all").
    contacts
        The contacts (``contact``, ``date``, ``day``), the invitation first.
    horizon
        The last day of fieldwork.
    by
        The grouping variable of ``curve``.
    year, source
        For the title and the source line.
    """
    fig, ax = plt.subplots(figsize=(8, 4.8))
    for group, part in curve.groupby(level="group", sort=False):
        overall = group == "all"
        ax.step(part.index.get_level_values("day"), 100 * part["rate"], where="post",
                label="all authorities" if overall else category_label(by, group), linewidth=2.4 if overall else 1.2,
                color="black" if overall else None, zorder=3 if overall else 2)
    for _, contact in contacts.iloc[1:].iterrows():
        ax.axvline(contact["day"], color="0.4", linestyle=":", linewidth=1)
        ax.annotate(f"{contact['contact']}\n{contact['date']}", (contact["day"], ax.get_ylim()[1]),
                    xytext=(3, -3), textcoords="offset points", va="top", fontsize=8, color="0.3")
    ax.set_xlim(0, horizon)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    figures.finish(fig, ax, title=f"Cumulative response rate (AAPOR RR2) over fieldwork, {year}, by "
                                  f"{VARIABLE_LABELS.get(by, by)}, reminders marked",
                   xlabel=f"days since the first invitation ({contacts['date'].iloc[0]})",
                   ylabel="cumulative response rate RR2 (%)",
                   source=f"{source}; submission days and dispositions of the cleaning step")
    return fig


def category_names(variables: pd.Series, categories: pd.Series) -> list[str]:
    """``variable: category`` in words for each pair (the tick labels of a chart by frame category)."""
    return [f"{VARIABLE_LABELS.get(v, v)}: {category_label(v, c)}" for v, c in zip(variables, categories)]


def response_rates_figure(rates: pd.DataFrame, overall: float, *, year: int, level_text: str, source: str) -> plt.Figure:
    """RR2 with its Wilson interval by frame category, the overall rate marked.

    Parameters
    ----------
    rates
        Indexed by (``variable``, ``category``) codes: ``rate``, ``wilson_low``, ``wilson_high``.
    overall
        The RR2 of all units.
    year, level_text, source
        For the title (``95%``) and the source line.
    """
    plot = rates.reset_index()
    labels = category_names(plot["variable"], plot["category"])
    fig, ax = plt.subplots(figsize=(8, 5.5))
    # Clipped at 0: for a rate of 0 or 1 the Wilson bound equals the rate up to rounding, on either side.
    ax.errorbar(100 * plot["rate"], labels,
                xerr=100 * np.clip(np.vstack([plot["rate"] - plot["wilson_low"], plot["wilson_high"] - plot["rate"]]),
                                   0, None),
                fmt="o", capsize=3)
    ax.axvline(100 * overall, color="0.5", linestyle="--", label=f"all units (RR2 {overall:.0%})")
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    figures.finish(fig, ax, title=f"Response rate (AAPOR RR2) by frame group, {year}, with {level_text} Wilson "
                                  "intervals",
                   xlabel="response rate (%)", ylabel="", source=f"{source}; dispositions of the cleaning step")
    return fig


def r_indicators_figure(categories: pd.DataFrame, *, year: int, source: str) -> plt.Figure:
    """Unconditional partial R-indicators by frame category (negative: under-represented).

    Parameters
    ----------
    categories
        Indexed by (``variable``, ``category``) codes, with ``unconditional``.
    year, source
        For the title and the source line.
    """
    plot = categories.reset_index()
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.barh(category_names(plot["variable"], plot["category"]), plot["unconditional"],
            color=np.where(plot["unconditional"] < 0, "#D55E00", "#0072B2"))
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.invert_yaxis()
    figures.finish(fig, ax, title=f"Unconditional partial R-indicators by category, {year}",
                   xlabel="partial R-indicator (negative: under-represented)", ylabel="",
                   source=f"{source}; logistic response model on frame variables")
    return fig


def weights_figure(weights: dict[str, np.ndarray], *, year: int, source: str) -> plt.Figure:
    """Box plots of the respondents' weights, one per weighting method (in the order of ``weights``)."""
    methods = list(weights)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.boxplot([weights[m] for m in methods], orientation="horizontal",
               tick_labels=[display_label("method", m) for m in methods])
    ax.invert_yaxis()
    figures.finish(fig, ax, title=f"Distribution of the respondents' weights by method, {year}",
                   xlabel="weight (authorities represented per respondent)", ylabel="weighting method",
                   source=f"{source}; weighting on frame variables")
    return fig
