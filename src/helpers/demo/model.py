"""The generating model of the demo waves: its documented parameters, the seed and the random streams.

Every parameter is a module constant, copied to the truth file
(``data/demo_truth/<year>.json``). Everything is drawn from
``numpy.random.default_rng`` streams derived from one seed (default
:data:`DEFAULT_SEED`, see :func:`stream`), so the same seed gives
byte-identical files.

Latent e-maturity
    ``m = ALPHA_TYPE[type] + BETA_POP * lp + e``, ``e ~ N(0, 1)``, where
    ``lp = log(population / POP_CENTRE)``.
True answers
    Every true answer is a threshold of a latent ``slope * m + shifts + u``
    with standard logistic ``u``, so each yes/no answer follows a logistic
    model in ``m``. Services a type does not run are "Non concerné" (état
    civil: communes only; social aid: mostly départements). Elected-official
    leadership also depends on the political group (:data:`ELECTED_GROUP_SHIFT`).
    Savings follow ``logit P = a + 0.7 m + 0.2 lp + log(2) * elected``: the
    true conditional odds ratio of elected leadership given ``m`` and ``lp``
    is :data:`TRUE_ODDS_RATIO` = 2. Because leadership also rises with ``m``,
    the analysis model (savings ~ elected + tier + log population), which
    cannot see ``m``, targets a larger census odds ratio, stored in the truth.
Calibration
    Intercepts and thresholds are calibrated: each is set so that the share
    among the wave-2012 complete respondents equals the figure published in
    2012 (:data:`TARGETS`), then kept fixed in later years.
Response
    Starting the questionnaire follows
    ``logit P = g0 + GAMMA_TYPE[type] + GAMMA_POP * lp + GAMMA_MATURITY * m``
    for invited units (bounced, declined and ineligible units never answer);
    a starter completes with ``logit P = 1.4 + 0.3 m`` (:data:`COMPLETION`).
    ``g0`` is solved so that about 20% of the frame completes. Respondents are
    therefore more mature than non-respondents, partly beyond what type and
    size explain. In 2013 the propensity gains a shift for 2012 respondents,
    solved so that about half of them answer again while the overall rate
    stays near 20%. The response can be redrawn over the same truth with this
    mechanism or with maturity replaced by its expectation given type and
    size (:data:`RESPONSE_MECHANISMS`).
Submission times
    Each unit that starts the questionnaire answers at a time drawn from a
    proportional-hazards model of fieldwork, conditional on answering before
    it closes (:data:`FIELDWORK`): with ``t`` in days since the first
    invitation (contacts go out at the start of their day), the baseline
    hazard is ``HAZARD_FLOOR + sum_k CONTACT_PEAKS[k] * exp(-(t - t_k) /
    HAZARD_DECAY_DAYS)`` over the contacts ``t_k <= t`` (the invitation, then
    each reminder), so each reminder raises the response hazard. A unit's
    hazard is its baseline times its promptness ``PROMPTNESS_SCALE *
    exp(PROMPTNESS_MATURITY * (m - mean m))``: the e-maturity that drives
    response also makes an authority answer earlier, so the late respondents
    are less mature than the early ones, closer to the non-respondents (the
    continuum of resistance holds by construction, with a known truth: each
    unit's maturity and time are in the truth file). Who answers is still
    decided by the response model above; the hazard decides when (the time
    is drawn from ``F(t) = (1 - exp(-c L(t))) / (1 - exp(-c L(T)))``, ``L`` the
    cumulative baseline, ``c`` the promptness, ``T`` the close of fieldwork),
    so the demo does not say how many would have answered without a reminder.
2013
    Populations grow slightly, ``m`` advances by 0.15 (+ N(0, 0.2)), 85% of
    units keep their 2012 answer noise (answers mostly stable) and 15% redraw
    it (:data:`DRIFT`). The 2013 questionnaire (``config/codebook/2013.yaml``)
    drops a question, adds one (:data:`ADDED_2013`, calibrated on the 2013
    complete respondents, its noise from a stream of its own so that nothing
    else moves) and rewords one (:data:`REWORDED_2013`: the new wording shifts
    the latent answer, so its share changes for a reason other than the
    authorities' progress, which is why the series must not be compared).
A series of waves (any year from :data:`FIRST_YEAR`)
    Year ``y`` is year ``y - 1`` moved on by a year, chained from 2012: every
    year from 2013 the same drift (:data:`DRIFT`): ``m`` advances by
    ``maturity_shift`` (+ N(0, ``maturity_sd``)), so e-services spread and the
    true shares of the questions that rise with maturity rise every year; each
    unit keeps its answer noise with probability ``keep_noise``; populations
    grow by ``population_growth`` a year (+ N(0, 0.004) on the log), compounding.
    Cut-offs stay those of 2012 (and 2013 for the added question). From 2014 the
    log population of the model follows the frame's population (a merger changes
    it); 2013 kept the 2012 value. 2014 on ask the 2013 questionnaire (the wave
    files name it), so the series from 2013 compares. Panel continuity: each
    year's response draw gains a shift for the previous year's complete
    respondents, solved so that :data:`TARGET_RETURN_RATE` of them complete
    again while about :data:`TARGET_COMPLETE_RATE` of the frame completes.
    The 2012->2013 step keeps the streams it was first drawn with; later steps
    key theirs by the year, so that adding a year moves no earlier wave.
Frame changes (from :data:`FIRST_REFORM_YEAR`), as the 2014-2017 intercommunal reforms
    Each year :data:`CA_MERGERS_PER_YEAR` pairs of communautés
    d'agglomération of the same région merge on 1 January (pairs drawn from a
    stream of their own; a unit merges at most once a year, and the units
    ineligible in every wave never merge): the larger (by population) keeps its
    SIREN, name, latent maturity, answer noise and services; its population
    becomes the sum of both; the absorbed unit leaves the frame of that year
    and every later one. On 1 January :data:`METROPOLE_YEAR` (the MAPTAM law)
    the communautés urbaines of :data:`METROPOLE_THRESHOLD` inhabitants or more
    become métropoles: same SIREN, ``type`` ``metropole``, "Communauté urbaine"
    becomes "Métropole" in the name; their latent maturity is kept (the
    type shifts of maturity apply to the 2012 draw). The frame keeps the order of
    :func:`helpers.frame.reader.sort_units`. The truth file lists every change
    since 2012 (``frame_changes``).
Fieldwork calendar
    Every year the invitation goes out on 10 September, the reminders on 1 and
    22 October, each moved to the next Monday when it falls on a weekend
    (e-mails to authorities go out on working days; no date of 2012 or 2013
    moves), and fieldwork closes on 16 November (:func:`fieldwork`).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from helpers.vocabulary import UNIT_TYPES

DEFAULT_SEED = 20121203  # 3 December 2012, the day the first barometer was presented in Lyon
FIRST_YEAR = 2012  # the first wave: any later year is generated by moving it on
YEARS = (2012, 2013, 2014, 2015, 2016)  # the demo waves the repository commits

POP_CENTRE = 100_000
ALPHA_TYPE = {"region": 0.3, "departement": 0.2, "metropole": 0.5, "communaute_urbaine": 0.3,
              "communaute_agglomeration": -0.3, "commune": 0.0}
BETA_POP = 0.15
GAMMA_TYPE = {"region": 0.4, "departement": 0.2, "metropole": 0.3, "communaute_urbaine": 0.3,
              "communaute_agglomeration": -0.2, "commune": 0.0}
GAMMA_POP = 0.1
GAMMA_MATURITY = 0.6
COMPLETION = (1.4, 0.3)  # logit P(complete | started) = 1.4 + 0.3 m
TARGET_COMPLETE_RATE = 0.20
TARGET_RETURN_RATE = 0.50  # share of the previous wave's complete respondents completing again
TRUE_ODDS_RATIO = 2.0
SAVINGS_SLOPES = {"maturity": 0.7, "log_population": 0.2}
# The change of the population from one year to the next, every year from 2013.
DRIFT = {"maturity_shift": 0.15, "maturity_sd": 0.2, "keep_noise": 0.85, "population_growth": 0.005}
FIRST_REFORM_YEAR = 2014  # first year of frame changes
CA_MERGERS_PER_YEAR = 4  # pairs of communautés d'agglomération of one région merging each year
METROPOLE_YEAR = 2015  # communautés urbaines become métropoles on 1 January (MAPTAM law of 27 January 2014)
METROPOLE_THRESHOLD = 400_000  # inhabitants
INVITATION_RATES = {"bounced": 0.03, "declined": 0.02}
# Response mechanisms of a redraw: the model above, or the same through the frame only.
RESPONSE_MECHANISMS = ("maturity", "frame")
N_INELIGIBLE = 2
# Fieldwork calendar of the demo waves (month, day): first invitation, reminders, last day.
CALENDAR = {"start": (9, 10), "reminders": ((10, 1), (10, 22)), "end": (11, 16)}
CONTACT_PEAKS = (1.0, 0.8, 0.7)  # daily hazard just after the invitation and each reminder
HAZARD_DECAY_DAYS = 4.0
HAZARD_FLOOR = 0.04
PROMPTNESS_SCALE = 0.06
PROMPTNESS_MATURITY = 0.8

# Targets: shares among the 2012 complete respondents concerned (published figures where
# they exist); slope: effect of maturity on the latent answer.
TARGETS = {
    "projects_underway": (0.85, 1.2), "remote_work": (0.48, 0.8), "e_parapheur": (0.42, 0.9),
    "e_safe": (0.29, 0.7), "e_signature": (0.07, 0.8), "costs_increased": (0.04, -0.2),
    "work_organisation": (0.57, 0.7), "outsourcing": (0.12, 0.4), "pace_suits": (0.40, 0.3),
    "behind_internal": (0.46, -0.3), "behind_population": (0.16, -0.5),
    "measure_internal_usage": (0.44, 0.9), "satisfaction_survey": (0.25, 0.7),
    "measure_user_fit": (0.33, 0.7), "savings": (0.21, None),
}
DRIVER_TARGETS = {"elected": (0.60, 0.35), "general_management": (0.55, 0.2),
                  "it_department": (0.35, 0.4), "services": (0.25, 0.3), "other": (0.05, 0.0)}
ELECTED_GROUP_SHIFT = {"left": 0.4, "right": 0.0, "centre": 0.0, "other": -0.3, "unknown": 0.0}
PAYMENT_TARGETS = {"school_catering": (0.55, 0.3), "early_childhood": (0.30, 0.3),
                   "water": (0.25, 0.2), "culture_sport": (0.40, 0.3), "other": (0.15, 0.0)}
# main aim: sequential choices (share among those not taking an earlier category)
MAIN_AIM_STEPS = ((1, 0.51, -0.1), (2, 0.30 / 0.49, 0.3), (3, 0.14 / 0.19, 0.0))
# (P(>= partially), P(fully), slope, probability that the service concerns each type)
_ALL = dict.fromkeys(UNIT_TYPES, 1.0)
ORDINAL_TARGETS = {
    "demat_civil_status": (0.95, 0.30, 0.8, {**dict.fromkeys(UNIT_TYPES, 0.0), "commune": 1.0}),
    "demat_library": (0.77, 0.55, 0.8, {"region": 0.0, "departement": 0.9, "metropole": 0.6,
                                        "communaute_urbaine": 0.6, "communaute_agglomeration": 0.7,
                                        "commune": 1.0}),
    "demat_payment": (0.33, 0.10, 0.9, {**_ALL, "region": 0.3, "departement": 0.8}),
    "demat_school": (0.15, 0.05, 0.7, {"region": 0.0, "departement": 0.0, "metropole": 0.2,
                                       "communaute_urbaine": 0.2, "communaute_agglomeration": 0.4,
                                       "commune": 1.0}),
    "demat_early_childhood": (0.12, 0.04, 0.7, {"region": 0.0, "departement": 0.8, "metropole": 0.2,
                                                "communaute_urbaine": 0.2,
                                                "communaute_agglomeration": 0.5, "commune": 1.0}),
    "demat_public_space": (0.10, 0.03, 0.7, {**_ALL, "region": 0.0, "departement": 0.6,
                                             "communaute_agglomeration": 0.6}),
    "demat_social_internal": (0.75, 0.25, 0.6, {"region": 0.0, "departement": 1.0, "metropole": 0.1,
                                                "communaute_urbaine": 0.1,
                                                "communaute_agglomeration": 0.15, "commune": 0.5}),
    "demat_social_relation": (0.20, 0.05, 0.8, None),  # same services as the internal question
    "demat_assoc_internal": (0.58, 0.20, 0.7, _ALL),
    "demat_assoc_relation": (0.49, 0.15, 0.7, None),
    "digital_lead": (0.55, 0.30, 0.8, _ALL),
}
SHARED_APPLICABILITY = {"demat_social_relation": "demat_social_internal",
                        "demat_assoc_relation": "demat_assoc_internal"}
# Questions added in 2013: (share among the 2013 complete respondents, slope).
ADDED_2013 = {"open_data": (0.30, 0.9)}
# Questions reworded in 2013: shift of the latent answer under the new wording (telework at least one day a
# week is a stricter question than remote work).
REWORDED_2013 = {"remote_work": -1.0}
# Item non-response: P(blank), P("Ne sait pas") for closed questions; P(blank) for numerics.
ITEM_MISSING = {"default": (0.015, 0.015), "savings": (0.01, 0.04),
                "it_staff_fte": 0.08, "digital_budget_keur": 0.10}

# Special codes of the answer tables (negative, never exported as such).
NOT_ASKED, NOT_ANSWERED, DONT_KNOW, NOT_APPLICABLE = -1, -2, -3, -4


def stream(seed: int, *keys: int) -> np.random.Generator:
    """The random stream of one purpose (``keys``), so that one step's draws never shift another's.

    Parameters
    ----------
    seed
        The wave's seed.
    keys
        What the stream is for (an integer per step, and the year where a step is drawn yearly).

    Returns
    -------
    numpy.random.Generator
    """
    return np.random.default_rng([seed, *keys])


def _working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def fieldwork(year: int) -> dict:
    """The fieldwork of the demo wave ``year`` (:data:`CALENDAR`, contacts on working days).

    Parameters
    ----------
    year
        The wave.

    Returns
    -------
    dict
        ``start`` (first invitation), ``reminders`` (a tuple of dates) and ``end`` (last day), as
        ``config/waves/<year>.yaml`` states them.
    """
    start, reminders, end = CALENDAR["start"], CALENDAR["reminders"], CALENDAR["end"]
    return {"start": _working_day(date(year, *start)),
            "reminders": tuple(_working_day(date(year, *day)) for day in reminders),
            "end": date(year, *end)}


def logistic(x: np.ndarray) -> np.ndarray:
    """The standard logistic function, ``1 / (1 + exp(-x))``."""
    return 1.0 / (1.0 + np.exp(-x))
