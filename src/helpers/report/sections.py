"""What the report notebook shows, section by section: its set-up, the context of its prose and its tables.

``notebooks/04_report.ipynb`` calls :func:`start` once; each of its sections then displays a rendered
template (:meth:`ReportSetup.text`), a table of this module or a figure of :mod:`helpers.report.charts`.
Everything comes from ``results.json`` and the codebook's labels.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers import paths
from helpers.inputs.codebook import Codebook, load_codebook
from helpers.report.formatting import LANGUAGES, bracket, check_language, count, number, percent, points
from helpers.report.links import page_name
from helpers.report.prose import render_section
from helpers.report.provenance import flatten
from helpers.report.render import report_notebook_name
from helpers.report.results import load_results
from helpers.report.suppression import small_cell_note, suppress_small_cells, suppress_with_complements
from helpers.report.texts import run_date_of, type_label
from helpers.report.tracing import CODEBOOK_KEY, TracedText, traced, with_sources
from helpers.steps import figures
from helpers.vocabulary import DISPOSITION_LABELS

_DISPOSITIONS_FR = {"complete": "Réponses complètes", "partial": "Réponses partielles",
                    "refusal": "Refus et abandons", "non_contact": "Invitation non parvenue",
                    "unknown_eligibility": "Sans réponse (éligibilité inconnue)", "ineligible": "Hors champ"}
DISPOSITIONS = {"fr": _DISPOSITIONS_FR, "en": {key: DISPOSITION_LABELS[key] for key in _DISPOSITIONS_FR}}
RATE_DEFINITIONS = {
    "fr": {"RR1": "complètes / éligibles et inconnues", "RR2": "complètes et partielles / éligibles et inconnues",
           "RR3": "RR1, inconnues comptées pour leur part estimée d'éligibles",
           "RR4": "RR2, inconnues comptées pour leur part estimée d'éligibles",
           "COOP1": "complètes / collectivités jointes", "REF1": "refus / éligibles et inconnues",
           "CON1": "collectivités jointes / éligibles et inconnues"},
    "en": {"RR1": "complete / eligible and unknown", "RR2": "complete and partial / eligible and unknown",
           "RR3": "RR1, unknown units counted for their estimated eligible share",
           "RR4": "RR2, unknown units counted for their estimated eligible share",
           "COOP1": "complete / contacted", "REF1": "refusals / eligible and unknown",
           "CON1": "contacted / eligible and unknown"},
}
# The only wave whose published figures the codebook holds.
PUBLISHED_YEAR = 2012


@dataclass
class ReportSetup:
    """What every section of the report needs, from :func:`start`.

    Attributes
    ----------
    year, lang
        The wave and the report's language.
    results
        The wave's ``results.json``, every number traced to its key (:func:`helpers.report.tracing.traced`).
    codebook
        The codebook; ``labels`` maps each indicator to its label in ``lang``.
    reports
        The wave's reports folder.
    date
        The report's date (ISO).
    source
        The figures' source line, without the data file.
    context
        The values the prose templates state.
    """

    year: int
    lang: str
    results: dict[str, Any]
    codebook: Codebook
    labels: dict[str, str]
    reports: Path
    date: str
    source: str
    context: dict[str, Any] = field(repr=False)

    @property
    def wave(self) -> dict[str, Any]:
        """The wave's parameters as the cleaning step recorded them."""
        return self.results["cleaning"]["wave"]

    @property
    def level(self) -> float:
        """The confidence level of every interval."""
        return self.wave["estimation"]["confidence_level"]

    @property
    def threshold(self) -> int:
        """The smallest number of respondents a shown cell may rest on."""
        return self.wave["report"]["small_cell_threshold"]

    @property
    def shown_level(self) -> str:
        """The confidence level as text (``95 %``)."""
        return percent(self.level, self.lang, 0)

    @property
    def separator(self) -> str:
        """Between two parts of a source line."""
        return {"fr": " ; ", "en": "; "}[self.lang]

    def text(self, section: str, part: str | None = None, **values: Any) -> str:
        """A section's prose (:func:`helpers.report.prose.render_section`), with extra ``values``."""
        return render_section(section, {**self.context, **values}, self.lang, part)


def start(year: int, *, reports_dir: str | Path | None = None, lang: str = "fr", run_date: str = "") -> ReportSetup:
    """Set up the report notebook: read the results and the codebook, apply the figure style.

    Parameters
    ----------
    year
        The survey wave.
    reports_dir
        The wave's reports folder; empty or ``None``: ``reports/<year>``.
    lang
        ``fr`` or ``en``.
    run_date
        The date printed in the report (ISO); empty: the last day of fieldwork.

    Raises
    ------
    ValueError
        If ``lang`` is not a report language.
    helpers.errors.InputError
        If ``results.json`` is missing or lacks the sections of the earlier steps.
    """
    check_language(lang)
    reports = paths.reports_dir(year, reports_dir or None)
    results = traced(load_results(reports))
    wave = results["cleaning"]["wave"]
    codebook = load_codebook(paths.resolve(wave["codebook"], paths.CODEBOOK_PATH))
    bias = results["response_bias"]
    trend = results.get("trend", {})
    date = run_date_of(results, run_date)
    source = {"fr": f"baromètre e-services {year}", "en": f"e-services barometer {year}"}[lang]
    if wave["demo"]:
        source += {"fr": " (données synthétiques de démonstration)", "en": " (synthetic demonstration data)"}[lang]
    context = {
        "year": wave["year"], "date": date, "level": wave["estimation"]["confidence_level"],
        "threshold": wave["report"]["small_cell_threshold"], "wave": wave, "cleaning": results["cleaning"],
        "bias": bias, "design_tests": results.get("design_tests", {}), "trend": trend,
        "previous": trend.get("previous_year", year - 1),
        "primary_diagnostics": bias["weighting"]["diagnostics"][bias["weighting"]["primary"]],
        "shows_published": year == PUBLISHED_YEAR,
    }
    figures.apply_style()
    return ReportSetup(year=year, lang=lang, results=results, codebook=codebook,
                       labels={i: codebook.label(i, lang) for i in codebook.indicators}, reports=reports, date=date,
                       source=source, context=context)


def _suppressed(table: pd.DataFrame, n_column: str, columns: list[str], setup: ReportSetup,
                complements: bool = False) -> tuple[pd.DataFrame, str]:
    if complements:
        shown, suppressed, complementary = suppress_with_complements(table, n_column, columns, setup.threshold)
    else:
        (shown, suppressed), complementary = suppress_small_cells(table, n_column, columns, setup.threshold), 0
    return shown, small_cell_note(suppressed, setup.threshold, setup.lang, complementary)


def disposition_table(setup: ReportSetup) -> pd.DataFrame:
    """Section 1: the frame's units by final AAPOR disposition."""
    dispositions = setup.results["cleaning"]["dispositions"]
    names = DISPOSITIONS[setup.lang]
    columns = {"fr": ("Statut final (AAPOR)", "Collectivités"),
               "en": ("Final disposition (AAPOR)", "Authorities")}[setup.lang]
    return pd.DataFrame([(names[key], count(dispositions[key], setup.lang)) for key in names], columns=list(columns))


def rates_table(setup: ReportSetup) -> pd.DataFrame:
    """Section 2: the AAPOR rates with their definitions and Wilson intervals."""
    rates, lang = setup.results["response_bias"]["rates"], setup.lang
    columns = {"fr": ("Taux", "Définition", "Valeur", f"Intervalle à {setup.shown_level}"),
               "en": ("Rate", "Definition", "Value", f"{setup.shown_level} interval")}[lang]
    return pd.DataFrame(
        [(name, text, percent(rates[name]["rate"], lang),
          bracket(rates[name]["wilson_low"], rates[name]["wilson_high"], lang))
         for name, text in RATE_DEFINITIONS[lang].items()], columns=list(columns))


def rates_by_type(results: dict[str, Any]) -> pd.DataFrame:
    """RR2 by type group of authorities, lowest rate first (a row per type group)."""
    return pd.DataFrame(results["response_bias"]["rates_by_type"]).T.sort_values("rate")


def rates_by_type_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Section 2: RR2 by type of authority, small cells and their complements suppressed; the table and its note."""
    lang, by_type = setup.lang, setup.results["response_bias"]["rates_by_type"]
    columns = {"fr": ("Type de collectivité", "Éligibles ou inconnues", "Répondantes", "Taux RR2",
                      f"Intervalle à {setup.shown_level}"),
               "en": ("Type of authority", "Eligible or unknown", "Respondents", "RR2 rate",
                      f"{setup.shown_level} interval")}[lang]
    rows = [(type_label(code, lang), count(row["denominator"], lang), count(row["numerator"], lang),
             percent(row["rate"], lang), bracket(row["wilson_low"], row["wilson_high"], lang))
            for code, row in ((code, by_type[code]) for code in rates_by_type(setup.results).index)]
    # The types' respondents add up to RR2's numerator, which the summary states: complements are hidden too.
    return _suppressed(pd.DataFrame(rows, columns=list(columns)), columns[2], list(columns[3:]), setup,
                       complements=True)


def indicator_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Section 3: every indicator unweighted and weighted (and as published, for 2012); the table and its note."""
    lang, estimates = setup.lang, setup.results["response_bias"]["estimates"]
    columns = {"fr": ("Indicateur", "n", "Non pondéré", "Pondéré", f"Intervalle à {setup.shown_level} (pondéré)",
                      "Publié en 2012"),
               "en": ("Indicator", "n", "Unweighted", "Weighted", f"{setup.shown_level} interval (weighted)",
                      "Published 2012")}[lang]
    rows = []
    for indicator, spec in setup.codebook.indicators.items():
        weighted, unweighted = estimates["weighted"][indicator], estimates["unweighted"][indicator]
        published = spec.published_2012
        rows.append((setup.labels[indicator], count(weighted["n"], lang), percent(unweighted["estimate"], lang),
                     percent(weighted["estimate"], lang), bracket(weighted["ci_low"], weighted["ci_high"], lang),
                     "–" if published is None else TracedText(percent(published, lang),
                                                              [f"{CODEBOOK_KEY}indicators/{indicator}/published_2012"],
                                                              [published])))
    table = pd.DataFrame(rows, columns=list(columns))
    if setup.year != PUBLISHED_YEAR:
        table = table.drop(columns=columns[-1])
    return _suppressed(table, "n", list(columns[2:5]), setup)


def bounds_table(setup: ReportSetup) -> pd.DataFrame:
    """Section 5: each indicator's bounds with every unknown answer at no, then at yes."""
    lang = setup.lang
    columns = {"fr": ("Indicateur", "Répondants", "Borne basse", "Borne haute", "Réponses connues", "Inconnues"),
               "en": ("Indicator", "Respondents", "Lower bound", "Upper bound", "Known answers", "Unknown")}[lang]
    return pd.DataFrame(
        [(setup.labels[i], percent(row["respondents"], lang), percent(row["lower"], lang),
          percent(row["upper"], lang), count(row["units known"], lang), count(row["units unknown"], lang))
         for i, row in setup.results["response_bias"]["nonignorable"]["bounds"].items()], columns=list(columns))


def trend_available(setup: ReportSetup) -> bool:
    """Whether the previous wave's results were there to compare with."""
    return bool(setup.results.get("trend", {}).get("available"))


def _in_codebook_order(table: pd.DataFrame, setup: ReportSetup) -> pd.DataFrame:
    return table.loc[[i for i in setup.codebook.indicators if i in table.index]]


def trend_changes(setup: ReportSetup) -> pd.DataFrame:
    """Section 6: the weighted change of each indicator since the previous wave, in codebook order."""
    return _in_codebook_order(pd.DataFrame(setup.results["trend"]["indicators"]).T, setup)


def trend_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Section 6: each indicator in both waves, the difference and its two intervals; the table and its note."""
    lang, year, previous = setup.lang, setup.year, setup.results["trend"]["previous_year"]
    columns = {"fr": ("Indicateur", str(previous), str(year), "Écart", f"Intervalle à {setup.shown_level} (points)",
                      "Intervalle si vagues indépendantes (points)", "n min."),
               "en": ("Indicator", str(previous), str(year), "Difference", f"{setup.shown_level} interval (points)",
                      "Interval if independent waves (points)", "min. n")}[lang]
    table = pd.DataFrame(
        [(setup.labels[i], percent(row["previous"], lang), percent(row["current"], lang),
          points(row["difference"], lang), bracket(row["ci_low"], row["ci_high"], lang, "points"),
          bracket(row["ci_low_independent"], row["ci_high_independent"], lang, "points"),
          count(min(row["previous_n"], row["current_n"]), lang))
         for i, row in ((i, setup.results["trend"]["indicators"][i]) for i in trend_changes(setup).index)],
        columns=list(columns))
    return _suppressed(table, columns[-1], list(columns[1:6]), setup)


def paired_table(setup: ReportSetup) -> tuple[pd.DataFrame, str]:
    """Section 6: what the authorities that answered both waves changed (gained, lost, McNemar); table and note.

    A difference resting on fewer changes than the small-cell threshold is flagged with ``†``.
    """
    lang = setup.lang
    paired = setup.results["trend"]["paired"]
    columns = {"fr": ("Indicateur", "Paires", "Gagnées", "Perdues", "Écart apparié",
                      f"Intervalle à {setup.shown_level} (points)", "p (McNemar)"),
               "en": ("Indicator", "Pairs", "Gained", "Lost", "Paired difference",
                      f"{setup.shown_level} interval (points)", "p (McNemar)")}[lang]
    rows = []
    for indicator in [i for i in setup.codebook.indicators if i in paired]:
        row = paired[indicator]
        if row["pairs"] == 0:
            rows.append((setup.labels[indicator], count(row["pairs"], lang), "–", "–", "–", "–", "–"))
            continue
        flag = " †" if row["gained"] + row["lost"] < setup.threshold else ""
        rows.append((setup.labels[indicator], count(row["pairs"], lang), count(row["gained"], lang),
                     count(row["lost"], lang),
                     with_sources(points(row["difference"], lang) + flag, [row["difference"]]),
                     bracket(row["ci_low"], row["ci_high"], lang, "points"), number(row["p_value"], lang, 3)))
    return _suppressed(pd.DataFrame(rows, columns=list(columns)), columns[1], list(columns[2:]), setup)


def provenance_tables(trace: dict[str, Any], lang: str) -> dict[str, pd.DataFrame]:
    """Section 8: the input files with their checksums, the wave's parameters and the software versions, by name.

    Parameters
    ----------
    trace
        :func:`helpers.report.provenance.report_provenance` of the wave.
    lang
        ``fr`` or ``en``.
    """
    headers = {"fr": (("Rôle", "Fichier", "SHA-256"), ("Paramètre", "Valeur"), ("Logiciel", "Version")),
               "en": (("Role", "File", "SHA-256"), ("Parameter", "Value"), ("Software", "Version"))}[lang]
    return {
        "inputs": pd.DataFrame([(role, item["file"], item["sha256"]) for role, item in trace["inputs"].items()],
                               columns=list(headers[0])),
        "parameters": pd.DataFrame(list(flatten(trace["parameters"]).items()), columns=list(headers[1])),
        "software": pd.DataFrame(list(trace["packages"].items()), columns=list(headers[2])),
    }


def notebook_links(folder: Path, primary: str) -> str:
    """Section 9: HTML list of links to the wave's executed notebooks (relative, so they work from the report).

    Each notebook is linked as its HTML page with code (:mod:`helpers.report.pages`) and as the ``.ipynb``.

    Lists the step notebooks present in ``folder`` and the report notebook in every language, so the
    French and English reports link to the same files whichever is executed first.
    """
    steps = {path.name for path in Path(folder).glob("*.ipynb") if re.fullmatch(r"\d\d_\w+\.ipynb", path.name)}
    names = sorted(steps | {report_notebook_name(lang, primary) for lang in LANGUAGES})
    items = "\n".join(f'<li><a href="{html.escape(page_name(name))}">{html.escape(Path(name).stem)}</a> '
                      f'(<a href="{html.escape(name)}">{html.escape(name)}</a>)</li>' for name in names)
    return f'<ul class="notebooks">\n{items}\n</ul>'
