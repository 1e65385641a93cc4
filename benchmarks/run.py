"""Benchmarks of the yearly run and of the weighting and estimation core (a script, not timed tests).

Usage::

    .venv/bin/python benchmarks/run.py                 # everything (about 8 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --only ratio    # the yearly run's CPU against the five-notebook floor
    .venv/bin/python benchmarks/run.py --only ratio --root /tmp/before   # the same for another checkout
    .venv/bin/python benchmarks/run.py --only core     # the core and its growth with the frame
    .venv/bin/python benchmarks/run.py --only limits   # the speed limits that used to be asserted in tests
    .venv/bin/python benchmarks/run.py --only steps    # the step notebooks, fixed cost apart
    .venv/bin/python benchmarks/run.py --only replicates   # the replicate variances, weighting redone

It prints Markdown tables and writes ``benchmarks/results.json``. Six parts:

ratio
    The CPU (user + system, of the process and every child it waited for:
    kernels, Chromium) of ``python -m helpers run --year 2012`` divided by
    the CPU of five papermill runs (in this process, as the runner's) of a
    notebook that only imports the scientific stack (:data:`STACK`),
    measured one after the other in the same process, so that the machine's
    load weighs on both. Five such runs are the floor of a run of five step
    notebooks. ``--root`` measures another checkout (with its own
    ``.venv``), for before-and-after figures.
limits
    The three speed limits that tests used to assert with wall-clock
    thresholds (flaky on a loaded machine): the weighting functions and the
    calibrated design's estimates at 35,000 units (1 s each), and the
    stratified bootstrap of the odds ratio with the weights redone, 1,000
    replicates on 514 units (10 s).
steps
    Each step notebook of ``helpers.run.pipeline.STEPS`` executed with the
    runner (:func:`helpers.run.notebooks.execute_notebook`) into a temporary
    folder, on the demo 2012 wave. The executed notebook's per-cell
    timings (which the runner strips when it normalises notebooks) split the
    wall time into the cells' own work and the rest (kernel start-up and
    papermill); an empty notebook gives the fixed cost alone, and a notebook
    that only imports the project's libraries the import cost. Then the
    report rendering (HTML, tables and PDF), the executed notebooks' HTML
    pages and the whole command
    ``python -m helpers run --year 2012``.
core
    ``build_weighting`` (every weighting method) and ``estimate_shares`` for
    every indicator with the unweighted and the primary design, on the demo
    frame (512 eligible units), then on synthetic frames of 500 to 35,000
    units with a fifth responding: copies of the demo's eligible units and of
    their true answers, populations perturbed by a log-normal factor and
    answers flipped with probability 0.1 in every copy but the first. The
    growth is the slope of log time on log units (1: linear).
replicates
    The replicate variances of the primary weighting on the demo frame
    with a fifth responding (:func:`helpers.steps.replication.replicate_weighting`,
    the weighting redone on every replicate): the jackknife (one replicate per respondent)
    and the bootstrap at 50, 200 and 1,000 replicates, then ``estimate_shares``
    of every indicator on the replicate design, against the linearised
    design's ``estimate_shares``; with the load average, since the cost is
    CPU-bound.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from helpers import demo, paths, report
from helpers.demo import simulation as validation
from helpers.inputs.codebook import load_codebook
from helpers.inputs.waves import load_wave
from helpers.models.bootstrap import bootstrap_odds_ratio
from helpers.models.logit import model_matrix
from helpers.run import notebooks, pipeline
from helpers.run.staging import RunLayout
from helpers.steps.adjustment import build_weighting
from helpers.steps.indicators import estimate_shares, indicator_values
from helpers.steps.replication import replicate_weighting
from helpers.survey import weighting
from helpers.survey.estimation import Design

YEAR = 2012
SIZES = (500, 1_500, 5_000, 15_000, 35_000)
RESPONSE_RATE = 0.2
FLIP = 0.1
RESULTS = Path(__file__).with_name("results.json")
STACK = "import matplotlib.pyplot, numpy, pandas, seaborn, statsmodels.api, scipy.stats"
IMPORTS = (f"{STACK}\n"
           "import helpers.steps.adjustment, helpers.steps.indicators, helpers.models.logit, helpers.report")
FLOOR_RUNS = 5


# --- ratio ------------------------------------------------------------------------------------------------

def _cpu() -> float:
    """CPU seconds (user + system) of this process and of every child it waited for."""
    return sum(usage.ru_utime + usage.ru_stime
               for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def bench_ratio(root: Path) -> dict:
    """CPU of the yearly run of the checkout at ``root`` over that of :data:`FLOOR_RUNS` runs of the stack notebook.

    The floor's notebooks are executed in this process (papermill already imported, as in the runner); the
    yearly run is a child process, with its own interpreter start and imports.
    """
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        source = _scratch_notebook(scratch, "stack", STACK)
        _execute(source, scratch / "warm-up.ipynb", {})  # papermill's first-use costs, outside the floor
        before = _cpu()
        for _ in range(FLOOR_RUNS):
            _execute(source, scratch / "stack.out.ipynb", {})
        floor = _cpu() - before
        started, before = time.perf_counter(), _cpu()
        done = subprocess.run([str(root / ".venv" / "bin" / "python"), "-m", "helpers", "run", "--year", str(YEAR),
                               "--out-dir", str(scratch / "run")], cwd=root, capture_output=True, text=True)
        run, wall = _cpu() - before, time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
    return {"root": str(root), "floor_runs": FLOOR_RUNS, "floor_cpu_s": floor, "run_cpu_s": run, "run_wall_s": wall,
            "ratio": run / floor, "load_average": os.getloadavg()[0]}


# --- limits -----------------------------------------------------------------------------------------------

def _weighting_at_35000() -> float:
    rng = np.random.default_rng(2)
    n = 35_000
    data = pd.DataFrame({"a": rng.integers(0, 8, n).astype(str), "b": rng.integers(0, 5, n).astype(str),
                         "responded": rng.random(n) < 0.3})
    weights = rng.uniform(1, 3, n)
    margins = {v: data[v].value_counts() * 2.0 for v in ["a", "b"]}
    started = time.perf_counter()
    weighting.rake(weights, data[["a", "b"]], margins)
    model, totals = weighting.calibration_matrix(data, margins)
    weighting.calibrate(model, weights, totals, method="logit", bounds=(0.4, 2.5))
    weighting.cell_adjustment(weights, data["responded"], data[["a", "b"]])
    weighting.trim_weights(weights * 3, 7.0)
    return time.perf_counter() - started


def _estimation_at_35000() -> float:
    rng = np.random.default_rng(1)
    n = 35_000
    data = pd.DataFrame({
        "y": rng.normal(size=n), "w": rng.uniform(1, 5, size=n),
        "stratum": rng.integers(0, 20, size=n), "psu": rng.integers(0, 500, size=n),
        "a": rng.integers(0, 6, size=n).astype(str), "b": rng.integers(0, 4, size=n).astype(str),
    })
    started = time.perf_counter()
    design = Design(data, "w", strata="stratum", clusters="psu")
    margins = {v: data[v].value_counts() * 3.0 for v in ["a", "b"]}
    raked = design.rake(margins)
    model, totals = weighting.calibration_matrix(data, margins)
    calibrated = design.calibrate(model, totals, method="logit", bounds=(0.3, 3.0))
    raked.mean("y")
    calibrated.by("a").mean("y")
    return time.perf_counter() - started


def _bootstrap_1000() -> float:
    rng = np.random.default_rng(2)
    n = 514
    data = pd.DataFrame({"group": rng.choice(["a", "b", "c"], n), "elected": rng.integers(0, 2, n).astype(float),
                         "lp": rng.normal(size=n)})
    eta = -1.6 + np.log(2.5) * data["elected"] + 0.3 * data["lp"]
    data["y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    respondent = (rng.random(n) < 0.25 + 0.1 * (data["group"] == "a")).to_numpy()
    data.loc[~respondent, "y"] = np.nan
    x = model_matrix(data, ["elected", "group", "lp"])
    started = time.perf_counter()
    bootstrap_odds_ratio(data["y"], x, "elected", np.ones(n), strata=data["group"],
                         reweight=lambda base: weighting.cell_adjustment(base, respondent, data["group"]),
                         n_replicates=1000, seed=7)
    return time.perf_counter() - started


# What tests used to assert: name -> (function, limit in seconds).
LIMITS = {
    "weighting functions, 35,000 units": (_weighting_at_35000, 1.0),
    "calibrated design and estimates, 35,000 units": (_estimation_at_35000, 1.0),
    "bootstrap of the odds ratio, 1,000 replicates": (_bootstrap_1000, 10.0),
}


def bench_limits(repeats: int) -> dict:
    """Median wall time of each of :data:`LIMITS` over ``repeats`` runs, after a warm-up, against its limit."""
    out = {}
    for name, (function, limit) in LIMITS.items():
        function()
        seconds = statistics.median(function() for _ in range(repeats))
        out[name] = {"seconds": seconds, "limit_s": limit, "within": seconds < limit, "repeats": repeats}
    return out


# --- steps ------------------------------------------------------------------------------------------------

def _execute(source: Path, output: Path, parameters: dict) -> tuple[float, list[tuple[str, float]]]:
    """Run one notebook as the runner does; return its wall time and its code cells' (source, duration)."""
    wall = notebooks.execute_notebook(source, output, parameters)
    notebook = nbformat.read(output, as_version=4)
    return wall, [(cell.source, cell.metadata.get("papermill", {}).get("duration") or 0.0)
                  for cell in notebook.cells if cell.cell_type == "code"]


def _scratch_notebook(folder: Path, name: str, code: str) -> Path:
    """A one-cell notebook running ``code``."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": notebooks.KERNEL, "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _fixed_cost(source: Path, output: Path, repeats: int) -> dict:
    runs = [_execute(source, output, {}) for _ in range(repeats)]
    return {"wall_s": statistics.median(wall for wall, _ in runs),
            "cells_s": statistics.median(sum(duration for _, duration in cells) for _, cells in runs),
            "runs": repeats}


def bench_steps(repeats: int) -> dict:
    """Fixed cost, each step notebook, the report rendering and the whole command, in seconds."""
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, code in (("empty", "pass"), ("imports", IMPORTS)):
            source = _scratch_notebook(root, name, code)
            out[f"({name} notebook)"] = _fixed_cost(source, root / f"{name}.out.ipynb", repeats)
        layout = RunLayout(raw=paths.raw_dir(YEAR), processed=root / "final", reports=root / "final",
                           stage=root)
        layout.staged_processed.mkdir()
        layout.staged_reports.mkdir()
        wave = load_wave(YEAR)
        parameters = pipeline.notebook_parameters(YEAR, layout, wave.path)
        extra = pipeline.step_parameters(root / "none")
        primary = wave.section("report")["lang"]
        for step in pipeline.STEPS:
            step_parameters = {**parameters, **extra.get(step, {})}
            if step == report.REPORT_NOTEBOOK:
                step_parameters["lang"] = primary
            wall, cells = _execute(paths.NOTEBOOKS_DIR / f"{step}.ipynb", layout.staged_reports / f"{step}.ipynb",
                                   step_parameters)
            first_import = next(k for k, (code, _) in enumerate(cells) if "import " in code)
            others = [duration for k, (_, duration) in enumerate(cells) if k != first_import]
            out[step] = {"wall_s": wall, "cells_s": sum(duration for _, duration in cells),
                         "imports_cell_s": cells[first_import][1], "slowest_other_cell_s": max(others, default=0.0),
                         "runs": 1}
        for lang in report.LANGUAGES:
            if lang != primary:
                _execute(paths.NOTEBOOKS_DIR / f"{report.REPORT_NOTEBOOK}.ipynb",
                         layout.staged_reports / report.report_notebook_name(lang, primary),
                         {**parameters, "lang": lang})
        started = time.perf_counter()
        report.render_wave(layout.staged_reports, primary)
        out["(render html + pdf)"] = {"wall_s": time.perf_counter() - started, "runs": 1}
        started = time.perf_counter()
        report.write_notebook_pages(layout.staged_reports)
        out["(notebook pages)"] = {"wall_s": time.perf_counter() - started, "runs": 1}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "helpers", "run", "--year", str(YEAR), "--out-dir",
                               str(root / "whole")], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        out["(whole command)"] = {"wall_s": time.perf_counter() - started, "runs": 1}
    return out


# --- core -------------------------------------------------------------------------------------------------

def demo_inputs() -> tuple[pd.DataFrame, pd.DataFrame, dict, list[str]]:
    """The demo's eligible units with auxiliaries, every indicator's true values, the settings, the indicators."""
    setup = validation.make_setup()
    codebook = load_codebook()
    values = indicator_values(demo.true_answers(setup.wave, codebook), codebook).loc[setup.population.index]
    return setup.population, values, setup.settings, list(codebook.indicators)


def synthetic_frame(population: pd.DataFrame, values: pd.DataFrame, n: int,
                    seed: int = 35_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` units from copies of the demo's units and answers, perturbed, with a fifth responding.

    Returns
    -------
    (population, respondents' data)
        As :func:`helpers.steps.adjustment.build_weighting` takes them.
    """
    rng = np.random.default_rng(seed)
    copies = math.ceil(n / len(population))
    frames, answers = [], []
    for copy in range(copies):
        index = [f"{copy:03d}{unit}" for unit in population.index]
        frame = population.copy().set_axis(index)
        flipped = values.copy().set_axis(index)
        if copy:
            factor = np.exp(rng.normal(0, 0.1, len(frame)))
            frame["log_population"] = frame["log_population"] + np.log(factor)
            flip = (rng.random(flipped.shape) < FLIP) & flipped.notna().to_numpy()
            flipped = flipped.mask(flip, 1 - flipped)
        frames.append(frame)
        answers.append(flipped)
    frame = pd.concat(frames)
    frame = frame.iloc[np.sort(rng.choice(len(frame), n, replace=False))]
    # A fifth responds within every type group, so that every weighting cell has respondents.
    respondent = np.zeros(n, dtype=bool)
    for rows in frame.groupby("type_group").indices.values():
        respondent[rng.choice(rows, max(1, round(RESPONSE_RATE * len(rows))), replace=False)] = True
    frame = frame.assign(respondent=respondent)
    data = frame[respondent].join(pd.concat(answers))
    return frame, data


def core(population: pd.DataFrame, data: pd.DataFrame, settings: dict, indicators: list[str]) -> dict:
    """Time one pass of the weighting and estimation core, in seconds."""
    started = time.perf_counter()
    weighting = build_weighting(population, data, settings)
    weighted = time.perf_counter()
    for method in ("unweighted", settings["primary"]):
        estimate_shares(weighting.designs[method], indicators)
    return {"build_weighting_s": weighted - started, "estimate_shares_s": time.perf_counter() - weighted,
            "total_s": time.perf_counter() - started}


def bench_core(repeats: int) -> dict:
    """The core on the demo frame and its growth over synthetic frames of :data:`SIZES` units."""
    population, values, settings, indicators = demo_inputs()
    rows = []
    for n in SIZES:
        frame, data = synthetic_frame(population, values, n)
        core(frame, data, settings, indicators)  # warm-up
        runs = [core(frame, data, settings, indicators) for _ in range(repeats)]
        rows.append({"units": n, "respondents": len(data),
                     **{key: statistics.median(run[key] for run in runs) for key in runs[0]}})
    table = pd.DataFrame(rows)
    slopes = {key: float(np.polyfit(np.log(table["units"]), np.log(table[key]), 1)[0])
              for key in ("build_weighting_s", "estimate_shares_s", "total_s")}
    return {"indicators": len(indicators), "repeats": repeats, "sizes": table.to_dict("records"),
            "slope_log_time_on_log_units": slopes}


# --- replicates -------------------------------------------------------------------------------------------

BOOTSTRAP_SIZES = (50, 200, 1_000)


def bench_replicates(repeats: int) -> dict:
    """Median wall time of the replicate designs of the primary method and of their estimates.

    On the demo frame's units with a fifth responding (:func:`synthetic_frame` at the demo's size).
    """
    population, values, settings, indicators = demo_inputs()
    population, data = synthetic_frame(population, values, len(population))
    primary = settings["primary"]
    linearised = build_weighting(population, data, settings).designs[primary]
    rows = []

    def timed(variance: str, replicates: int) -> dict:
        started = time.perf_counter()
        replicated = replicate_weighting(population, data, settings, variance, methods=[primary],
                                         replicates=replicates, seed=1)
        built = time.perf_counter()
        estimate_shares(replicated.designs[primary], indicators)
        return {"weighting_s": built - started, "estimate_shares_s": time.perf_counter() - built,
                "replicates": replicated.replicates}

    cases = [("jackknife", 0)] + [("bootstrap", size) for size in BOOTSTRAP_SIZES]
    for variance, replicates in cases:
        runs = [timed(variance, replicates) for _ in range(repeats)]
        rows.append({"variance": variance, "replicates": runs[0]["replicates"],
                     **{key: statistics.median(run[key] for run in runs) for key in ("weighting_s",
                                                                                      "estimate_shares_s")}})
    started = time.perf_counter()
    for _ in range(repeats):
        estimate_shares(linearised, indicators)
    return {"respondents": len(data), "indicators": len(indicators), "repeats": repeats, "rows": rows,
            "linearised_estimate_shares_s": (time.perf_counter() - started) / repeats,
            "load_average": os.getloadavg()[0]}


def markdown(results: dict) -> str:
    """The results as Markdown tables."""
    lines = []
    if "ratio" in results:
        lines += ["| checkout | floor: 5 papermill runs of the stack, CPU (s) | yearly run, CPU (s) | ratio | "
                  "yearly run, wall (s) | load average |", "|---|---:|---:|---:|---:|---:|"]
        for label, row in results["ratio"].items():
            lines.append(f"| {label} | {row['floor_cpu_s']:.1f} | {row['run_cpu_s']:.1f} | {row['ratio']:.2f} | "
                         f"{row['run_wall_s']:.1f} | {row['load_average']:.1f} |")
        lines.append("")
    if "limits" in results:
        lines += ["| what | median wall (s) | limit (s) | within |", "|---|---:|---:|---|"]
        for name, row in results["limits"].items():
            within = "yes" if row["within"] else "NO"
            lines.append(f"| {name} | {row['seconds']:.3f} | {row['limit_s']:.0f} | {within} |")
        lines.append("")
    if "steps" in results:
        columns = ("cells_s", "imports_cell_s", "slowest_other_cell_s")
        lines += ["| notebook | wall (s) | all cells (s) | imports cell (s) | slowest other cell (s) |",
                  "|---|---:|---:|---:|---:|"]
        for name, row in results["steps"].items():
            lines.append(f"| {name} | {row['wall_s']:.1f} | "
                         + " | ".join(f"{row[key]:.1f}" if key in row else "" for key in columns) + " |")
        lines.append("")
    if "core" in results:
        lines += ["| units | respondents | build_weighting (s) | estimate_shares (s) | total (s) |",
                  "|---:|---:|---:|---:|---:|"]
        for row in results["core"]["sizes"]:
            lines.append(f"| {row['units']:,} | {row['respondents']:,} | {row['build_weighting_s']:.3f} | "
                         f"{row['estimate_shares_s']:.3f} | {row['total_s']:.3f} |")
        slopes = results["core"]["slope_log_time_on_log_units"]
        lines.append("")
        lines.append("Slope of log time on log units: " + ", ".join(f"{k.removesuffix('_s')} {v:.2f}"
                                                                      for k, v in slopes.items()))
        lines.append("")
    if "replicates" in results:
        part = results["replicates"]
        lines += [f"Replicate variances of the primary weighting, demo frame with a fifth responding "
                  f"({part['respondents']} respondents, "
                  f"load average {part['load_average']:.1f}; linearised estimate_shares "
                  f"{part['linearised_estimate_shares_s']:.3f} s):", "",
                  "| variance | replicates | weighting redone (s) | estimate_shares (s) |", "|---|---:|---:|---:|"]
        for row in part["rows"]:
            lines.append(f"| {row['variance']} | {row['replicates']:,} | {row['weighting_s']:.2f} | "
                         f"{row['estimate_shares_s']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print them as Markdown and write ``results.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("ratio", "limits", "steps", "core", "replicates"), help="run one part only")
    parser.add_argument("--root", type=Path, default=paths.ROOT,
                        help="checkout (with its own .venv) whose yearly run the ratio measures (default: this one)")
    parser.add_argument("--label", default="current", help="name of the ratio's row in results.json")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of the core per size (median)")
    parser.add_argument("--fixed-repeats", type=int, default=3, help="repeats of the empty and imports notebooks")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if args.only in (None, "ratio"):
        results.setdefault("ratio", {})[args.label] = bench_ratio(args.root.resolve())
    if args.only in (None, "limits"):
        results["limits"] = bench_limits(args.repeats)
    if args.only in (None, "core"):
        results["core"] = bench_core(args.repeats)
    if args.only in (None, "steps"):
        results["steps"] = bench_steps(args.fixed_repeats)
    if args.only in (None, "replicates"):
        results["replicates"] = bench_replicates(min(args.repeats, 3))
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
