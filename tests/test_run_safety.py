"""A run that survives the real world (issue 13 §1 §2, issue 16 items 4 and 6).

Killed at every point of the publish, interrupted by Ctrl-C, facing a read-only or full output folder, a second
run of the same wave, an output folder on another file system, failed runs piling up, and ``--only`` after the
raw inputs changed.

The runner runs in forked children of the test process, which has imported it once (a fresh interpreter spends
seconds importing papermill and pandas): :func:`_fork` runs ``python -m helpers ARGS`` in a child with the
steps replaced by :func:`_fake_steps`, which write a few files in milliseconds, so that everything but the
notebooks (lock, recovery, staging, manifest, publish, pruning, messages) is the real runner.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
import psutil
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_notebook

from helpers import __main__ as cli
from helpers import paths
from helpers.cleaning.processed import read_answers, read_weights
from helpers.errors import StepFailed, UsageError
from helpers.inputs.waves import wave_path
from helpers.report import index as _index  # noqa: F401  imported before forking, as the runner imports it
from helpers.run import lock, notebooks, pipeline, publish, status

from conftest import run_cli
from test_reliability_inputs import _read_export, _write_export

YEAR = 2012


def _fake_steps(label: str, fail: bool = False):
    def run_groups(groups, layout, wave, year, out_root, incremental):
        units = f"unit;label\n1;{label}\n".encode()
        (layout.staged_processed / "units.csv").write_bytes(units)
        (layout.staged_reports / "figures").mkdir(exist_ok=True)
        (layout.staged_reports / "figures" / "plot.png").write_bytes(label.encode())
        (layout.staged_reports / "results.json").write_text(json.dumps({"label": label}))
        if fail:
            raise StepFailed(f"step 01_clean failed in cell 3 (execution count 3): ValueError: {label}")
        return 1
    return run_groups


class Child:
    """A forked child running the command line; its stderr is read through a pipe."""

    def __init__(self, pid: int, stderr: int) -> None:
        self.pid, self._stderr, self.text, self.code = pid, stderr, "", None

    def read_until(self, line: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while line not in self.text:
            ready, _, _ = select.select([self._stderr], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(self._stderr, 65536) if ready else b""
            if not chunk:
                raise AssertionError(f"{line!r} not written within {timeout} s:\n{self.text}")
            self.text += chunk.decode()

    def wait(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while self.code is None:
            pid, status_ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.code = os.waitstatus_to_exitcode(status_)
            elif time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
                raise AssertionError(f"child still running after {timeout} s:\n{self.text}")
            else:
                time.sleep(0.05)
        while chunk := os.read(self._stderr, 65536):
            self.text += chunk.decode()
        os.close(self._stderr)
        return self.code

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.wait()


def _fork(*args: str, steps=None, env: dict[str, str] | None = None, setup=None) -> Child:
    """``python -m helpers ARGS`` in a forked child, with ``steps`` in place of the notebooks when given, after
    calling ``setup``; ``env`` is added to its environment."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 99
        try:
            os.close(read)
            sys.stderr = sys.stdout = os.fdopen(write, "w", buffering=1)
            logging.root.handlers.clear()
            os.environ.update(env or {})
            if steps is not None:
                pipeline._run_groups = steps
            if setup is not None:
                setup()
            code = cli.main(list(args))
        except BaseException as error:  # noqa: BLE001  reported to the test through the exit status
            print(f"child died: {error!r}", file=sys.stderr)
        finally:
            os._exit(code)
    os.close(write)
    return Child(pid, read)


def _run(out: Path, label: str, *options: str, **kwargs) -> Child:
    return _fork("run", "--year", str(YEAR), "--out-dir", str(out), *options, steps=_fake_steps(label), **kwargs)


def _published(out: Path) -> str:
    """The label of the run whose outputs are published, checked whole and of one run."""
    processed, reports = out / "data" / "processed" / str(YEAR), out / "reports" / str(YEAR)
    manifest = json.loads((reports / "run.json").read_text())
    found = {name: hashlib.sha256((processed / name).read_bytes()).hexdigest()
             for name in manifest["processed"]}
    assert sorted(path.name for path in processed.iterdir()) == sorted(manifest["processed"])
    assert found == manifest["processed"], "the report does not describe the processed files"
    label = json.loads((reports / "results.json").read_text())["label"]
    assert (processed / "units.csv").read_text().endswith(f";{label}\n")
    assert (reports / "figures" / "plot.png").read_text() == label
    return label


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """An output folder holding a published fake run labelled ``v0``."""
    out = tmp_path_factory.mktemp("published")
    child = _run(out, "v0")
    assert child.wait() == 0, child.text
    assert _published(out) == "v0"
    return out


def _copy(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    subprocess.run(["cp", "-a", str(source), str(out)], check=True)
    return out


def test_publish_killed_at_every_point_leaves_old_or_new_outputs_whole(published, tmp_path):
    """SIGKILL at each publish point; ``status`` (even points) or the next run (odd points) completes it."""
    out = _copy(published, tmp_path)
    for number, point in enumerate(publish.POINTS, start=1):
        old, new = _published(out), f"v{number}"
        child = _run(out, new, env={publish.PAUSE_ENV: point})
        child.read_until(f"paused at {point!r}")
        child.kill()
        assert (out / ".runs" / f"{YEAR}.publish.json").exists()
        if number % 2:
            checked = _fork("status", "--year", str(YEAR), "--out-dir", str(out))
            assert checked.wait() == 0, checked.text
            assert "completed the publish of run" in checked.text
            assert _published(out) == new, point
        else:
            following = _run(out, f"{new}-next")
            assert following.wait() == 0, following.text
            assert "completed the publish of run" in following.text
            assert _published(out) == f"{new}-next", point
        assert old != _published(out)
        assert not list((out / ".runs").iterdir()), f"{point}: the runs' folders and the journal are removed"
        assert len(checked.text.splitlines() if number % 2 else following.text.splitlines()) < 10


def test_status_reports_outputs_changed_since_their_run(published, tmp_path):
    out = _copy(published, tmp_path)
    sound, lines = status.wave_status(YEAR, out)
    assert sound and "whole and of one run" in lines[3]
    (out / "data" / "processed" / str(YEAR) / "units.csv").write_text("edited by hand\n")
    sound, lines = status.wave_status(YEAR, out)
    assert not sound and "processed/units.csv" in lines[3]


def test_second_run_names_the_holder_and_exits_non_zero(published, tmp_path):
    out = _copy(published, tmp_path)
    with lock.WaveLock(out, YEAR):
        second = _run(out, "v1")
        assert second.wait() == 75
        sound, lines = status.wave_status(YEAR, out)
    assert f"pid {os.getpid()}, started " in second.text and "another run is writing" in second.text
    assert "--wait" in second.text and "Traceback" not in second.text and len(second.text.splitlines()) < 10
    assert lines[1].startswith(f"lock: held by a run in progress (pid {os.getpid()}")
    assert _published(out) == "v0"


def test_second_run_with_wait_runs_once_the_first_ends(published, tmp_path):
    out = _copy(published, tmp_path)
    holder = _fork("run", "--year", str(YEAR), "--out-dir", str(out), steps=_fake_steps("v1"),
                   env={publish.PAUSE_ENV: "journal"})
    holder.read_until("paused at 'journal'")
    second = _run(out, "v2", "--wait")
    second.read_until("waiting for the run holding the lock")
    holder.kill()
    assert second.wait() == 0, second.text
    assert "took over the lock left by a run that ended without releasing it" in second.text
    assert "completed the publish of run" in second.text
    assert _published(out) == "v2"


def test_stale_lock_of_a_dead_process_is_taken_over_with_a_message(published, tmp_path, caplog):
    out = _copy(published, tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    lock.lock_path(out, YEAR).write_text(json.dumps({"pid": int(dead.stdout), "started": "2026-12-01 06:00:00 UTC",
                                                     "command": "python -m helpers run --year 2012"}))
    _, lines = status.wave_status(YEAR, out)
    assert f"lock: left by a run that ended without releasing it (pid {int(dead.stdout)}" in lines[1]
    assert lock.lock_path(out, YEAR).exists() and not caplog.records, "status only looks"
    lock.lock_path(out, YEAR).write_text(json.dumps({"pid": int(dead.stdout), "started": "2026-12-01 06:00:00 UTC",
                                                     "command": "python -m helpers run --year 2012"}))
    child = _run(out, "v1")
    assert child.wait() == 0, child.text
    assert f"took over the lock left by a run that ended without releasing it (pid {int(dead.stdout)}" in child.text
    assert _published(out) == "v1"


@contextmanager
def _mounted(folder: Path, options: str):
    """A tmpfs mounted at ``folder`` (root only)."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_reports_on_another_file_system_are_staged_there(published, tmp_path):
    out = _copy(published, tmp_path)
    previous = {path.name: path.read_bytes() for path in (out / "reports" / str(YEAR)).iterdir() if path.is_file()}
    subprocess.run(["mv", str(out / "reports"), str(tmp_path / "reports-before")], check=True)
    with _mounted(out / "reports", "size=80m"):
        subprocess.run(["cp", "-a", f"{tmp_path / 'reports-before'}/.", str(out / "reports")], check=True)
        assert (out / "reports" / str(YEAR) / "run.json").read_bytes() == previous["run.json"]
        child = _run(out, "v1", env={publish.PAUSE_ENV: "in 2"})
        child.read_until("paused at 'in 2'")
        assert [path.name for path in (out / "reports" / ".runs").iterdir()][0].startswith(f"{YEAR}-")
        child.kill()
        checked = _fork("status", "--year", str(YEAR), "--out-dir", str(out))
        assert checked.wait() == 0, checked.text
        assert _published(out) == "v1"
        assert not list((out / "reports" / ".runs").iterdir())


def test_reports_bind_mounted_from_the_same_disk_are_staged_there(published, tmp_path):
    """A bind mount keeps the disk's device number but refuses a rename across it (EXDEV): the staging finds it
    by trying one."""
    out = _copy(published, tmp_path)
    elsewhere = tmp_path / "reports-elsewhere"
    subprocess.run(["mv", str(out / "reports"), str(elsewhere)], check=True)
    (out / "reports").mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "--bind", str(elsewhere), str(out / "reports")],
                                           capture_output=True).returncode != 0:
        pytest.skip("a bind mount needs root")
    try:
        assert (out / "reports").stat().st_dev == (out / ".runs").stat().st_dev
        child = _run(out, "v1", env={publish.PAUSE_ENV: "in 2"})
        child.read_until("paused at 'in 2'")
        assert [path.name for path in (out / "reports" / ".runs").iterdir()][0].startswith(f"{YEAR}-")
        child.kill()
        following = _run(out, "v2")
        assert following.wait() == 0, following.text
        assert _published(out) == "v2"
        assert not list((out / "reports" / ".runs").iterdir())
        assert not [path for path in out.rglob(".rename-check-*")], "the rename tried leaves nothing"
    finally:
        subprocess.run(["umount", "-l", str(out / "reports")], check=False)


def test_read_only_output_folder_is_named_before_the_first_step(published, tmp_path):
    out = tmp_path / "readonly"
    with _mounted(out, "size=1m,ro"):
        child = _run(out, "v1")
        assert child.wait() == 1
    assert len(child.text.splitlines()) == 1 and "Traceback" not in child.text
    assert f"cannot write to {out / '.runs'}: Read-only file system (EROFS)" in child.text


def test_status_checks_a_read_only_copy_of_the_outputs(published, tmp_path):
    """A reviewer's read-only copy: checked, nothing written; an interrupted publish there is named, not fatal."""
    out = tmp_path / "copy"
    with _mounted(out, "size=20m"):
        subprocess.run(["cp", "-a", f"{published}/.", str(out)], check=True)
        lock.lock_path(out, YEAR).write_text(json.dumps({"pid": 1, "started": "2026-12-01 06:00:00 UTC",
                                                         "command": "python -m helpers run --year 2012"}))
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        checked = _fork("status", "--year", str(YEAR), "--out-dir", str(out))
        assert checked.wait() == 0, checked.text
        assert "whole and of one run" in checked.text and "Traceback" not in checked.text
        subprocess.run(["mount", "-o", "remount,rw", str(out)], check=True)
        publish.journal_path(out, YEAR).write_text(json.dumps({"moves": []}))
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        checked = _fork("status", "--year", str(YEAR), "--out-dir", str(out))
        assert checked.wait() == 0, checked.text
        assert ("publish: interrupted, and cannot be completed here: Read-only file system (EROFS); the next run "
                "completes it") in checked.text and len(checked.text.splitlines()) < 10, checked.text


def test_full_disk_is_named_before_the_first_step(tmp_path):
    out = tmp_path / "tiny"
    with _mounted(out, "size=1m"):
        child = _run(out, "v1")
        assert child.wait() == 1
    assert len(child.text.splitlines()) == 1 and "Traceback" not in child.text
    assert f"cannot write to {out}" in child.text and "MB free, the run needs 50 MB" in child.text


def test_disk_full_while_publishing_keeps_the_previous_outputs(published, tmp_path):
    out = _copy(published, tmp_path)

    def full_disk():
        from helpers import atomic
        write = atomic.write_text

        def refuse(path, text, encoding="utf-8"):
            if str(path).endswith(".publish.json"):
                raise OSError(28, "No space left on device", str(path))
            return write(path, text, encoding)
        atomic.write_text = refuse

    child = _run(out, "v1", setup=full_disk)
    assert child.wait() == 1, child.text
    assert len(child.text.splitlines()) == 1 and "Traceback" not in child.text
    assert f"cannot write to {out / '.runs'}: No space left on device (ENOSPC); previous outputs intact" in child.text
    assert "run kept for debugging in" in child.text
    assert _published(out) == "v0"


def test_a_cross_device_move_while_publishing_is_named_and_rolls_back_both_folders(published, tmp_path):
    """EXDEV on the second folder's move (a mount the staging did not see): one line naming both paths, the
    processed folder already moved in goes back, the previous outputs stay whole, the journal goes."""
    out = _copy(published, tmp_path)

    def reports_elsewhere():
        rename = Path.rename

        def cross_device(self, target):
            if self.name == "reports" and Path(target) == out / "reports" / str(YEAR):  # the staged folder
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(self), None, str(target))
            return rename(self, target)
        Path.rename = cross_device

    child = _run(out, "v1", setup=reports_elsewhere)
    assert child.wait() == 1, child.text
    assert len(child.text.splitlines()) == 1 and "Traceback" not in child.text, child.text
    assert f"to {out / 'reports' / str(YEAR)}: they are on different file systems, Invalid cross-device link " \
           "(EXDEV); previous outputs intact; run kept for debugging in" in child.text
    assert _published(out) == "v0"
    assert not (out / ".runs" / f"{YEAR}.publish.json").exists()
    checked = _fork("status", "--year", str(YEAR), "--out-dir", str(out))
    assert checked.wait() == 0 and "whole and of one run" in checked.text


def _wave_file(tmp_path: Path, **run_section) -> Path:
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["run"].update(run_section)
    path = tmp_path / "wave.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return path


def test_only_the_last_failed_runs_are_kept_and_the_message_names_the_one_kept(published, tmp_path):
    out = _copy(published, tmp_path)
    config = _wave_file(tmp_path, keep_failed_runs=2)
    kept = []
    for attempt in range(3):
        child = _fork("run", "--year", str(YEAR), "--out-dir", str(out), "--config", str(config),
                      steps=_fake_steps(f"bad{attempt}", fail=True))
        assert child.wait() == 1
        assert "Traceback" not in child.text and len(child.text.splitlines()) < 10
        kept.append(child.text.split("run kept for debugging in ")[1].split(";")[0].split()[0])
        time.sleep(1.1)  # run folders are named by the second
    assert "1 older removed (run.keep_failed_runs: 2)" in child.text
    assert sorted(path.name for path in (out / ".runs").iterdir()) == sorted(Path(path).name for path in kept[1:])
    assert _published(out) == "v0"


def test_keep_failed_runs_below_one_is_refused(tmp_path):
    child = _run(tmp_path / "out", "v1", "--config", str(_wave_file(tmp_path, keep_failed_runs=0)))
    assert child.wait() == 2
    assert "column 'run.keep_failed_runs': key 'run.keep_failed_runs' is 0; expected an integer >= 1" in child.text


def test_only_a_later_step_is_refused_when_the_raw_inputs_changed(published, tmp_path):
    out = _copy(published, tmp_path)
    raw = tmp_path / "raw"
    subprocess.run(["cp", "-a", str(paths.raw_dir(YEAR)), str(raw)], check=True)
    with (raw / "export.csv").open("ab") as export:
        export.write(b"\n")
    with pytest.raises(UsageError, match=r"--only 02_response_bias: raw.export changed since the published run"):
        pipeline.run(YEAR, raw_dir=str(raw), out_dir=str(out), only="02_response_bias")
    assert _published(out) == "v0"


def test_only_groups_are_the_step_and_the_later_groups():
    assert pipeline.step_groups("clean") == pipeline.STEP_GROUPS
    assert pipeline.step_groups("year_on_year") == (("03_year_on_year",), ("04_report",))


def _sleeping_notebook(folder: Path) -> None:
    cells = [new_code_cell("year = 0", metadata={"tags": ["parameters"]}),
             new_code_cell(f"import pathlib, time\npathlib.Path({str(folder / 'started')!r}).touch()\ntime.sleep(600)")]
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": notebooks.KERNEL, "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "01_clean.ipynb")


def test_ctrl_c_prints_one_line_shuts_the_kernels_down_and_exits_130(published, tmp_path):
    out = _copy(published, tmp_path)
    _sleeping_notebook(tmp_path)

    def notebooks_here():
        paths.NOTEBOOKS_DIR = tmp_path

    child = _fork("run", "--year", str(YEAR), "--out-dir", str(out), setup=notebooks_here)
    child.read_until("step 01_clean: running")
    deadline = time.monotonic() + 120
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline, "the kernel did not start"
        time.sleep(0.2)
    kernels = psutil.Process(child.pid).children(recursive=True)
    os.kill(child.pid, signal.SIGINT)
    assert child.wait(timeout=60) == 130
    assert kernels and not [process for process in kernels if process.is_running()], "kernels left running"
    lines = [line for line in child.text.splitlines() if " ERROR " in line]
    assert len(lines) == 1 and "Traceback" not in child.text, child.text
    assert "wave 2012: interrupted; previous outputs intact; run kept for debugging in" in lines[0]
    kept = Path(lines[0].split("run kept for debugging in ")[1].split(";")[0])
    assert (kept / "reports" / "01_clean.ipynb").is_file(), "the partial executed notebook is kept"
    assert _published(out) == "v0"


def test_only_clean_after_fixing_the_export_reruns_the_steps_it_feeds(demo_run, tmp_path):
    """Issue 16.4: after ``--only clean`` on an export with 10 fewer respondents, the weights (step 02), the
    models (03) and the report (04) describe the same respondents as ``answers.csv``."""
    out = _copy(demo_run.root, tmp_path)
    raw = tmp_path / "raw"
    subprocess.run(["cp", "-a", str(paths.raw_dir(YEAR)), str(raw)], check=True)
    export = raw / "export.csv"
    lines = export.read_bytes().split(b"\n")
    complete = [number for number, line in enumerate(lines) if ";Compl\xe8te;".encode("latin-1") in line][:10]
    export.write_bytes(b"\n".join(line for number, line in enumerate(lines) if number not in complete))
    result = run_cli("--out-dir", str(out), "--raw-dir", str(raw), "--only", "clean")
    assert result.returncode == 0, result.stderr
    for step in pipeline.STEPS:
        assert f"step {step}: done in" in result.stderr
    processed = out / "data" / "processed" / str(YEAR)
    weights = read_weights(processed)
    assert set(weights.index) == set(read_answers(processed).index)
    assert len(weights) < len(read_weights(demo_run.root / "data" / "processed" / str(YEAR)))
    assert status.wave_status(YEAR, out)[0]
    manifest = json.loads((out / "reports" / str(YEAR) / "run.json").read_text())
    assert manifest["inputs"]["raw.export"] == hashlib.sha256(export.read_bytes()).hexdigest()


def test_kernel_files_of_a_runner_killed_with_sigkill_are_removed_by_the_next_notebook_run(published, tmp_path):
    """The runner's kernels name their sockets and connection file by the runner's pid; SIGKILL may leave them (a
    kernel that sees its parent gone sometimes removes its own first), and the next run of a notebook removes those
    of dead runners, not those of live ones. The files of a second dead runner are made here, so that the removal
    is tested whatever the killed kernels left."""
    out = _copy(published, tmp_path)
    _sleeping_notebook(tmp_path)

    def notebooks_here():
        paths.NOTEBOOKS_DIR = tmp_path

    child = _fork("run", "--year", str(YEAR), "--out-dir", str(out), setup=notebooks_here)
    deadline = time.monotonic() + 120
    while not (tmp_path / "started").exists():
        assert time.monotonic() < deadline, "the kernel did not start"
        time.sleep(0.2)
    kernels = psutil.Process(child.pid).children(recursive=True)
    child.kill()
    psutil.wait_procs(kernels, timeout=30)
    temporary = Path(tempfile.gettempdir())
    left = sorted(temporary.glob(f"{notebooks.KERNEL_FILES}{child.pid}-*"))
    assert all(path.suffix in (".json", "") for path in left), left  # sockets, connection file
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    made = [temporary / f"{notebooks.KERNEL_FILES}{dead.pid}-{'f' * 12}{suffix}" for suffix in ("-1", "-2", ".json")]
    for path in made:
        path.touch()
    left += made
    live = temporary / f"{notebooks.KERNEL_FILES}{os.getpid()}-{'0' * 12}-1"
    live.touch()
    try:
        trivial = tmp_path / "trivial.ipynb"
        cells = [new_code_cell("year = 0", metadata={"tags": ["parameters"]})]
        notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": notebooks.KERNEL, "language": "python",
                                                                      "display_name": "Python 3"}})
        nbformat.write(notebook, trivial)
        notebooks.execute_notebook(trivial, tmp_path / "trivial.out.ipynb", {"year": 1}, cwd=tmp_path)
        assert not [path for path in left if path.exists()]
        assert live.exists(), "the files of a live runner are left alone"
        assert not list(temporary.glob(f"{notebooks.KERNEL_FILES}{os.getpid()}-*-[2-5]")), \
            "a kernel that ends normally removes its own files"
    finally:
        live.unlink()


def _error_output(text: str) -> list[str]:
    """The lines from the first error on (a run logs its steps before)."""
    lines = text.splitlines()
    first = next(number for number, line in enumerate(lines) if " ERROR " in line or line.startswith("error: "))
    return lines[first:]


def test_the_longest_error_outputs_stay_under_ten_lines(published, tmp_path):
    """Issue 13's acceptance, on the two errors that list problems: a wave file with 14 bad keys (refused at load,
    all listed: the wave file is short, and the analyst fixes it in one pass) and an export whose every closed answer
    is an e-mail (thousands of problems, refused in step 01's notebook: nine lines name how many there are and the
    first, and the notebook kept holds the whole list)."""
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    for section, key, value in [("estimation", "confidence_level", 95), ("models", "bootstrap_replicates", 0),
                                ("weighting", "trim_ratio", 0.9), ("models", "imputations", 1),
                                ("run", "cell_timeout_seconds", 0), ("models", "seed", -1),
                                ("report", "small_cell_threshold", 0), ("run", "keep_failed_runs", 0),
                                ("cleaning", "complete_threshold", 2), ("cleaning", "partial_threshold", -1),
                                ("cleaning", "fuzzy_name_cutoff", 5), ("estimation", "bootstrap_replicates", 1),
                                ("report", "lang", "de"), ("models", "typo_key", 3)]:
        spec[section][key] = value
    config = tmp_path / "wave.yaml"
    config.write_text(yaml.safe_dump(spec), encoding="utf-8")
    refused = _run(tmp_path / "out", "v1", "--config", str(config))
    assert refused.wait() == 2
    # A wave file's problems are all listed, one a line (fixing them takes one pass), under the line that names it.
    assert len(_error_output(refused.text)) == 15 and "Traceback" not in refused.text, refused.text
    assert "14 problems:" in refused.text and "unknown key 'models.typo_key'" in refused.text

    out = _copy(published, tmp_path)
    raw = tmp_path / "raw"
    subprocess.run(["cp", "-a", str(paths.raw_dir(YEAR)), str(raw)], check=True)
    export = _read_export(raw)
    export[[column for column in export.columns if column.startswith("Q")]] = "jean.planted@mairie.example"
    _write_export(raw, export)
    failed = _fork("run", "--year", str(YEAR), "--out-dir", str(out), "--raw-dir", str(raw))
    assert failed.wait() == 1, failed.text
    shown = _error_output(failed.text)
    assert len(shown) == 9 and "Traceback" not in failed.text, failed.text
    assert "step 01_clean failed in cell" in shown[0] and "problem(s) with the export" in shown[0]
    assert "more line(s) in the partial executed notebook" in shown[5]
    assert shown[-1].strip() == "previous outputs left in place" and "planted@" not in failed.text
    assert _published(out) == "v0"


def test_ctrl_c_while_the_command_loads_prints_one_line_and_exits_130(tmp_path):
    """Importing the runner takes seconds on a loaded machine: a Ctrl-C then is one line, not a traceback."""
    def slow_import():
        def interrupted(name, package=None):
            raise KeyboardInterrupt
        cli.importlib.import_module = interrupted

    child = _fork("run", "--year", str(YEAR), "--out-dir", str(tmp_path / "out"), setup=slow_import)
    assert child.wait() == 130, child.text
    assert child.text.splitlines() == [child.text.splitlines()[0]] and "Traceback" not in child.text, child.text
    assert "interrupted before anything was written; previous outputs intact" in child.text


def _recording_steps(monkeypatch, ran: list[str]) -> None:
    """Steps that write in milliseconds what the real ones pass on: the cleaning the same file for the same raw
    inputs, step 02 a file naming the wave settings it read; each appends its name to ``ran``."""
    def run_side_by_side(runs, layout, timeout):
        for step, parameters, _ in runs:
            if step == "01_clean":
                (layout.staged_processed / "answers.csv").write_text("unit_id\n1\n")
            elif step == "02_response_bias":
                settings = Path(str(parameters["wave_config"])).read_bytes()
                (layout.staged_processed / "weights.csv").write_text(hashlib.sha256(settings).hexdigest())
            ran.append(step)
        return {step: 0.0 for step, _, _ in runs}
    monkeypatch.setattr(pipeline, "run_side_by_side", run_side_by_side)
    monkeypatch.setattr(pipeline, "render_report", lambda layout, lang: None)
    monkeypatch.setattr(pipeline, "render_notebook_pages", lambda layout: None)


def test_only_clean_after_the_settings_changed_reruns_every_later_step(published, tmp_path, monkeypatch):
    """Issue 16.4: the cleaning writes the same files under new weighting settings, yet the weights are redone
    from them, not kept from the run made under the old ones."""
    out = _copy(published, tmp_path)
    ran: list[str] = []
    _recording_steps(monkeypatch, ran)
    pipeline.run(YEAR, out_dir=str(out))
    ran.clear()
    pipeline.run(YEAR, out_dir=str(out), only="clean")
    assert ran == ["01_clean"], "unchanged inputs: the later steps are kept"
    spec = yaml.safe_load(wave_path(YEAR).read_text(encoding="utf-8"))
    spec["weighting"]["trim_ratio"] = 3.0
    config = tmp_path / "wave.yaml"
    config.write_text(yaml.safe_dump(spec), encoding="utf-8")
    ran.clear()
    pipeline.run(YEAR, out_dir=str(out), only="clean", config_path=str(config))
    assert ran == list(pipeline.STEPS) + ["04_report"]  # the report once per language
    weights = (out / "data" / "processed" / str(YEAR) / "weights.csv").read_text()
    assert weights == hashlib.sha256(config.read_bytes()).hexdigest()


def test_only_a_later_step_is_refused_when_the_published_run_has_no_manifest(published, tmp_path):
    out = _copy(published, tmp_path)
    (out / "reports" / str(YEAR) / "run.json").unlink()
    with pytest.raises(UsageError, match=r"--only 02_response_bias: the published outputs have no run.json, so "
                                         r"whether their earlier steps read the same inputs cannot be checked"):
        pipeline.run(YEAR, out_dir=str(out), only="02_response_bias")


def test_the_failed_run_the_message_names_is_kept_when_older_folders_sort_after_it(published, tmp_path):
    """Run folders are named by local time: after the clock went back (daylight-saving time ends), the run that
    just failed is still the one kept, with the newest others."""
    out = _copy(published, tmp_path)
    later = [out / ".runs" / f"{YEAR}-29991231T00000{n}-1" for n in range(3)]
    for folder in later:
        folder.mkdir(parents=True)
    config = _wave_file(tmp_path, keep_failed_runs=2)
    child = _fork("run", "--year", str(YEAR), "--out-dir", str(out), "--config", str(config),
                  steps=_fake_steps("bad", fail=True))
    assert child.wait() == 1
    kept = Path(child.text.split("run kept for debugging in ")[1].split(";")[0].split()[0])
    assert "2 older removed (run.keep_failed_runs: 2)" in child.text
    assert sorted(path.name for path in (out / ".runs").iterdir()) == sorted([kept.name, later[2].name])


def test_only_after_an_earlier_wave_ran_again_reruns_or_refuses(published, tmp_path, monkeypatch):
    """The year on year reads the earlier waves' results and answers: after one of them changed, ``--only
    report`` would publish a series of the old one beside a wave that reads the new one."""
    out = _copy(published, tmp_path)
    ran: list[str] = []
    _recording_steps(monkeypatch, ran)
    monkeypatch.setattr(publish.report, "write_index", lambda root: None)  # the fake 2011 results have no index
    earlier_reports, earlier_processed = out / "reports" / "2011", out / "data" / "processed" / "2011"
    earlier_reports.mkdir(parents=True)
    earlier_processed.mkdir(parents=True)
    (earlier_reports / "results.json").write_text(json.dumps({"response_bias": {"run": 1}}))
    (earlier_processed / "answers.csv").write_text("unit_id\n1\n")
    pipeline.run(YEAR, out_dir=str(out))
    (earlier_reports / "results.json").write_text(json.dumps({"response_bias": {"run": 2}}))
    with pytest.raises(UsageError, match=r"--only 04_report: wave 2011 results.json changed since the published "
                                         r"run"):
        pipeline.run(YEAR, out_dir=str(out), only="report")
    ran.clear()
    pipeline.run(YEAR, out_dir=str(out), only="clean")
    assert "03_year_on_year" in ran
