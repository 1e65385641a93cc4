"""Atomic writes, the locked read-change-write of a shared file, and the staging swap with its rollback."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import pytest

from helpers import atomic


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".partial"))


def test_write_bytes_creates_the_folder_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "new" / "folder" / "frame.csv"
    assert atomic.write_bytes(path, b"a;b\r\n1;2\r\n") == path
    assert path.read_bytes() == b"a;b\r\n1;2\r\n"
    assert _leftovers(path.parent) == []


def test_written_file_has_the_permissions_a_plain_write_gives(tmp_path):
    atomic.write_bytes(tmp_path / "atomic.txt", b"x")
    (tmp_path / "plain.txt").write_bytes(b"x")
    assert (tmp_path / "atomic.txt").stat().st_mode == (tmp_path / "plain.txt").stat().st_mode


def test_write_text_encodes_and_keeps_line_ends(tmp_path):
    path = atomic.write_text(tmp_path / "index.html", "Baromètre\r\nfin\n")
    assert path.read_bytes() == "Baromètre\r\nfin\n".encode("utf-8")
    atomic.write_text(path, "été", encoding="cp1252")
    assert path.read_bytes() == "été".encode("cp1252")


def test_failed_write_keeps_the_previous_file_and_removes_its_temporary(tmp_path, monkeypatch):
    path = atomic.write_text(tmp_path / "results.json", "previous")

    def refuse(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        atomic.write_text(path, "new")
    assert path.read_text() == "previous"
    assert _leftovers(tmp_path) == []


def _add_keys(path: str, prefix: str, count: int) -> None:
    for k in range(count):
        atomic.update_text(path, lambda text, key=f"{prefix}{k}": json.dumps({**json.loads(text or "{}"), key: k}))


def test_updates_from_processes_side_by_side_lose_nothing(tmp_path):
    path = tmp_path / "results.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_keys, args=(str(path), prefix, 40)) for prefix in "ab"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(json.loads(path.read_text())) == 80
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_update_text_passes_none_for_a_missing_file(tmp_path):
    seen = []
    atomic.update_text(tmp_path / "sub" / "new.txt", lambda text: seen.append(text) or "first")
    assert seen == [None] and (tmp_path / "sub" / "new.txt").read_text() == "first"


def _folder(path: Path, content: str) -> Path:
    path.mkdir(parents=True)
    (path / "file.txt").write_text(content)
    return path


def _content(path: Path) -> str:
    return (path / "file.txt").read_text()


def test_swap_in_replaces_existing_folders_and_creates_new_ones(tmp_path):
    stage = tmp_path / "stage"
    staged = [_folder(stage / "processed", "new processed"), _folder(stage / "reports", "new reports")]
    finals = [_folder(tmp_path / "data" / "processed" / "2012", "old processed"), tmp_path / "reports" / "2012"]
    atomic.swap_in(list(zip(staged, finals)))
    assert [_content(final) for final in finals] == ["new processed", "new reports"]
    assert _content(stage / "previous-processed") == "old processed"
    assert not any(path.exists() for path in staged)


def test_swap_in_puts_everything_back_when_a_move_fails(tmp_path, monkeypatch):
    stage = tmp_path / "stage"
    staged = [_folder(stage / "processed", "new processed"), _folder(stage / "reports", "new reports")]
    finals = [_folder(tmp_path / "processed" / "2012", "old processed"),
              _folder(tmp_path / "reports" / "2012", "old reports")]
    rename = Path.rename

    def failing(self, target):
        if self == staged[1]:
            raise OSError("device busy")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    journal = tmp_path / "publish.json"
    with pytest.raises(OSError, match="device busy"):
        atomic.swap_in(list(zip(staged, finals)), journal)
    assert [_content(final) for final in finals] == ["old processed", "old reports"]
    assert [_content(path) for path in staged] == ["new processed", "new reports"]
    assert sorted(path.name for path in stage.iterdir()) == ["processed", "reports"]
    assert not journal.exists()


class Killed(Exception):
    """Stands for the process dying at a checkpoint."""


@pytest.mark.parametrize("point", ["journal", "aside 1", "in 1", "aside 2", "in 2"])
def test_resume_swap_completes_a_swap_stopped_at_any_point(tmp_path, point):
    stage = tmp_path / "stage"
    staged = [_folder(stage / "processed", "new processed"), _folder(stage / "reports", "new reports")]
    finals = [_folder(tmp_path / "processed" / "2012", "old processed"),
              _folder(tmp_path / "reports" / "2012", "old reports")]
    journal = tmp_path / "publish.json"

    def stop(reached):
        if reached == point:
            raise Killed

    with pytest.raises(Killed):
        atomic.swap_in(list(zip(staged, finals)), journal, stop)
    assert journal.exists()
    assert atomic.resume_swap(journal) == list(zip(staged, finals))
    assert [_content(final) for final in finals] == ["new processed", "new reports"]
    assert not any(path.exists() for path in staged)
