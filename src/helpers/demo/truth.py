"""The known truth of a demo wave: model parameters, true shares, the census odds ratio, the wave's README.

Written to ``data/demo_truth/<year>.json`` and ``data/raw/<year>/README.md``;
the analysis never reads the truth, the tests and the method validation do.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.demo.model import (ALPHA_TYPE, BETA_POP, CONTACT_PEAKS, DRIFT, DRIVER_TARGETS, ELECTED_GROUP_SHIFT,
                                HAZARD_DECAY_DAYS, HAZARD_FLOOR, POP_CENTRE, PROMPTNESS_MATURITY,
                                PROMPTNESS_SCALE, SAVINGS_SLOPES, TRUE_ODDS_RATIO, fieldwork)
from helpers.demo.population import route
from helpers.inputs.codebook import Codebook
from helpers.paths import DATA_DIR, display
from helpers.vocabulary import TIERS

SYNTHETIC_MARKER = "SYNTHETIC DEMO DATA"
TRUTH_DIR = DATA_DIR / "demo_truth"


def read_truth(year: int) -> dict:
    """The known truth of the demo wave ``year``, as :func:`helpers.demo.wave.write_wave` wrote it."""
    return json.loads((TRUTH_DIR / f"{year}.json").read_text(encoding="utf-8"))


def _indicator_share(codebook: Codebook, indicator_id: str, answers: pd.DataFrame) -> tuple[float | None, int]:
    ind = codebook.indicators[indicator_id]
    values = answers[ind.column].astype(float)
    valid = values >= 0
    if not valid.any():
        return None, 0
    return round(float(values[valid].isin(ind.codes).mean()), 6), int(valid.sum())


def census_odds_ratio(frame: pd.DataFrame, truth: pd.DataFrame, eligible: np.ndarray) -> dict:
    """The census odds ratio: the analysis model fitted to the true answers of the whole eligible frame.

    Parameters
    ----------
    frame
        The wave's frame.
    truth
        Every unit's true codes (same rows as ``frame``).
    eligible
        Which units are eligible.

    Returns
    -------
    dict
        ``odds_ratio``, exp(coef) of elected leadership in savings ~ elected +
        tier (:data:`helpers.vocabulary.TIERS`, reference ``region_departement``)
        + log population over the eligible units with projects under way and a
        known population; their number ``n``; the coefficients and the formula.
    """
    keep = eligible & (truth["projects_underway"].to_numpy() == 1) & frame["population"].notna().to_numpy()
    data = pd.DataFrame({"elected": truth["driver__elected"].to_numpy()[keep],
                         "log_population": np.log(frame["population"].to_numpy(float)[keep])})
    groups = frame["type"].map(TIERS).to_numpy()[keep]
    for group in ("intercommunal", "commune"):
        if (groups == group).any():  # a partial external frame may lack a group
            data[f"tier[{group}]"] = (groups == group).astype(float)
    fit = sm.Logit(truth["savings"].to_numpy()[keep], sm.add_constant(data)).fit(disp=0)
    return {"formula": "savings ~ elected + tier + log(population)",
            "units": "eligible frame units with projects under way and a known population",
            "tier_reference": "region_departement", "n": int(keep.sum()),
            "odds_ratio": round(float(np.exp(fit.params["elected"])), 6),
            "coefficients": {k: round(float(v), 6) for k, v in fit.params.items()}}


def _respondent_answers(reported: pd.DataFrame) -> pd.DataFrame:
    """One row per responding frame unit: its latest complete submission (the cleaning rule)."""
    kept = reported[(reported["_status"] == "complete") & reported["_unit"].notna()]
    return kept[~kept["_unit"].duplicated(keep="last")]


def fieldwork_truth(year: int, units: pd.DataFrame, respondents: pd.DataFrame) -> dict:
    """The submission-time model of the wave and what it implies: respondents and mean maturity by effort level.

    An effort level counts the reminders sent before a unit's retained submission (0: before the first
    reminder), by the day of the submission as the export records it.
    """
    dates = fieldwork(year)
    kept = respondents.assign(_day=pd.to_datetime(respondents["_when"]).dt.normalize())
    maturity = units["maturity"].to_numpy(float)[kept["_unit"].astype(int).to_numpy()]
    reminders = pd.to_datetime([d.isoformat() for d in dates["reminders"]])
    level = np.searchsorted(reminders.to_numpy(), kept["_day"].to_numpy(), side="right")
    eligible_none = (units["outcome"] == "none").to_numpy()
    levels = {str(k): {"complete": int((level == k).sum()),
                       "mean_maturity": round(float(maturity[level == k].mean()), 6) if (level == k).any() else None}
              for k in range(len(reminders) + 1)}
    return {
        "start": dates["start"].isoformat(), "end": dates["end"].isoformat(),
        "reminders": [d.isoformat() for d in dates["reminders"]],
        "hazard": {"floor": HAZARD_FLOOR, "contact_peaks": list(CONTACT_PEAKS), "decay_days": HAZARD_DECAY_DAYS,
                   "promptness_scale": PROMPTNESS_SCALE, "promptness_maturity": PROMPTNESS_MATURITY,
                   "note": "hazard = promptness * (floor + sum_k peak_k exp(-(t - t_k) / decay)) for t >= t_k; "
                           "promptness = scale * exp(maturity coefficient * (m - mean m)); time drawn "
                           "conditional on answering before the close of fieldwork"},
        "complete_by_effort_level": levels,
        "mean_maturity_nonrespondents": round(float(units["maturity"].to_numpy(float)[eligible_none].mean()), 6),
    }


def build_truth(year: int, seed: int, frame: pd.DataFrame, units: pd.DataFrame, truth_answers: pd.DataFrame,
                reported: pd.DataFrame, planted: dict, cutoffs: dict, response_params: dict,
                codebook: Codebook) -> dict:
    """The known truth of a wave, as written to ``data/demo_truth/<year>.json``.

    Parameters
    ----------
    year, seed
        The wave.
    frame
        The frame, with ``invitation``.
    units
        Unit ids, maturity and response outcome.
    truth_answers
        True codes per unit (:func:`helpers.demo.population.true_codes`).
    reported
        What each export row reports (:func:`helpers.demo.export.build_export`).
    planted
        The planted messy rows.
    cutoffs, response_params
        The calibrated cut-offs and the response model's parameters.
    codebook
        The codebook, for the indicators.

    Returns
    -------
    dict
        The model's parameters; the tiers; the census odds ratio; each
        indicator's share over the eligible frame (routed true answers) and
        among the complete respondents as the cleaning keeps them; response
        counts; the submission-time model with the complete respondents and their mean maturity by
        effort level (:func:`fieldwork_truth`); the planted rows; each unit's maturity, outcome and
        response day (days since the first invitation).
    """
    eligible = (frame["invitation"] != "ineligible").to_numpy()
    population = route(truth_answers, list(codebook.questions.values()))[eligible]
    respondents = _respondent_answers(reported)
    frame_shares, respondent_shares = {}, {}
    for ind in codebook.indicators:
        frame_shares[ind], _ = _indicator_share(codebook, ind, population)
        share, n = _indicator_share(codebook, ind, respondents)
        respondent_shares[ind] = {"share": share, "n": n,
                                  "published_2012": codebook.indicators[ind].published_2012}
    outcome = units["outcome"]
    return {
        "synthetic": True, "year": year, "seed": seed,
        "command": f"python -m helpers demo --year {year} --seed {seed}", "codebook": display(codebook.path),
        "model": {
            "maturity": {"type_shift": ALPHA_TYPE, "log_population": BETA_POP, "noise_sd": 1.0,
                         "log_population_centre": POP_CENTRE, "drift_2013": DRIFT},
            "response": response_params,
            "savings": {"maturity": SAVINGS_SLOPES["maturity"], "log_population": SAVINGS_SLOPES["log_population"],
                        "elected": round(float(np.log(TRUE_ODDS_RATIO)), 6),
                        "cutoff": round(cutoffs["savings"], 6), "true_conditional_odds_ratio": TRUE_ODDS_RATIO,
                        "conditioning": ["maturity", "log_population"]},
            "elected": {"maturity": DRIVER_TARGETS["elected"][1], "political_group": ELECTED_GROUP_SHIFT,
                        "cutoff": round(cutoffs["driver__elected"], 6)},
            "cutoffs": {k: ([round(x, 6) for x in v] if isinstance(v, tuple) else round(v, 6))
                        for k, v in cutoffs.items()},
            "note": "answer = 1 when slope * maturity + shifts + logistic noise > cutoff",
        },
        "tiers": TIERS,
        "census_odds_ratio": census_odds_ratio(frame, truth_answers, eligible),
        "frame_shares": frame_shares,
        "respondent_shares": respondent_shares,
        "response": {"frame_units": len(frame), "eligible": int(eligible.sum()),
                     "complete": int((outcome == "complete").sum()), "partial": int((outcome == "partial").sum()),
                     "complete_rate": round(float((outcome == "complete").mean()), 6),
                     "invitation": {k: int(v) for k, v in frame["invitation"].value_counts().sort_index().items()}},
        "fieldwork": fieldwork_truth(year, units, respondents),
        "planted": planted,
        "units": {uid: {"maturity": round(float(m), 6), "outcome": o,
                        "response_day": None if np.isnan(day) else round(float(day), 6)}
                  for uid, m, o, day in zip(units["unit_id"], units["maturity"], units["outcome"],
                                            units["response_day"])},
    }


_YEAR_2013 = ("In 2013 populations grew slightly, maturity advanced, answers are mostly stable, and about half of "
              "the 2012 respondents answered again. The 2013 questionnaire (`config/codebook/2013.yaml`, see its "
              "header) drops a question, adds one and rewords one; the new wording moves the reworded question's "
              "answers, so the year-on-year step lists it instead of comparing it.")


_TYPE_NAMES = {"region": "régions", "departement": "départements", "metropole": "métropoles",
               "communaute_urbaine": "communautés urbaines",
               "communaute_agglomeration": "communautés d'agglomération", "commune": "communes"}


def _frame_text(truth: dict) -> str:
    """What ``frame.csv`` holds: the 2012 structure, or that structure after the frame changes of the series."""
    units = truth["response"]["frame_units"]
    if "series" not in truth:
        return f"""{units} units with the real 2012 structure
  (27 régions, 101 départements, 15 communautés urbaines + 1 métropole, 202 communautés
  d'agglomération, 123 communes of 50,000+, 45 préfectures under 50,000 including Mamoudzou
  with no population)"""
    counts = ", ".join(f"{n} {_TYPE_NAMES[kind]}" for kind, n in truth["series"]["frame_units_by_type"].items())
    return f"""{units} units of {truth['year']}: the 2012 frame after the frame changes below
  ({counts}; Mamoudzou still with no population)"""


def _series_text(truth: dict) -> str:
    """The README's account of a wave after 2013: the chain from 2012, the panel, every frame change."""
    series = truth["series"]
    panel = series["panel"]
    changes = []
    for change in truth["frame_changes"]:
        changes += [f"- {change['year']}: {m['absorber']['name']} ({m['absorber']['unit_id']}, "
                    f"{m['absorber']['population']:,} inhabitants) absorbed {m['absorbed']['name']} "
                    f"({m['absorbed']['unit_id']}, {m['absorbed']['population']:,}), {m['region']}: "
                    f"{m['population']:,} inhabitants" for m in change["merged"]]
        changes += [f"- {change['year']}: {r['name_before']} ({r['unit_id']}, {r['population']:,} inhabitants) "
                    f"became a métropole, renamed {r['name']}" for r in change["retyped"]]
    return f"""
## A wave of the series
The {truth['year']} population is the {panel['previous_year']} one a year on, chained from {series['first_year']}:
every year maturity advances (e-services spread), answers are mostly stable and populations grow; the
communautés d'agglomération and communautés urbaines change as the 2014-2017 intercommunal reforms
changed them. {panel['complete_again']} of the {panel['previous_complete']} complete respondents of
{panel['previous_year']} still in the frame completed again. The questionnaire is the 2013 one
(`config/codebook/2013.yaml`), so the waves from 2013 compare.

## Frame changes since {series['first_year']}
From {series['frame_changes']['from']}, {series['frame_changes']['ca_mergers_per_year']} pairs of communautés
d'agglomération of one région merge each year on 1 January: the larger keeps its SIREN, name and answers, its
population becomes the sum, the other leaves the frame. On 1 January {series['frame_changes']['metropole_year']}
(MAPTAM law) the communautés urbaines of {series['frame_changes']['metropole_threshold']:,} inhabitants or more
became métropoles (same SIREN).
{chr(10).join(changes)}"""


def wave_readme(year: int, seed: int, truth: dict) -> str:
    """The text of ``data/raw/<year>/README.md``: what the files are, the model in words, the planted features."""
    planted = truth["planted"]
    response = truth["response"]
    return f"""# {SYNTHETIC_MARKER}: baromètre e-services, wave {year}

**These files are SYNTHETIC. They are not the barometer's microdata (which were never
published) and describe no real authority's answers.** Région and département names are
real; communes and intercommunal groupings carry invented names; every person, e-mail
(`.example` domains) and telephone number (`01 99 00 …`, reserved for fiction) is fake.

Generated by `python -m helpers demo --year {year} --seed {seed}` (package `helpers.demo`,
whose module `helpers.demo.model` documents the model). The same seed gives byte-identical files. The known
truth (model parameters, true shares, the census odds ratio, the planted rows) is in
`data/demo_truth/{year}.json`; the analysis never reads it, the tests do.

## Files
- `frame.csv`: the sampling frame, {_frame_text(truth)}. UTF-8, `,`. Invitation outcomes: {response['invitation']}.
- `export.csv`: the raw export, one row per submission, as the survey tool delivers it:
  `;`, {"Windows-1252, CRLF" if year == 2012 else "UTF-8 with a BOM, LF"}; headers and labels
  from `{truth["codebook"]}`.

## The model
Each unit has a latent e-maturity: standard normal, shifted by type and log population.
Every true answer is a threshold of maturity plus logistic noise (services a type does not
run are "Non concerné"). Elected-official leadership rises with maturity and for left-wing
executives; savings depend on maturity, log population and elected leadership with a true
conditional odds ratio of {TRUE_ODDS_RATIO:g}. The analysis model (savings ~ elected + type
group + log population) cannot see maturity: its census value over the eligible frame is
{truth['census_odds_ratio']['odds_ratio']:.3f}. Cut-offs are calibrated so that the 2012
complete respondents reproduce the published 2012 shares.

Response depends on type, size and maturity, so respondents are more advanced than
non-respondents beyond what the frame explains. Each respondent's submission time comes from a
hazard model of fieldwork (invitation on {truth['fieldwork']['start']}, reminders on
{', '.join(truth['fieldwork']['reminders'])}, close on {truth['fieldwork']['end']}): each reminder raises the
response hazard, and more mature authorities answer sooner, so late respondents are less mature than
early ones, closer to the non-respondents (complete respondents by number of reminders received:
{', '.join(str(v['complete']) for v in truth['fieldwork']['complete_by_effort_level'].values())}). {response['complete']} units
({response['complete_rate']:.1%}) completed, {response['partial']} stopped part-way.
{_YEAR_2013 if year == 2013 else ""}{_series_text(truth) if "series" in truth else ""}

## Messy features planted (see the truth file for the response ids)
- partial submissions ("Incomplète") whose later questions are all empty;
- duplicates: {', '.join(d['kind'] for d in planted['duplicates'])} (keep the latest complete);
- test submissions: response ids {planted['test']};
- respondents outside the frame: {[o['kind'] for o in planted['out_of_frame']]};
- identifiers blank ({len(planted['blank_id'])} rows) or malformed ({len(planted['malformed_id'])} rows:
  spaces inside, 8 digits, letters);
- authority names typed loosely (accents dropped, case, "CA", "Cté d'agglo", "Dépt",
  "Conseil général de", "Ville de", "St"), one commune name shared by two communes;
- routing (savings asked only with projects under way; online-payment detail only when
  payment is dematerialised), "Ne sait pas", blank items, IT staff and budget with decimal
  commas and missing values, free-text comments with `;`, quotes and line breaks.
"""
