"""The yearly run: execute the step notebooks with papermill, atomically.

A run holds the wave's lock (:mod:`helpers.run.lock`), completes the publish
of a run killed while publishing (:mod:`helpers.run.publish`), checks that its
output folders can take it (:mod:`helpers.run.staging`), then executes every
step into a staging folder under ``<out>/.runs/``; only when all steps succeed
are the staged ``data/processed/<year>/`` and ``reports/<year>/`` published in
place of the previous ones. A failed or interrupted run leaves the previous
good outputs untouched and keeps its staging folder for debugging (the last
``run.keep_failed_runs`` of them).

``--only STEP`` runs that step on a copy of the published outputs, then each
later group of steps as long as the group before it changed what the steps
read from each other (:func:`helpers.run.manifest.step_inputs`), so that the
outputs always come from one run. When the raw inputs, the wave's settings,
the codebook or the earlier waves' outputs the year on year reads changed
since the published run, every later step runs (they read them too), and a step other than the first is refused, as it is when the
published outputs have no manifest to check.

Steps run in the groups of :data:`STEP_GROUPS`; the notebooks of one group
(the two 03 steps, the report in each language) run side by side, one
kernel each. Executed notebooks are normalised
(:func:`helpers.run.notebooks.normalise_notebook`) so that a rerun on the
same inputs gives byte-identical files.
"""

from __future__ import annotations

import argparse
import errno
import logging
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

from helpers import paths, report
from helpers.errors import Interrupted, OutputError, StepFailed, UsageError
from helpers.inputs.waves import load_wave
from helpers.run.lock import WaveLock
from helpers.run.manifest import MANIFEST_NAME, input_checksums, read_manifest, step_inputs, write_manifest
from helpers.run.notebooks import execute_notebook, normalise_notebook, shut_down_kernels
from helpers.run.publish import complete_interrupted, publish_run
from helpers.run.staging import RunLayout, check_writable, new_layout, prune_failed_runs

__all__ = ["STEPS", "STEP_GROUPS", "configure_parser", "main", "notebook_parameters", "render_notebook_pages",
           "render_report",
           "run", "run_side_by_side", "run_step", "step_groups", "step_parameters"]

LOG = logging.getLogger("helpers.run.pipeline")
# The steps by what they read: a step reads only what the groups before its own wrote, so the steps of one group
# run side by side (both 03 steps read step 02's outputs only; the report runs once per language).
STEP_GROUPS = (("01_clean",), ("02_response_bias",), ("03_leadership_savings", "03_year_on_year"), ("04_report",))
STEPS = tuple(step for group in STEP_GROUPS for step in group)


def step_groups(only: str | None) -> tuple[tuple[str, ...], ...]:
    """The steps to run, grouped as :data:`STEP_GROUPS`: all, or the one ``only`` names (``01_clean`` or
    ``clean``) followed by the groups after its own (which :func:`run` runs only while their inputs change).

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
    later = next(index for index, group in enumerate(STEP_GROUPS) if chosen[0] in group) + 1
    return (tuple(chosen), *STEP_GROUPS[later:])


def notebook_parameters(year: int, layout: RunLayout, wave_config: Path) -> dict[str, object]:
    """Parameters the runner passes to every step notebook."""
    return {
        "year": year,
        "raw_dir": paths.display(layout.raw),
        "processed_dir": str(layout.staged_processed),
        "reports_dir": str(layout.staged_reports),
        "wave_config": paths.display(wave_config),
    }


def step_parameters(out_root: Path) -> dict[str, dict[str, object]]:
    """Parameters some steps take on top of :func:`notebook_parameters`.

    The year-on-year and series step reads the earlier waves' outputs under the same output root (the report
    step's ``lang`` is set by :func:`run`, once per language).
    """
    return {
        "03_year_on_year": {
            "processed_root": paths.display(out_root / "data" / "processed"),
            "reports_root": paths.display(out_root / "reports"),
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
    KeyboardInterrupt
        On Ctrl-C, once every kernel is shut down.
    """
    durations: dict[str, float] = {}
    pool = ThreadPoolExecutor(max_workers=len(runs))
    futures = [pool.submit(run_step, step, parameters, layout, timeout, name) for step, parameters, name in runs]
    try:
        wait(futures)
    except KeyboardInterrupt:
        # The kernels run in sessions of their own, out of reach of the terminal's Ctrl-C: stop them, and wait
        # for their threads to write the partial executed notebooks.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # The kernels' deaths are what was asked for: papermill's and nbclient's errors about them are noise.
        logging.getLogger("papermill").setLevel(logging.CRITICAL)
        shut_down_kernels()
        pool.shutdown(wait=True)
        raise
    pool.shutdown()
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


def _earlier_waves(out_root: Path, year: int) -> dict[str, Path]:
    """The earlier waves' files the year-on-year step reads (:func:`helpers.steps.earlier_years`), by name."""
    from helpers.steps import earlier_years  # here: importing the runner loads no statistics library

    reports, processed = out_root / "reports", out_root / "data" / "processed"
    return {f"wave {earlier} {name}": folder / str(earlier) / name
            for earlier in earlier_years(reports, processed, year)
            for folder, name in ((reports, "results.json"), (processed, "answers.csv"))}


def _check_only(only: str | None, groups, layout: RunLayout, inputs: dict[str, str]) -> bool:
    """Whether ``--only`` may keep a later group whose inputs its own steps left unchanged.

    Only when the published run was made from the same raw inputs, wave settings and codebook: after any of them
    changed, every later step reads the new version, so ``--only`` on the first step reruns them all, and
    ``--only`` on a later step (whose earlier steps read the old version) is refused, as it is when the published
    outputs have no manifest to check them by.

    Raises
    ------
    helpers.errors.UsageError
        For ``--only`` on a step after the first, when the inputs changed or cannot be checked.
    """
    if only is None:
        return False
    step, first = groups[0][0], groups[0][0] == STEPS[0]
    again = f"run the wave again from {STEPS[0]} (--only {STEPS[0].split('_', 1)[1]}, or no --only)"
    published = read_manifest(layout.reports)
    if published is None:
        if not first:
            raise UsageError(f"--only {step}: the published outputs have no {MANIFEST_NAME}, so whether their "
                             f"earlier steps read the same inputs cannot be checked; {again}")
        LOG.info("--only %s: the published outputs have no %s: every later step runs", step, MANIFEST_NAME)
        return False
    changed = sorted(key for key in inputs.keys() | published["inputs"].keys()
                     if inputs.get(key) != published["inputs"].get(key))
    if changed and not first:
        raise UsageError(f"--only {step}: {', '.join(changed)} changed since the published run, whose "
                         f"earlier steps read the old version; {again}")
    if changed:
        LOG.info("--only %s: %s changed since the published run: every later step runs", step, ", ".join(changed))
    return not changed


def _stage(only: str | None, layout: RunLayout) -> None:
    if only is not None:
        for final, staged in ((layout.processed, layout.staged_processed), (layout.reports, layout.staged_reports)):
            if final.exists():
                shutil.copytree(final, staged)
    layout.staged_processed.mkdir(parents=True, exist_ok=True)
    layout.staged_reports.mkdir(parents=True, exist_ok=True)


def _run_groups(groups, layout: RunLayout, wave, year: int, out_root: Path, incremental: bool) -> int:
    """Run the groups of steps into the staging folder; return how many steps ran.

    With ``incremental`` (``--only`` on unchanged inputs, :func:`_check_only`), a group after the first runs only
    if the group before it changed the files the steps read from each other.
    """
    parameters = notebook_parameters(year, layout, wave.path)
    primary_lang = wave.section("report")["lang"]
    extra = step_parameters(out_root)
    timeout = wave.section("run")["cell_timeout_seconds"]
    ran, changed = [], True
    for number, group in enumerate(groups):
        if incremental and number > 0 and not changed:
            LOG.info("step %s: kept (the steps before it wrote the same files again)", " and ".join(group))
            continue
        runs = []
        for step in group:
            if step == report.REPORT_NOTEBOOK:
                runs += [(step, {**parameters, "lang": lang}, report.report_notebook_name(lang, primary_lang))
                         for lang in report.LANGUAGES]
            else:
                runs.append((step, {**parameters, **extra.get(step, {})}, f"{step}.ipynb"))
        LOG.info("step %s: running", " and ".join(group))
        before = step_inputs(layout.staged_processed, layout.staged_reports)
        for step, duration in run_side_by_side(runs, layout, timeout).items():
            LOG.info("step %s: done in %.1f s", step, duration)
        changed = step_inputs(layout.staged_processed, layout.staged_reports) != before
        ran += group
    if report.REPORT_NOTEBOOK in ran:
        render_report(layout, primary_lang)
    else:
        LOG.info("report: not re-rendered (step %s not run)", report.REPORT_NOTEBOOK)
    replacements = {str(layout.staged_processed): paths.display(layout.processed),
                    str(layout.staged_reports): paths.display(layout.reports)}
    for executed in sorted(layout.staged_reports.glob("*.ipynb")):
        normalise_notebook(executed, replacements)
    render_notebook_pages(layout)
    return len(ran)


def _kept(out_root: Path, year: int, layout: RunLayout, keep: int) -> str:
    """Prune the wave's failed runs to the last ``keep``; say which folder keeps this one."""
    removed = prune_failed_runs(out_root, year, keep, layout.stage.name)
    older = f"; {len(removed)} older removed (run.keep_failed_runs: {keep})" if removed else ""
    return f"run kept for debugging in {', '.join(map(paths.display, layout.run_folders))}{older}"


def _cannot_write(error: OSError) -> OutputError:
    problem = f"{error.strerror or error} ({errno.errorcode.get(error.errno, 'error')})"
    if error.errno == errno.EXDEV and error.filename and error.filename2:
        # A folder mounted where the staging could not see it (a mount below reports/ or data/processed/).
        return OutputError(f"cannot move {paths.display(error.filename)} to {paths.display(error.filename2)}: "
                           f"they are on different file systems, {problem}")
    folder = Path(error.filename).parent if error.filename else None
    where = f" to {paths.display(folder)}" if folder else ""
    return OutputError(f"cannot write{where}: {problem}")


def run(year: int, raw_dir: str | None = None, out_dir: str | None = None, only: str | None = None,
        config_path: str | None = None, wait: bool = False) -> None:
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
        Run this step, on top of the published outputs, and the later steps whose inputs it changed.
    config_path
        Wave configuration (default ``config/waves/<year>.yaml``).
    wait
        When another run holds the wave, wait for it rather than fail.

    Raises
    ------
    helpers.errors.InputError
        If the wave configuration is invalid or a raw input is missing.
    helpers.errors.UsageError
        If ``only`` names no step, or a step whose upstream outputs were made from other inputs.
    helpers.errors.WaveBusy
        If another run holds the wave (and ``wait`` is false).
    helpers.errors.OutputError
        If an output folder is read-only or full (before the first step, or while the run writes).
    helpers.errors.StepFailed
        If a step fails; the previous outputs are then left in place.
    helpers.errors.Interrupted
        On Ctrl-C; the previous outputs are then left in place.
    """
    wave = load_wave(year, config_path, raw_dir)
    groups = step_groups(only)
    out_root = paths.resolve(out_dir, paths.ROOT)
    layout = new_layout(year, paths.raw_dir(year, raw_dir), out_root)
    keep = wave.section("run")["keep_failed_runs"]
    check_writable(layout)
    with WaveLock(out_root, year, wait):
        recovered = complete_interrupted(out_root, year)
        if recovered:
            LOG.warning("%s", recovered)
        inputs = input_checksums(wave.input_paths(layout.raw), wave.as_parameters(), wave.codebook_path,
                                 _earlier_waves(out_root, year))
        incremental = _check_only(only, groups, layout, inputs)
        total = time.perf_counter()
        try:
            _stage(only, layout)
            steps = _run_groups(groups, layout, wave, year, out_root, incremental)
            write_manifest(layout.staged_processed, layout.staged_reports, inputs)
            publish_run(layout, out_root, year)
        except StepFailed as failure:
            raise StepFailed(f"{failure}\n  {_kept(out_root, year, layout, keep)}") from None
        except KeyboardInterrupt:
            raise Interrupted(f"wave {year}: interrupted; previous outputs intact; "
                              f"{_kept(out_root, year, layout, keep)}") from None
        except OSError as error:
            raise OutputError(f"{_cannot_write(error)}; previous outputs intact; "
                              f"{_kept(out_root, year, layout, keep)}") from None
        prune_failed_runs(out_root, year, keep)
    LOG.info("wave %s: %d step(s) in %.1f s; outputs in %s and %s", year, steps, time.perf_counter() - total,
             paths.display(layout.processed), paths.display(layout.reports))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers run``."""
    parser.add_argument("--year", type=int, required=True, help="survey wave, e.g. 2012")
    parser.add_argument("--raw-dir", help="folder of the raw inputs (default data/raw/<year>)")
    parser.add_argument("--out-dir", help="folder under which data/processed/<year>/ and reports/<year>/ "
                                          "are written (default: the project root)")
    parser.add_argument("--only", metavar="STEP", help=f"run one step ({', '.join(STEPS)}) on top of the published "
                                                       "outputs, and the later steps whose inputs it changed")
    parser.add_argument("--wait", action="store_true", help="when another run is writing the wave, wait for it "
                                                           "to end instead of failing")
    parser.add_argument("--config", help="wave configuration (default config/waves/<year>.yaml)")


def main(args: argparse.Namespace) -> int:
    """Run ``python -m helpers run``; a failed step raises :class:`helpers.errors.StepFailed`."""
    run(args.year, args.raw_dir, args.out_dir, args.only, args.config, args.wait)
    return 0
