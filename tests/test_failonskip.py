"""``--fail-on-skip`` (``.ci/run``) fails a session that skipped a test, and only then."""

import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


@pytest.mark.parametrize("body, options, status", [
    ("import pytest\ndef test_a():\n    pytest.skip('no data')\n", ["--fail-on-skip"], 1),
    ("import pytest\ndef test_a():\n    pytest.skip('no data')\n", [], 0),
    ("def test_a():\n    assert True\n", ["--fail-on-skip"], 0),
    ("def test_a():\n    assert False\n", ["--fail-on-skip"], 1),
])
def test_a_skipped_test_fails_the_session(tmp_path, body, options, status):
    (tmp_path / "test_sample.py").write_text(body, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "failonskip", "-p", "no:cacheprovider", "-q",
                          *options, "test_sample.py"], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(TESTS), "PATH": ""})
    assert run.returncode == status, run.stdout + run.stderr
    assert ("--fail-on-skip: 1 test(s) skipped" in run.stdout) == (status == 1 and "skip" in body)
