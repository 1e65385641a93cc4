"""Synthetic demo waves of the baromètre: generating, redrawing and writing a wave, and its command.

The real microdata of the barometer were never published, so the project ships
SYNTHETIC waves 2012 to 2016 written by this package (``python -m helpers demo
--year YEAR``, any year from 2012): a frame (:mod:`helpers.demo.frame`), a latent population with
true answers (:mod:`helpers.demo.population`), who answers
(:mod:`helpers.demo.response`), the raw export (:mod:`helpers.demo.export`)
and the known truth (:mod:`helpers.demo.truth`), all from the seeded model of
:mod:`helpers.demo.model`. The same seed gives byte-identical files. A later wave
replays the 2012 population from the same seed and moves it on a year at a time, with the frame changes of
the intercommunal reforms (:mod:`helpers.demo.reforms`).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import atomic
from helpers.demo.export import build_export, export_bytes
from helpers.demo.formats import FORMATS, export_file_bytes
from helpers.demo.frame import read_frame_csv, synthetic_frame
from helpers.demo.model import (ALPHA_TYPE, BETA_POP, CA_MERGERS_PER_YEAR, DEFAULT_SEED, DRIFT, FIRST_REFORM_YEAR,
                                FIRST_YEAR, METROPOLE_THRESHOLD, METROPOLE_YEAR, RESPONSE_MECHANISMS, REWORDED_2013,
                                TARGET_RETURN_RATE, YEARS, stream)
from helpers.demo.population import (Population, add_questions, advance_population, calibrate_added,
                                     calibrate_cutoffs, draw_population, latent_scores, log_population, noise_names,
                                     route, savings_cutoff, true_codes)
from helpers.demo.reforms import change_frame
from helpers.demo.response import (draw_days, draw_invitations, draw_response, item_missing, merged_units,
                                   promptness)
from helpers.demo.truth import SYNTHETIC_MARKER, TRUTH_DIR, build_truth, wave_readme
from helpers.errors import InputError
from helpers.frame.reader import FRAME_COLUMNS, sort_units
from helpers.inputs.codebook import Codebook, load_codebook, value_columns
from helpers.inputs.profiles import layout, profile_names
from helpers.inputs.waves import load_wave, wave_path
from helpers.paths import display, raw_dir, resolve
from helpers.vocabulary import UNIT_TYPES

LOG = logging.getLogger(__name__)


@dataclass
class DemoWave:
    """One generated wave: the frame, the raw export and the known truth.

    Attributes
    ----------
    year, seed
        The wave and the seed it was generated from.
    frame
        The sampling frame as written to ``frame.csv`` (text columns, nullable
        integer population).
    export
        The raw export as written to ``export.csv``: one row per submission,
        every cell a string ("" when empty).
    export_bytes, frame_bytes
        The exact bytes of ``export.csv`` and ``frame.csv``.
    units
        Unit-level latent variables and true answers (maturity, response
        outcome, ``response_day`` (days since the first invitation, NaN for units that do not answer),
        true codes with the negative codes of this module).
    truth
        The known truth, as written to ``data/demo_truth/<year>.json``; from 2014 also ``series`` (the
        drift, the frame-change parameters, the units by type, the panel of the previous year's complete
        respondents) and ``frame_changes`` (every merger and change of type since 2012).
    readme
        The text of the wave's ``README.md``.
    """

    year: int
    seed: int
    frame: pd.DataFrame
    export: pd.DataFrame
    export_bytes: bytes
    frame_bytes: bytes
    units: pd.DataFrame
    truth: dict
    readme: str


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    return frame[list(FRAME_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def wave_codebook(year: int) -> Codebook:
    """The codebook that the demo wave's file, ``config/waves/<year>.yaml``, names.

    A year without a wave file asks the questionnaire of the last committed demo wave
    (:data:`helpers.demo.model.YEARS`).
    """
    known = year if wave_path(year).is_file() else YEARS[-1]
    return load_codebook(load_wave(known, check_inputs=False).codebook_path)


@dataclass
class _Year:
    """The chain of the series in one year: what the next year moves on from.

    ``frame`` is the year's frame (sorted, the year's ``invitation``); ``pop``, ``outcome`` and ``previous``
    (the previous year's outcome of each unit, None in the first year) have its rows; ``cutoffs`` are
    before any rewording; ``missing`` is the year's item non-response; ``changes`` lists the frame changes
    since the first year.
    """

    year: int
    frame: pd.DataFrame
    pop: Population
    outcome: np.ndarray
    previous: np.ndarray | None
    params: dict
    cutoffs: dict
    missing: dict[str, np.ndarray]
    changes: list[dict]


def _invitations(seed: int, year: int, frame: pd.DataFrame, protected: set[str], given: bool) -> np.ndarray:
    """The year's invitation outcomes: those of the frame when it gives them, else drawn (stream 3 of the year)."""
    if given:
        return frame["invitation"].to_numpy()
    ineligible = np.flatnonzero(frame["unit_id"].isin(protected).to_numpy())
    return draw_invitations(stream(seed, 3, year), frame, ineligible)


def _first_year(seed: int, base: pd.DataFrame, codebook: Codebook, protected: set[str], given: bool) -> _Year:
    """The first wave: the latent population drawn, its response, the cut-offs calibrated on its respondents."""
    pop = draw_population(seed, base, noise_names())
    invitation = _invitations(seed, FIRST_YEAR, base, protected, given)
    outcome, params = draw_response(stream(seed, 4, FIRST_YEAR), base, pop, invitation, None)
    missing = item_missing(seed, FIRST_YEAR, pop, list(codebook.questions.values()))
    cutoffs = calibrate_cutoffs(latent_scores(base, pop), pop, outcome == "complete", missing)
    cutoffs["savings"] = savings_cutoff(base, pop, cutoffs, outcome == "complete", missing)
    return _Year(FIRST_YEAR, base.assign(invitation=invitation), pop, outcome, None, params, cutoffs, missing, [])


def _next_year(seed: int, last: _Year, codebook: Codebook, protected: set[str], given: bool) -> _Year:
    """The wave a year after ``last``: populations grown, frame changes, the drift, the response (:mod:`model`)."""
    year = last.year + 1
    keys = () if year == 2013 else (year,)  # the 2012->2013 step keeps the streams it was first drawn with
    growth = np.exp(DRIFT["population_growth"] + 0.004 * stream(seed, 7, *keys).standard_normal(len(last.frame)))
    frame = last.frame.assign(population=(last.frame["population"].astype("Float64") * growth).round().astype("Int64"))
    rows, changes = np.arange(len(frame)), last.changes
    if year >= FIRST_REFORM_YEAR:
        frame, rows, change = change_frame(stream(seed, 10, year), year, frame, protected)
        changes = [*changes, change]
    pop = last.pop.take(rows)
    log_pop = pop.log_pop if year == 2013 else log_population(frame)
    pop = add_questions(seed, advance_population(stream(seed, 5, *keys), pop, log_pop))
    invitation = _invitations(seed, year, frame, protected, given)
    previous = last.outcome[rows]
    outcome, params = draw_response(stream(seed, 4, year), frame, pop, invitation, (last.year, previous))
    missing = item_missing(seed, year, pop, list(codebook.questions.values()))
    cutoffs = dict(last.cutoffs)
    added = calibrate_added(latent_scores(frame, pop), outcome == "complete", missing)
    cutoffs.update({qid: cut for qid, cut in added.items() if qid not in cutoffs})  # calibrated the year first asked
    return _Year(year, frame.assign(invitation=invitation), pop, outcome, previous, params, cutoffs, missing,
                 changes)


def _series_truth(state: _Year) -> dict:
    """What the truth of a wave after 2013 adds: the drift, the frame changes and the panel of respondents."""
    before = state.previous == "complete"
    types = state.frame["type"].value_counts()
    return {"series": {"first_year": FIRST_YEAR, "drift_per_year": DRIFT,
                       "frame_units_by_type": {kind: int(types[kind]) for kind in UNIT_TYPES if kind in types},
                       "frame_changes": {"from": FIRST_REFORM_YEAR, "ca_mergers_per_year": CA_MERGERS_PER_YEAR,
                                         "metropole_year": METROPOLE_YEAR,
                                         "metropole_threshold": METROPOLE_THRESHOLD},
                       "panel": {"previous_year": state.year - 1, "target_return_rate": TARGET_RETURN_RATE,
                                 "previous_complete": int(before.sum()),
                                 "complete_again": int((before & (state.outcome == "complete")).sum())}},
            "frame_changes": state.changes}


def generate_wave(year: int, seed: int = DEFAULT_SEED, frame: pd.DataFrame | None = None,
                  codebook: Codebook | None = None) -> DemoWave:
    """Generate one synthetic demo wave.

    Parameters
    ----------
    year
        :data:`helpers.demo.model.FIRST_YEAR` (2012) or later; a later year replays the 2012 population of
        the same seed and frame and moves it on a year at a time (:mod:`helpers.demo.model`).
    seed
        Seed of every random stream.
    frame
        A frame in the frame format (e.g. from :func:`read_frame_csv`) to use
        instead of :func:`synthetic_frame`; a missing ``invitation`` column is drawn.
    codebook
        The codebook the export is written from; by default the one the wave file names
        (:func:`wave_codebook`); the years before ``year`` ask theirs. The model is calibrated on the 2012
        respondents of the 2012 questionnaire.

    Returns
    -------
    DemoWave

    Raises
    ------
    ValueError
        If ``year`` is before :data:`helpers.demo.model.FIRST_YEAR`.
    """
    if year < FIRST_YEAR:
        raise ValueError(f"year must be {FIRST_YEAR} or later, not {year!r}")
    codebook = codebook or wave_codebook(year)
    calibration = codebook if year == FIRST_YEAR else wave_codebook(FIRST_YEAR)
    base = synthetic_frame(seed) if frame is None else sort_units(frame)
    given = frame is not None and "invitation" in frame.columns and bool((base["invitation"] != "").all())
    protected = set(base["unit_id"].to_numpy()[merged_units(stream(seed, 3), base)])
    state = _first_year(seed, base, calibration, protected, given)
    while state.year < year:
        state = _next_year(seed, state, codebook if state.year + 1 == year else wave_codebook(state.year + 1),
                           protected, given)
    # A question whose heading differs from 2012's is asked in its new wording, which moves the latent answer.
    cutoffs = {**state.cutoffs, **{qid: state.cutoffs[qid] - shift for qid, shift in REWORDED_2013.items()
                                   if qid in codebook.questions and codebook.questions[qid].column
                                   != calibration.questions[qid].column}}
    base, pop, outcome = state.frame, state.pop, state.outcome
    truth_answers = true_codes(base, pop, cutoffs)
    days = np.where(outcome != "none", draw_days(stream(seed, 9, year), year, promptness(pop.maturity)), np.nan)
    export, reported, planted = build_export(seed, year, base, outcome, days, truth_answers, state.missing, codebook)
    units = pd.concat([base[["unit_id", "type"]], truth_answers], axis=1).assign(
        maturity=pop.maturity, outcome=outcome, response_day=days)
    truth = build_truth(year, seed, base, units, truth_answers, reported, planted, cutoffs, state.params, codebook)
    if year >= FIRST_REFORM_YEAR:
        truth.update(_series_truth(state))
    frame_out = base[list(FRAME_COLUMNS)]
    return DemoWave(year, seed, frame_out, export, export_bytes(export, year), _frame_bytes(frame_out),
                    units, truth, wave_readme(year, seed, truth))


def redraw_fieldwork(wave: DemoWave, seed: int, mechanism: str = "maturity") -> tuple[np.ndarray, np.ndarray]:
    """Redraw who answers the questionnaire and when, keeping the wave's frame and truth fixed.

    The frame, the invitation outcomes, the latent maturity and every true
    answer (``wave.units``) stay as generated; only the fieldwork draw (who
    starts, who completes) is repeated with the response model of
    :mod:`helpers.demo.model` and the stream of ``seed``. Repeated calls with different seeds
    give the sampling distribution of respondent-based estimates of the
    wave's fixed truth (e.g. ``wave.truth["census_odds_ratio"]``);
    ``seed=wave.seed`` reproduces ``wave.units["outcome"]`` and ``wave.units["response_day"]``.

    Parameters
    ----------
    wave
        A 2012 wave from :func:`generate_wave` (the 2013 response model
        depends on the 2012 draw, so it is not redrawn on its own).
    seed
        Seed of the response stream.
    mechanism
        ``"maturity"`` (default): the wave's own response model, where
        starting and completing depend on each unit's latent maturity, hence
        on its answers, beyond type and size. ``"frame"``: the same model with
        each unit's maturity replaced by its expectation given the frame,
        ``ALPHA_TYPE[type] + BETA_POP * lp``, so that response depends on type
        and size only (missing at random given the frame, with about the same
        gradients by type and size); the intercept is solved again for about
        20% complete.

    Returns
    -------
    numpy.ndarray
        Outcome per frame unit: "complete", "partial" or "none".
    numpy.ndarray
        When each unit answers, in days since the first invitation (NaN for
        units that do not answer), drawn with the promptness of the same
        maturity as the response (:func:`helpers.demo.response.draw_days`).

    Raises
    ------
    ValueError
        If ``wave`` is not a 2012 wave or ``mechanism`` is unknown.
    """
    if wave.year != 2012:
        raise ValueError(f"wave: year {wave.year}; only the 2012 response draw can be redrawn on its own")
    if mechanism not in RESPONSE_MECHANISMS:
        raise ValueError(f"mechanism must be one of {RESPONSE_MECHANISMS}, not {mechanism!r}")
    log_pop = log_population(wave.frame)
    maturity = wave.units["maturity"].to_numpy(float)
    if mechanism == "frame":
        maturity = wave.frame["type"].map(ALPHA_TYPE).to_numpy(float) + BETA_POP * log_pop
    pop = Population(maturity, log_pop, {}, {})
    outcome, _ = draw_response(stream(seed, 4, 2012), wave.frame, pop, wave.frame["invitation"].to_numpy(), None)
    days = draw_days(stream(seed, 9, 2012), 2012, promptness(maturity))
    return outcome, np.where(outcome != "none", days, np.nan)


def redraw_response(wave: DemoWave, seed: int, mechanism: str = "maturity") -> np.ndarray:
    """Who completes the questionnaire in a redrawn fieldwork: the outcomes of :func:`redraw_fieldwork`."""
    return redraw_fieldwork(wave, seed, mechanism)[0]


def true_answers(wave: DemoWave, codebook: Codebook | None = None) -> pd.DataFrame:
    """Every frame unit's true answers as the cleaning step would record them.

    Routing is applied and the special codes (not asked, not applicable) become
    missing, so that :func:`helpers.steps.indicators.indicator_values` gives each
    unit's true indicator values; their means over the eligible units are the
    truth's ``frame_shares``.

    Parameters
    ----------
    wave
        A generated wave.
    codebook
        The codebook; by default the one the wave file names.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit_id``: one float column per answer column (no
        numeric questions), NaN where the unit has no valid answer.
    """
    codebook = codebook or wave_codebook(wave.year)
    questions = [q for q in codebook.questions.values() if q.type not in ("numeric", "text")]
    units = wave.units.set_index("unit_id")
    columns = [key for q in questions for key in value_columns(q)]
    routed = route(units[columns], questions).astype(float)
    return routed.where(routed >= 0)


def _check_overwrite(folder: Path) -> None:
    """Refuse to overwrite a folder holding real (non-demo) data."""
    readme = folder / "README.md"
    holds_data = (folder / "frame.csv").exists() or any(folder.glob("export.*"))
    if holds_data and not (readme.is_file() and SYNTHETIC_MARKER in readme.read_text(encoding="utf-8")):
        raise InputError(folder, f"holds data not marked {SYNTHETIC_MARKER!r} in README.md; "
                                 "refusing to overwrite what may be real data (use --force)")


def write_wave(wave: DemoWave, raw_dir: Path, truth_path: Path, force: bool = False, profile: str = "default",
               file_format: str = "csv") -> list[Path]:
    """Write a wave's frame, export, README and truth file.

    Parameters
    ----------
    wave
        The generated wave.
    raw_dir
        Folder of ``frame.csv``, ``export.csv`` and ``README.md``.
    truth_path
        The truth JSON file.
    force
        Overwrite a folder whose README does not mark it as demo data.
    profile, file_format
        The export profile (``config/exports/<profile>.yaml``) and file format
        (:data:`helpers.demo.formats.FORMATS`) of ``export.<format>``; the
        default profile as ``csv`` is ``export.csv`` as the project ships it.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    InputError
        If ``raw_dir`` holds data not marked as synthetic and ``force`` is false.
    """
    raw_dir = Path(raw_dir)
    if not force:
        _check_overwrite(raw_dir)
    if (profile, file_format) == ("default", "csv"):
        export = wave.export_bytes
    else:
        export = export_file_bytes(wave.export, wave.year, layout(profile, load_codebook()), file_format)
    files = {raw_dir / "frame.csv": wave.frame_bytes, raw_dir / f"export.{file_format}": export,
             raw_dir / "README.md": wave.readme.encode("utf-8"),
             Path(truth_path): (json.dumps(wave.truth, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}
    for path, data in files.items():
        atomic.write_bytes(path, data)
    return list(files)


def demo_year(text: str) -> int:
    """The ``--year`` of ``python -m helpers demo``: a year from :data:`helpers.demo.model.FIRST_YEAR` on.

    Raises
    ------
    argparse.ArgumentTypeError
        If ``text`` is not a year or is before the first wave.
    """
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year") from None
    if year < FIRST_YEAR:
        raise argparse.ArgumentTypeError(f"{year}: the demo series starts in {FIRST_YEAR}")
    return year


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m helpers demo``."""
    parser.add_argument("--year", type=demo_year, required=True,
                        help=f"demo wave: {FIRST_YEAR} or later (the repository commits {YEARS[0]}-{YEARS[-1]})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of every random stream (default {DEFAULT_SEED}, the committed files)")
    parser.add_argument("--out-dir", default=None, help="folder of the wave (default data/raw/<year>)")
    parser.add_argument("--truth", default=None, help="truth JSON (default data/demo_truth/<year>.json)")
    parser.add_argument("--frame", default=None,
                        help="frame CSV in the frame format to use instead of the synthetic frame")
    parser.add_argument("--force", action="store_true", help="overwrite a folder not marked as demo data")
    parser.add_argument("--profile", default="default", choices=profile_names(),
                        help="write the export as this survey tool lays it out (config/exports/<profile>.yaml)")
    parser.add_argument("--format", dest="file_format", default="csv", choices=FORMATS,
                        help="file format of the export (export.<format>)")


def main(args: argparse.Namespace) -> int:
    """Generate and write one demo wave; returns the exit status."""
    started = time.perf_counter()
    frame = read_frame_csv(resolve(args.frame, Path())) if args.frame else None
    wave = generate_wave(args.year, seed=args.seed, frame=frame)
    truth_path = resolve(args.truth, TRUTH_DIR / f"{args.year}.json")
    written = write_wave(wave, raw_dir(args.year, args.out_dir), truth_path, force=args.force,
                         profile=args.profile, file_format=args.file_format)
    for path in written:
        LOG.info("wrote %s", display(path))
    if (args.profile, args.file_format) != ("default", "csv"):
        LOG.info("to read it, set raw.export: export.%s and raw.profile: %s in the wave file", args.file_format,
                 args.profile)
    LOG.info("demo wave %d (seed %d): %d frame units, %d export rows, %.1f s", args.year, args.seed,
             len(wave.frame), len(wave.export), time.perf_counter() - started)
    return 0
