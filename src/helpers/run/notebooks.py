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
import os
import re
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.log import logger as papermill_logger
from papermill.utils import merge_kwargs, remove_args
from traitlets import default

from helpers import atomic, paths
from helpers.errors import StepFailed

__all__ = ["ENGINE", "INJECTED_CELL_ID", "KERNEL", "KERNEL_FILES", "RunnerKernelManager", "WriteAtEndEngine",
           "execute_notebook", "failure_message", "normalise_notebook", "remove_stale_kernel_files",
           "shut_down_kernels"]

KERNEL = "python3"
INJECTED_CELL_ID = "injected-parameters"
ENGINE = "helpers-write-at-end"
# Lines of a bad input's message a failed step shows (then: how many more, the notebook, the run kept, the
# previous outputs): nine lines in all.
INPUT_ERROR_LINES = 5
KERNEL_FILES = "barometre-kernel-"
# <runner pid>-<random>, then -<port> for a socket or .json for the connection file.
_KERNEL_FILE = re.compile(rf"{KERNEL_FILES}([1-9]\d*)-[0-9a-f]{{12}}(?:-\d+|\.json)")


class RunnerKernelManager(AsyncKernelManager):
    """The runner's kernel manager: kernels on Unix sockets, and no interrupt before an idle kernel's shutdown.

    Kernels talk to the runner over Unix sockets rather than TCP on localhost: no port is opened, and ipykernel
    no longer warns in every step's log that its TCP traffic is unencrypted. The sockets and the connection file
    live in the temporary folder under a name of their own, ``barometre-kernel-<runner pid>-<random>`` (an
    absolute path: the kernel runs in ``notebooks/``, the runner anywhere), so kernels started side by side never
    pick the same files, and the files a killed runner could not remove are known by its process id
    (:func:`remove_stale_kernel_files`).

    jupyter_client interrupts every kernel (SIGINT) before asking it to shut down, in case it is still running
    code; the runner shuts a kernel down once its notebook has ended (nbclient has already interrupted a cell that
    timed out), and ipykernel logged that stray SIGINT as ``ERROR | KeyboardInterrupt caught in kernel``.
    """

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        return os.path.join(tempfile.gettempdir(), f"{KERNEL_FILES}{os.getpid()}-{uuid.uuid4().hex[:12]}")

    @default("connection_file")
    def _connection_file_default(self) -> str:
        return f"{self.ip}.json"

    async def _async_interrupt_kernel(self) -> None:
        if not self.shutting_down:
            await super()._async_interrupt_kernel()


def remove_stale_kernel_files(folder: Path | None = None) -> list[Path]:
    """Remove the kernel sockets and connection files left in ``folder`` by runners that are dead; return them.

    A runner killed with SIGKILL cannot clean up after its kernels (which then exit on their own); the files
    left are named by the runner's process id (:class:`RunnerKernelManager`), so those of a process that no
    longer exists can go. Files of live runners, and files this process may not remove, are left alone.

    Parameters
    ----------
    folder
        Where the kernels' files are (default: the temporary folder).
    """
    removed = []
    for path in Path(folder or tempfile.gettempdir()).glob(f"{KERNEL_FILES}*"):
        match = _KERNEL_FILE.fullmatch(path.name)
        if match is None or _alive(int(match[1])):
            continue
        try:
            path.unlink()
        except OSError:  # removed meanwhile by another runner, or another user's
            continue
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


_RUNNING: set[PapermillNotebookClient] = set()
_RUNNING_LOCK = threading.Lock()


class WriteAtEndEngine(NBClientEngine):
    """papermill's nbclient engine, writing the executed notebook once, when execution ends (also on failure),
    and keeping each running notebook's client so that :func:`shut_down_kernels` can reach its kernel.

    papermill's own engine writes the whole notebook, figures included, before and after every cell: the
    runner's CPU grew with the square of a notebook's cells (about 70 writes for step 02). The notebook
    written at the end is the same.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        # papermill's NBClientEngine.execute_managed_notebook, keeping the client it creates.
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(nb_man, kernel_manager_class=RunnerKernelManager, **merge_kwargs(
            kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=papermill_logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file))
        output_path, nb_man.output_path = nb_man.output_path, None
        with _RUNNING_LOCK:
            _RUNNING.add(client)
        try:
            return client.execute()
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(client)
            # papermill's Engine.execute_notebook then writes it in notebook_complete, failure or not.
            nb_man.output_path = output_path


def shut_down_kernels() -> int:
    """Stop the kernel of every notebook now running (Ctrl-C); return how many were stopped.

    Each kernel gets SIGTERM; its notebook's execution then ends with a dead kernel in its own thread, which
    writes the partial executed notebook and cleans the kernel's files up.
    """
    with _RUNNING_LOCK:
        clients = list(_RUNNING)
    stopped = 0
    for client in clients:
        provisioner = getattr(client.km, "provisioner", None)
        if provisioner is not None and provisioner.pid:
            try:
                os.kill(provisioner.pid, signal.SIGTERM)
                stopped += 1
            except ProcessLookupError:
                continue
    return stopped


papermill_engines.register(ENGINE, WriteAtEndEngine)


def failure_message(name: str, output: Path, error: Exception) -> str:
    """What :class:`StepFailed` says when notebook ``name``, executed into ``output``, failed with ``error``."""
    where = f"kept for debugging at {paths.display(output)}"
    if isinstance(error, PapermillExecutionError):
        lines = error.evalue.strip().splitlines() or [""]
        # Bad input lists the problems of the file, one a line: the first ones, and the whole list in the notebook,
        # so that the error output stays under ten lines.
        shown = lines[:INPUT_ERROR_LINES] if error.ename == "InputError" else lines[:1]
        if error.ename == "InputError" and len(lines) > len(shown):
            shown.append(f"  ... {len(lines) - len(shown)} more line(s) in the partial executed notebook")
        return (f"step {name} failed in cell {error.cell_index} (execution count {error.exec_count}): "
                f"{error.ename}: " + "\n".join(shown) + f"\n  partial executed notebook {where}")
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
    remove_stale_kernel_files()
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
