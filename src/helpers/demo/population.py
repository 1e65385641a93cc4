"""The demo's latent population: maturity, answer noise, latent scores, calibrated cut-offs and true answers.

The model is documented in :mod:`helpers.demo.model`. True answers carry the
model's negative special codes (:data:`helpers.demo.model.NOT_APPLICABLE`
where a service does not concern a unit, :data:`helpers.demo.model.NOT_ASKED`
where the routing skips a question, see :func:`route`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.demo.model import (ADDED_2013, ALPHA_TYPE, BETA_POP, DRIFT, DRIVER_TARGETS, ELECTED_GROUP_SHIFT,
                                MAIN_AIM_STEPS, NOT_APPLICABLE, NOT_ASKED, ORDINAL_TARGETS, PAYMENT_TARGETS,
                                POP_CENTRE, SAVINGS_SLOPES, SHARED_APPLICABILITY, TARGETS, TRUE_ODDS_RATIO,
                                stream)
from helpers.inputs.codebook import Question, asked, value_columns


def log_population(frame: pd.DataFrame) -> np.ndarray:
    """Log population of each unit, centred: ``log(population / POP_CENTRE)``.

    Parameters
    ----------
    frame
        A frame with ``type``, ``prefecture`` and ``population``.

    Returns
    -------
    numpy.ndarray
        One value per row; a unit without population takes the median of its
        type and préfecture status (of the frame if that is empty too).
    """
    pop = frame["population"].astype("Float64")
    filled = pop.fillna(pop.groupby([frame["type"], frame["prefecture"]]).transform("median"))
    filled = filled.fillna(pop.median())
    return np.log(filled.to_numpy(float) / POP_CENTRE)


def _calibrate(score: np.ndarray, mask: np.ndarray, share: float) -> float:
    """Cut-off above which exactly ``share`` of ``score[mask]`` lies (midpoint of order statistics)."""
    values = np.sort(score[mask] if mask.sum() >= 10 else score)
    k = int(round(len(values) * (1 - share)))
    k = min(max(k, 1), len(values) - 1)
    return float((values[k - 1] + values[k]) / 2)


@dataclass
class Population:
    """Latent state of the frame units for one year.

    Attributes
    ----------
    maturity
        Latent e-maturity ``m`` per unit.
    log_pop
        :func:`log_population` per unit.
    noise
        Logistic answer noise per latent item (:func:`noise_names`).
    applicable
        Per ordinal question, whether the service concerns the unit.
    """

    maturity: np.ndarray
    log_pop: np.ndarray
    noise: dict[str, np.ndarray]
    applicable: dict[str, np.ndarray]

    def take(self, rows: np.ndarray) -> Population:
        """The population of the units at positions ``rows``, in that order."""
        return Population(self.maturity[rows], self.log_pop[rows],
                          {name: values[rows] for name, values in self.noise.items()},
                          {qid: values[rows] for qid, values in self.applicable.items()})


def draw_population(seed: int, frame: pd.DataFrame, names: list[str]) -> Population:
    """The 2012 latent population of ``frame``: maturity, answer noise and which services concern each unit.

    Parameters
    ----------
    seed
        The wave's seed (stream 2).
    frame
        The frame, sorted by :func:`helpers.frame.reader.sort_units`.
    names
        The latent items to draw noise for (:func:`noise_names`).

    Returns
    -------
    Population
    """
    rng = stream(seed, 2)
    n = len(frame)
    log_pop = log_population(frame)
    maturity = (frame["type"].map(ALPHA_TYPE).to_numpy(float) + BETA_POP * log_pop
                + rng.standard_normal(n))
    noise = {name: rng.logistic(size=n) for name in names}
    applicable = {}
    for qid, (*_, by_type) in ORDINAL_TARGETS.items():
        if by_type is not None:
            applicable[qid] = rng.random(n) < frame["type"].map(by_type).to_numpy(float)
    for qid, source in SHARED_APPLICABILITY.items():
        applicable[qid] = applicable[source]
    return Population(maturity, log_pop, noise, applicable)


def advance_population(rng: np.random.Generator, pop: Population, log_pop: np.ndarray) -> Population:
    """The same units a year on: higher maturity, mostly the same answer noise (:data:`DRIFT`).

    Parameters
    ----------
    rng
        The stream of the year's drift.
    pop
        The previous year's population (of the units still in the frame).
    log_pop
        The year's :func:`log_population`.

    Returns
    -------
    Population
    """
    n = len(pop.maturity)
    maturity = (pop.maturity + DRIFT["maturity_shift"]
                + DRIFT["maturity_sd"] * rng.standard_normal(n))
    noise = {}
    for name, values in pop.noise.items():
        fresh = rng.logistic(size=n)
        noise[name] = np.where(rng.random(n) < DRIFT["keep_noise"], values, fresh)
    return Population(maturity, log_pop, noise, pop.applicable)


def add_questions(seed: int, pop: Population) -> Population:
    """The population with answer noise for the questions added in 2013 (:data:`ADDED_2013`, stream 21).

    Questions that already have noise (a year after 2013) keep it.
    """
    rng = stream(seed, 21)
    added = [qid for qid in ADDED_2013 if qid not in pop.noise]
    noise = {**pop.noise, **{qid: rng.logistic(size=len(pop.maturity)) for qid in added}}
    return Population(pop.maturity, pop.log_pop, noise, pop.applicable)


def calibrate_added(scores: dict[str, np.ndarray], calib: np.ndarray, missing: dict[str, np.ndarray]) -> dict:
    """Cut-offs of the questions added in 2013, giving their shares among ``calib`` (the 2013 complete respondents).

    Only the added questions the wave's codebook asks (those in ``missing``) get one.
    """
    return {qid: _calibrate(scores[qid], calib & (missing[qid] == 0), share)
            for qid, (share, _) in ADDED_2013.items() if qid in missing}


def noise_names() -> list[str]:
    """The latent items that carry answer noise: closed items, options of multiple choices, numbers, comments."""
    return ([*TARGETS, *[f"driver__{c}" for c in DRIVER_TARGETS],
             *[f"payment_services__{c}" for c in PAYMENT_TARGETS],
             *[f"main_aim__{c}" for c, *_ in MAIN_AIM_STEPS], *ORDINAL_TARGETS,
             "it_staff_fte", "digital_budget_keur", "comments"])


def latent_scores(frame: pd.DataFrame, pop: Population) -> dict[str, np.ndarray]:
    """Latent answer scores (without intercepts) for every closed item.

    Parameters
    ----------
    frame
        The frame, with ``political_group``.
    pop
        The latent population.

    Returns
    -------
    dict
        Item (question, or ``<question>__<option>``) -> score per unit.
    """
    m, noise = pop.maturity, pop.noise
    scores = {qid: slope * m + noise[qid] for qid, (_, slope) in TARGETS.items() if slope is not None}
    scores.update({qid: slope * m + noise[qid] for qid, (_, slope) in ADDED_2013.items() if qid in noise})
    for code, (_, slope) in DRIVER_TARGETS.items():
        scores[f"driver__{code}"] = slope * m + noise[f"driver__{code}"]
    scores["driver__elected"] += frame["political_group"].map(ELECTED_GROUP_SHIFT).fillna(0).to_numpy()
    for code, (_, slope) in PAYMENT_TARGETS.items():
        scores[f"payment_services__{code}"] = slope * m + noise[f"payment_services__{code}"]
    for code, _, slope in MAIN_AIM_STEPS:
        scores[f"main_aim__{code}"] = slope * m + noise[f"main_aim__{code}"]
    for qid, (_, _, slope, _) in ORDINAL_TARGETS.items():
        scores[qid] = slope * m + noise[qid]
    scores["digital_lead"] += 0.5 * pop.log_pop
    return scores


def calibrate_cutoffs(scores: dict[str, np.ndarray], pop: Population, calib: np.ndarray,
                       missing: dict[str, np.ndarray]) -> dict:
    """Cut-offs giving the target shares (:data:`TARGETS` and others) among the calibration respondents.

    Parameters
    ----------
    scores
        :func:`latent_scores`.
    pop
        The latent population.
    calib
        The calibration respondents (the 2012 complete respondents).
    missing
        Item non-response (:func:`helpers.demo.response.item_missing`): shares are of valid answers.

    Returns
    -------
    dict
        Item -> cut-off; a pair (partially, fully) for ordinal questions. Savings are apart
        (:func:`savings_cutoff`).
    """
    def valid(qid: str) -> np.ndarray:
        return calib & (missing[qid] == 0)

    cut = {qid: _calibrate(scores[qid], valid(qid), share)
           for qid, (share, slope) in TARGETS.items() if slope is not None}
    for code, (share, _) in DRIVER_TARGETS.items():
        cut[f"driver__{code}"] = _calibrate(scores[f"driver__{code}"], valid("driver"), share)
    remaining = valid("main_aim")
    for code, share, _ in MAIN_AIM_STEPS:
        key = f"main_aim__{code}"
        cut[key] = _calibrate(scores[key], remaining, share)
        remaining &= scores[key] <= cut[key]
    for qid, (any_share, full_share, _, _) in ORDINAL_TARGETS.items():
        concerned = valid(qid) & pop.applicable[qid]
        cut[qid] = (_calibrate(scores[qid], concerned, any_share),
                    _calibrate(scores[qid], concerned, full_share))
    paying = (valid("demat_payment") & valid("payment_services") & pop.applicable["demat_payment"]
              & (scores["demat_payment"] > cut["demat_payment"][0]))
    for code, (share, _) in PAYMENT_TARGETS.items():
        cut[f"payment_services__{code}"] = _calibrate(scores[f"payment_services__{code}"], paying, share)
    return cut


def _savings_score(pop: Population, elected: np.ndarray) -> np.ndarray:
    return (SAVINGS_SLOPES["maturity"] * pop.maturity + SAVINGS_SLOPES["log_population"] * pop.log_pop
            + np.log(TRUE_ODDS_RATIO) * elected + pop.noise["savings"])


def savings_cutoff(frame: pd.DataFrame, pop: Population, cutoffs: dict, calib: np.ndarray,
                    missing: dict[str, np.ndarray]) -> float:
    """The savings cut-off: the target share among the calibration respondents asked (projects under way).

    Parameters
    ----------
    frame, pop
        The frame and its latent population.
    cutoffs
        :func:`calibrate_cutoffs`.
    calib, missing
        As for :func:`calibrate_cutoffs`.

    Returns
    -------
    float
    """
    answers = true_codes(frame, pop, {**cutoffs, "savings": 0.0})
    asked = (calib & (answers["projects_underway"].to_numpy() == 1) & (missing["projects_underway"] == 0)
             & (missing["savings"] == 0))
    return _calibrate(_savings_score(pop, answers["driver__elected"].to_numpy()), asked, TARGETS["savings"][0])


def true_codes(frame: pd.DataFrame, pop: Population, cut: dict) -> pd.DataFrame:
    """True codes of every unit, before routing.

    Parameters
    ----------
    frame, pop
        The frame and its latent population.
    cut
        The cut-offs, savings included.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``; one column per answer value (see
        :func:`helpers.inputs.codebook.value_columns`) but free text; codes of
        the codebook, ``NOT_APPLICABLE`` where a service does not concern the
        unit, ``NOT_ASKED`` for the online-payment detail where payment is not
        dematerialised.
    """
    scores = latent_scores(frame, pop)
    binary = [*(qid for qid, (_, slope) in TARGETS.items() if slope is not None), *(q for q in ADDED_2013 if q in cut)]
    answers = {qid: (scores[qid] > cut[qid]).astype(int) for qid in binary}
    driver = {code: (scores[f"driver__{code}"] > cut[f"driver__{code}"]).astype(int) for code in DRIVER_TARGETS}
    # Nobody leaves "who drives it" empty: the general management is the default answer.
    driver["general_management"] |= ~np.any(list(driver.values()), axis=0)
    answers.update({f"driver__{code}": value for code, value in driver.items()})
    aim = np.full(len(frame), 4)
    for code, _, _ in reversed(MAIN_AIM_STEPS):
        aim = np.where(scores[f"main_aim__{code}"] > cut[f"main_aim__{code}"], code, aim)
    answers["main_aim"] = aim
    for qid, (low, high) in ((q, cut[q]) for q in ORDINAL_TARGETS):
        level = (scores[qid] > low).astype(int) + (scores[qid] > high).astype(int)
        answers[qid] = np.where(pop.applicable.get(qid, True), level, NOT_APPLICABLE)
    paying = np.isin(answers["demat_payment"], (1, 2))
    options = {code: (scores[f"payment_services__{code}"] > cut[f"payment_services__{code}"]).astype(int)
               for code in PAYMENT_TARGETS}
    options["other"] |= ~np.any(list(options.values()), axis=0)
    for code, value in options.items():
        answers[f"payment_services__{code}"] = np.where(paying, value, NOT_ASKED)
    answers["savings"] = (_savings_score(pop, answers["driver__elected"]) > cut["savings"]).astype(int)
    answers.update(_numeric_answers(frame, pop))
    return pd.DataFrame(answers, index=frame.index)


def _numeric_answers(frame: pd.DataFrame, pop: Population) -> dict[str, np.ndarray]:
    """IT staff (FTE, to the half) and digital budget (k€), growing with size and maturity."""
    per_type = frame["type"].map({"region": 1.3, "departement": 1.6}).fillna(1.0).to_numpy()
    fte = np.exp(np.log(22 * per_type) + 0.75 * pop.log_pop + 0.25 * pop.maturity
                 + 0.35 * pop.noise["it_staff_fte"] / 1.8)
    fte = np.maximum(np.round(fte * 2) / 2, 0.5)
    budget = fte * np.exp(np.log(70) + 0.3 * pop.maturity + 0.4 * pop.noise["digital_budget_keur"] / 1.8)
    return {"it_staff_fte": fte, "digital_budget_keur": np.round(budget / 5) * 5}


def route(answers: pd.DataFrame, questions: list[Question]) -> pd.DataFrame:
    """Apply the questionnaire's routing to a table of answers: questions not asked become ``NOT_ASKED``.

    Parameters
    ----------
    answers
        One column per answer value (see :func:`helpers.inputs.codebook.value_columns`),
        codes as in the codebook or the model's negative special codes, which
        do not open a gate.
    questions
        The questions to route, in questionnaire order (a gate routed out closes what it gates).

    Returns
    -------
    pandas.DataFrame
        A copy of ``answers``, routed by :func:`helpers.inputs.codebook.asked`.
    """
    routed = answers.copy()
    for q in questions:
        if q.asked_if:
            routed.loc[~asked(q, routed), value_columns(q)] = NOT_ASKED
    return routed
