"""The yearly run: execute the step notebooks with papermill, atomically.

Every step of a run is executed into a staging folder under ``<out>/.runs/``;
only when all steps succeed are the staged ``data/processed/<year>/`` and
``reports/<year>/`` swapped in place of the previous ones. A failed run leaves
the previous good outputs untouched and keeps its partial executed notebook
in the staging folder for debugging.

Steps run in the groups of :data:`STEP_GROUPS`; the notebooks of one group
(the two 03 steps, the report in each language) run side by side, one
kernel each. Executed notebooks are normalised
(:func:`helpers.run.notebooks.normalise_notebook`) so that a rerun on the
same inputs gives byte-identical files.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from helpers import atomic, paths, report
from helpers.errors import UsageError
from helpers.inputs.waves import load_wave
from helpers.run.notebooks import execute_notebook, normalise_notebook

__all__ = ["STEPS", "STEP_GROUPS", "RunLayout", "configure_parser", "main", "notebook_parameters",
           "render_notebook_pages", "render_report",
           "run", "run_side_by_side", "run_step", "step_groups", "step_parameters"]

LOG = logging.getLogger("helpers.run.pipeline")
# The steps by what they read: a step reads only what the groups before its own wrote, so the steps of one group
# run side by side (both 03 steps read step 02's outputs only; the report runs once per language).
STEP_GROUPS = (("01_clean",), ("02_response_bias",), ("03_leadership_savings", "03_year_on_year"), ("04_report",))
STEPS = tuple(step for group in STEP_GROUPS for step in group)


@dataclass(frozen=True)
class RunLayout:
    """Where a run reads and writes.

    Attributes
    ----------
    raw
        The wave's raw inputs.
    processed, reports
        The final output folders, replaced only when the whole run succeeds.
    stage
        The run's staging folder, holding ``processed/`` and ``reports/``.
    """

    raw: Path
    processed: Path
    reports: Path
    stage: Path

    @property
    def staged_processed(self) -> Path:
        return self.stage / "processed"

    @property
    def staged_reports(self) -> Path:
        return self.stage / "reports"


def step_groups(only: str | None) -> tuple[tuple[str, ...], ...]:
    """The steps to run, grouped as :data:`STEP_GROUPS`: all, or the one ``only`` names (``01_clean`` or ``clean``).

    Raises
    ------
    helpers.errors.UsageError
        If ``only`` names no step.
    """
    if only is None:
        return STEP_GROUPS
    chosen = [step for step in STEPS if only in (step, step.split("_", 1)[1])]
    if not chosen:
        raise UsageError(f"unknown step {only!r}; steps are {', '.join(STEPS)}")
    return (tuple(chosen),)


def notebook_parameters(year: int, layout: RunLayout, wave_config: Path) -> dict[str, object]:
    """Parameters the runner passes to every step notebook."""
    return {
        "year": year,
        "raw_dir": paths.display(layout.raw),
        "processed_dir": str(layout.staged_processed),
        "reports_dir": str(layout.staged_reports),
        "wave_config": paths.display(wave_config),
    }


def step_parameters(year: int, out_root: Path) -> dict[str, dict[str, object]]:
    """Parameters some steps take on top of :func:`notebook_parameters`.

    The year-on-year step reads the previous wave's outputs under the same output root (the report step's
    ``lang`` is set by :func:`run`, once per language).
    """
    previous = year - 1
    return {
        "03_year_on_year": {
            "previous_processed_dir": paths.display(out_root / "data" / "processed" / str(previous)),
            "previous_reports_dir": paths.display(out_root / "reports" / str(previous)),
        },
    }


def run_step(step: str, parameters: dict[str, object], layout: RunLayout, timeout: int,
             output_name: str | None = None) -> float:
    """Execute one step notebook into the staging folder; return its duration in seconds.

    The executed notebook is ``<step>.ipynb`` unless ``output_name`` names it otherwise.

    Raises
    ------
    StepFailed
        On a cell error, a cell timeout or a dead kernel.
    """
    return execute_notebook(paths.NOTEBOOKS_DIR / f"{step}.ipynb",
                            layout.staged_reports / (output_name or f"{step}.ipynb"), parameters, name=step,
                            timeout=timeout)


def run_side_by_side(runs: list[tuple[str, dict[str, object], str]], layout: RunLayout,
                     timeout: int) -> dict[str, float]:
    """Execute notebooks at once, one kernel each; return each step's duration in seconds.

    Parameters
    ----------
    runs
        (step, parameters, executed notebook's name) of each notebook.
    layout, timeout
        As for :func:`run_step`.

    Returns
    -------
    dict
        Step -> seconds until its last notebook (the report has one per language) ended.

    Raises
    ------
    StepFailed
        The first failure in ``runs`` order, once every notebook has ended.
    """
    durations: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        futures = [pool.submit(run_step, step, parameters, layout, timeout, name)
                   for step, parameters, name in runs]
    for (step, _, _), future in zip(runs, futures):
        durations[step] = max(durations.get(step, 0.0), future.result())
    return durations


def render_report(layout: RunLayout, primary_lang: str) -> None:
    """Render the staged report notebooks to self-contained HTML, and to PDF where Chromium is present."""
    started = time.perf_counter()
    written = report.render_wave(layout.staged_reports, primary_lang)
    LOG.info("report: %s rendered in %.1f s", ", ".join(path.name for path in written),
             time.perf_counter() - started)


def render_notebook_pages(layout: RunLayout) -> None:
    """Render every staged executed notebook (normalised) to its HTML page with code, for reviewers."""
    started = time.perf_counter()
    written = report.write_notebook_pages(layout.staged_reports)
    LOG.info("notebook pages: %d rendered in %.1f s", len(written), time.perf_counter() - started)


def run(year: int, raw_dir: str | None = None, out_dir: str | None = None, only: str | None = None,
        config_path: str | None = None) -> None:
    """Run the yearly pipeline for one wave.

    Parameters
    ----------
    year
        The wave.
    raw_dir
        Folder of the raw inputs (default ``data/raw/<year>``).
    out_dir
        Folder under which ``data/processed/<year>/`` and ``reports/<year>/``
        are written (default: the project root).
    only
        Run one step only, on top of the previous run's outputs.
    config_path
        Wave configuration (default ``config/waves/<year>.yaml``).

    Raises
    ------
    helpers.errors.InputError
        If the wave configuration is invalid or a raw input is missing.
    StepFailed
        If a step fails; the previous outputs are then left in place.
    """
    wave = load_wave(year, config_path, raw_dir)
    out_root = paths.resolve(out_dir, paths.ROOT)
    layout = RunLayout(
        raw=paths.raw_dir(year, raw_dir),
        processed=out_root / "data" / "processed" / str(year),
        reports=out_root / "reports" / str(year),
        stage=out_root / ".runs" / f"{year}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}",
    )
    groups = step_groups(only)
    if only is not None:
        for final, staged in ((layout.processed, layout.staged_processed), (layout.reports, layout.staged_reports)):
            if final.exists():
                shutil.copytree(final, staged)
    layout.staged_processed.mkdir(parents=True, exist_ok=True)
    layout.staged_reports.mkdir(parents=True, exist_ok=True)
    parameters = notebook_parameters(year, layout, wave.path)
    primary_lang = wave.section("report")["lang"]
    extra = step_parameters(year, out_root)
    timeout = wave.section("run")["cell_timeout_seconds"]
    total = time.perf_counter()
    for group in groups:
        runs = []
        for step in group:
            if step == report.REPORT_NOTEBOOK:
                runs += [(step, {**parameters, "lang": lang}, report.report_notebook_name(lang, primary_lang))
                         for lang in report.LANGUAGES]
            else:
                runs.append((step, {**parameters, **extra.get(step, {})}, f"{step}.ipynb"))
        LOG.info("step %s: running", " and ".join(group))
        for step, duration in run_side_by_side(runs, layout, timeout).items():
            LOG.info("step %s: done in %.1f s", step, duration)
    if any(report.REPORT_NOTEBOOK in group for group in groups):
        render_report(layout, primary_lang)
    else:
        LOG.info("report: not re-rendered (step %s not run)", report.REPORT_NOTEBOOK)

    replacements = {str(layout.staged_processed): paths.display(layout.processed),
                    str(layout.staged_reports): paths.display(layout.reports)}
    for executed in sorted(layout.staged_reports.glob("*.ipynb")):
        normalise_notebook(executed, replacements)
    render_notebook_pages(layout)
    atomic.swap_in([(layout.staged_processed, layout.processed), (layout.staged_reports, layout.reports)],
                   layout.stage)
    shutil.rmtree(layout.stage)
    report.write_index(layout.reports.parent)
    LOG.info("wave %s: %d step(s) in %.1f s; outputs in %s and %s", year, sum(map(len, groups)),
             time.perf_counter() - total,
             paths.display(layout.processed), paths.display(layout.reports))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers run``."""
    parser.add_argument("--year", type=int, required=True, help="survey wave, e.g. 2012")
    parser.add_argument("--raw-dir", help="folder of the raw inputs (default data/raw/<year>)")
    parser.add_argument("--out-dir", help="folder under which data/processed/<year>/ and reports/<year>/ "
                                          "are written (default: the project root)")
    parser.add_argument("--only", metavar="STEP", help=f"run one step only: {', '.join(STEPS)}")
    parser.add_argument("--config", help="wave configuration (default config/waves/<year>.yaml)")


def main(args: argparse.Namespace) -> int:
    """Run ``python -m helpers run``; a failed step raises :class:`helpers.errors.StepFailed`."""
    run(args.year, args.raw_dir, args.out_dir, args.only, args.config)
    return 0
