"""``make frame YEAR=2012`` and the 2012-official wave (frame from the official files, demo answers over it)."""

import subprocess

import pandas as pd

from helpers.frame.reader import FRAME_COLUMNS
from helpers.inputs.waves import load_wave
from helpers.paths import DATA_DIR, ROOT, WAVES_DIR


def test_make_frame_builds_the_2012_frame_from_the_shipped_official_files(tmp_path):
    out = tmp_path / "frame.csv"
    run = subprocess.run(["make", "--no-print-directory", "frame", "YEAR=2012", f"FRAME={out}"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(FRAME_COLUMNS) and len(frame) == 514
    assert frame["type"].value_counts().to_dict() == {"commune": 168, "communaute_agglomeration": 202,
                                                      "departement": 101, "region": 27, "communaute_urbaine": 15,
                                                      "metropole": 1}
    assert (tmp_path / "frame.report.txt").is_file()
    # The 2012-official wave's frame is that build, as committed.
    assert out.read_bytes() == (DATA_DIR / "raw" / "2012-official" / "frame.csv").read_bytes()


def test_the_2012_official_wave_loads_with_its_inputs():
    wave = load_wave(2012, WAVES_DIR / "2012-official.yaml", DATA_DIR / "raw" / "2012-official")
    assert wave.year == 2012 and wave.config.demo
    assert "SYNTHETIC" in (DATA_DIR / "raw" / "2012-official" / "README.md").read_text(encoding="utf-8")


def test_the_official_files_ship_gzip_compressed_and_are_read_as_is():
    folder = DATA_DIR / "external" / "official" / "2012"
    files = sorted(path.name for path in folder.iterdir())
    assert len(files) == 9 and all(name.endswith((".csv.gz", ".txt.gz")) for name in files), files
    for path in folder.iterdir():
        assert path.read_bytes()[:2] == b"\x1f\x8b", path.name  # gzip's magic number
