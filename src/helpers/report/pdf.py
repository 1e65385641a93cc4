"""Printing the report to PDF with headless Chromium, every Chromium process ended, the print time fixed.

Chromium starts helper processes (zygotes, a GPU process, renderers) that stay in its process group, and
crash reporters that open sessions of their own. Chromium is started in a new session, with its profile and
crash database in a scratch folder; when it is done or times out the whole group is killed and any process
still naming the scratch folder is ended, so that no helper outlives the print.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

LOG = logging.getLogger("helpers.report.pdf")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
PDF_DATES = re.compile(rb"(/CreationDate|/ModDate) ?\(D:\d{8}[^)]*\)")
# How long the crash reporters, which leave when the browser has gone, are given before they are killed.
GRACE_SECONDS = 5.0


class PrintFailed(RuntimeError):
    """Chromium is present but did not print the page (it failed or timed out)."""


def find_chromium() -> str | None:
    """Path of Debian's Chromium, or ``None``."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def fixed_pdf_metadata(pdf: bytes, run_date: str) -> bytes:
    """Replace Chromium's time of printing in the PDF's info dictionary by the run date, keeping byte offsets.

    Chromium (Skia) writes ``/CreationDate`` and ``/ModDate`` with the time of printing, so two prints of the
    same page would differ. Each becomes ``(D:YYYYMMDD)`` of ``run_date`` (ISO), padded with spaces after the
    string, which PDF allows between tokens: the cross-reference table's offsets stay valid.
    """
    def fixed(match: re.Match) -> bytes:
        old = match.group(0)
        new = match.group(1) + b" (D:" + run_date.replace("-", "").encode("ascii") + b")"
        return new + b" " * (len(old) - len(new))

    return PDF_DATES.sub(fixed, pdf)


def printable(page: str) -> str:
    """The page as printed to PDF: links to other files dropped (their text stays).

    Chromium turns a relative link into an absolute ``file://`` address in the PDF, which would name the
    run's staging folder and change from run to run; the PDF's reader has no notebooks beside it anyway.
    """
    return re.sub(r'\shref="(?!#)[^"]*"', "", page)



def processes_naming(folder: Path) -> list[int]:
    """Process ids of the live processes whose command line names ``folder`` (none where ``/proc`` is absent)."""
    needle = str(folder).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:  # the process ended while it was read
            continue
    return found


def _wait_without_reaping(process: subprocess.Popen, timeout: float) -> bool:
    """Wait until ``process`` exits, leaving it unreaped so that its id still names its process group."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
            return True
        time.sleep(0.02)
    return False


def _end_all(process: subprocess.Popen, scratch: Path) -> None:
    """Kill Chromium's process group, reap Chromium, then end whatever still runs from ``scratch``."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # the group has already gone
        pass
    process.wait()
    deadline = time.monotonic() + GRACE_SECONDS
    while (left := processes_naming(scratch)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def print_pdf(html_path: Path, pdf_path: Path, run_date: str, timeout: float = 120) -> bool:
    """Print an HTML file to PDF with headless Chromium; ``False`` (and a log line) when Chromium is absent.

    The page is printed from a temporary copy without links to other files (:func:`printable`), and the
    print time in the PDF becomes ``run_date`` (:func:`fixed_pdf_metadata`), so reruns give the same bytes.
    No Chromium process outlives the call, whether Chromium succeeds, fails or times out.

    Parameters
    ----------
    html_path
        The self-contained page.
    pdf_path
        The PDF to write.
    run_date
        ISO date written as the PDF's creation and modification date.
    timeout
        Seconds Chromium is given to print.

    Raises
    ------
    PrintFailed
        If Chromium is present but fails or takes longer than ``timeout``.
    """
    chromium = find_chromium()
    if chromium is None:
        LOG.warning("chromium not found: no PDF made for %s (install it with `make pdf-deps`)", html_path.name)
        return False
    with tempfile.TemporaryDirectory(prefix="report-print-") as folder:
        scratch = Path(folder)
        page = scratch / "report.html"
        page.write_text(printable(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={scratch / 'profile'}", "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf_path}", page.as_uri()]
        # The crash reporters keep their database under the configuration folder: keep it in the scratch too.
        environment = {**os.environ, "XDG_CONFIG_HOME": str(scratch), "XDG_CACHE_HOME": str(scratch)}
        log_path = scratch / "chromium.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       env=environment, start_new_session=True)
        try:
            finished = _wait_without_reaping(process, timeout)
        finally:
            _end_all(process, scratch)
        messages = log_path.read_text(encoding="utf-8", errors="replace").strip()[-500:]
    if not finished:
        raise PrintFailed(f"chromium did not print {html_path.name} within {timeout} s: {messages}")
    if process.returncode != 0 or not pdf_path.is_file():
        raise PrintFailed(f"chromium failed to print {html_path.name}: {messages}")
    pdf_path.write_bytes(fixed_pdf_metadata(pdf_path.read_bytes(), run_date))
    return True
