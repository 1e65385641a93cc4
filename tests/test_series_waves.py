"""Five demo waves run in order (what ``make series`` does): the 2016 report's series and the index of the series."""

import json

import pandas as pd
from bs4 import BeautifulSoup

from conftest import SERIES_YEARS, YEAR
import test_report_audit as audit

YEARS = [YEAR, *SERIES_YEARS]
LAST = YEARS[-1]


def _results(root, year):
    return json.loads((root / "reports" / str(year) / "results.json").read_text(encoding="utf-8"))


def test_the_last_wave_sets_every_indicator_beside_every_wave_that_measured_it_alike(series_run):
    results = _results(series_run, LAST)
    series = results["series"]
    assert series["available"] and series["years"] == YEARS
    assert series["spans"]["savings"]["years"] == YEARS
    assert series["spans"]["remote_work"] == {"years": YEARS[1:], "break_year": 2013, "break_reason": "reworded"}
    for year in YEARS:
        wave = _results(series_run, year)["response_bias"]["estimates"]["weighted"]["savings"]
        assert series["estimates"]["savings"][str(year)] == {"year": year, **{key: wave[key] for key in
                                                                              ("estimate", "se", "ci_low", "ci_high",
                                                                               "n")}}
    change = series["changes"]["savings"]
    assert change["first_year"] == YEAR
    assert change["ci_low"] < change["difference"] < change["ci_high"]
    assert change["ci_high"] - change["ci_low"] < change["ci_high_independent"] - change["ci_low_independent"], \
        "the authorities that answered both ends make the overlap-adjusted interval narrower"


def test_the_panel_counts_the_authorities_that_answered_several_waves(series_run):
    series = _results(series_run, LAST)["series"]
    for year in YEARS:
        wave = _results(series_run, year)
        row = series["panel"][str(year)]
        assert row["respondents"] == wave["cleaning"]["respondents"]
        assert row["respondents"] == row["answered_previous"] + row["first_time"] + row["returned"]
        if year > YEAR:
            assert row["answered_previous"] == wave["trend"]["repeat_respondents"]
            assert row["every_wave"] <= min(row["answered_previous"], series["panel"][str(year - 1)]["every_wave"])
    assert sum(count * int(k) for k, count in series["waves_answered"].items()) == sum(
        series["panel"][str(year)]["respondents"] for year in YEARS)
    assert series["waves_answered"][str(len(YEARS))] == series["panel"][str(LAST)]["every_wave"]


def test_the_last_report_has_the_series_section_traced_and_reusable(series_run):
    folder = series_run / "reports" / str(LAST)
    soup = audit.soup_of(folder / "report.html")
    headings = [h.get_text(" ", strip=True) for h in soup.find_all("h2")]
    assert "7. Séries" in headings
    tables = {table["data-name"]: table for table in soup.find_all("table", attrs={"data-name": True})}
    assert {"series", "series_changes", "panel", "figure-series"} <= set(tables)
    series = pd.read_csv(folder / "tables" / "series.csv", dtype={"Vague": int})
    assert sorted(series["Vague"].unique()) == YEARS
    image = soup.find("img", alt=lambda alt: alt and alt.startswith("Indicateurs principaux pondérés, vagues 2012"))
    assert image is not None and "2012 à 2016" in image["alt"], "the series figure, described"
    for name in ("report.html", "report.en.html"):
        assert audit.untraced_numbers(audit.soup_of(folder / name)) == [], name
    audit.test_report_tables_are_csv_files_and_sheets_of_one_workbook(folder)


def test_the_index_is_the_page_of_the_series(series_run):
    page = (series_run / "reports" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    rows = soup.select("table.series tbody tr")
    assert [row.td.get_text() for row in rows] == [str(year) for year in YEARS]
    for year in YEARS:
        for name in ("report.html", "report.en.html", "report.xlsx", "01_clean.html", "04_report.html"):
            assert soup.find("a", href=f"{year}/{name}") is not None, f"{year}/{name}"
    first = _results(series_run, YEAR)["response_bias"]["rates"]["RR2"]["rate"]
    assert f"{100 * first:.1f}".replace(".", ",") in rows[0].get_text()
