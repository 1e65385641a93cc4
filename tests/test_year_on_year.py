"""The 2013 demo wave, run with its own codebook over the 2012 run: the year on year lists the questionnaire changes."""

import json
import shutil

from bs4 import BeautifulSoup

from conftest import run_cli
import test_report_audit as audit


def test_2013_runs_with_its_codebook_and_lists_the_questionnaire_changes(demo_run_2012, tmp_path):
    for folder in ("data/processed/2012", "reports/2012"):
        shutil.copytree(demo_run_2012 / folder, tmp_path / folder)
    result = run_cli("--out-dir", str(tmp_path), year=2013)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / "reports" / "2013" / "results.json").read_text(encoding="utf-8"))
    assert results["cleaning"]["wave"]["codebook"] == "config/codebook/2013.yaml"
    assert "open_data" in results["response_bias"]["estimates"]["weighted"]
    trend = results["trend"]
    assert trend["available"]
    assert [q["id"] for q in trend["questionnaire"]["added"]] == ["open_data"]
    assert [q["id"] for q in trend["questionnaire"]["dropped"]] == ["e_safe"]
    assert [q["id"] for q in trend["questionnaire"]["reworded"]] == ["remote_work"]
    assert not {"open_data", "e_safe", "remote_work"} & set(trend["indicators"])
    assert "savings" in trend["indicators"]
    soup = BeautifulSoup((tmp_path / "reports" / "2013" / "report.html").read_text(encoding="utf-8"), "html.parser")
    for reference in soup.select("sup.ref"):  # a traced number's note, after it
        reference.decompose()
    page = soup.get_text()
    assert "Questions retirées depuis 2012 : « Coffre-fort électronique »" in page
    assert "Question reformulée, non comparée : « Télétravail des agents au moins un jour par semaine »" in page
    assert audit.untraced_numbers(soup) == [], "the year on year states no number it does not trace"
    assert audit.untraced_numbers(audit.soup_of(tmp_path / "reports" / "2013" / "report.en.html")) == []
    audit.test_report_tables_are_csv_files_and_sheets_of_one_workbook(tmp_path / "reports" / "2013")
    notebook = (tmp_path / "reports" / "2013" / "03_year_on_year.ipynb").read_text(encoding="utf-8")
    assert "not compared" in notebook and "`e_safe` (dropped)" in notebook
