"""Reliability: an empty weighting cell, a run killed midway, and personal data in every output file.

The bad-input cases of ingest, frame, cleaning, recoding, wave configuration
and runner failures are tested next to their modules; these are the cases
that cut across them.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pandas as pd
import psutil
import pytest
from test_pipeline import personal_strings

from helpers import paths
from helpers.demo import simulation as validation
from helpers.inputs.ingest import read_table
from helpers.steps.adjustment import build_weighting

from conftest import YEAR, snapshot

KILL_AFTER_STEP = "step 01_clean: running"
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


@pytest.fixture(scope="module")
def setup() -> validation.Setup:
    return validation.make_setup()


def _weighting_inputs(setup: validation.Setup, drop: tuple[str, str]):
    eligible = (setup.wave.frame["invitation"] != "ineligible").to_numpy()
    responded = (setup.wave.units["outcome"].to_numpy() == "complete")[eligible]
    variable, category = drop
    population = setup.population.assign(respondent=responded & (setup.population[variable] != category))
    return population, population[population["respondent"]].join(setup.values)


def _without_rule(settings: dict) -> dict:
    return {**settings, "collapse": None}


def test_weighting_cell_without_respondent_is_named_without_the_collapsing_rule(setup):
    population, data = _weighting_inputs(setup, ("type_group", "cu_metropole"))
    with pytest.raises(ValueError, match=r"weighting cells \(type_group\): no respondent .*\['cu_metropole'\]"):
        build_weighting(population, data, _without_rule(setup.settings))


def test_empty_weighting_cell_is_collapsed_with_its_neighbour_and_logged(setup, caplog):
    population, data = _weighting_inputs(setup, ("type_group", "cu_metropole"))
    with caplog.at_level(logging.WARNING, logger="helpers.steps.adjustment"):
        weighting = build_weighting(population, data, setup.settings)
    assert list(weighting.collapses["classes"]) == ["weighting cells (type_group)", "margin type_group"]
    assert set(weighting.collapses["into"]) == {"cu_metropole + communaute_agglomeration"}
    assert (weighting.collapses["respondents"] == 0).all()
    assert caplog.text.count("cu_metropole collapsed with communaute_agglomeration") == 2
    assert "cu_metropole with communaute_agglomeration" in weighting.diagnostics.at["raking", "collapsed"]
    assert weighting.diagnostics.at["unweighted", "collapsed"] == ""
    assert weighting.diagnostics.at["raking", "max_margin_gap"] < 1e-8
    assert weighting.diagnostics.at["raking", "sum"] == pytest.approx(len(population), rel=1e-10)
    # The cell of the communautés urbaines and d'agglomération is weighted as one.
    pooled = population["type_group"].isin(["cu_metropole", "communaute_agglomeration"])
    cell = weighting.weights["cell"]
    assert cell[pooled[data.index]].sum() == pytest.approx(pooled.sum(), rel=1e-12)


def test_the_explicit_cells_win_over_the_collapsing_rule(setup):
    population, data = _weighting_inputs(setup, ("type_group", "cu_metropole"))
    collapsed = {**setup.settings, "cells": ["tier"],
                 "margins": ["tier" if m == "type_group" else m for m in setup.settings["margins"]]}
    weighting = build_weighting(population, data, collapsed)
    assert weighting.collapses.empty
    assert weighting.diagnostics.at["raking", "max_margin_gap"] < 1e-8
    pd.testing.assert_frame_equal(weighting.weights, build_weighting(population, data, _without_rule(collapsed)).weights)


def test_margin_category_without_respondent_is_collapsed_or_named(setup):
    population, data = _weighting_inputs(setup, ("political_bloc", "centre_other"))
    with pytest.raises(ValueError, match=r"political_bloc: margin categories \['centre_other'\]"):
        build_weighting(population, data, _without_rule(setup.settings))
    weighting = build_weighting(population, data, setup.settings)
    assert weighting.collapses[["classes", "class", "merged_with"]].values.tolist() == [
        ["margin political_bloc", "centre_other", "right"]]
    assert weighting.diagnostics.at["raking", "max_margin_gap"] < 1e-8


def test_trimmed_weights_are_recalibrated_to_the_margins_under_the_cap(setup):
    eligible = (setup.wave.frame["invitation"] != "ineligible").to_numpy()
    population = setup.population.assign(respondent=(setup.wave.units["outcome"].to_numpy() == "complete")[eligible])
    weighting = build_weighting(population, population[population["respondent"]].join(setup.values), setup.settings)
    cap = setup.settings["trim_ratio"] * len(population) / len(weighting.weights)
    trimmed, raked = weighting.weights["trimmed"], weighting.weights["raking"]
    assert raked.max() > cap  # the cap binds
    assert trimmed.max() <= cap * (1 + 1e-12)
    assert weighting.diagnostics.at["trimmed", "max_margin_gap"] < 1e-8


def test_the_validation_draw_with_an_empty_cell_runs_through(setup):
    """Draw 225 of the validation (frame-only response) has no respondent among the communautés urbaines."""
    seed = validation.replicate_seeds(validation.DEFAULT_SEED, 226)[225]
    estimates, skipped = validation.run_replicate(setup, 225, seed)
    assert not [record for record in skipped if record["mechanism"] == "frame"]
    frame = estimates[estimates["mechanism"] == "frame"]
    assert set(frame["estimator"]) == set(validation.ESTIMATORS)
    assert frame["estimate"].notna().all()


def _wait_for(process: subprocess.Popen, line: str, timeout: float) -> list[str]:
    """Read the run's log until ``line`` appears; return what was read."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = process.stderr.readline()
        if not text:
            break
        seen.append(text)
        if line in text:
            return seen
    raise AssertionError(f"{line!r} not logged within {timeout} s:\n{''.join(seen)}")


def _wait_for_file(folder: Path, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not any(folder.rglob(name)):
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} not written under {folder} within {timeout} s")
        time.sleep(0.2)


@pytest.mark.pipeline
def test_run_killed_midway_leaves_previous_outputs_intact(previous_outputs):
    out = previous_outputs
    before = snapshot(out)
    process = subprocess.Popen([sys.executable, "-m", "helpers", "run", "--year", str(YEAR), "--out-dir", str(out)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd="/",
                               start_new_session=True)
    try:
        _wait_for(process, KILL_AFTER_STEP, timeout=300)
        _wait_for_file(out / ".runs", "01_clean.ipynb", timeout=60)
        time.sleep(2)
        kernels = psutil.Process(process.pid).children(recursive=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.stderr.close()
    # Kernels run in their own session; they notice their parent died and exit within a few seconds.
    _, alive = psutil.wait_procs(kernels, timeout=15)
    for orphan in alive:
        orphan.kill()
    assert not alive, f"kernels left running after the kill: {[p.pid for p in alive]}"

    assert snapshot(out) == before
    for folder in (out / "data" / "processed" / str(YEAR), out / "reports" / str(YEAR)):
        assert not [path for path in folder.rglob("*") if path.suffix in (".tmp", ".part")]


def _pdf_texts(pdf: bytes) -> list[str]:
    """The PDF's raw bytes and its decompressed streams, as text (metadata, links, uncompressed strings)."""
    parts = [pdf]
    for stream in PDF_STREAM.findall(pdf):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return [part.decode("latin-1") for part in parts]


def _variants(value: str) -> set[str]:
    return {value, html.escape(value), json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}


def test_no_personal_data_anywhere_under_the_outputs(demo_run_2012):
    """Every file of the run, whatever its type; the PDF's text is that of report.html, which is checked too."""
    personal = personal_strings(read_table(paths.raw_dir(YEAR) / "export.csv").data)
    wanted = {variant for value in personal for variant in _variants(value)}
    files = [path for path in sorted(demo_run_2012.rglob("*")) if path.is_file()]
    assert any(path.suffix == ".html" for path in files)
    for path in files:
        data = path.read_bytes()
        texts = _pdf_texts(data) if path.suffix == ".pdf" else [data.decode("utf-8", errors="replace"),
                                                                data.decode("cp1252", errors="replace")]
        leaked = sorted({value for value in wanted for text in texts if value in text})
        assert not leaked, f"{path.relative_to(demo_run_2012)} holds personal data: {leaked[:3]}"
