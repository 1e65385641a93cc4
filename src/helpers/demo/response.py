"""Who answers a demo wave: invitation outcomes, the response draw and item non-response.

The response model is documented in :mod:`helpers.demo.model`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.demo.model import (COMPLETION, DONT_KNOW, GAMMA_MATURITY, GAMMA_POP, GAMMA_TYPE, INVITATION_RATES,
                                ITEM_MISSING, N_INELIGIBLE, NOT_ANSWERED, TARGET_COMPLETE_RATE, TARGET_RETURN_RATE,
                                logistic, stream)
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
                   invitation: np.ndarray, previous: np.ndarray | None) -> tuple[np.ndarray, dict]:
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
        The 2012 outcomes when drawing 2013 (about half of the 2012
        respondents answer again), None for 2012.

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
        before = previous == "complete"
        shift_back = _solve_shift(index[before], completion[before], invited[before], TARGET_RETURN_RATE)
        new_target = (TARGET_COMPLETE_RATE * len(frame)
                      - np.sum(invited[before] * logistic(shift_back + index[before]) * completion[before]))
        shift_new = _solve_shift(index[~before], completion[~before], invited[~before],
                                 new_target / max((~before).sum(), 1))
        params.update(intercept=shift_new, intercept_2012_respondents=shift_back)
        start = logistic(np.where(before, shift_back, shift_new) + index)
    started = invited & (rng.random(len(frame)) < start)
    complete = started & (rng.random(len(frame)) < completion)
    outcome = np.where(complete, "complete", np.where(started, "partial", "none"))
    return outcome, params
