"""The yearly run: execute the step notebooks with papermill, atomically.

Every step of a run is executed into a staging folder under ``<out>/.runs/``;
only when all steps succeed are the staged ``data/processed/<year>/`` and
``reports/<year>/`` swapped in place of the previous ones. A failed run leaves
the previous good outputs untouched and keeps its partial executed notebook
in the staging folder for debugging.

Executed notebooks are normalised (no execution timestamps, no random cell
ids, no staging or absolute paths) so that a rerun on the same inputs gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from helpers import paths
from helpers import report
from helpers.run.waves import load_wave

LOG = logging.getLogger("helpers.run.pipeline")
STEPS = ("01_clean", "02_response_bias", "03_leadership_savings", "03_year_on_year", "04_report")
KERNEL = "python3"
INJECTED_CELL_ID = "injected-parameters"


class StepFailed(RuntimeError):
    """A step notebook raised or timed out; the message says where and why."""


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


def step_names(only: str | None) -> tuple[str, ...]:
    """The steps to run: all, or the one ``only`` names (``01_clean`` or ``clean``)."""
    if only is None:
        return STEPS
    chosen = [step for step in STEPS if only in (step, step.split("_", 1)[1])]
    if not chosen:
        raise SystemExit(f"error: unknown step {only!r}; steps are {', '.join(STEPS)}")
    return tuple(chosen)


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
    ``lang`` is set by :func:`run_report_step`).
    """
    previous = year - 1
    return {
        "03_year_on_year": {
            "previous_processed_dir": paths.display(out_root / "data" / "processed" / str(previous)),
            "previous_reports_dir": paths.display(out_root / "reports" / str(previous)),
        },
    }


def normalise_notebook(path: Path, replacements: dict[str, str]) -> None:
    """Strip what changes between identical runs from an executed notebook, in place.

    Removes execution timestamps and papermill's timing metadata, gives the
    injected parameters cell a fixed id, and rewrites staging paths to the
    final ones (``replacements``: old text -> new text).
    """
    notebook = nbformat.read(path, as_version=4)
    papermill_meta = notebook.metadata.get("papermill", {})
    notebook.metadata["papermill"] = {key: papermill_meta[key] for key in ("parameters", "exception")
                                      if key in papermill_meta}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    text = json.dumps(notebook, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    for old, new in replacements.items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
    path.write_text(text, encoding="utf-8")


def _failure_message(step: str, output: Path, error: Exception) -> str:
    where = f"kept for debugging at {paths.display(output)}"
    if isinstance(error, PapermillExecutionError):
        first_line = error.evalue.strip().splitlines()[0] if error.evalue.strip() else ""
        return (f"step {step} failed in cell {error.cell_index} (execution count {error.exec_count}): "
                f"{error.ename}: {first_line}\n  partial executed notebook {where}")
    if isinstance(error, CellTimeoutError):
        return f"step {step} timed out: {str(error).splitlines()[0]}\n  partial executed notebook {where}"
    return f"step {step}: the kernel died ({error})\n  partial executed notebook {where}"


def run_step(step: str, parameters: dict[str, object], layout: RunLayout, timeout: int,
             output_name: str | None = None) -> float:
    """Execute one step notebook into the staging folder; return its duration in seconds.

    The executed notebook is ``<step>.ipynb`` unless ``output_name`` names it otherwise.

    Raises
    ------
    StepFailed
        On a cell error, a cell timeout or a dead kernel.
    """
    source = paths.NOTEBOOKS_DIR / f"{step}.ipynb"
    output = layout.staged_reports / (output_name or f"{step}.ipynb")
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters, kernel_name=KERNEL, cwd=str(paths.NOTEBOOKS_DIR),
            progress_bar=False, execution_timeout=timeout,
        )
    except (PapermillExecutionError, CellTimeoutError, DeadKernelError) as error:
        raise StepFailed(_failure_message(step, output, error)) from error
    return time.perf_counter() - started


def run_report_step(parameters: dict[str, object], layout: RunLayout, primary_lang: str, timeout: int) -> float:
    """Execute the report notebook in every language at once, two kernels side by side; return the duration.

    Raises
    ------
    StepFailed
        If the report notebook fails in one language.
    """
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(report.LANGUAGES)) as pool:
        runs = [pool.submit(run_step, report.REPORT_NOTEBOOK, {**parameters, "lang": lang}, layout, timeout,
                            report.report_notebook_name(lang, primary_lang)) for lang in report.LANGUAGES]
        for finished in runs:
            finished.result()
    return time.perf_counter() - started


def render_report(layout: RunLayout, primary_lang: str) -> None:
    """Render the staged report notebooks to self-contained HTML, and to PDF where Chromium is present."""
    started = time.perf_counter()
    written = report.render_wave(layout.staged_reports, primary_lang)
    LOG.info("report: %s rendered in %.1f s", ", ".join(path.name for path in written),
             time.perf_counter() - started)


def _swap_in(pairs: list[tuple[Path, Path]], stage: Path) -> None:
    """Move each staged folder to its final place; on failure put every previous folder back."""
    moved: list[tuple[Path, Path | None]] = []
    try:
        for staged, final in pairs:
            final.parent.mkdir(parents=True, exist_ok=True)
            previous = stage / f"previous-{final.parent.name}-{final.name}"
            if final.exists():
                final.rename(previous)
            moved.append((final, previous if previous.exists() else None))
            staged.rename(final)
    except OSError:
        for final, previous in reversed(moved):
            if previous is not None:
                if final.exists():
                    final.rename(stage / f"failed-{final.parent.name}-{final.name}")
                previous.rename(final)
        raise


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
    steps = step_names(only)
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
    for step in steps:
        LOG.info("step %s: running", step)
        if step == report.REPORT_NOTEBOOK:
            duration = run_report_step(parameters, layout, primary_lang, timeout)
        else:
            duration = run_step(step, {**parameters, **extra.get(step, {})}, layout, timeout)
        LOG.info("step %s: done in %.1f s", step, duration)
    if report.REPORT_NOTEBOOK in steps:
        render_report(layout, primary_lang)
    else:
        LOG.info("report: not re-rendered (step %s not run)", report.REPORT_NOTEBOOK)

    replacements = {str(layout.staged_processed): paths.display(layout.processed),
                    str(layout.staged_reports): paths.display(layout.reports)}
    for executed in sorted(layout.staged_reports.glob("*.ipynb")):
        normalise_notebook(executed, replacements)
    _swap_in([(layout.staged_processed, layout.processed), (layout.staged_reports, layout.reports)], layout.stage)
    shutil.rmtree(layout.stage)
    report.write_index(layout.reports.parent)
    LOG.info("wave %s: %d step(s) in %.1f s; outputs in %s and %s", year, len(steps), time.perf_counter() - total,
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
    """Run ``python -m helpers run``; exit status 1 when a step fails."""
    try:
        run(args.year, args.raw_dir, args.out_dir, args.only, args.config)
    except StepFailed as failure:
        LOG.error("%s\n  previous outputs left in place", failure)
        return 1
    return 0
