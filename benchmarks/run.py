"""Benchmarks of the yearly run and of the weighting and estimation core (a script, not timed tests).

Usage::

    .venv/bin/python benchmarks/run.py                 # everything (about 5 minutes on 2 cores)
    .venv/bin/python benchmarks/run.py --only core     # the core and its growth with the frame
    .venv/bin/python benchmarks/run.py --only steps    # the step notebooks, fixed cost apart

It prints Markdown tables and writes ``benchmarks/results.json``. Three parts:

steps
    Each step notebook of ``helpers.run.pipeline.STEPS`` executed with papermill
    into a temporary folder, as the runner does (parameters, kernel
    ``python3``), on the demo 2012 wave. The executed notebook's per-cell
    timings (which the runner strips when it normalises notebooks) split the
    wall time into the cells' own work and the rest (kernel start-up and
    papermill); an empty notebook gives the fixed cost alone, and a notebook
    that only imports the project's libraries the import cost. Then the
    report rendering (HTML and PDF) and the whole command
    ``python -m helpers run --year 2012``.
core
    ``build_weighting`` (every weighting method) and ``estimate_shares`` for
    every indicator with the unweighted and the primary design, on the demo
    frame (512 eligible units), then on synthetic frames of 500 to 35,000
    units with a fifth responding: copies of the demo's eligible units and of
    their true answers, populations perturbed by a log-normal factor and
    answers flipped with probability 0.1 in every copy but the first. The
    growth is the slope of log time on log units (1: linear).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill

from helpers import paths
from helpers import demo
from helpers.run import pipeline
from helpers import report
from helpers.demo import simulation as validation
from helpers.steps.adjustment import build_weighting
from helpers.inputs.codebook import load_codebook
from helpers.steps.indicators import estimate_shares, indicator_values
from helpers.run.waves import load_wave

YEAR = 2012
SIZES = (500, 1_500, 5_000, 15_000, 35_000)
RESPONSE_RATE = 0.2
FLIP = 0.1
RESULTS = Path(__file__).with_name("results.json")
IMPORTS = ("import matplotlib.pyplot, numpy, pandas, seaborn, statsmodels.api, scipy.stats\n"
           "import helpers.steps.adjustment, helpers.steps.indicators, helpers.models.logit, helpers.report.texts")


# --- steps ------------------------------------------------------------------------------------------------

def _execute(source: Path, output: Path, parameters: dict) -> tuple[float, list[tuple[str, float]]]:
    """Run one notebook with papermill; return its wall time and its code cells' (source, duration)."""
    started = time.perf_counter()
    papermill.execute_notebook(str(source), str(output), parameters=parameters, kernel_name=pipeline.KERNEL,
                               cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False)
    wall = time.perf_counter() - started
    notebook = nbformat.read(output, as_version=4)
    return wall, [(cell.source, cell.metadata.get("papermill", {}).get("duration") or 0.0)
                  for cell in notebook.cells if cell.cell_type == "code"]


def _scratch_notebook(folder: Path, name: str, code: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": pipeline.KERNEL, "display_name": "Python 3", "language": "python"}
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
        layout = pipeline.RunLayout(raw=paths.raw_dir(YEAR), processed=root / "final", reports=root / "final",
                                    stage=root)
        layout.staged_processed.mkdir()
        layout.staged_reports.mkdir()
        wave = load_wave(YEAR)
        parameters = pipeline.notebook_parameters(YEAR, layout, wave.path)
        extra = pipeline.step_parameters(YEAR, root / "none")
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


def markdown(results: dict) -> str:
    """The results as Markdown tables."""
    lines = []
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
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks, print them as Markdown and write ``results.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("steps", "core"), help="run one part only")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats of the core per size (median)")
    parser.add_argument("--fixed-repeats", type=int, default=3, help="repeats of the empty and imports notebooks")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if args.only in (None, "core"):
        results["core"] = bench_core(args.repeats)
    if args.only in (None, "steps"):
        results["steps"] = bench_steps(args.fixed_repeats)
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
