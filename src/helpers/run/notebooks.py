"""Executing a notebook with papermill, and normalising the executed notebook.

The one runner of the package: the yearly run's steps and the method
validation's notebook both go through :func:`execute_notebook`. Kernel
``python3`` (the virtualenv's own interpreter), kernels started in
``notebooks/``, a per-cell timeout, and every way a notebook can fail (a cell
raises, a cell times out, the kernel dies) turned into :class:`StepFailed`
naming the notebook, the cell and the error, with the partial executed
notebook kept where it was written. The executed notebook is written once,
when execution ends (:class:`WriteAtEndEngine`).

Executed notebooks are normalised (:func:`normalise_notebook`: no execution
timestamps, no random cell ids, no staging or absolute paths) so that a
rerun on the same inputs gives byte-identical files.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
import papermill
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from helpers import atomic, paths
from helpers.errors import StepFailed

__all__ = ["ENGINE", "INJECTED_CELL_ID", "KERNEL", "WriteAtEndEngine", "execute_notebook", "failure_message",
           "normalise_notebook"]

KERNEL = "python3"
INJECTED_CELL_ID = "injected-parameters"
ENGINE = "helpers-write-at-end"


class WriteAtEndEngine(NBClientEngine):
    """papermill's nbclient engine, writing the executed notebook once, when execution ends (also on failure).

    papermill's own engine writes the whole notebook, figures included, before and after every cell: the
    runner's CPU grew with the square of a notebook's cells (about 70 writes for step 02). The notebook
    written at the end is the same.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
        finally:
            # papermill's Engine.execute_notebook then writes it in notebook_complete, failure or not.
            nb_man.output_path = output_path


papermill_engines.register(ENGINE, WriteAtEndEngine)


def failure_message(name: str, output: Path, error: Exception) -> str:
    """What :class:`StepFailed` says when notebook ``name``, executed into ``output``, failed with ``error``."""
    where = f"kept for debugging at {paths.display(output)}"
    if isinstance(error, PapermillExecutionError):
        evalue = error.evalue.strip()
        # Bad input is reported whole: its message lists every problem of the file, one a line.
        shown = evalue if error.ename == "InputError" else (evalue.splitlines() or [""])[0]
        return (f"step {name} failed in cell {error.cell_index} (execution count {error.exec_count}): "
                f"{error.ename}: {shown}\n  partial executed notebook {where}")
    if isinstance(error, CellTimeoutError):
        return f"step {name} timed out: {str(error).splitlines()[0]}\n  partial executed notebook {where}"
    return f"step {name}: the kernel died ({error})\n  partial executed notebook {where}"


def execute_notebook(source: Path, output: Path, parameters: dict[str, object], *, name: str | None = None,
                     timeout: int | None = None, cwd: Path | None = None) -> float:
    """Execute ``source`` with ``parameters`` into ``output``; return the duration in seconds.

    Parameters
    ----------
    source
        The notebook, with one cell tagged ``parameters``.
    output
        The executed notebook; its folder must exist.
    parameters
        Values papermill injects after the ``parameters`` cell.
    name
        The notebook's name in messages (default: the source's stem).
    timeout
        Longest a cell may run, in seconds (default: no limit).
    cwd
        The kernel's working folder (default ``notebooks/``).

    Raises
    ------
    helpers.errors.StepFailed
        On a cell error, a cell timeout or a dead kernel; the partial
        executed notebook is left at ``output``.
    """
    started = time.perf_counter()
    try:
        # The kernel's folder goes to nbclient (which starts the kernel there) rather than to papermill's cwd
        # (which changes this whole process's folder, a race when notebooks run side by side in threads).
        papermill.execute_notebook(str(source), str(output), parameters=parameters, kernel_name=KERNEL,
                                   engine_name=ENGINE, progress_bar=False, execution_timeout=timeout,
                                   resources={"metadata": {"path": str(cwd or paths.NOTEBOOKS_DIR)}})
    except (PapermillExecutionError, CellTimeoutError, DeadKernelError) as error:
        raise StepFailed(failure_message(name or Path(source).stem, Path(output), error)) from error
    return time.perf_counter() - started


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
    atomic.write_text(path, text)
