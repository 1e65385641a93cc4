"""The report: numbers as text, prose templates, small cells, caveats, rendering offline and to PDF, the index and
the year-on-year helpers."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd
import pytest

from helpers import report
from helpers.errors import InputError
from helpers.steps import trend

YEAR = 2012
NUMBER = re.compile(r"(?<![\w.,])[−+]?\d(?:[\d\u202f]*\d)?(?:[.,]\d+)?")


# --- numbers as text -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("function, args, expected", [
    (report.percent, (0.1234, "fr"), "12,3\u00a0%"),
    (report.percent, (0.1234, "en"), "12.3%"),
    (report.percent, (0.95, "fr", 0), "95\u00a0%"),
    (report.count, (1234, "fr"), "1\u202f234"),
    (report.count, (1234, "en"), "1,234"),
    (report.number, (-0.5, "fr", 2), "−0,50"),
    (report.number, (-0.001, "fr", 2), "0,00"),
    (report.points, (0.023, "fr"), "+2,3\u00a0points"),
    (report.points, (-0.015, "en"), "−1.5\u00a0points"),
    (report.points, (-0.0001, "fr"), "0,0\u00a0points"),
    (report.signed, (0.1, "en"), "+10.0"),
])
def test_number_formats(function, args, expected):
    assert function(*args) == expected


def test_intervals_and_dates():
    assert report.interval(0.101, 0.253, "fr", 0.95) == "IC à 95\u00a0% [10,1\u00a0%\u00a0; 25,3\u00a0%]"
    assert report.interval(0.101, 0.253, "en", 0.9) == "90% CI [10.1%, 25.3%]"
    assert report.interval(0.65, 7.93, "en", kind="ratio") == "95% CI [0.65, 7.93]"
    assert report.bracket(-0.02, 0.05, "fr", "points") == "[−2,0\u00a0; +5,0]"
    assert report.bracket(0.58, None, "en", "ratio") == "[0.58, unbounded]"
    assert report.long_date("2012-11-01", "fr") == "1er novembre 2012"
    assert report.long_date("2012-11-16", "en") == "16 November 2012"
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        report.long_date("16/11/2012")
    with pytest.raises(ValueError, match="report language 'de'"):
        report.percent(0.1, "de")


# --- prose templates ------------------------------------------------------------------------------------------

def template_blocks(lang: str) -> dict[str, list[str]]:
    env = report.prose.environment()
    return {name: sorted(env.get_template(f"{lang}/{name}.md.j2").blocks) for name in report.section_names(lang)}


def test_every_section_has_the_same_parts_in_both_languages():
    assert template_blocks("fr") == template_blocks("en")
    assert {"population", "leadership", "trend", "provenance"} <= set(report.section_names("fr"))


def test_a_section_is_rendered_with_the_formats_of_its_language():
    context = {"year": 2013, "previous": 2012, "level": 0.9, "threshold": 5, "trend": {"repeat_respondents": 1234}}
    french = report.render_section("trend", context, "fr", "comparison")
    assert french.startswith("Les estimations pondérées de 2013 sont comparées à celles de 2012. **1\u202f234** ")
    assert "\n" not in french, "the lines of a paragraph are joined"
    english = report.render_section("trend", context, "en", "paired")
    assert english.startswith("### What the authorities that answered both waves changed\n\nAmong ")
    assert english.endswith("†: fewer than 5 changes, difference unreliable.")
    rates = {"bias": {"rates": {"RR2": {"rate": 0.248, "wilson_low": 0.21, "wilson_high": 0.287}}}, "level": 0.9}
    assert "**24,8\u00a0%** (IC à 90\u00a0% [21,0\u00a0%\u00a0; 28,7\u00a0%])." in report.render_section(
        "response", rates, "fr", "rates")
    with pytest.raises(jinja2.UndefinedError, match="repeat_respondents"):
        report.render_section("trend", {**context, "trend": {}}, "en", "comparison")
    with pytest.raises(ValueError, match="report language 'de'"):
        report.render_section("trend", context, "de")


def test_representativity_states_the_frame_tests_with_their_p_values():
    results = minimal_results()
    tests = {"type_group": {"F": 4.7855, "p_value": 0.00076}, "size_band": {"F": 1.2, "p_value": 0.31}}
    context = {"bias": results["response_bias"], "level": 0.95,
               "design_tests": report.traced({"frame_rao_scott": tests})}
    french = report.render_section("response", context, "fr", "representativity")
    assert "la réponse varie selon le type de collectivité (F = " in french
    assert 'data-key="frame_rao_scott/type_group/p_value" data-value="[0.00076]">p\u00a0&lt;\u00a00,001</span>' \
        in french
    assert "ne varie pas au-delà du hasard selon la tranche de population" in french
    english = report.render_section("response", context, "en", "representativity")
    assert "does not vary beyond chance by population band (F = " in english and ">p\u00a0=\u00a00.310</span>)." \
        in english
    assert "Rao and Scott" not in report.render_section("response", {**context, "design_tests": {}}, "en",
                                                        "representativity")


def test_the_weighting_variables_are_named_in_words():
    context = {"bias": {"weighting": {"primary": "raking", "margins": ["type_group", "size_band"]},
                        "variance": {"method": "linearisation"}},
               "primary_diagnostics": {"kish_deff": 1.2}, "level": 0.95, "threshold": 5, "shows_published": False}
    french = report.render_section("indicators", context, "fr")
    assert "sur les marges type de collectivité, tranche de population" in french and "type_group" not in french
    assert "on the margins type of authority, population band" in report.render_section("indicators", context, "en")
    results = minimal_results()
    summary = " ".join(finding.text(results, "en")
                       for finding in report.summary_findings(results, {"savings": "Savings"}, "en"))
    assert "within the cells type of authority only, without calibrating to the margins type of authority, " \
           "population band" in summary


def test_runner_modules_import_no_plotting_library():
    code = ("import sys; import helpers.report.render, helpers.report.pdf, helpers.report.index; "
            "from helpers import report; report.render_wave, report.write_index, report.LANGUAGES; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'seaborn', 'IPython'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_api_names_each_public_function_of_the_report_modules():
    import importlib
    import inspect
    import pkgutil
    for info in pkgutil.iter_modules(report.__path__):
        module = importlib.import_module(f"helpers.report.{info.name}")
        defined = {name for name, value in vars(module).items() if not name.startswith("_")
                   and (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__}
        assert defined <= set(report.__all__), f"{info.name}: {sorted(defined - set(report.__all__))} not in __all__"
        assert all(getattr(report, name) is getattr(module, name) for name in defined)


# --- small cells -----------------------------------------------------------------------------------------------

def test_small_cells_are_suppressed_and_counted():
    table = pd.DataFrame({"group": ["a", "b", "c"], "n": [4, 5, 30], "share": ["10,0 %", "20,0 %", "30,0 %"],
                          "interval": ["[1 ; 2]", "[3 ; 4]", "[5 ; 6]"]})
    shown, suppressed = report.suppress_small_cells(table, "n", ["share", "interval"], threshold=5)
    assert suppressed == 1
    assert shown.loc[0, ["share", "interval"]].tolist() == [report.SUPPRESSED] * 2
    assert shown.loc[1:, "share"].tolist() == ["20,0 %", "30,0 %"]
    assert shown["n"].tolist() == [4, 5, 30], "the number of respondents stays visible"
    assert "moins de 5 répondants (1 ligne(s))" in report.small_cell_note(1, 5, "fr")
    assert report.small_cell_note(0, 5, "en") == "No cell rests on fewer than 5 respondents."
    with pytest.raises(KeyError, match="respondents"):
        report.suppress_small_cells(table, "respondents", ["share"], 5)


# --- caveats, leadership, summary --------------------------------------------------------------------------------

def minimal_results(rr2: float = 0.25, r_value: float = 0.75, deff: float = 1.2, smallest: int = 32,
                    demo: bool = True) -> dict:
    """The parts of a results file the report's helpers read."""
    estimate = {"estimate": 0.2, "se": 0.03, "ci_low": 0.14, "ci_high": 0.27, "n": 96}
    return {
        "cleaning": {"frame_units": 514, "respondents": 127,
                     "values_logged": {"recovered": 3, "reinterpreted": 1, "dropped": 2, "total": 6},
                     "inputs": {"frame": {"file": "frame.csv", "sha256": "ab" * 32}},
                     "wave": {"year": 2012, "demo": demo, "title": "Baromètre 2012",
                              "fieldwork": {"start": "2012-09-10", "end": "2012-11-16"},
                              "estimation": {"confidence_level": 0.95}, "report": {"small_cell_threshold": 5},
                              "weighting": {"cells": ["type_group"], "margins": ["type_group", "size_band"]}}},
        "response_bias": {
            "rates": {"RR2": {"rate": rr2, "wilson_low": rr2 - 0.03, "wilson_high": rr2 + 0.04, "numerator": 127,
                              "denominator": 512}},
            "r_indicator": {"r": r_value, "cv": 0.5, "b_max": 0.5}, "propensity_auc": 0.68,
            "weighting": {"primary": "raking", "diagnostics": {"raking": {"kish_deff": deff}}},
            "estimates": {"weighted": {"savings": {**estimate, "n": smallest}},
                          "unweighted": {"savings": {**estimate, "estimate": 0.25}}},
            "headline": ["savings"],
            "by_method": {"savings": {"unweighted": 0.25, "raking": 0.2, "propensity": 0.21}},
            "nonignorable": {"delta_curves": {"savings": {"0.5": 0.12, "1.0": 0.19, "2.0": 0.29}}},
        },
    }


def test_caveats_are_rated_from_the_results():
    table = report.caveat_table(report.caveats(minimal_results(), threshold=5), "fr")
    assert list(table.columns) == ["Hypothèse ou limite", "Éléments", "Effet probable", "Traitement"]
    effects = dict(zip(table["Hypothèse ou limite"], table["Effet probable"]))
    assert effects["Données synthétiques"] == "élevé"
    assert effects["Non-réponse ignorable une fois pondérée"] == "élevé"
    assert effects["Les variables de la base expliquent la réponse"] == "moyen"
    assert effects["Variabilité des poids"] == "faible"
    assert effects["Petits effectifs"] == "moyen"
    order = {"élevé": 0, "moyen": 1, "faible": 2}
    assert table["Effet probable"].map(order).is_monotonic_increasing, "most consequential first"
    assert "RR2 = 25,0\u00a0%" in table.loc[table["Hypothèse ou limite"].str.startswith("Non-réponse"),
                                             "Éléments"].item()
    assert "d'au plus +5,0\u00a0points d'une méthode à l'autre (savings)" in table.loc[
        table["Hypothèse ou limite"].str.startswith("Les variables"), "Traitement"].item()

    english = report.caveat_table(report.caveats(
        minimal_results(rr2=0.6, r_value=0.9, deff=1.8, smallest=80, demo=False), threshold=5), "en")
    effects = dict(zip(english["Assumption or caveat"], english["Likely effect"]))
    assert "Synthetic data" not in effects
    assert effects["Non-response ignorable once weighted"] == "medium"
    assert effects["Frame variables explain response"] == "low"
    assert effects["Variability of the weights"] == "medium"
    assert effects["Small numbers of respondents"] == "low"


def test_caveats_count_the_values_the_cleaning_changed():
    table = report.caveat_table(report.caveats(minimal_results(), threshold=5), "fr").set_index(
        "Hypothèse ou limite")
    assert table.at["Valeurs relues à la lecture de l'export", "Éléments"] == (
        "6 valeurs reprises de la forme saisie (3), réinterprétées selon une règle (1) ou écartées (2).")
    assert "cleaning_log.csv" in table.at["Valeurs relues à la lecture de l'export", "Traitement"]
    results = minimal_results()
    results["cleaning"]["export"] = {"short_records_dropped": 1}
    for lang, caveat, text in (("fr", "Valeurs relues à la lecture de l'export", "écartées (2). 1 enregistrement(s) "
                                "coupé(s) avant la fin écarté(s) (raw.short_records: drop)."),
                               ("en", "Values changed on reading the export", "dropped (2). 1 record(s) cut short "
                                "dropped (raw.short_records: drop).")):
        table = report.caveat_table(report.caveats(results, threshold=5), lang)
        assert table.set_index(table.columns[0]).at[caveat, table.columns[1]].endswith(text)


def test_leadership_section_absent_present_or_incomplete():
    results = minimal_results()
    assert "pas encore disponible" in report.leadership_markdown(results, "fr")
    assert "not available yet" in report.leadership_markdown(results, "en")
    assert report.leadership_table(results, "fr") is None
    results["leadership_savings"] = {
        "odds_ratio": 2.274, "ci_low": 0.652, "ci_high": 7.927, "method": "survey_logit", "n": 95, "events": 18,
        "firth": {"odds_ratio": 2.03, "ci_low": 0.68, "ci_high": 7.16},
        "bootstrap": {"odds_ratio": 2.27, "ci_low": 0.58, "ci_high": None},
        "multiple_imputation": {"odds_ratio": 2.31, "ci_low": 0.66, "ci_high": 8.09},
        "risk_difference": {"estimate": 0.099}, "minimum_detectable_odds_ratio": 6.2, "e_value": {"point": 2.38},
        "level": 0.95}
    text = report.leadership_markdown(results, "fr")
    assert "**2,27** (IC à 95\u00a0% [0,65\u00a0; 7,93])" in text and "95 répondants dont 18" in text
    assert "méthode : régression logistique pondérée (plan de sondage)" in text
    assert "Cet intervalle contient 1" in text and "environ 6,2 ou plus" in text
    assert "rapport de risques de 2,4" in text and "[0,58\u00a0; non borné]" in text
    english = report.leadership_markdown(results, "en")
    assert "This interval includes 1" in english and "+10\u00a0points" in english
    table = report.leadership_table(results, "en")
    assert table["Method"].tolist() == ["Firth logistic regression", "Stratified bootstrap", "Multiple imputation"]
    assert table.iloc[1, 2] == "[0.58, unbounded]"
    del results["leadership_savings"]["events"]
    with pytest.raises(KeyError, match="events"):
        report.leadership_markdown(results, "en")


def test_summary_findings_state_results_with_intervals():
    results = minimal_results()
    findings = report.summary_findings(results, {"savings": "Économies"}, "fr")
    texts = [finding.text(results, "fr") for finding in findings]
    assert texts[0].startswith("Sur 512 collectivités éligibles ou d'éligibilité inconnue, 127 ont répondu")
    assert "Économies : 20,0\u00a0% après pondération (IC à 95\u00a0% [14,0\u00a0%\u00a0; 27,0\u00a0%], 32 " \
           "répondants), 25,0\u00a0% sans pondération." in texts
    assert "entre 12,0\u00a0% et 29,0\u00a0% (contre 19,0\u00a0%" in texts[-1]
    assert ("ce chiffre diffère des 20,0\u00a0% de l'estimation principale parce qu'il redresse dans les seules "
            "cellules type de collectivité, sans caler sur les marges type de collectivité, tranche de "
            "population") in texts[-1], \
        "the summary says why its two savings figures differ"


def test_missing_or_incomplete_results_file_is_named(tmp_path):
    with pytest.raises(InputError, match="results.json: not found"):
        report.load_results(tmp_path)
    (tmp_path / "results.json").write_text(json.dumps({"cleaning": {}}), encoding="utf-8")
    with pytest.raises(InputError, match=r"missing section\(s\) \['response_bias'\]"):
        report.load_results(tmp_path)


# --- rendering -------------------------------------------------------------------------------------------------

class Links(HTMLParser):
    """Every tag with its attributes, and the scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def network_references(page: str) -> list[tuple[str, str, str]]:
    parser = Links()
    parser.feed(page)
    remote = [item for item in parser.attributes if item[1] in {"src", "href", "srcset", "action", "data"}
              and re.match(r"\s*(https?:)?//", item[2])]
    return remote + [("script", "", "")] * parser.scripts


def test_make_offline_strips_the_network_and_embeds_images(tmp_path):
    (tmp_path / "figure.png").write_bytes(b"\x89PNG fake")
    page = ('<html><head><script src="https://cdn.example/require.js"></script>'
            '<link rel="stylesheet" href="https://cdn.example/a.css"><style>p { background: '
            'url(https://cdn.example/x.png) }</style></head><body><script>var x = 1;</script>'
            '<img src="figure.png"><a href="http://example.org/page">the page</a><a href="#local">here</a>'
            "</body></html>")
    offline = report.make_offline(page, tmp_path)
    assert network_references(offline) == []
    assert 'src="data:image/png;base64,' in offline and "the page" in offline and 'href="#local"' in offline
    assert "url(https" not in offline
    with pytest.raises(InputError, match="missing.png: image referenced by the report is missing"):
        report.make_offline('<img src="missing.png">', tmp_path)


def test_pdf_print_time_becomes_the_run_date():
    pdf = b"<< /CreationDate (D:20261128130512+00'00')\n/ModDate (D:20261128130512+00'00') >>\nxref"
    fixed = report.fixed_pdf_metadata(pdf, "2012-11-16")
    assert len(fixed) == len(pdf)
    assert fixed.count(b"(D:20121116)") == 2 and b"2026" not in fixed


def test_index_lists_every_wave(tmp_path):
    for year, names in ((2012, ("report.html", "report.en.html", "01_clean.ipynb")), (2013, ("01_clean.ipynb",))):
        folder = tmp_path / str(year)
        folder.mkdir()
        for name in names:
            (folder / name).write_text("x", encoding="utf-8")
    (tmp_path / "2012" / "results.json").write_text(json.dumps(minimal_results()), encoding="utf-8")
    later = minimal_results(rr2=0.3)
    later["response_bias"]["estimates"]["weighted"]["savings"]["estimate"] = None
    (tmp_path / "2013" / "results.json").write_text(json.dumps(later), encoding="utf-8")
    (tmp_path / "2013" / "report.xlsx").write_bytes(b"x")
    page = report.write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index('id="series"') < page.index('id="wave-2013"') < page.index('id="wave-2012"'), \
        "the series first, then the latest wave"
    series = page[page.index('id="series"'):page.index("</table>")]
    assert "Économies réalisées sur certains processus" in series, "headline indicators by their label"
    assert series.index(">2012</a>") < series.index(">2013</a>"), "the series in time order"
    assert "25,0" in series and "30,0" in series and "20,0" in series and "—" in series
    # With a series section, the latest wave's series fills the table: blank outside the span, s for a small cell.
    later["series"] = {"available": True, "estimates": {"savings": {"2013": {"year": 2013, "estimate": 0.5,
                                                                             "ci_low": 0.1, "ci_high": 0.9, "n": 3}}}}
    (tmp_path / "2013" / "results.json").write_text(json.dumps(later), encoding="utf-8")
    page = report.write_index(tmp_path).read_text(encoding="utf-8")
    cells = [row.split("</td><td>")[-1] for row in page[page.index("<tbody>"):page.index("</tbody>")].split("</tr>")
             if "<td>" in row]
    assert cells == ["—</td>", "s</td>"]
    for link in ("2012/report.html", "2012/report.en.html", "2012/01_clean.ipynb", "2013/01_clean.ipynb",
                 "2013/report.xlsx"):
        assert f'href="{link}"' in page
    assert "Baromètre 2012" in page and "synthetic data" in page
    assert network_references(page) == []


# --- the report of a pipeline run ------------------------------------------------------------------------------

class Summary(HTMLParser):
    """The items of ``<ul class="summary">``: their ``data-sources`` and text."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and attrs.get("class") == "summary":
            self._inside = True
        elif tag == "li" and self._inside:
            self.items.append((attrs["data-sources"], ""))

    def handle_endtag(self, tag):
        if tag == "ul":
            self._inside = False

    def handle_data(self, data):
        if self._inside and self.items:
            sources, text = self.items[-1]
            self.items[-1] = (sources, text + data)


@pytest.fixture(scope="module")
def wave_reports(demo_run_2012) -> Path:
    return demo_run_2012 / "reports" / str(YEAR)


@pytest.fixture(scope="module")
def results(wave_reports) -> dict:
    return json.loads((wave_reports / "results.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, lang", [("report.html", "fr"), ("report.en.html", "en")])
def test_summary_numbers_are_those_of_results_json(wave_reports, results, name, lang):
    parser = Summary()
    # The numbered notes after each number are the report's sources, not numbers the summary states.
    parser.feed(re.sub(r'<sup class="ref">.*?</sup>', "", (wave_reports / name).read_text(encoding="utf-8")))
    assert len(parser.items) >= 1 + len(results["response_bias"]["headline"])
    for sources, text in parser.items:
        expected = []
        for source in sources.split():
            path, kind = source.rsplit(":", 1)
            value = report.formatted_value(report.lookup(results, path), kind, lang)
            assert value in text, f"{path} = {value!r} not in {text!r}"
            expected.append(value)
        assert len(NUMBER.findall(text)) == sum(len(NUMBER.findall(v)) for v in expected), \
            f"a number of {text!r} is not traced to results.json"


@pytest.mark.parametrize("name", ["report.html", "report.en.html"])
def test_report_is_self_contained_and_marks_demo_data(wave_reports, name):
    page = (wave_reports / name).read_text(encoding="utf-8")
    assert network_references(page) == []
    assert re.search(r"<img [^>]*src=\"data:image/png;base64,", page), "figures are embedded"
    assert 'class="demo-banner"' in page
    assert ("Données synthétiques" if name == "report.html" else "Synthetic demonstration data") in page
    assert "def " not in page and "import " not in page, "no code in the report"


def test_report_renders_every_section(wave_reports, results):
    page = (wave_reports / "report.html").read_text(encoding="utf-8")
    for heading in ("Résumé", "1. Population et terrain", "2. Réponse et représentativité", "3. Indicateurs",
                    "4. Portage par les élus", "5. Non-réponse non ignorable", "6. Évolution", "7. Séries",
                    "8. Hypothèses et limites", "9. Provenance", "10. Carnets exécutés"):
        assert heading in page
    assert "Pas de comparaison" in page, "no wave 2011: the trend section says so"
    assert "Pas de série" in page, "the first wave has no series"
    assert results["series"]["available"] is False and results["series"]["years"] == [2012]
    assert results["cleaning"]["inputs"]["frame"]["sha256"] in page
    assert 'href="01_clean.ipynb"' in page and 'href="04_report.en.ipynb"' in page


def test_pdf_is_printed_where_chromium_is(wave_reports):
    if report.find_chromium() is None:
        pytest.skip("Chromium is not installed (make pdf-deps): the run writes no PDF")
    assert (wave_reports / "report.pdf").read_bytes().startswith(b"%PDF-")


@pytest.fixture
def chromium(tmp_path, monkeypatch) -> Path:
    """A scratch folder under ``tmp_path`` for Chromium, so that its processes are told from other runs'."""
    if report.find_chromium() is None:
        pytest.skip("Chromium is not installed (make pdf-deps)")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_printing_leaves_no_chromium_process(chromium):
    page = chromium / "page.html"
    page.write_text("<!DOCTYPE html><html><body><p>Page</p></body></html>", encoding="utf-8")
    assert report.print_pdf(page, chromium / "page.pdf", "2012-11-16")
    assert (chromium / "page.pdf").read_bytes().startswith(b"%PDF-")
    assert report.processes_naming(chromium) == []


def test_a_print_that_times_out_leaves_no_chromium_process(chromium):
    page = chromium / "page.html"
    page.write_text("<!DOCTYPE html><html><body><script>while (true) {}</script></body></html>", encoding="utf-8")
    with pytest.raises(report.PrintFailed, match="within 3 s"):
        report.print_pdf(page, chromium / "page.pdf", "2012-11-16", timeout=3)
    assert report.processes_naming(chromium) == []


def test_index_of_the_run_lists_the_wave(demo_run_2012):
    page = (demo_run_2012 / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'id="wave-2012"' in page and 'href="2012/report.html"' in page and 'href="2012/04_report.ipynb"' in page


# --- year on year ----------------------------------------------------------------------------------------------

def test_paired_change_counts_gains_and_losses():
    before = pd.Series([0, 0, 1, 1, 1, np.nan], index=list("abcdef"))
    after = pd.Series([1, 0, 0, 1, 1, 1, 1], index=list("abcdefg"))
    change = trend.paired_change(before, after)
    assert (change["pairs"], change["gained"], change["lost"], change["both_yes"], change["both_no"]) == (5, 1, 1, 2, 1)
    assert change["difference"] == 0 and change["p_value"] == 1.0
    assert change["ci_low"] < 0 < change["ci_high"]
    assert trend.paired_change(pd.Series(dtype=float), after)["difference"] is None


def _wald(estimate, se):
    return {"estimate": estimate, "se": se, "ci_low": estimate - 1.959964 * se, "ci_high": estimate + 1.959964 * se,
            "n": 100}


def test_overlap_narrows_the_interval_of_a_difference():
    previous, current = _wald(0.2, 0.03), _wald(0.25, 0.04)
    independent = trend.wave_difference(previous, current, rho=0.0, m=50)
    assert independent["se"] == pytest.approx(0.05) == independent["se_independent"]
    assert independent["ci_low"] == pytest.approx(0.05 - 1.959964 * 0.05)
    overlapping = trend.wave_difference(previous, current, rho=0.6, m=50)
    assert overlapping["covariance"] == pytest.approx(0.6 * 0.03 * 0.04 * 0.5)
    assert overlapping["se"] == pytest.approx(np.sqrt(0.0025 - 2 * 0.00036))
    assert overlapping["ci_low"] == pytest.approx(0.05 - 1.959964 * overlapping["se"]), "Wald with Wald intervals"
    assert overlapping["ci_high"] - overlapping["ci_low"] < independent["ci_high"] - independent["ci_low"]


def test_a_wave_at_zero_keeps_its_interval_in_the_difference():
    """MOVER (Zou and Donner 2008): a share of 0 has an SE of 0 but a Korn-Graubard interval [0, u], which the
    difference keeps; the Wald interval would take the other wave's uncertainty alone."""
    previous = _wald(0.047, 0.02)
    current = {"estimate": 0.0, "se": 0.0, "ci_low": 0.0, "ci_high": 0.035, "n": 100}
    change = trend.wave_difference(previous, current, rho=0.5, m=40)
    assert change["covariance"] == 0.0 and change["se"] == pytest.approx(0.02)
    assert change["ci_low"] == pytest.approx(-0.047 - 1.959964 * 0.02)
    # Above: the current wave's upper distance and the previous wave's lower one, correlated by r = 0.5 * 40 / 100.
    a, b, r = 0.035, 1.959964 * 0.02, 0.2
    assert change["ci_high"] == pytest.approx(-0.047 + np.sqrt(a**2 + b**2 - 2 * r * a * b))
    assert change["ci_high"] > -0.047 + 1.959964 * 0.02, "wider above than the Wald interval"


def test_overlap_correlation_of_repeat_respondents():
    before = pd.Series([0, 1, 0, 1, np.nan], index=list("abcde"))
    after = pd.Series([0, 1, 0, 1, 1], index=list("abcde"))
    assert trend.overlap_correlation(before, after) == (pytest.approx(1.0), 4)
    assert trend.overlap_correlation(before, pd.Series([1, 1, 1, 1], index=list("abcd"))) == (0.0, 4)


def test_printed_page_keeps_anchors_and_drops_file_links():
    page = '<a href="#summary">Summary</a> <a href="01_clean.ipynb">01_clean.ipynb</a>'
    assert report.printable(page) == '<a href="#summary">Summary</a> <a>01_clean.ipynb</a>'


def test_every_figure_of_the_report_is_described_by_its_title(wave_reports):
    for name in ("report.html", "report.en.html"):
        page = (wave_reports / name).read_text(encoding="utf-8")
        alts = re.findall(r'<img[^>]*\balt="([^"]*)"', page)
        assert len(alts) == page.count("<img") >= 3
        assert all(alt and "No description" not in alt and "2012" in alt for alt in alts), alts
