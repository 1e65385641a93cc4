"""Method validation: bias, RMSE and interval coverage of the estimators over repeated response draws.

The demo 2012 wave has a known truth: every eligible authority's answers.
Keeping that truth fixed, :func:`helpers.demo.wave.redraw_response` repeats the
fieldwork (who completes) many times, under two mechanisms:

``frame``
    response depends on the type of authority and its size only; weighting on
    the frame should remove the bias;
``maturity``
    the demo's own mechanism: response also depends on e-maturity, which
    drives the answers, so part of the bias is out of the frame's reach.

Each replicate estimates the headline indicators (codebook indicators with
``headline: true``) with the unweighted, post-stratified, raked, linearly
calibrated and propensity-weighted designs of
:func:`helpers.steps.adjustment.build_weighting` and the Korn-Graubard intervals
of :func:`helpers.steps.indicators.estimate_shares`, as notebook 02 does, and
the raked estimates again with replicate standard errors, the whole
weighting redone on each replicate (:func:`helpers.steps.replication.replicate_weighting`:
the jackknife, one replicate per respondent, and the Rao-Wu bootstrap with
``--bootstrap-replicates`` replicates, 100 by default to keep the run short;
the wave's default is 200). The truth
is each indicator's share of valid answers over the eligible frame units
(the truth file's ``frame_shares``).

Shortcut. The respondents are the units whose redrawn outcome is
"complete", with their true answers as the cleaning step would record them
(:func:`helpers.demo.wave.true_answers`): no export is written or cleaned, so the
demo's item non-response, partial respondents and messy rows are left out.

Seeds. Replicate ``r`` uses the ``r``-th child of
``numpy.random.SeedSequence(seed)`` for both mechanisms (common random
numbers), so results do not depend on the number of worker processes.
A replicate where a weighting cell or margin category fails the wave's
collapsing rule (``weighting.collapse``; in the demo, none without
respondent) is weighted with that class merged with its neighbour, as the
yearly run does; the estimates say which collapses they rest on and
``results.json`` counts the draws. A replicate whose weighting still fails is
skipped for every estimator and counted.

Level of effort. Each replicate also redraws when each respondent answers
(:func:`helpers.demo.wave.redraw_fieldwork`: under ``maturity`` the more
mature answer sooner, under ``frame`` promptness depends on type and size
only) and estimates the headline indicators on the respondents by each effort
level, as step 02 does (:func:`run_effort_replicate`); the summary says how
far the estimate moves towards the truth as reminders add late respondents
(:func:`summarise_effort`), with Monte Carlo errors.

Run it with ``python -m helpers validate``; it writes ``summary.csv``,
``effort_summary.csv`` and ``results.json`` under ``reports/validation/`` and executes
``notebooks/validation.ipynb`` next to them.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import atomic, paths
from helpers.demo import wave as demo
from helpers.errors import UsageError
from helpers.frame.reader import read_frame
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave
from helpers.report.results import to_plain
from helpers.steps.adjustment import build_weighting, reweighter
from helpers.steps.auxvars import add_auxiliary
from helpers.steps.indicators import estimate_shares, indicator_values
from helpers.demo.response import contact_days
from helpers.steps.replication import replicate_weighting

LOG = logging.getLogger("helpers.demo.simulation")
# Estimators with replicate variances: label -> (weighting method, variance).
REPLICATED = {"raking, jackknife": ("raking", "jackknife"), "raking, bootstrap": ("raking", "bootstrap")}
ESTIMATORS = ("unweighted", "poststratification", "raking", "linear", "propensity", *REPLICATED)
MECHANISMS = {
    "frame": "response depends on type and size only (ignorable given the frame)",
    "maturity": "the demo's mechanism: response also depends on e-maturity, hence on the answers",
}
DEFAULT_REPLICATES = 500
DEFAULT_BOOTSTRAP = 100
DEFAULT_SEED = 20260701
DEFAULT_OUT = paths.ROOT / "reports" / "validation"
NOTEBOOK = paths.NOTEBOOKS_DIR / "validation.ipynb"
RESULT_COLUMNS = ["replicate", "mechanism", "estimator", "indicator", "estimate", "se", "ci_low", "ci_high", "n",
                  "collapsed"]


@dataclass(frozen=True)
class Setup:
    """What every replicate shares: the fixed frame, its truth and the weighting settings.

    Attributes
    ----------
    wave
        The demo 2012 wave (frame and latent truth).
    population
        The eligible frame units with the auxiliary variables, indexed by ``unit_id``.
    values
        True indicator values (1, 0 or NaN) of the eligible units, headline indicators only.
    truth
        Each headline indicator's share of valid answers over the eligible units.
    settings
        The ``weighting`` section of the 2012 wave configuration.
    level
        Confidence level of the intervals.
    bootstrap_replicates
        Replicates of the bootstrap variance.
    """

    wave: demo.DemoWave
    population: pd.DataFrame
    values: pd.DataFrame
    truth: pd.Series
    settings: dict
    level: float
    bootstrap_replicates: int = DEFAULT_BOOTSTRAP

    @property
    def indicators(self) -> list[str]:
        """The headline indicators, in codebook order."""
        return list(self.values.columns)


def make_setup(seed: int = demo.DEFAULT_SEED, bootstrap_replicates: int = DEFAULT_BOOTSTRAP) -> Setup:
    """Generate the demo 2012 wave of ``seed`` and everything the replicates share.

    Returns
    -------
    Setup
    """
    codebook = load_codebook()
    wave = demo.generate_wave(2012, seed=seed, codebook=codebook)
    config = load_wave(2012, check_inputs=False)
    # Through a file, so that the frame is typed and checked exactly as the cleaning step reads it.
    with tempfile.TemporaryDirectory() as folder:
        frame_path = Path(folder) / "frame.csv"
        frame_path.write_bytes(wave.frame_bytes)
        frame = add_auxiliary(read_frame(frame_path))
    population = frame[frame["invitation"] != "ineligible"]
    headline = [key for key, indicator in codebook.indicators.items() if indicator.headline]
    values = indicator_values(demo.true_answers(wave, codebook), codebook)[headline].loc[population.index]
    return Setup(wave, population, values, values.mean().rename("truth"), config.section("weighting"),
                 config.section("estimation")["confidence_level"], bootstrap_replicates)


def replicate_seeds(seed: int, replicates: int) -> list[int]:
    """One integer seed per replicate, from the children of ``SeedSequence(seed)``."""
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(seed).spawn(replicates)]


def run_replicate(setup: Setup, replicate: int, seed: int) -> tuple[pd.DataFrame, list[dict]]:
    """Redraw the response under each mechanism and estimate the headline indicators.

    Parameters
    ----------
    setup
        The shared frame and truth.
    replicate
        The replicate's number, copied to the output.
    seed
        Seed of the replicate's response draws (the same for both mechanisms).

    Returns
    -------
    (pandas.DataFrame, list of dict)
        The estimates (columns :data:`RESULT_COLUMNS`; ``collapsed`` names
        the collapses of weighting classes the estimator rests on, empty for
        none), and one record per
        mechanism whose weighting failed, or estimator that could not be
        built on that draw (replicate, mechanism, error).
    """
    eligible = (setup.wave.frame["invitation"] != "ineligible").to_numpy()
    tables, skipped = [], []
    for mechanism in MECHANISMS:
        outcome = demo.redraw_response(setup.wave, seed, mechanism=mechanism)[eligible]
        population = setup.population.assign(respondent=outcome == "complete")
        data = population[population["respondent"]].join(setup.values)
        try:
            weighting = build_weighting(population, data, setup.settings)
        except ValueError as error:
            skipped.append({"replicate": replicate, "mechanism": mechanism, "error": str(error)})
            continue
        designs = dict(weighting.designs)
        for label, (method, variance) in REPLICATED.items():
            try:
                designs[label] = replicate_weighting(population, data, setup.settings, variance, methods=[method],
                                                     replicates=setup.bootstrap_replicates,
                                                     seed=seed).designs[method]
            except ValueError as error:
                weighting.unavailable[label] = str(error)
        for estimator in ESTIMATORS:
            if estimator not in designs:
                skipped.append({"replicate": replicate, "mechanism": mechanism,
                                "error": f"{estimator}: {weighting.unavailable[estimator]}"})
                continue
            table = estimate_shares(designs[estimator], setup.indicators, setup.level)
            method = REPLICATED.get(estimator, (estimator,))[0]
            tables.append(table.reset_index().assign(replicate=replicate, mechanism=mechanism, estimator=estimator,
                                                     collapsed=weighting.diagnostics.at[method, "collapsed"]))
    estimates = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=RESULT_COLUMNS)
    return estimates[RESULT_COLUMNS], skipped


_WORKER_SETUP: Setup | None = None


def _init_worker(setup: Setup) -> None:
    global _WORKER_SETUP
    _WORKER_SETUP = setup


def _run_chunk(task: tuple[Callable, list[tuple[int, int]]]) -> list:
    function, chunk = task
    return [function(_WORKER_SETUP, replicate, seed) for replicate, seed in chunk]


def _map_replicates(setup: Setup, replicates: int, seed: int, workers: int | None, function: Callable) -> list:
    """``function(setup, replicate, seed)`` for every replicate, in replicate order, over ``workers`` processes."""
    workers = workers or os.cpu_count() or 1
    tasks = list(enumerate(replicate_seeds(seed, replicates)))
    if workers == 1:
        return [function(setup, replicate, task_seed) for replicate, task_seed in tasks]
    size = max(1, math.ceil(len(tasks) / (4 * workers)))
    chunks = [(function, tasks[start:start + size]) for start in range(0, len(tasks), size)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(setup,)) as pool:
        return [output for chunk in pool.map(_run_chunk, chunks) for output in chunk]


def simulate(setup: Setup, replicates: int, seed: int = DEFAULT_SEED,
             workers: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the replicates, in parallel over ``workers`` processes.

    Parameters
    ----------
    setup
        The shared frame and truth (:func:`make_setup`).
    replicates
        Number of response draws per mechanism.
    seed
        Root seed of the replicates' seeds (:func:`replicate_seeds`).
    workers
        Worker processes; default ``os.cpu_count()``; 1 runs in this process.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Every replicate's estimates (columns :data:`RESULT_COLUMNS`, sorted
        by replicate), and the skipped (replicate, mechanism) pairs with
        their error. Neither depends on ``workers``.
    """
    outputs = _map_replicates(setup, replicates, seed, workers, run_replicate)
    estimates = pd.concat([table for table, _ in outputs], ignore_index=True)
    # Typed, so that a run with no skipped pair compares equal to a filtered longer run.
    skipped = pd.DataFrame([record for _, failures in outputs for record in failures],
                           columns=["replicate", "mechanism", "error"]).astype(
        {"replicate": "int64", "mechanism": "str", "error": "str"})
    return estimates, skipped


def summarise(estimates: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Bias, RMSE and interval coverage of each estimator, with their Monte Carlo errors.

    Parameters
    ----------
    estimates
        Output of :func:`simulate`.
    truth
        True share of each indicator.

    Returns
    -------
    pandas.DataFrame
        One row per (estimator, mechanism, indicator): ``truth``,
        ``mean_estimate``, ``bias`` and its Monte Carlo standard error
        ``bias_mc_se`` (SD of the estimates over sqrt(replicates)), ``rmse``,
        ``coverage`` of the intervals and ``coverage_mc_se``
        (sqrt(c (1 - c) / replicates)), ``mean_ci_width``, ``mean_se``,
        ``sd_estimate``, ``mean_n`` and ``replicates`` (replicates with an
        estimate).
    """
    data = estimates.dropna(subset=["estimate"]).assign(truth=lambda d: d["indicator"].map(truth))
    data = data.assign(error=data["estimate"] - data["truth"], width=data["ci_high"] - data["ci_low"],
                       covered=((data["ci_low"] <= data["truth"]) & (data["truth"] <= data["ci_high"])).astype(float))
    grouped = data.groupby(["estimator", "mechanism", "indicator"], sort=False)
    summary = grouped.agg(truth=("truth", "first"), mean_estimate=("estimate", "mean"), bias=("error", "mean"),
                          sd_estimate=("estimate", "std"), mean_se=("se", "mean"),
                          rmse=("error", lambda e: float(np.sqrt(np.mean(e ** 2)))), coverage=("covered", "mean"),
                          mean_ci_width=("width", "mean"), mean_n=("n", "mean"), replicates=("estimate", "size"))
    summary["bias_mc_se"] = summary["sd_estimate"] / np.sqrt(summary["replicates"])
    summary["coverage_mc_se"] = np.sqrt(summary["coverage"] * (1 - summary["coverage"]) / summary["replicates"])
    order = ["truth", "mean_estimate", "bias", "bias_mc_se", "rmse", "coverage", "coverage_mc_se", "mean_ci_width",
             "mean_se", "sd_estimate", "mean_n", "replicates"]
    keys = pd.MultiIndex.from_product([ESTIMATORS, MECHANISMS, truth.index], names=summary.index.names)
    return summary[order].reindex(keys[keys.isin(summary.index)])


EFFORT_ESTIMATORS = ("unweighted", "weighted")
EFFORT_COLUMNS = ["replicate", "mechanism", "estimator", "effort_level", "indicator", "estimate", "n"]


def run_effort_replicate(setup: Setup, replicate: int, seed: int) -> pd.DataFrame:
    """Redraw the fieldwork under each mechanism and estimate the headline indicators by effort level.

    As step 02 does (:func:`helpers.steps.fieldwork.cumulative_estimates`): at each effort level (reminders
    sent before the answer, from the redrawn submission days) the complete respondents so far are weighted
    with the primary method (:func:`helpers.steps.adjustment.reweighter`, the same weights as the step's
    primary design) and each indicator's share estimated, unweighted and weighted (point estimates only).
    The same seed gives the same response as :func:`run_replicate`, so the last level is its final estimate.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EFFORT_COLUMNS`; a level whose weighting fails (a cell without respondent so early)
        has unweighted estimates only.
    """
    eligible = (setup.wave.frame["invitation"] != "ineligible").to_numpy()
    reminders = contact_days(setup.wave.year)[1:]
    primary = setup.settings["primary"]
    rows = []
    for mechanism in MECHANISMS:
        outcome, days = demo.redraw_fieldwork(setup.wave, seed, mechanism=mechanism)
        complete = outcome[eligible] == "complete"
        level = np.where(complete, np.searchsorted(reminders, np.nan_to_num(days[eligible]), side="right"), -1)
        for effort in range(len(reminders) + 1):
            population = setup.population.assign(respondent=complete & (level <= effort))
            try:
                weights = reweighter(population, setup.settings)(np.ones(len(population)))
            except ValueError:  # a weighting cell without respondent so early: unweighted only
                weights = None
            respondent = population["respondent"].to_numpy()
            for estimator in EFFORT_ESTIMATORS:
                if estimator == "weighted" and weights is None:
                    continue
                w = respondent.astype(float) if estimator == "unweighted" else weights
                for indicator in setup.indicators:
                    y = setup.values[indicator].to_numpy(dtype=float)
                    valid = (w > 0) & ~np.isnan(y)
                    rows.append({"replicate": replicate, "mechanism": mechanism, "estimator": estimator,
                                 "effort_level": effort, "indicator": indicator,
                                 "estimate": float(np.sum(w[valid] * y[valid]) / np.sum(w[valid])),
                                 "n": int(valid.sum())})
    return pd.DataFrame(rows, columns=EFFORT_COLUMNS)


def simulate_effort(setup: Setup, replicates: int, seed: int = DEFAULT_SEED,
                    workers: int | None = None) -> pd.DataFrame:
    """:func:`run_effort_replicate` over the replicates of :func:`simulate` (same seeds), in parallel."""
    return pd.concat(_map_replicates(setup, replicates, seed, workers, run_effort_replicate), ignore_index=True)


def summarise_effort(effort: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """How the estimate moves with effort: bias by effort level, and the move of the final estimate towards
    the truth from the estimate before the first reminder, with Monte Carlo errors.

    Parameters
    ----------
    effort
        Output of :func:`simulate_effort`.
    truth
        True share of each indicator.

    Returns
    -------
    pandas.DataFrame
        One row per (mechanism, estimator, indicator, effort_level): ``truth``, ``mean_estimate``, ``bias``,
        ``bias_mc_se``, ``replicates``; and ``move_towards_truth``: how far, on average, the estimate at the
        level moved from the estimate before the first reminder in the direction of the truth,
        ``-sign(bias_0) * mean(e_L - e_0)`` over the replicates having both (positive: effort reduced the
        bias; variance reduction alone does not count), with ``move_mc_se`` (SD of ``e_L - e_0`` over
        sqrt(replicates)).
    """
    data = effort.dropna(subset=["estimate"]).assign(truth=lambda d: d["indicator"].map(truth))
    data = data.assign(error=data["estimate"] - data["truth"])
    keys = ["mechanism", "estimator", "indicator", "effort_level"]
    summary = data.groupby(keys, sort=False).agg(truth=("truth", "first"), mean_estimate=("estimate", "mean"),
                                                 bias=("error", "mean"), sd=("estimate", "std"),
                                                 replicates=("estimate", "size"))
    summary["bias_mc_se"] = summary["sd"] / np.sqrt(summary["replicates"])
    wide = data.pivot_table(index=["mechanism", "estimator", "indicator", "replicate"], columns="effort_level",
                            values="estimate")
    first_bias = summary["bias"].xs(0, level="effort_level")
    moves = {}
    for effort_level in wide.columns:
        change = (wide[effort_level] - wide[0]).dropna().groupby(level=["mechanism", "estimator", "indicator"])
        for key, values in change:
            towards = -np.sign(first_bias.get(key, np.nan)) * values.mean()
            moves[(*key, effort_level)] = {"move_towards_truth": towards,
                                          "move_mc_se": values.std() / np.sqrt(len(values)) if len(values) > 1
                                          else np.nan}
    summary = summary.join(pd.DataFrame.from_dict(moves, orient="index").rename_axis(keys))
    return summary.drop(columns="sd").sort_index()


def effort_payload(summary: pd.DataFrame) -> dict:
    """The ``effort`` part of ``results.json``: what the estimates by effort level estimate, and the summary."""
    return to_plain({
        "description": "headline indicators estimated on the complete respondents by each effort level (reminders "
                       "sent before the answer), unweighted and with the primary weighting redone, over the "
                       "replicates of the main validation (same response draws); move_towards_truth = "
                       "-sign(bias before the first reminder) * mean(estimate at the level - estimate before "
                       "the first reminder)",
        "estimators": list(EFFORT_ESTIMATORS),
        "summary": [dict(zip(summary.index.names, key), **row) for key, row in summary.to_dict("index").items()],
    })


def failure_reason(message: str) -> str:
    """An error message's first clause with its numbers masked, to count failures by kind."""
    return re.sub(r"\d+(\.\d+)?", "#", re.split(r"[,;]", message, maxsplit=1)[0]).strip()


def results_payload(setup: Setup, summary: pd.DataFrame, skipped: pd.DataFrame, replicates: int,
                    seed: int, estimates: pd.DataFrame) -> dict:
    """The ``results.json`` content: settings, truth, skipped replicates, draws with collapsed classes, the summary."""
    codebook = load_codebook()
    return to_plain({
        "description": __doc__.split("\n\n")[0],
        "wave": {"year": setup.wave.year, "demo_seed": setup.wave.seed, "eligible_units": len(setup.population)},
        "replicates": replicates, "seed": seed, "level": setup.level,
        "bootstrap_replicates": setup.bootstrap_replicates,
        "estimators": list(ESTIMATORS), "mechanisms": MECHANISMS,
        "weighting": setup.settings,
        "indicators": {key: codebook.indicators[key].en for key in setup.indicators},
        "truth": setup.truth,
        "skipped": {mechanism: int((skipped["mechanism"] == mechanism).sum()) for mechanism in MECHANISMS},
        "skipped_reasons": skipped["error"].map(failure_reason).value_counts().sort_index(),
        "collapsed": {mechanism: int(estimates.loc[(estimates["mechanism"] == mechanism)
                                                   & (estimates["collapsed"] != ""), "replicate"].nunique())
                      for mechanism in MECHANISMS},
        "summary": [dict(zip(summary.index.names, key), **row) for key, row in summary.to_dict("index").items()],
    })


def write_outputs(folder: Path, summary: pd.DataFrame, payload: dict) -> list[Path]:
    """Write ``summary.csv`` and ``results.json`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    summary_path, results_path = folder / "summary.csv", folder / "results.json"
    summary.to_csv(summary_path, lineterminator="\n", float_format="%.6f")
    results_path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [summary_path, results_path]


def execute_notebook(folder: Path, final: Path) -> Path:
    """Execute ``notebooks/validation.ipynb`` on the files in ``folder`` into ``folder/validation.ipynb``.

    The executed notebook is normalised as the yearly run's are, with
    ``folder`` shown as ``final`` (where the folder is moved afterwards).

    Raises
    ------
    helpers.errors.StepFailed
        If the notebook fails.
    """
    from helpers.run import notebooks

    output = folder / NOTEBOOK.name
    notebooks.execute_notebook(NOTEBOOK, output, {"results_dir": str(folder)})
    notebooks.normalise_notebook(output, {str(folder): paths.display(final)})
    return output


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers validate``."""
    parser.add_argument("--replicates", type=int, default=DEFAULT_REPLICATES,
                        help=f"response draws per mechanism (default {DEFAULT_REPLICATES})")
    parser.add_argument("--bootstrap-replicates", type=int, default=DEFAULT_BOOTSTRAP,
                        help=f"replicates of the bootstrap variance in each draw (default {DEFAULT_BOOTSTRAP})")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: the CPU count)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"root seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", default=None, help="output folder (default reports/validation)")


def main(args: argparse.Namespace) -> int:
    """Run the validation, write its files and executed notebook; returns the exit status."""
    if args.replicates < 2:
        raise UsageError("--replicates must be at least 2")
    if args.bootstrap_replicates < 2:
        raise UsageError("--bootstrap-replicates must be at least 2")
    started = time.perf_counter()
    final = paths.resolve(args.out, DEFAULT_OUT)
    setup = make_setup(bootstrap_replicates=args.bootstrap_replicates)
    estimates, skipped = simulate(setup, args.replicates, args.seed, args.workers)
    simulated = time.perf_counter() - started
    LOG.info("%d replicates x %d mechanisms in %.1f s (%s workers); skipped: %s", args.replicates, len(MECHANISMS),
             simulated, args.workers or os.cpu_count(), skipped["mechanism"].value_counts().to_dict() or "none")
    summary = summarise(estimates, setup.truth)
    effort_summary = summarise_effort(simulate_effort(setup, args.replicates, args.seed, args.workers), setup.truth)
    LOG.info("effort analysis: %d replicates x %d mechanisms in %.1f s", args.replicates, len(MECHANISMS),
             time.perf_counter() - started - simulated)
    payload = results_payload(setup, summary, skipped, args.replicates, args.seed, estimates)
    payload["effort"] = effort_payload(effort_summary)
    stage = final.with_name(f".{final.name}-staging-{os.getpid()}")
    staged = stage / final.name
    staged.mkdir(parents=True)
    try:
        write_outputs(staged, summary, payload)
        effort_summary.to_csv(staged / "effort_summary.csv", lineterminator="\n", float_format="%.6f")
        execute_notebook(staged, final)
        atomic.swap_in([(staged, final)])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    LOG.info("validation written to %s in %.1f s", paths.display(final), time.perf_counter() - started)
    return 0
