"""Year on year: compare two waves' estimates, allowing for the authorities that answered both.

Each wave invites (nearly) the same population, so the two waves' respondents
overlap: an authority that answered in both years contributes to both
estimates, which are then positively correlated. Treating the waves as
independent samples overstates the variance of their difference. Following
the classical approximation for partially overlapping samples (Kish 1965,
section 12.4), the covariance of the two estimates is taken as

    Cov = rho * SE_1 * SE_2 * m / sqrt(n_1 * n_2)

where ``SE_1``, ``SE_2`` are the waves' design-based standard errors, ``n_1``,
``n_2`` their numbers of respondents with a valid answer, ``m`` the number of
authorities with a valid answer in both waves and ``rho`` the correlation of
their answers between the waves. The repeat respondents also give a paired,
descriptive comparison: how many started or stopped doing something.

Each wave names its codebook, and the questionnaire may change between waves
(question ids stay the same): :func:`questionnaire_changes` lists the questions
added, dropped and reworded, and only the indicators both waves carry, read
from a question worded alike with the same definition, are compared. A
reworded question breaks the series: it is listed, not compared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from helpers.inputs.codebook import Codebook, Question

# "Q15. " and the like: the number of a question in the export heading moves when questions are added or dropped.
_NUMBER = re.compile(r"^\s*Q\d+[a-z]?\.\s*")


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 2))


def overlap_correlation(previous: pd.Series, current: pd.Series) -> tuple[float, int]:
    """Correlation of one indicator's values between two waves among the units valid in both.

    Parameters
    ----------
    previous, current
        The indicator's 0/1 values (NaN: no valid answer), indexed by ``unit_id``.

    Returns
    -------
    (rho, m)
        The Pearson (phi) correlation, 0 when it is undefined (fewer than two units or a constant answer),
        and the number of units valid in both waves.
    """
    both = pd.concat([previous.rename("previous"), current.rename("current")], axis=1, join="inner").dropna()
    if len(both) < 2 or both["previous"].nunique() < 2 or both["current"].nunique() < 2:
        return 0.0, len(both)
    return float(np.corrcoef(both["previous"], both["current"])[0, 1]), len(both)


def _mover(difference: float, previous: Mapping[str, float], current: Mapping[str, float], r: float) -> tuple:
    """Bounds of ``current - previous`` from each wave's own interval, for estimates correlated by ``r``."""
    below = (current["estimate"] - current["ci_low"], previous["ci_high"] - previous["estimate"])
    above = (current["ci_high"] - current["estimate"], previous["estimate"] - previous["ci_low"])
    low, high = (math.sqrt(max(a**2 + b**2 - 2 * r * a * b, 0.0)) for a, b in (below, above))
    return difference - low, difference + high


def wave_difference(previous: Mapping[str, float], current: Mapping[str, float], rho: float,
                    m: int) -> dict[str, float]:
    """Difference of two waves' estimates with intervals, independent and overlap-adjusted.

    The intervals are built from each wave's own interval by the method of variance estimates recovery (MOVER:
    Newcombe 1998, Zou and Donner 2008), with the correlation of the two estimates ``r = Cov / (SE_1 SE_2) =
    rho * m / sqrt(n_1 n_2)`` (0 for the independent interval). With symmetric Wald intervals it is the Wald
    interval ``d ± z * sqrt(SE_1² + SE_2² - 2 Cov)``; with a wave's Korn-Graubard interval of a share of 0 or 1
    (standard error 0) it keeps that wave's uncertainty, which the Wald interval would drop.

    Parameters
    ----------
    previous, current
        Each wave's estimate: ``estimate``, ``se``, ``ci_low``, ``ci_high`` (its interval) and ``n``
        (respondents with a valid answer).
    rho, m
        Correlation of the answers between waves and number of units valid in both.

    Returns
    -------
    dict
        ``difference``; ``se_independent``, ``ci_low_independent``, ``ci_high_independent``; ``covariance``,
        ``se``, ``ci_low``, ``ci_high`` (overlap-adjusted; the variance is floored at 0). The intervals have the
        confidence level of the waves' own.
    """
    difference = current["estimate"] - previous["estimate"]
    variance_independent = previous["se"] ** 2 + current["se"] ** 2
    r = rho * m / math.sqrt(previous["n"] * current["n"])
    covariance = r * previous["se"] * current["se"]
    independent = _mover(difference, previous, current, 0.0)
    overlap = _mover(difference, previous, current, r)
    return {"difference": difference, "se_independent": math.sqrt(variance_independent),
            "ci_low_independent": independent[0], "ci_high_independent": independent[1],
            "covariance": covariance, "se": math.sqrt(max(variance_independent - 2 * covariance, 0.0)),
            "ci_low": overlap[0], "ci_high": overlap[1]}


def paired_change(previous: pd.Series, current: pd.Series, level: float = 0.95) -> dict[str, float]:
    """What the units valid in both waves changed: a paired comparison of a 0/1 indicator.

    The difference of shares is ``(gained - lost) / pairs`` with its Wald interval for paired proportions;
    the p-value is McNemar's exact test (binomial on the discordant pairs).

    Parameters
    ----------
    previous, current
        The indicator's 0/1 values (NaN: no valid answer), indexed by ``unit_id``.
    level
        Confidence level.
    """
    both = pd.concat([previous.rename("previous"), current.rename("current")], axis=1, join="inner").dropna()
    pairs = len(both)
    gained = int(((both["previous"] == 0) & (both["current"] == 1)).sum())
    lost = int(((both["previous"] == 1) & (both["current"] == 0)).sum())
    row = {"pairs": pairs, "both_yes": int(((both["previous"] == 1) & (both["current"] == 1)).sum()),
           "gained": gained, "lost": lost,
           "both_no": int(((both["previous"] == 0) & (both["current"] == 0)).sum())}
    if pairs == 0:
        return {**row, "share_previous": None, "share_current": None, "difference": None, "ci_low": None,
                "ci_high": None, "p_value": None}
    difference = (gained - lost) / pairs
    se = math.sqrt(max(gained + lost - (gained - lost) ** 2 / pairs, 0.0)) / pairs
    z = _z(level)
    p_value = float(stats.binomtest(gained, gained + lost, 0.5).pvalue) if gained + lost else 1.0
    return {**row, "share_previous": float(both["previous"].mean()), "share_current": float(both["current"].mean()),
            "difference": difference, "ci_low": difference - z * se, "ci_high": difference + z * se,
            "p_value": p_value}


def compare_waves(previous: Mapping[str, Any], current: Mapping[str, Any], previous_values: pd.DataFrame,
                  current_values: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Each indicator's weighted estimate in both waves and their difference.

    Parameters
    ----------
    previous, current
        Each wave's weighted estimates (``response_bias.estimates.weighted`` of its results): indicator ->
        ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``n``.
    previous_values, current_values
        The respondents' 0/1 indicator values of each wave, indexed by ``unit_id``.
    indicators
        The indicators compared (present in both waves).
    """
    rows = {}
    for indicator in indicators:
        rho, m = overlap_correlation(previous_values[indicator], current_values[indicator])
        row = {"previous": previous[indicator]["estimate"], "previous_ci_low": previous[indicator]["ci_low"],
               "previous_ci_high": previous[indicator]["ci_high"], "previous_n": previous[indicator]["n"],
               "current": current[indicator]["estimate"], "current_ci_low": current[indicator]["ci_low"],
               "current_ci_high": current[indicator]["ci_high"], "current_n": current[indicator]["n"],
               "correlation": rho, "overlap_n": m}
        rows[indicator] = {**row, **wave_difference(previous[indicator], current[indicator], rho, m)}
    return pd.DataFrame.from_dict(rows, orient="index")


@dataclass(frozen=True)
class QuestionnaireChanges:
    """How the current wave's questionnaire differs from the previous wave's.

    Attributes
    ----------
    added, dropped
        Ids of the questions only the current, or only the previous, wave asks (questionnaire order).
    reworded
        Question id -> what changed in what respondents read: ``question`` (its text), ``answers`` (the answer
        labels of its scale), ``options`` (the options of a multiple choice) or ``routing`` (who is asked).
    compared
        Ids of the indicators both waves carry, read from a question neither added nor reworded, with the same
        definition (question, codes or option): the only ones the year-on-year step compares.
    not_compared
        Indicator id -> why it is not compared (``added``, ``dropped``, ``reworded``, ``redefined``).
    """

    added: list[str]
    dropped: list[str]
    reworded: dict[str, list[str]]
    compared: list[str]
    not_compared: dict[str, str]


def _wording(question: Question) -> dict[str, Any]:
    """What a respondent reads of ``question``, heading numbers left out."""
    texts = [_NUMBER.sub("", column) for column in question.export_columns]
    scale = question.scale
    answers = (sorted(scale.labels.items()), sorted(scale.dont_know), sorted(scale.not_applicable)) if scale else None
    return {"question": texts if question.type != "multi" else [question.fr],
            "answers": answers, "options": [(o.code, _NUMBER.sub("", o.column)) for o in question.options],
            "routing": question.asked_if.model_dump() if question.asked_if else None}


def questionnaire_changes(previous: Codebook, current: Codebook) -> QuestionnaireChanges:
    """Compare two waves' codebooks, question by question (ids are stable across waves).

    Parameters
    ----------
    previous, current
        The codebooks of the previous and the current wave.

    Returns
    -------
    QuestionnaireChanges
    """
    added = [q for q in current.questions if q not in previous.questions]
    dropped = [q for q in previous.questions if q not in current.questions]
    reworded = {}
    for qid, question in current.questions.items():
        if qid in previous.questions:
            before, after = _wording(previous.questions[qid]), _wording(question)
            changed = [part for part in before if before[part] != after[part]]
            if changed:
                reworded[qid] = changed
    compared, not_compared = [], {}
    for iid, indicator in current.indicators.items():
        earlier = previous.indicators.get(iid)
        if earlier is None:
            not_compared[iid] = "added"
        elif indicator.question in reworded:
            not_compared[iid] = "reworded"
        elif (earlier.question, earlier.codes, earlier.option) != (indicator.question, indicator.codes,
                                                                   indicator.option):
            not_compared[iid] = "redefined"
        else:
            compared.append(iid)
    not_compared.update({iid: "dropped" for iid in previous.indicators if iid not in current.indicators})
    return QuestionnaireChanges(added, dropped, reworded, compared, not_compared)


def changes_listing(changes: QuestionnaireChanges, previous: Codebook, current: Codebook) -> dict[str, Any]:
    """The questionnaire changes with their wording, as the ``trend`` section of ``results.json`` records them.

    Returns
    -------
    dict
        ``added`` and ``dropped``: one ``{id, fr, en}`` per question (labels from the codebook that asks it);
        ``reworded``: ``{id, fr, en, changed, previous_text, current_text}`` (``*_text``: the question as the
        export heads it, number left out); ``not_compared``: indicator id -> reason.
    """
    def item(codebook: Codebook, qid: str) -> dict[str, str]:
        return {"id": qid, "fr": codebook.questions[qid].fr, "en": codebook.questions[qid].en}

    def text(question: Question) -> str:
        return " / ".join(_wording(question)["question"])

    return {
        "added": [item(current, qid) for qid in changes.added],
        "dropped": [item(previous, qid) for qid in changes.dropped],
        "reworded": [{**item(current, qid), "changed": changed, "previous_text": text(previous.questions[qid]),
                      "current_text": text(current.questions[qid])} for qid, changed in changes.reworded.items()],
        "not_compared": changes.not_compared,
    }
