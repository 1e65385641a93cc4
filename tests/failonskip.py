"""``--fail-on-skip``: a test session that skipped any test fails (``.ci/run``).

Everything the tests need ships with the repository (reference data, official files), so on a fresh clone a
skipped test means something is missing. Loaded by ``conftest.py``; a plugin module of its own so that its test
can load it alone.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--fail-on-skip`` option."""
    parser.addoption("--fail-on-skip", action="store_true",
                     help="fail the session when any test is skipped (everything a test needs is in the repository)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Turn a passing session that skipped tests into a failing one, saying how many were skipped."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not session.config.getoption("--fail-on-skip") or reporter is None or exitstatus != pytest.ExitCode.OK:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"--fail-on-skip: {len(skipped)} test(s) skipped; each must run on a fresh clone",
                            red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
