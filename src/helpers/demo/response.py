"""Who answers a demo wave: invitation outcomes, the response draw, when each answers and item non-response.

The response model is documented in :mod:`helpers.demo.model`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.demo.model import (COMPLETION, CONTACT_PEAKS, DONT_KNOW, GAMMA_MATURITY, GAMMA_POP,
                                GAMMA_TYPE, HAZARD_DECAY_DAYS, HAZARD_FLOOR, INVITATION_RATES, ITEM_MISSING,
                                N_INELIGIBLE, NOT_ANSWERED, PROMPTNESS_MATURITY, PROMPTNESS_SCALE,
                                TARGET_COMPLETE_RATE, TARGET_RETURN_RATE, fieldwork, logistic, stream)
from helpers.demo.population import Population
from helpers.inputs.codebook import Question


def draw_invitations(rng: np.random.Generator, frame: pd.DataFrame, ineligible: np.ndarray) -> np.ndarray:
    """Fieldwork outcome of the e-mail invitation (:data:`INVITATION_RATES`).

    Parameters
    ----------
    rng
        The stream of the wave's invitations.
    frame
        The frame.
    ineligible
        Rows of :func:`merged_units`, "ineligible" in every wave.

    Returns
    -------
    numpy.ndarray
        "invited", "bounced", "declined" or "ineligible" per unit.
    """
    n = len(frame)
    outcome = np.full(n, "invited", dtype=object)
    draw = rng.random(n)
    outcome[draw < INVITATION_RATES["bounced"]] = "bounced"
    declined = (draw >= INVITATION_RATES["bounced"]) & (draw < sum(INVITATION_RATES.values()))
    outcome[declined] = "declined"
    outcome[ineligible] = "ineligible"
    return outcome


def merged_units(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Rows of the communautés d'agglomération merged away before fieldwork (:data:`N_INELIGIBLE`)."""
    cas = np.flatnonzero(frame["type"].to_numpy() == "communaute_agglomeration")
    return rng.choice(cas, min(N_INELIGIBLE, len(cas)), replace=False)


def item_missing(seed: int, year: int, pop: Population, questions: list[Question]) -> dict[str, np.ndarray]:
    """Item non-response of each unit in a wave: 0 (answered), NOT_ANSWERED or DONT_KNOW.

    Drawn per unit rather than per submission so that calibration can target the
    shares among valid answers. Numeric items go missing more often in less mature units.
    """
    rng = stream(seed, 8, year)
    n = len(pop.maturity)
    missing = {}
    for q in questions:
        draw = rng.random(n)
        if q.type == "single":
            blank, dont_know = ITEM_MISSING.get(q.id, ITEM_MISSING["default"])
            if not q.scale.dont_know:
                blank, dont_know = blank + dont_know, 0.0
            missing[q.id] = np.where(draw < blank, NOT_ANSWERED,
                                     np.where(draw < blank + dont_know, DONT_KNOW, 0))
        elif q.type == "numeric":
            missing[q.id] = np.where(draw < ITEM_MISSING[q.id] * np.exp(-0.5 * pop.maturity), NOT_ANSWERED, 0)
        elif q.type == "multi":
            missing[q.id] = np.where(draw < 0.01, NOT_ANSWERED, 0)
    return missing


def _propensity_index(frame: pd.DataFrame, pop: Population) -> np.ndarray:
    return (frame["type"].map(GAMMA_TYPE).to_numpy(float) + GAMMA_POP * pop.log_pop
            + GAMMA_MATURITY * pop.maturity)


def _solve_shift(index: np.ndarray, completion: np.ndarray, eligible: np.ndarray, target: float) -> float:
    """Intercept ``g`` with mean(eligible * logistic(g + index) * completion) == target (bisection)."""
    low, high = -15.0, 15.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.mean(eligible * logistic(mid + index) * completion) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def draw_response(rng: np.random.Generator, frame: pd.DataFrame, pop: Population,
                   invitation: np.ndarray, previous: tuple[int, np.ndarray] | None) -> tuple[np.ndarray, dict]:
    """Who starts and who completes the questionnaire, by the response model of :mod:`helpers.demo.model`.

    Parameters
    ----------
    rng
        The stream of the wave's response.
    frame, pop
        The frame and its latent population.
    invitation
        :func:`draw_invitations`: only invited units answer.
    previous
        The previous wave's year and outcomes (same rows as ``frame``): about
        :data:`TARGET_RETURN_RATE` of its complete respondents complete again;
        None for the first wave.

    Returns
    -------
    numpy.ndarray
        "complete", "partial" or "none" per unit.
    dict
        The response model's parameters, solved intercepts included.
    """
    index = _propensity_index(frame, pop)
    completion = logistic(COMPLETION[0] + COMPLETION[1] * pop.maturity)
    invited = invitation == "invited"
    params = {"type": GAMMA_TYPE, "log_population": GAMMA_POP, "maturity": GAMMA_MATURITY,
              "completion": {"intercept": COMPLETION[0], "maturity": COMPLETION[1]}}
    if previous is None:
        params["intercept"] = _solve_shift(index, completion, invited, TARGET_COMPLETE_RATE)
        start = logistic(params["intercept"] + index)
    else:
        previous_year, previous_outcome = previous
        before = previous_outcome == "complete"
        shift_back = _solve_shift(index[before], completion[before], invited[before], TARGET_RETURN_RATE)
        new_target = (TARGET_COMPLETE_RATE * len(frame)
                      - np.sum(invited[before] * logistic(shift_back + index[before]) * completion[before]))
        shift_new = _solve_shift(index[~before], completion[~before], invited[~before],
                                 new_target / max((~before).sum(), 1))
        params.update({"intercept": shift_new, f"intercept_{previous_year}_respondents": shift_back})
        start = logistic(np.where(before, shift_back, shift_new) + index)
    started = invited & (rng.random(len(frame)) < start)
    complete = started & (rng.random(len(frame)) < completion)
    outcome = np.where(complete, "complete", np.where(started, "partial", "none"))
    return outcome, params


def contact_days(year: int) -> np.ndarray:
    """Days since the first invitation of each contact of the wave: the invitation, then the reminders."""
    dates = fieldwork(year)
    return np.array([0.0, *((day - dates["start"]).days for day in dates["reminders"])])


def cumulative_hazard(year: int, days: np.ndarray) -> np.ndarray:
    """The baseline cumulative hazard ``L(t)`` of :mod:`helpers.demo.model` at ``days`` since the invitation."""
    t = np.asarray(days, dtype=float)[..., None]
    since = np.clip(t - contact_days(year), 0.0, None)
    peaks = np.asarray(CONTACT_PEAKS, dtype=float)
    return HAZARD_FLOOR * t[..., 0] + (peaks * HAZARD_DECAY_DAYS * (1 - np.exp(-since / HAZARD_DECAY_DAYS))).sum(-1)


def promptness(maturity: np.ndarray) -> np.ndarray:
    """Each unit's hazard multiplier: ``PROMPTNESS_SCALE * exp(PROMPTNESS_MATURITY * (m - mean m))``."""
    maturity = np.asarray(maturity, dtype=float)
    return PROMPTNESS_SCALE * np.exp(PROMPTNESS_MATURITY * (maturity - maturity.mean()))


def draw_days(rng: np.random.Generator, year: int, speed: np.ndarray) -> np.ndarray:
    """When each unit answers, in days since the first invitation, given that it answers during fieldwork.

    Parameters
    ----------
    rng
        The stream of the wave's submission times.
    year
        The wave (its contacts and length, :func:`helpers.demo.model.fieldwork`).
    speed
        Each unit's promptness (:func:`promptness`).

    Returns
    -------
    numpy.ndarray
        Days (fractional) in ``[0, T)``, ``T`` the days of fieldwork, drawn by
        inversion of ``F(t) = (1 - exp(-c L(t))) / (1 - exp(-c L(T)))``.
    """
    dates = fieldwork(year)
    length = (dates["end"] - dates["start"]).days + 1
    grid = np.linspace(0.0, length, length * 24 * 60 + 1)  # one-minute steps
    hazard = cumulative_hazard(year, grid)
    speed = np.asarray(speed, dtype=float)
    u = rng.random(speed.shape)
    target = -np.log1p(-u * -np.expm1(-speed * hazard[-1])) / speed
    return np.minimum(np.interp(target, hazard, grid), length - 1 / 86400)
