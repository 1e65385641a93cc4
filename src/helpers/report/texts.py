"""The wave's report: numbers as French or English text, small cells, caveats, provenance and rendering.

The report notebook (``notebooks/04_report.ipynb``) reads only ``results.json``
and the codebook; this module holds what it needs to turn those numbers into
text and tables, and what the pipeline needs to turn the executed notebook
into a self-contained ``report.html`` (no reference to the network), a
``report.pdf`` printed by Chromium, and the reviewers' ``reports/index.html``.
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
import mimetypes
import os
import platform
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, display

from helpers import atomic
from helpers.report import figures
from helpers.errors import InputError

LOG = logging.getLogger("helpers.report.texts")
LANGUAGES = ("fr", "en")
NBSP = "\u00a0"  # before % and : in French
NNBSP = "\u202f"  # French thousands separator
MINUS = "\u2212"
SUPPRESSED = "s"
REPORT_NOTEBOOK = "04_report"
SKIP_TAG = "report-skip"
PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "seaborn", "firthmodels", "papermill",
            "nbconvert", "pyyaml")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


# --- numbers as text -------------------------------------------------------------------------------------------

def check_language(lang: str) -> None:
    """Refuse a report language other than ``fr`` or ``en``."""
    if lang not in LANGUAGES:
        raise ValueError(f"report language {lang!r}; expected one of {LANGUAGES}")


def number(value: float, lang: str = "fr", digits: int = 1) -> str:
    """A number with ``digits`` decimals: ``1 234,5`` in French, ``1,234.5`` in English.

    Parameters
    ----------
    value
        The number.
    lang
        ``fr`` or ``en``.
    digits
        Decimals shown.
    """
    check_language(lang)
    text = f"{abs(value):,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    negative = round(value, digits) < 0
    return f"{MINUS if negative else ''}{text}"


def count(value: float, lang: str = "fr") -> str:
    """A whole number with the language's thousands separator."""
    return number(round(value), lang, 0)


def percent(share: float, lang: str = "fr", digits: int = 1) -> str:
    """A share as a percentage: ``12,3 %`` in French (no-break space), ``12.3%`` in English."""
    return number(100 * share, lang, digits) + (f"{NBSP}%" if lang == "fr" else "%")


def signed(difference: float, lang: str = "fr", digits: int = 1) -> str:
    """A difference of shares in percentage points as a signed number: ``+2,3`` / ``−1.5`` (``0,0`` unsigned)."""
    text = number(100 * difference, lang, digits)
    return ("+" if not text.startswith(MINUS) and round(100 * difference, digits) != 0 else "") + text


def points(difference: float, lang: str = "fr", digits: int = 1) -> str:
    """A difference of shares in percentage points, signed: ``+2,3 points`` / ``−1.5 points``."""
    return f"{signed(difference, lang, digits)}{NBSP}points"


def interval(low: float, high: float, lang: str = "fr", level: float = 0.95, kind: str = "percent") -> str:
    """A confidence interval: ``IC à 95 % [10,1 % ; 25,3 %]`` / ``95% CI [10.1%, 25.3%]``.

    Parameters
    ----------
    low, high
        The bounds.
    lang
        ``fr`` or ``en``.
    level
        Confidence level, shown as a percentage.
    kind
        How the bounds are written: ``percent``, ``points`` or ``ratio`` (two decimals).
    """
    shown_level = percent(level, lang, 0)
    prefix = f"IC à {shown_level}" if lang == "fr" else f"{shown_level} CI"
    return f"{prefix} {bracket(low, high, lang, kind)}"


def bracket(low: float | None, high: float | None, lang: str = "fr", kind: str = "percent") -> str:
    """An interval's bounds alone, for a table column that names the level: ``[10,1 % ; 25,3 %]``.

    A missing bound (``None``, e.g. a bootstrap limit that does not exist) is written ``non borné``/``unbounded``.
    """
    write = {"percent": percent, "points": signed, "ratio": lambda v, lang: number(v, lang, 2)}[kind]
    separator = f"{NBSP}; " if lang == "fr" else ", "
    shown = [{"fr": "non borné", "en": "unbounded"}[lang] if bound is None else write(bound, lang)
             for bound in (low, high)]
    return f"[{shown[0]}{separator}{shown[1]}]"


def long_date(iso: str, lang: str = "fr") -> str:
    """An ISO date (``2012-11-16``) written out: ``16 novembre 2012`` / ``16 November 2012``."""
    check_language(lang)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"date {iso!r}; expected YYYY-MM-DD")
    day = int(match[3])
    shown_day = "1er" if lang == "fr" and day == 1 else str(day)
    return f"{shown_day} {MONTHS[lang][int(match[2]) - 1]} {match[1]}"


FORMATS = {
    "percent": percent,
    "points": points,
    "signed": signed,
    "count": count,
    "ratio": lambda value, lang: number(value, lang, 2),
    "decimal3": lambda value, lang: number(value, lang, 3),
    "level": lambda value, lang: percent(value, lang, 0),
    "year": lambda value, lang: str(int(value)),
}


def formatted_value(value: float, kind: str, lang: str = "fr") -> str:
    """``value`` written in one of the report's formats (a key of ``FORMATS``)."""
    return FORMATS[kind](value, lang)


# --- the results file ------------------------------------------------------------------------------------------

def load_results(folder: Path) -> dict[str, Any]:
    """The wave's ``results.json``, checked to hold the sections the report needs.

    Raises
    ------
    InputError
        If the file is missing, not JSON, or lacks the ``cleaning`` or ``response_bias`` section.
    """
    path = Path(folder) / "results.json"
    if not path.is_file():
        raise InputError(path, "not found: run the analysis steps before the report")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error}", row=error.lineno) from error
    missing = [section for section in ("cleaning", "response_bias") if section not in results]
    if missing:
        raise InputError(path, f"missing section(s) {missing}: run the earlier steps first")
    return results


def lookup(results: Mapping[str, Any], path: str) -> Any:
    """The value at a ``/``-separated path of the results (``response_bias/rates/RR2/rate``)."""
    value: Any = results
    for key in path.split("/"):
        value = value[key]
    return value


# --- summary findings ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One finding of the summary: a text template and the results it states.

    Attributes
    ----------
    template
        Text with ``{0}``, ``{1}``... where the values go.
    sources
        For each placeholder, the results path and the format (a key of ``FORMATS``).
    """

    template: str
    sources: tuple[tuple[str, str], ...]

    def text(self, results: Mapping[str, Any], lang: str) -> str:
        """The finding with its values written in ``lang``."""
        return self.template.format(*(formatted_value(lookup(results, path), kind, lang)
                                      for path, kind in self.sources))


def _estimate_sources(prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{prefix}/{key}", "percent") for key in ("estimate", "ci_low", "ci_high"))


def summary_findings(results: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> list[Finding]:
    """The summary's findings, each with its interval.

    Parameters
    ----------
    results
        The wave's results.
    labels
        Indicator id -> label in ``lang``.
    lang
        ``fr`` or ``en``.
    """
    check_language(lang)
    level = ("cleaning/wave/estimation/confidence_level", "level")
    rate = ("response_bias/rates/RR2", "percent")
    rr2 = tuple((f"{rate[0]}/{key}", "percent") for key in ("rate", "wilson_low", "wilson_high"))
    ci = {"fr": "IC à {} [{} ; {}]", "en": "{} CI [{}, {}]"}[lang].replace(" ;", f"{NBSP};")
    response = {
        "fr": "Sur {} collectivités éligibles ou d'éligibilité inconnue, {} ont répondu au moins en partie : taux "
              "de réponse AAPOR RR2 de {} (" + ci + ").",
        "en": "Of {} eligible authorities or authorities of unknown eligibility, {} answered at least in part: "
              "AAPOR response rate RR2 {} (" + ci + ").",
    }[lang]
    findings = [Finding(response, (("response_bias/rates/RR2/denominator", "count"),
                                   ("response_bias/rates/RR2/numerator", "count"), rr2[0], level, rr2[1], rr2[2]))]
    weighted_text = {
        "fr": "{label} : {} après pondération (" + ci + ", {} répondants), {} sans pondération.",
        "en": "{label}: {} weighted (" + ci + ", {} respondents), {} unweighted.",
    }[lang]
    for indicator in results["response_bias"]["headline"]:
        weighted = f"response_bias/estimates/weighted/{indicator}"
        sources = _estimate_sources(weighted)
        findings.append(Finding(weighted_text.replace("{label}", labels[indicator]),
                                (sources[0], level, sources[1], sources[2], (f"{weighted}/n", "count"),
                                 (f"response_bias/estimates/unweighted/{indicator}/estimate", "percent"))))
    leadership = results.get("leadership_savings")
    if leadership:
        text = {"fr": "Portage par les élus et économies déclarées : rapport de cotes {} (" + ci + ", {} "
                      "répondants).",
                "en": "Leadership by elected officials and reported savings: odds ratio {} (" + ci + ", {} "
                      "respondents)."}[lang]
        prefix = "leadership_savings"
        findings.append(Finding(text, ((f"{prefix}/odds_ratio", "ratio"), level, (f"{prefix}/ci_low", "ratio"),
                                       (f"{prefix}/ci_high", "ratio"), (f"{prefix}/n", "count"))))
    trend = results.get("trend", {})
    if trend.get("available"):
        changes = [i for i in results["response_bias"]["headline"] if i in trend["indicators"]]
        part = "{label} {} (" + ci + ")"
        text = {"fr": "Évolution depuis {}, après pondération : ", "en": "Change since {}, weighted: "}[lang]
        text += "; ".join(part.replace("{label}", labels[i]) for i in changes) + "."
        sources: list[tuple[str, str]] = [("trend/previous_year", "year")]
        for indicator in changes:
            row = f"trend/indicators/{indicator}"
            sources += [(f"{row}/difference", "points"), level, (f"{row}/ci_low", "signed"),
                        (f"{row}/ci_high", "signed")]
        findings.append(Finding(text, tuple(sources)))
    curves = results["response_bias"]["nonignorable"]["delta_curves"]
    if "savings" in curves and {"0.5", "1.0", "2.0"} <= set(curves["savings"]):
        curve = "response_bias/nonignorable/delta_curves/savings"
        text = {"fr": "Si les non-répondants avaient deux fois moins ou deux fois plus de chances que les "
                      "répondants de déclarer des économies, la part des collectivités qui en déclarent serait "
                      "comprise entre {} et {} (contre {} si la non-réponse est ignorable dans les cellules de "
                      "pondération).",
                "en": "If non-respondents had half or twice the respondents' odds of reporting savings, the share "
                      "of authorities reporting savings would lie between {} and {} (against {} if non-response "
                      "is ignorable within the weighting cells)."}[lang]
        findings.append(Finding(text, ((f"{curve}/0.5", "percent"), (f"{curve}/2.0", "percent"),
                                       (f"{curve}/1.0", "percent"))))
    return findings


def findings_html(findings: Sequence[Finding], results: Mapping[str, Any], lang: str) -> str:
    """The summary as an HTML list; each item names the results it states (``data-sources``)."""
    items = []
    for finding in findings:
        sources = " ".join(f"{path}:{kind}" for path, kind in finding.sources)
        items.append(f'<li data-sources="{html.escape(sources)}">{html.escape(finding.text(results, lang))}</li>')
    return '<ul class="summary">\n' + "\n".join(items) + "\n</ul>"


def banner_html(demo: bool, lang: str) -> str:
    """The synthetic-data banner of a demo wave (empty for a real wave)."""
    if not demo:
        return ""
    text = {"fr": "<strong>Données synthétiques de démonstration.</strong> Cette vague est générée par un "
                  "modèle documenté et ne décrit aucune collectivité réelle : aucun chiffre de ce rapport ne doit "
                  "être cité.",
            "en": "<strong>Synthetic demonstration data.</strong> This wave is generated by a documented model "
                  "and describes no real authority: no figure in this report may be quoted."}[lang]
    return (f'<div class="demo-banner" role="note" style="border:3px solid #D55E00;background:#FFF1E6;'
            f'padding:0.8em 1em;margin:0.5em 0 1em;font-size:1.05em">{text}</div>')


TYPE_LABELS = {
    "fr": {"region": "Régions", "departement": "Départements", "cu_metropole": "Communautés urbaines et métropole",
           "communaute_agglomeration": "Communautés d'agglomération", "commune": "Communes"},
    "en": {"region": "Régions", "departement": "Départements", "cu_metropole": "Urban communities and métropole",
           "communaute_agglomeration": "Agglomeration communities", "commune": "Communes"},
}


def type_label(code: str, lang: str) -> str:
    """Label of a type group of authorities (the code itself when unknown)."""
    return TYPE_LABELS[lang].get(code, code)


def finish_figure(fig: Any, ax: Any, lang: str, **labels: str) -> None:
    """:func:`helpers.report.figures.finish` with the source line introduced in the report's language."""
    figures.finish(fig, ax, **labels)
    if lang == "fr":
        line = fig.texts[-1]
        line.set_text(line.get_text().replace("Source: ", f"Source{NBSP}: ", 1))


def show_figure(fig: Any) -> None:
    """Display a finished figure with its title as the image's alternative text, then close it.

    The rendered report then describes every figure to screen readers, instead of nbconvert's
    "No description has been provided for this image".
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata=figures.PNG_METADATA)
    title = fig._suptitle.get_text().replace("\n", " ") if fig._suptitle is not None else ""
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="png", alt=title))


def table_html(table: pd.DataFrame, note: str = "") -> str:
    """A text table as HTML without its index, with an optional note under it."""
    body = table.to_html(index=False, border=0, classes="report-table", escape=True)
    return body + (f'\n<p class="note">{html.escape(note)}</p>' if note else "")


# --- small cells -----------------------------------------------------------------------------------------------

def suppress_small_cells(table: pd.DataFrame, n_column: str, columns: Iterable[str],
                         threshold: int) -> tuple[pd.DataFrame, int]:
    """Replace the cells of rows resting on fewer than ``threshold`` respondents by ``s``.

    Parameters
    ----------
    table
        A table already formatted as text.
    n_column
        Column holding each row's number of respondents (kept visible).
    columns
        Columns to suppress in the small rows.
    threshold
        Smallest number of respondents a cell may rest on.

    Returns
    -------
    (table, rows suppressed)
    """
    if n_column not in table:
        raise KeyError(f"no column {n_column!r} holding the number of respondents")
    out = table.copy()
    small = pd.to_numeric(table[n_column]).lt(threshold).to_numpy()
    columns = list(columns)
    out[columns] = out[columns].astype(object)
    out.loc[small, columns] = SUPPRESSED
    return out, int(small.sum())


def small_cell_note(suppressed: int, threshold: int, lang: str) -> str:
    """The note under a table saying what ``s`` means (and how many rows it hides)."""
    if lang == "fr":
        return (f"s : valeur non diffusée, moins de {threshold} répondants ({suppressed} ligne(s)). "
                if suppressed else f"Aucune case ne repose sur moins de {threshold} répondants.")
    return (f"s: not shown, fewer than {threshold} respondents ({suppressed} row(s)). "
            if suppressed else f"No cell rests on fewer than {threshold} respondents.")


# --- caveats ---------------------------------------------------------------------------------------------------

EFFECTS = {"fr": {"high": "élevé", "medium": "moyen", "low": "faible"},
           "en": {"high": "high", "medium": "medium", "low": "low"}}


@dataclass(frozen=True)
class Caveat:
    """One entry of the assumptions and caveats log (as in the UK AQuA book's assumptions log).

    Attributes
    ----------
    topic, evidence, treatment
        French and English texts: the assumption or caveat, what the results say about it, and how the
        analysis handles it.
    effect
        Likely effect on the published figures if the assumption fails: ``high``, ``medium`` or ``low``.
    """

    topic: dict[str, str]
    evidence: dict[str, str]
    effect: str
    treatment: dict[str, str]


def _max_shift(results: Mapping[str, Any]) -> float:
    estimates = results["response_bias"]["estimates"]
    return max(abs(estimates["weighted"][i]["estimate"] - estimates["unweighted"][i]["estimate"])
               for i in estimates["weighted"])


def _method_spread(results: Mapping[str, Any]) -> tuple[float, str]:
    """Largest range of a headline estimate across weighting methods, and that indicator."""
    by_method = results["response_bias"]["by_method"]
    spreads = {indicator: max(row.values()) - min(row.values()) for indicator, row in by_method.items()}
    indicator = max(spreads, key=spreads.get)
    return spreads[indicator], indicator


def caveats(results: Mapping[str, Any], threshold: int) -> list[Caveat]:
    """The assumptions and caveats of the wave, each rated for its likely effect from the results.

    Ratings: non-ignorable non-response is ``high`` when RR2 is below 50 %; representativity of the response
    given the frame is ``medium`` when the R-indicator is below 0.8; weight variability is ``medium`` when the
    primary weights' Kish design effect exceeds 1.5; small cells are ``medium`` when an indicator rests on fewer
    than 50 respondents; synthetic data are always ``high``.
    """
    bias = results["response_bias"]
    rr2 = bias["rates"]["RR2"]["rate"]
    r_value = bias["r_indicator"]["r"]
    primary = bias["weighting"]["primary"]
    deff = bias["weighting"]["diagnostics"][primary]["kish_deff"]
    smallest = min(row["n"] for row in bias["estimates"]["weighted"].values())
    spread, widest = _method_spread(results)
    log = []
    if results["cleaning"]["wave"]["demo"]:
        log.append(Caveat(
            {"fr": "Données synthétiques", "en": "Synthetic data"},
            {"fr": "La vague est marquée demo dans sa configuration.", "en": "The wave is marked demo in its "
                                                                              "configuration."},
            "high",
            {"fr": "Bandeau en tête du rapport ; aucun chiffre ne décrit des collectivités réelles.",
             "en": "Banner at the top of the report; no figure describes real authorities."}))
    log.append(Caveat(
        {"fr": "Non-réponse ignorable une fois pondérée", "en": "Non-response ignorable once weighted"},
        {"fr": f"RR2 = {percent(rr2, 'fr')} : la plupart des collectivités n'ont pas répondu.",
         "en": f"RR2 = {percent(rr2, 'en')}: most authorities did not answer."},
        "high" if rr2 < 0.5 else "medium",
        {"fr": "Bornes et courbes delta (section 5) : si les répondants sont les collectivités les plus avancées, "
               "les chiffres pondérés sont des valeurs hautes.",
         "en": "Bounds and delta curves (section 5): if respondents are the more advanced authorities, the weighted "
               "figures are upper values."}))
    log.append(Caveat(
        {"fr": "Les variables de la base expliquent la réponse", "en": "Frame variables explain response"},
        {"fr": f"R-indicateur {number(r_value, 'fr', 3)}, AUC du modèle de réponse "
               f"{number(bias['propensity_auc'], 'fr', 3)}.",
         "en": f"R-indicator {number(r_value, 'en', 3)}, AUC of the response model "
               f"{number(bias['propensity_auc'], 'en', 3)}."},
        "medium" if r_value < 0.8 else "low",
        {"fr": f"Pondération par huit méthodes ; les indicateurs principaux varient d'au plus "
               f"{points(spread, 'fr')} d'une méthode à l'autre ({widest}).",
         "en": f"Weighting by eight methods; the headline indicators vary by at most {points(spread, 'en')} "
               f"between methods ({widest})."}))
    log.append(Caveat(
        {"fr": "Variabilité des poids", "en": "Variability of the weights"},
        {"fr": f"Effet de plan de Kish {number(deff, 'fr', 2)} ({primary}) ; la pondération déplace les "
               f"indicateurs d'au plus {points(_max_shift(results), 'fr')}.",
         "en": f"Kish design effect {number(deff, 'en', 2)} ({primary}); weighting moves the indicators by at "
               f"most {points(_max_shift(results), 'en')}."},
        "medium" if deff > 1.5 else "low",
        {"fr": "Chiffres non pondérés donnés à côté des chiffres pondérés.",
         "en": "Unweighted figures shown beside the weighted ones."}))
    log.append(Caveat(
        {"fr": "Petits effectifs", "en": "Small numbers of respondents"},
        {"fr": f"Le plus petit indicateur repose sur {count(smallest, 'fr')} répondants.",
         "en": f"The smallest indicator rests on {count(smallest, 'en')} respondents."},
        "medium" if smallest < 50 else "low",
        {"fr": f"Intervalles de Korn-Graubard ; cases de moins de {threshold} répondants non diffusées.",
         "en": f"Korn-Graubard intervals; cells of fewer than {threshold} respondents not shown."}))
    log.append(Caveat(
        {"fr": "Réponses déclaratives", "en": "Self-reported answers"},
        {"fr": "Économies et usages sont déclarés par un agent, non mesurés.",
         "en": "Savings and usage are reported by one officer, not measured."},
        "medium",
        {"fr": "Indicateurs lus comme des perceptions déclarées.", "en": "Indicators read as reported perceptions."}))
    log.append(Caveat(
        {"fr": "Modèle de variance", "en": "Variance model"},
        {"fr": "Recensement ; répondants traités comme un échantillon aléatoire simple dans chaque cellule, avec "
               "correction de population finie.",
         "en": "Census; respondents treated as a simple random sample within each cell, with finite population "
               "correction."},
        "low",
        {"fr": "Variance de calage comme R survey ; vérifiée contre les sorties de R dans les tests.",
         "en": "Calibration variance as in R survey; checked against R's output in the tests."}))
    if "trend" in results and results["trend"].get("available"):
        log.append(Caveat(
            {"fr": "Comparaison entre vagues", "en": "Comparison between waves"},
            {"fr": f"{count(results['trend']['repeat_respondents'], 'fr')} collectivités ont répondu aux deux "
                   "vagues.",
             "en": f"{count(results['trend']['repeat_respondents'], 'en')} authorities answered both waves."},
            "medium",
            {"fr": "Covariance due aux répondants communs estimée ; comparaison appariée descriptive.",
             "en": "Covariance from repeat respondents estimated; paired comparison descriptive."}))
    leadership = results.get("leadership_savings")
    log.append(Caveat(
        {"fr": "Portage par les élus et économies", "en": "Leadership and savings"},
        {"fr": "Association observée, non causale." if leadership else "Modèle non encore estimé.",
         "en": "Observed association, not causal." if leadership else "Model not estimated yet."},
        "medium" if leadership else "low",
        {"fr": "Lecture prudente ; voir la section dédiée.", "en": "Read with care; see its section."}))
    return log


def caveat_table(log: Sequence[Caveat], lang: str) -> pd.DataFrame:
    """The caveats log as a table in ``lang``, most consequential first."""
    check_language(lang)
    headers = {"fr": ("Hypothèse ou limite", "Éléments", "Effet probable", "Traitement"),
               "en": ("Assumption or caveat", "Evidence", "Likely effect", "Treatment")}[lang]
    order = {"high": 0, "medium": 1, "low": 2}
    rows = [(c.topic[lang], c.evidence[lang], EFFECTS[lang][c.effect], c.treatment[lang])
            for c in sorted(log, key=lambda c: order[c.effect])]
    return pd.DataFrame(rows, columns=list(headers))


# --- leadership ------------------------------------------------------------------------------------------------

LEADERSHIP_KEYS = ("odds_ratio", "ci_low", "ci_high", "method", "n", "events", "firth", "multiple_imputation",
                   "bootstrap", "risk_difference", "minimum_detectable_odds_ratio", "e_value", "level")


def leadership_conclusion(section: Mapping[str, Any], lang: str) -> str:
    """The plain-words conclusion of the leadership-and-savings step, from its results section.

    It states the estimate with its interval, what the power allows one to say, that this is an
    association and not an effect, and the unmeasured confounder the E-value is about.
    """
    check_language(lang)
    odds, low, high = section["odds_ratio"], section["ci_low"], section["ci_high"]
    shown_level = percent(section["level"], lang, 0)
    firth, mi, boot = section["firth"], section["multiple_imputation"], section["bootstrap"]
    ratio = {key: number(value, lang, 2) for key, value in
             {"odds": odds, "low": low, "high": high, "f": firth["odds_ratio"], "fl": firth["ci_low"],
              "fh": firth["ci_high"], "mi": mi["odds_ratio"], "mil": mi["ci_low"], "mih": mi["ci_high"],
              "bl": boot["ci_low"]}.items()}
    boot_high = bracket(boot["ci_low"], boot["ci_high"], lang, "ratio")
    difference = points(section["risk_difference"]["estimate"], lang, 0)
    mdor = number(section["minimum_detectable_odds_ratio"], lang, 1)
    e_point = number(section["e_value"]["point"], lang, 1)
    n = count(section["n"], lang)
    includes_null = low <= 1 <= high
    if lang == "fr":
        direction = "plus" if odds > 1 else "moins"
        verdict = ("Cet intervalle contient 1 : les données sont compatibles avec une absence d'association. "
                   if includes_null else "Cet intervalle exclut 1. ")
        return (f"Les collectivités dont l'e-administration est portée par les élus déclarent {direction} souvent des "
                f"économies : à strate et taille égales, le rapport de cotes vaut {ratio['odds']} (IC à {shown_level} "
                f"{ratio['low']} à {ratio['high']} ; Firth {ratio['f']}, {ratio['fl']} à {ratio['fh']}), soit un écart "
                f"de {difference}. {verdict}Avec {n} collectivités, l'analyse n'a une puissance de 80 % que pour des "
                f"rapports de cotes d'environ {mdor} ou plus : une association modérée ne peut être ni établie ni "
                "exclue. Il s'agit d'une association entre déclarations, pas d'un effet du portage politique : la "
                "maturité numérique, qui peut favoriser à la fois le portage, les économies et la participation à "
                f"l'enquête, n'est pas mesurée, et un facteur de confusion associé aux deux avec un rapport de risques de {e_point} "
                f"suffirait à expliquer l'estimation. L'imputation multiple des réponses manquantes donne "
                f"{ratio['mi']} ({ratio['mil']} à {ratio['mih']}) ; le bootstrap qui refait la pondération donne "
                f"{boot_high}.")
    direction = "more" if odds > 1 else "less"
    verdict = ("This interval includes 1: the data are compatible with no association. " if includes_null
               else "This interval excludes 1. ")
    return (f"Authorities whose e-administration is driven by elected officials reported savings {direction} often: "
            f"adjusted for tier and size, the odds ratio is {ratio['odds']} ({shown_level} CI {ratio['low']} to "
            f"{ratio['high']}; "
            f"Firth {ratio['f']}, {ratio['fl']} to {ratio['fh']}), a difference of {difference}. {verdict}With {n} "
            f"authorities the analysis has 80% power only for odds ratios of about {mdor} or more, so a moderate "
            "association can neither be shown nor ruled out. This is an association between what respondents "
            "report, not an effect of leadership: e-maturity, which may drive leadership, savings and the decision "
            f"to answer alike, is not measured, and a confounder associated with both by a risk ratio of {e_point} would "
            f"explain the estimate away. Multiple imputation of the missing answers gives {ratio['mi']} "
            f"({ratio['mil']} to {ratio['mih']}); the bootstrap that redoes the weighting gives {boot_high}.")


def leadership_markdown(results: Mapping[str, Any], lang: str) -> str:
    """The leadership-and-savings section's text, or a clear statement that the section is absent.

    Raises
    ------
    KeyError
        If the section is present but lacks one of ``LEADERSHIP_KEYS``.
    """
    section = results.get("leadership_savings")
    if not section:
        return {"fr": "*Cette section n'est pas encore disponible : les résultats du modèle portage par les élus "
                      "et économies (`leadership_savings`) sont absents de `results.json` pour cette vague.*",
                "en": "*This section is not available yet: the results of the leadership and savings model "
                      "(`leadership_savings`) are absent from `results.json` for this wave.*"}[lang]
    missing = [key for key in LEADERSHIP_KEYS if key not in section]
    if missing:
        raise KeyError(f"results section leadership_savings lacks {missing}")
    level = results["cleaning"]["wave"]["estimation"]["confidence_level"]
    ci = interval(section["ci_low"], section["ci_high"], lang, level, kind="ratio")
    method = LEADERSHIP_METHODS.get(section["method"], {}).get(lang, section["method"]).lower()
    text = {"fr": f"Rapport de cotes des économies déclarées entre les collectivités dont l'e-administration est "
                  f"portée par les élus et les autres : **{number(section['odds_ratio'], lang, 2)}** ({ci}), "
                  f"méthode : {method}, {count(section['n'], lang)} répondants dont "
                  f"{count(section['events'], lang)} déclarent des économies.",
            "en": f"Odds ratio of reported savings between authorities whose e-administration is driven by elected "
                  f"officials and the others: **{number(section['odds_ratio'], lang, 2)}** ({ci}), method: "
                  f"{method}, {count(section['n'], lang)} respondents of whom "
                  f"{count(section['events'], lang)} report savings."}[lang]
    return f"{text}\n\n{leadership_conclusion(section, lang)}"


LEADERSHIP_METHODS = {
    "survey_logit": {"fr": "Régression logistique pondérée (plan de sondage)", "en": "Survey-weighted logistic "
                                                                                     "regression"},
    "firth": {"fr": "Régression logistique de Firth", "en": "Firth logistic regression"},
    "fisher": {"fr": "Test exact de Fisher (tableau 2 × 2)", "en": "Fisher's exact test (2 × 2 table)"},
    "bootstrap": {"fr": "Bootstrap stratifié", "en": "Stratified bootstrap"},
    "multiple_imputation": {"fr": "Imputation multiple", "en": "Multiple imputation"},
}


def leadership_table(results: Mapping[str, Any], lang: str) -> pd.DataFrame | None:
    """The odds ratio by every method the leadership step reports, or ``None`` when it reports none.

    A method is any entry of the ``leadership_savings`` section holding ``odds_ratio``, ``ci_low`` and
    ``ci_high``; known methods are named in ``lang``, others by their key.
    """
    section = results.get("leadership_savings") or {}
    rows = [(LEADERSHIP_METHODS.get(key, {}).get(lang, key), number(value["odds_ratio"], lang, 2),
             bracket(value["ci_low"], value["ci_high"], lang, "ratio"))
            for key, value in section.items()
            if isinstance(value, Mapping) and {"odds_ratio", "ci_low", "ci_high"} <= set(value)]
    if not rows:
        return None
    level = percent(results["cleaning"]["wave"]["estimation"]["confidence_level"], lang, 0)
    headers = {"fr": ("Méthode", "Rapport de cotes", f"Intervalle à {level}"),
               "en": ("Method", "Odds ratio", f"{level} interval")}[lang]
    return pd.DataFrame(rows, columns=list(headers))


# --- provenance ------------------------------------------------------------------------------------------------

def git_commit(root: Path) -> str:
    """The project's git commit, with ``+modifications`` when tracked files differ from it; ``unknown`` if none.

    Uses ``GIT_OPTIONAL_LOCKS=0`` so that asking never writes to the repository.
    """
    git = shutil.which("git")
    if git is None:
        return "unknown"
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    head = subprocess.run([git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          env=environment)
    if head.returncode != 0:
        return "unknown"
    status = subprocess.run([git, "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                            capture_output=True, text=True, env=environment)
    return head.stdout.strip() + (" +modifications" if status.stdout.strip() else "")


def package_versions(names: Iterable[str] = PACKAGES) -> dict[str, str]:
    """Python's version and each package's installed version (``absent`` when not installed)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def provenance(results: Mapping[str, Any], run_date: str, root: Path) -> dict[str, Any]:
    """What a reviewer needs to trace the report: commit, input checksums, parameters, packages, run date.

    Parameters
    ----------
    results
        The wave's results (its ``cleaning`` section holds the inputs' checksums and the wave's parameters).
    run_date
        The date printed in the report (ISO).
    root
        The project root (a git working tree).
    """
    cleaning = results["cleaning"]
    return {
        "run_date": run_date,
        "git_commit": git_commit(root),
        "inputs": {role: dict(item) for role, item in cleaning["inputs"].items()},
        "parameters": cleaning["wave"],
        "packages": package_versions(),
    }


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested parameters as ``section.key`` -> text, for a two-column table."""
    flat: dict[str, str] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return flat


def notebook_links(folder: Path, primary: str) -> str:
    """HTML list of links to the wave's executed notebooks (relative, so they work from the report).

    Lists the step notebooks present in ``folder`` and the report notebook in every language, so the
    French and English reports link to the same files whichever is executed first.
    """
    steps = {path.name for path in Path(folder).glob("*.ipynb") if re.fullmatch(r"\d\d_\w+\.ipynb", path.name)}
    names = sorted(steps | {report_notebook_name(lang, primary) for lang in LANGUAGES})
    items = "\n".join(f'<li><a href="{html.escape(name)}">{html.escape(name)}</a></li>' for name in names)
    return f'<ul class="notebooks">\n{items}\n</ul>'


# --- rendering -------------------------------------------------------------------------------------------------

CSS = """
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; margin: 0;
       line-height: 1.5; font-size: 15px; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7em; margin: 0.4em 0; } h2 { font-size: 1.3em; margin-top: 1.6em;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1.1em; }
a.anchor-link { display: none; }
img { max-width: 100%; height: auto; display: block; margin: 0.6em 0; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.88em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; } td { font-variant-numeric: tabular-nums; }
ul.summary li { margin: 0.3em 0; }
p.note { font-size: 0.85em; color: #444; margin-top: 0; }
.prompt, .input_prompt, .output_prompt { display: none; }
.output_stderr, .output_error { display: none; }
pre { white-space: pre-wrap; font-size: 0.85em; }
@media print { main { max-width: none; padding: 0; } h2 { break-after: avoid; } img, table { break-inside: avoid; } }
@page { size: A4; margin: 16mm 14mm; }
"""
REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)


def notebook_body(notebook_path: Path) -> str:
    """The executed notebook's outputs as an HTML fragment: no code, no cells tagged ``report-skip``.

    The parameters cells (and so papermill's injected cell with its run-specific id) are dropped.
    """
    # Imported here, not at the top: the report notebook imports this module, and nbformat and nbconvert
    # would add about two seconds to its kernel's start.
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [cell for cell in notebook.cells
                      if not {SKIP_TAG, "parameters", "injected-parameters"} & set(cell.metadata.get("tags", []))]
    exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def make_offline(page: str, base_dir: Path) -> str:
    """Make an HTML page self-contained: no script, local images inlined, no network address in an attribute.

    Every ``<script>`` goes (the report needs none; nbconvert's templates load require.js, MathJax and mermaid
    from CDNs), ``<link>`` elements pointing at the network go, images referenced by a local path are embedded
    as base64, and any other ``src``/``href`` holding an ``http(s)`` address is dropped (the element's text stays).

    Parameters
    ----------
    page
        The HTML.
    base_dir
        Folder that relative image paths are resolved from.

    Raises
    ------
    InputError
        If an image the page references locally does not exist.
    """
    from bs4 import BeautifulSoup  # a dependency of nbconvert; imported here for the same reason

    soup = BeautifulSoup(page, "html.parser")
    for script in soup.find_all("script"):
        script.decompose()
    for link in soup.find_all("link"):
        if REMOTE.match(link.get("href", "")):
            link.decompose()
    for image in soup.find_all("img"):
        source = image.get("src", "")
        if source and not source.startswith("data:") and not REMOTE.match(source):
            path = Path(base_dir) / source
            if not path.is_file():
                raise InputError(path, "image referenced by the report is missing")
            image["src"] = _data_uri(path)
    for element in soup.find_all(True):
        for attribute in ("src", "href", "srcset", "action", "data"):
            if REMOTE.match(str(element.get(attribute, ""))):
                del element[attribute]
    text = str(soup)
    return re.sub(r"url\(\s*['\"]?https?:[^)]*\)", "none", text, flags=re.IGNORECASE)


def html_page(body: str, title: str, lang: str) -> str:
    """A whole HTML document around ``body`` with the report's inline CSS."""
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            f"</body>\n</html>\n")


def report_name(lang: str, primary: str) -> str:
    """``report.html`` in the primary language, ``report.<lang>.html`` in the other."""
    return "report.html" if lang == primary else f"report.{lang}.html"


def report_notebook_name(lang: str, primary: str) -> str:
    """``04_report.ipynb`` in the primary language, ``04_report.<lang>.ipynb`` in the other."""
    return f"{REPORT_NOTEBOOK}.ipynb" if lang == primary else f"{REPORT_NOTEBOOK}.{lang}.ipynb"


def write_html(notebook_path: Path, output: Path, title: str, lang: str) -> Path:
    """Render an executed report notebook to a self-contained HTML file."""
    page = make_offline(html_page(notebook_body(notebook_path), title, lang), notebook_path.parent)
    output.write_text(page, encoding="utf-8")
    return output


def find_chromium() -> str | None:
    """Path of Debian's Chromium, or ``None``."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


PDF_DATES = re.compile(rb"(/CreationDate|/ModDate) ?\(D:\d{8}[^)]*\)")


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


def print_pdf(html_path: Path, pdf_path: Path, run_date: str, timeout: int = 120) -> bool:
    """Print an HTML file to PDF with headless Chromium; ``False`` (and a log line) when Chromium is absent.

    The page is printed from a temporary copy without links to other files (:func:`printable`), and the
    print time in the PDF becomes ``run_date`` (:func:`fixed_pdf_metadata`), so reruns give the same bytes.

    Raises
    ------
    RuntimeError
        If Chromium is present but fails.
    """
    chromium = find_chromium()
    if chromium is None:
        LOG.warning("chromium not found: no PDF made for %s (install it with `make pdf-deps`)", html_path.name)
        return False
    with tempfile.TemporaryDirectory(prefix="report-print-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(printable(html_path.read_text(encoding="utf-8")), encoding="utf-8")
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={Path(scratch) / 'profile'}", "--no-pdf-header-footer",
                   f"--print-to-pdf={pdf_path}", page.as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf_path.is_file():
        raise RuntimeError(f"chromium failed to print {html_path.name}: {done.stderr.strip()[-500:]}")
    pdf_path.write_bytes(fixed_pdf_metadata(pdf_path.read_bytes(), run_date))
    return True


def report_title(results: Mapping[str, Any], lang: str) -> str:
    """The report's title: the wave's title in French, its English form otherwise."""
    wave = results["cleaning"]["wave"]
    if lang == "fr":
        return wave["title"]
    return f"Annual barometer of the e-services of French local authorities {wave['year']}"


def run_date_of(results: Mapping[str, Any], run_date: str) -> str:
    """The report's date: ``run_date`` when given, else the last day of fieldwork."""
    return run_date or results["cleaning"]["wave"]["fieldwork"]["end"]


def render_wave(reports: Path, primary: str, languages: Sequence[str] = LANGUAGES) -> list[Path]:
    """Render a wave's executed report notebooks to HTML, and to PDF where Chromium is present.

    Parameters
    ----------
    reports
        The wave's (staged) reports folder holding ``results.json`` and the executed report notebooks.
    primary
        Language of ``report.html`` and ``report.pdf``; the others go to ``report.<lang>.html``.
    languages
        Languages rendered.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    results = load_results(reports)
    written = []
    for lang in languages:
        notebook = reports / report_notebook_name(lang, primary)
        if not notebook.is_file():
            raise InputError(notebook, "executed report notebook not found")
        written.append(write_html(notebook, reports / report_name(lang, primary), report_title(results, lang), lang))
    pdf = reports / "report.pdf"
    if print_pdf(reports / report_name(primary, primary), pdf, run_date_of(results, "")):
        written.append(pdf)
    return written


# --- index of the waves ----------------------------------------------------------------------------------------

def _wave_entry(folder: Path) -> str:
    results_path = folder / "results.json"
    wave = json.loads(results_path.read_text(encoding="utf-8")).get("cleaning", {}).get("wave", {}) \
        if results_path.is_file() else {}
    title = html.escape(wave.get("title", f"Vague {folder.name}"))
    demo = ' <span class="demo">données synthétiques / synthetic data</span>' if wave.get("demo") else ""
    reports = [name for name in ("report.html", "report.en.html", "report.fr.html", "report.pdf")
               if (folder / name).is_file()]
    notebooks = sorted(path.name for path in folder.glob("*.ipynb"))
    links = " · ".join(f'<a href="{folder.name}/{name}">{name}</a>' for name in reports) or "—"
    executed = " · ".join(f'<a href="{folder.name}/{name}">{name}</a>' for name in notebooks) or "—"
    return (f'<li id="wave-{folder.name}"><h2>{folder.name} — {title}{demo}</h2>\n'
            f"<p>Rapport / report : {links}</p>\n<p>Carnets exécutés / executed notebooks : {executed}</p></li>")


def write_index(reports_root: Path) -> Path:
    """Write ``reports/index.html``: every wave under ``reports_root`` with its reports and executed notebooks."""
    waves = sorted((folder for folder in Path(reports_root).iterdir()
                    if folder.is_dir() and re.fullmatch(r"\d{4}", folder.name)), reverse=True)
    entries = "\n".join(_wave_entry(folder) for folder in waves) or "<li>Aucune vague / no wave yet.</li>"
    body = ("<h1>Baromètre des e-services des collectivités territoriales — rapports / reports</h1>\n"
            f'<ul class="waves">\n{entries}\n</ul>')
    css = "span.demo { background: #FFF1E6; border: 1px solid #D55E00; padding: 0 0.4em; font-size: 0.8em; }"
    page = html_page(body, "Baromètre e-services — index", "fr").replace("</style>", f"{css}\n</style>")
    path = Path(reports_root) / "index.html"
    return atomic.write_text(path, page)
