"""The 2013 demo wave, run with its own codebook over the 2012 run: the year on year lists the questionnaire changes,
and the series starts."""

import json

import pytest
from bs4 import BeautifulSoup

import test_report_audit as audit


def test_2013_runs_with_its_codebook_and_lists_the_questionnaire_changes(series_run):
    results = json.loads((series_run / "reports" / "2013" / "results.json").read_text(encoding="utf-8"))
    assert results["cleaning"]["wave"]["codebook"] == "config/codebook/2013.yaml"
    assert "open_data" in results["response_bias"]["estimates"]["weighted"]
    trend = results["trend"]
    assert trend["available"]
    assert [q["id"] for q in trend["questionnaire"]["added"]] == ["open_data"]
    assert [q["id"] for q in trend["questionnaire"]["dropped"]] == ["e_safe"]
    assert [q["id"] for q in trend["questionnaire"]["reworded"]] == ["remote_work"]
    assert not {"open_data", "e_safe", "remote_work"} & set(trend["indicators"])
    assert "savings" in trend["indicators"]
    soup = BeautifulSoup((series_run / "reports" / "2013" / "report.html").read_text(encoding="utf-8"), "html.parser")
    for reference in soup.select("sup.ref"):  # a traced number's note, after it
        reference.decompose()
    page = soup.get_text()
    assert "Questions retirées depuis 2012 : « Coffre-fort électronique »" in page
    assert "Question reformulée, non comparée : « Télétravail des agents au moins un jour par semaine »" in page
    assert audit.untraced_numbers(soup) == [], "the year on year states no number it does not trace"
    assert audit.untraced_numbers(audit.soup_of(series_run / "reports" / "2013" / "report.en.html")) == []
    audit.test_report_tables_are_csv_files_and_sheets_of_one_workbook(series_run / "reports" / "2013")
    series = results["series"]
    assert series["years"] == [2012, 2013]
    assert series["spans"]["remote_work"] == {"years": [2013], "break_year": 2013, "break_reason": "reworded"}
    assert series["panel"]["2013"]["answered_previous"] == trend["repeat_respondents"]
    assert series["changes"]["savings"]["difference"] == pytest.approx(trend["indicators"]["savings"]["difference"])
    assert "7. Séries" in page and "télétravail des agents au moins un jour par semaine depuis 2013" in page
    assert [t["data-name"] for t in soup.select("table[data-name^=series], table[data-name=panel]")] == [
        "series", "series_changes", "panel"]
    notebook = (series_run / "reports" / "2013" / "03_year_on_year.ipynb").read_text(encoding="utf-8")
    assert "not compared" in notebook and "`e_safe` (dropped)" in notebook
