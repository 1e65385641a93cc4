"""The series of waves: every indicator over all the waves that measured it alike, and the panel of respondents.

The barometer is annual and invites nearly the same authorities every year. The series step reads every earlier
wave found under the output root (its ``results.json`` and processed answers) and sets each indicator's weighted
estimates side by side, with each wave's own interval. A series runs back only as far as its question was worded
as in the current wave: going back wave by wave, it stops at the first pair of consecutive waves between which
:func:`helpers.steps.trend.questionnaire_changes` does not compare it (a question added, reworded or redefined).

The change over the whole series (current wave minus the first wave of the series) has the overlap-adjusted
interval of :func:`helpers.steps.trend.wave_difference`, built from the two waves' own intervals: the authorities that answered both waves make the two
estimates correlated. The panel describes who answered which waves, by ``unit_id``: an authority absorbed by a
merger leaves the panel with its last wave, the one that absorbed it keeps its own history.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.checksums import sha256
from helpers.cleaning.processed import read_answers
from helpers.errors import InputError
from helpers.inputs.codebook import Codebook, load_codebook
from helpers.steps.indicators import indicator_values
from helpers.steps.trend import overlap_correlation, questionnaire_changes, wave_difference

ESTIMATE_KEYS = ("estimate", "se", "ci_low", "ci_high", "n")


@dataclass(frozen=True)
class Wave:
    """One wave of the series as the series step reads it.

    Attributes
    ----------
    year
        The wave.
    estimates
        Its weighted estimates (``response_bias.estimates.weighted`` of its results): indicator -> ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``n``.
    codebook
        The codebook it was run with.
    values
        Its respondents' 0/1 indicator values (NaN: no valid answer), indexed by ``unit_id``.
    """

    year: int
    estimates: Mapping[str, Mapping[str, Any]]
    codebook: Codebook
    values: pd.DataFrame


def read_wave(year: int, reports: Path, processed: Path) -> Wave:
    """One wave's weighted estimates, codebook and respondents' indicator values, from its output folders.

    Parameters
    ----------
    year
        The wave.
    reports, processed
        Its ``results.json`` folder (with the ``cleaning`` and ``response_bias`` sections) and its processed
        files' folder (``answers.csv``).

    Returns
    -------
    Wave

    Raises
    ------
    helpers.errors.InputError
        If the wave's ``run.json`` records a codebook other than the file's content now: its indicators may
        have been defined otherwise when it ran.
    """
    results = json.loads((Path(reports) / "results.json").read_text(encoding="utf-8"))
    codebook_path = paths.resolve(results["cleaning"]["wave"]["codebook"], paths.CODEBOOK_PATH)
    _check_codebook(year, Path(reports), codebook_path)
    codebook = load_codebook(codebook_path)
    return Wave(year, results["response_bias"]["estimates"]["weighted"], codebook,
                indicator_values(read_answers(processed), codebook))


def _check_codebook(year: int, reports: Path, codebook: Path) -> None:
    manifest = reports / "run.json"
    if not manifest.is_file():  # the current wave, still staged
        return
    recorded = json.loads(manifest.read_text(encoding="utf-8"))["inputs"].get("codebook")
    now = sha256(codebook)
    if recorded is not None and recorded != now:
        raise InputError(codebook, f"changed since wave {year} ran with it (SHA-256 {recorded[:12]}…, now "
                                   f"{now[:12]}…): its indicators may have been defined otherwise; run wave {year} "
                                   "again (make series) or restore the codebook it ran with")


def earlier_years(reports_root: Path, processed_root: Path, year: int) -> list[int]:
    """The waves before ``year`` whose results and processed answers are both under the output roots.

    Parameters
    ----------
    reports_root, processed_root
        The folders holding one ``<year>/`` folder per wave: ``results.json`` with a ``response_bias``
        section below the first, ``answers.csv`` below the second.
    year
        The current wave.

    Returns
    -------
    list of int
        In increasing order.
    """
    found = []
    for folder in Path(reports_root).glob("[0-9][0-9][0-9][0-9]"):
        earlier = int(folder.name)
        results = folder / "results.json"
        if (earlier < year and results.is_file() and (Path(processed_root) / folder.name / "answers.csv").is_file()
                and "response_bias" in json.loads(results.read_text(encoding="utf-8"))):
            found.append(earlier)
    return sorted(found)


def series_spans(waves: Sequence[Wave]) -> dict[str, dict[str, Any]]:
    """How far back each indicator of the last wave is measured alike.

    Parameters
    ----------
    waves
        The waves in increasing order, the current one last.

    Returns
    -------
    dict
        Indicator id (of the last wave's codebook, in its order) -> ``years`` (the waves of its series,
        increasing), ``break_year`` (the first wave of the series when an earlier wave measured it otherwise or
        not at all, else None) and ``break_reason`` (``added``, ``reworded``, ``redefined`` or None).
    """
    current = waves[-1]
    changes = {later.year: questionnaire_changes(earlier.codebook, later.codebook)
               for earlier, later in zip(waves[:-1], waves[1:])}
    spans = {}
    for indicator in current.codebook.indicators:
        years, reason = [current.year], None
        for earlier, later in zip(reversed(waves[:-1]), reversed(waves[1:])):
            if indicator not in changes[later.year].compared:
                reason = changes[later.year].not_compared.get(indicator, "added")
                break
            years.insert(0, earlier.year)
        spans[indicator] = {"years": years, "break_year": years[0] if reason else None, "break_reason": reason}
    return spans


def series_estimates(waves: Sequence[Wave], spans: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, dict]]:
    """Each indicator's weighted estimate in every wave of its series.

    Parameters
    ----------
    waves
        The waves in increasing order, the current one last.
    spans
        :func:`series_spans`.

    Returns
    -------
    dict
        Indicator id -> year (as text) -> ``year``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``. A wave that
        could not estimate the indicator (no valid answer) is left out.
    """
    by_year = {wave.year: wave for wave in waves}
    table = {}
    for indicator, span in spans.items():
        rows = {}
        for year in span["years"]:
            estimate = by_year[year].estimates.get(indicator)
            if estimate is not None and estimate.get("estimate") is not None:
                rows[str(year)] = {"year": year, **{key: estimate[key] for key in ESTIMATE_KEYS}}
        table[indicator] = rows
    return table


def series_changes(waves: Sequence[Wave], estimates: Mapping[str, Mapping[str, dict]]) -> pd.DataFrame:
    """Each indicator's change from the first wave of its series to the current one, overlap-adjusted.

    Parameters
    ----------
    waves
        The waves in increasing order, the current one last.
    estimates
        :func:`series_estimates`.

    Returns
    -------
    pandas.DataFrame
        One row per indicator whose series has at least two waves: ``first_year``, ``first``, ``current``,
        ``correlation``, ``overlap_n`` and the columns of :func:`helpers.steps.trend.wave_difference`.
    """
    by_year = {wave.year: wave for wave in waves}
    current = waves[-1]
    rows = {}
    for indicator, series in estimates.items():
        years = sorted(int(year) for year in series)
        if len(years) < 2 or years[-1] != current.year:
            continue
        first = by_year[years[0]]
        rho, m = overlap_correlation(first.values[indicator], current.values[indicator])
        before, after = series[str(years[0])], series[str(current.year)]
        rows[indicator] = {"first_year": years[0], "first": before["estimate"], "current": after["estimate"],
                           "correlation": rho, "overlap_n": m, **wave_difference(before, after, rho, m)}
    return pd.DataFrame.from_dict(rows, orient="index")


def panel(waves: Sequence[Wave]) -> tuple[pd.DataFrame, pd.Series]:
    """Who answered which waves: per wave, its respondents by their history; and how many waves each answered.

    Parameters
    ----------
    waves
        The waves in increasing order (respondents: the index of ``values``).

    Returns
    -------
    pandas.DataFrame
        Indexed by year: ``year``, ``respondents``; ``answered_previous`` (of them, those that answered the wave
        before in the series); ``first_time`` (those that answered no earlier wave); ``returned`` (those that
        answered an earlier wave but not the one before: the three add up to ``respondents``); ``every_wave``
        (those that answered every wave of the series so far).
    pandas.Series
        Indexed by the number of waves answered (1 to the number of waves): how many authorities answered
        that many waves.
    """
    seen: set[str] = set()
    every: set[str] | None = None
    previous: set[str] = set()
    rows = {}
    for wave in waves:
        respondents = set(wave.values.index)
        every = respondents if every is None else every & respondents
        rows[wave.year] = {"year": wave.year, "respondents": len(respondents),
                           "answered_previous": len(respondents & previous), "first_time": len(respondents - seen),
                           "returned": len((respondents & seen) - previous), "every_wave": len(every)}
        seen |= respondents
        previous = respondents
    counts = pd.Series([unit for wave in waves for unit in wave.values.index]).value_counts().value_counts()
    waves_answered = counts.reindex(range(1, len(waves) + 1), fill_value=0).rename("authorities")
    return pd.DataFrame.from_dict(rows, orient="index"), waves_answered.rename_axis("waves answered")
