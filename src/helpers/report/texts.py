"""What the report says: the summary's findings, the demo banner, the caveats log and the leadership texts.

Each text is built from ``results.json`` alone; the longer prose is in the Jinja2 templates rendered by
:mod:`helpers.report.prose`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.report.formatting import NBSP, bracket, check_language, count, formatted_value, number, percent, points
from helpers.report.labels import variables
from helpers.report.prose import render_section
from helpers.report.results import lookup
from helpers.report.tracing import HTMLText, derived, html_text
from helpers.vocabulary import TYPE_GROUP_LABELS

_h = html_text  # a value written into a text that is HTML

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

    def html(self, results: Mapping[str, Any], lang: str) -> str:
        """The finding as HTML, each value a ``span`` naming its results key when the results are traced."""
        return html.escape(self.template).format(*(html_text(formatted_value(lookup(results, path), kind, lang))
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
        weighting = results["cleaning"]["wave"]["weighting"]
        cells, margins = variables(weighting["cells"], lang), variables(weighting["margins"], lang)
        text = {"fr": "Si les non-répondants avaient deux fois moins ou deux fois plus de chances que les "
                      "répondants de déclarer des économies, la part des collectivités qui en déclarent serait "
                      "comprise entre {} et {} (contre {} si la non-réponse est ignorable dans les cellules de "
                      "pondération ; ce chiffre diffère des {} de l'estimation principale parce qu'il redresse "
                      f"dans les seules cellules {cells}, sans caler sur les marges {margins}, et compte une "
                      "question sans réponse d'une collectivité répondante comme de la non-réponse).",
                "en": "If non-respondents had half or twice the respondents' odds of reporting savings, the share "
                      "of authorities reporting savings would lie between {} and {} (against {} if non-response "
                      "is ignorable within the weighting cells; this differs from the {} of the main estimate "
                      f"because it adjusts within the cells {cells} only, without calibrating to the margins "
                      f"{margins}, and counts a question a responding authority left unanswered as "
                      "non-response)."}[lang]
        findings.append(Finding(text, ((f"{curve}/0.5", "percent"), (f"{curve}/2.0", "percent"),
                                       (f"{curve}/1.0", "percent"),
                                       ("response_bias/estimates/weighted/savings/estimate", "percent"))))
    return findings


def findings_html(findings: Sequence[Finding], results: Mapping[str, Any], lang: str) -> str:
    """The summary as an HTML list; each item names the results it states (``data-sources``)."""
    items = []
    for finding in findings:
        sources = " ".join(f"{path}:{kind}" for path, kind in finding.sources)
        items.append(f'<li data-sources="{html.escape(sources)}">{finding.html(results, lang)}</li>')
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
    "en": TYPE_GROUP_LABELS,
}


def type_label(code: str, lang: str) -> str:
    """Label of a type group of authorities (the code itself when unknown)."""
    return TYPE_LABELS[lang].get(code, code)


# --- caveats ---------------------------------------------------------------------------------------------------

EFFECTS = {"fr": {"high": "élevé", "medium": "moyen", "low": "faible"},
           "en": {"high": "high", "medium": "medium", "low": "low"}}


@dataclass(frozen=True)
class Caveat:
    """One entry of the assumptions and caveats log (as in the UK AQuA book's assumptions log).

    Attributes
    ----------
    topic, evidence, treatment
        French and English texts: the assumption or caveat, what the results say about it, and how the analysis
        handles it (the last two as HTML, their values written by :func:`helpers.report.tracing.html_text`).
    effect
        Likely effect on the published figures if the assumption fails: ``high``, ``medium`` or ``low``.
    """

    topic: dict[str, str]
    evidence: dict[str, str]
    effect: str
    treatment: dict[str, str]


def _max_shift(results: Mapping[str, Any]) -> float:
    estimates = results["response_bias"]["estimates"]
    pairs = [(estimates["weighted"][i]["estimate"], estimates["unweighted"][i]["estimate"])
             for i in estimates["weighted"]]
    weighted, unweighted = max(pairs, key=lambda pair: abs(pair[0] - pair[1]))
    return derived(abs(weighted - unweighted), (weighted, unweighted))


def _method_spread(results: Mapping[str, Any]) -> tuple[float, str]:
    """Largest range of a headline estimate across weighting methods, and that indicator."""
    by_method = results["response_bias"]["by_method"]
    spreads = {indicator: max(row.values()) - min(row.values()) for indicator, row in by_method.items()}
    indicator = max(spreads, key=spreads.get)
    row = by_method[indicator].values()
    return derived(spreads[indicator], (max(row), min(row))), indicator


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
        {"fr": f"RR2 = {_h(percent(rr2, 'fr'))} : la plupart des collectivités n'ont pas répondu.",
         "en": f"RR2 = {_h(percent(rr2, 'en'))}: most authorities did not answer."},
        "high" if rr2 < 0.5 else "medium",
        {"fr": "Bornes et courbes delta (section 5) : si les répondants sont les collectivités les plus avancées, "
               "les chiffres pondérés sont des valeurs hautes.",
         "en": "Bounds and delta curves (section 5): if respondents are the more advanced authorities, the weighted "
               "figures are upper values."}))
    log.append(Caveat(
        {"fr": "Les variables de la base expliquent la réponse", "en": "Frame variables explain response"},
        {"fr": f"R-indicateur {_h(number(r_value, 'fr', 3))}, AUC du modèle de réponse "
               f"{_h(number(bias['propensity_auc'], 'fr', 3))}.",
         "en": f"R-indicator {_h(number(r_value, 'en', 3))}, AUC of the response model "
               f"{_h(number(bias['propensity_auc'], 'en', 3))}."},
        "medium" if r_value < 0.8 else "low",
        {"fr": f"Pondération par huit méthodes ; les indicateurs principaux varient d'au plus "
               f"{_h(points(spread, 'fr'))} d'une méthode à l'autre ({widest}).",
         "en": f"Weighting by eight methods; the headline indicators vary by at most {_h(points(spread, 'en'))} "
               f"between methods ({widest})."}))
    log.append(Caveat(
        {"fr": "Variabilité des poids", "en": "Variability of the weights"},
        {"fr": f"Effet de plan de Kish {_h(number(deff, 'fr', 2))} ({primary}) ; la pondération déplace les "
               f"indicateurs d'au plus {_h(points(_max_shift(results), 'fr'))}.",
         "en": f"Kish design effect {_h(number(deff, 'en', 2))} ({primary}); weighting moves the indicators by at "
               f"most {_h(points(_max_shift(results), 'en'))}."},
        "medium" if deff > 1.5 else "low",
        {"fr": "Chiffres non pondérés donnés à côté des chiffres pondérés.",
         "en": "Unweighted figures shown beside the weighted ones."}))
    log.append(Caveat(
        {"fr": "Petits effectifs", "en": "Small numbers of respondents"},
        {"fr": f"Le plus petit indicateur repose sur {_h(count(smallest, 'fr'))} répondants.",
         "en": f"The smallest indicator rests on {_h(count(smallest, 'en'))} respondents."},
        "medium" if smallest < 50 else "low",
        {"fr": f"Intervalles de Korn-Graubard ; cases de moins de {threshold} répondants non diffusées.",
         "en": f"Korn-Graubard intervals; cells of fewer than {threshold} respondents not shown."}))
    values = results["cleaning"]["values_logged"]
    short = results["cleaning"].get("export", {}).get("short_records_dropped", 0)
    log.append(Caveat(
        {"fr": "Valeurs relues à la lecture de l'export", "en": "Values changed on reading the export"},
        {"fr": f"{_h(count(values['total'], 'fr'))} valeurs reprises de la forme saisie "
               f"({_h(count(values['recovered'], 'fr'))}), réinterprétées selon une règle "
               f"({_h(count(values['reinterpreted'], 'fr'))}) ou écartées "
               f"({_h(count(values['dropped'], 'fr'))})."
               + (f" {_h(count(short, 'fr'))} enregistrement(s) coupé(s) avant la fin écarté(s) "
                  "(raw.short_records: drop)." if short else ""),
         "en": f"{_h(count(values['total'], 'en'))} values recovered from the form typed "
               f"({_h(count(values['recovered'], 'en'))}), reinterpreted by a rule "
               f"({_h(count(values['reinterpreted'], 'en'))}) or dropped "
               f"({_h(count(values['dropped'], 'en'))})."
               + (f" {_h(count(short, 'en'))} record(s) cut short dropped (raw.short_records: drop)."
                  if short else "")},
        "low",
        {"fr": "Chacune est listée avec sa ligne et sa colonne dans le journal de nettoyage (cleaning_log.csv).",
         "en": "Each is listed with its line and column in the cleaning log (cleaning_log.csv)."}))
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
            {"fr": f"{_h(count(results['trend']['repeat_respondents'], 'fr'))} collectivités ont répondu aux deux "
                   "vagues.",
             "en": f"{_h(count(results['trend']['repeat_respondents'], 'en'))} authorities answered both waves."},
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
    rows = [(c.topic[lang], HTMLText(c.evidence[lang]), EFFECTS[lang][c.effect], HTMLText(c.treatment[lang]))
            for c in sorted(log, key=lambda c: order[c.effect])]
    return pd.DataFrame(rows, columns=list(headers))


# --- leadership ------------------------------------------------------------------------------------------------

LEADERSHIP_KEYS = ("odds_ratio", "ci_low", "ci_high", "method", "n", "events", "firth", "multiple_imputation",
                   "bootstrap", "risk_difference", "minimum_detectable_odds_ratio", "e_value", "level")


def leadership_conclusion(section: Mapping[str, Any], lang: str) -> str:
    """The plain-words conclusion of the leadership-and-savings step, from its results section.

    It states the estimate with its interval, what the power allows one to say, that this is an
    association and not an effect, and the unmeasured confounder the E-value is about (template
    ``leadership``, part ``conclusion``).
    """
    return render_section("leadership", {"leadership": section}, lang, "conclusion")


def leadership_markdown(results: Mapping[str, Any], lang: str) -> str:
    """The leadership-and-savings section's text, or a clear statement that the section is absent.

    Raises
    ------
    KeyError
        If the section is present but lacks one of ``LEADERSHIP_KEYS``.
    """
    section = results.get("leadership_savings")
    if not section:
        return render_section("leadership", {}, lang, "absent")
    missing = [key for key in LEADERSHIP_KEYS if key not in section]
    if missing:
        raise KeyError(f"results section leadership_savings lacks {missing}")
    context = {"leadership": section, "level": results["cleaning"]["wave"]["estimation"]["confidence_level"],
               "method": LEADERSHIP_METHODS.get(section["method"], {}).get(lang, section["method"]).lower()}
    return f"{render_section('leadership', context, lang, 'estimate')}\n\n{leadership_conclusion(section, lang)}"


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



def report_title(results: Mapping[str, Any], lang: str) -> str:
    """The report's title: the wave's title in French, its English form otherwise."""
    wave = results["cleaning"]["wave"]
    if lang == "fr":
        return wave["title"]
    return f"Annual barometer of the e-services of French local authorities {wave['year']}"


def run_date_of(results: Mapping[str, Any], run_date: str) -> str:
    """The report's date: ``run_date`` when given, else the last day of fieldwork."""
    return run_date or results["cleaning"]["wave"]["fieldwork"]["end"]
