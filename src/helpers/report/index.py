"""The reviewers' ``reports/index.html``: the series of waves, each with its reports, spreadsheet and notebooks.

The page opens with the series: one row per wave found under ``reports/``, with its respondents, its response
rate and the weighted headline indicators of the latest wave, each as that wave estimated it, over the waves that
asked it as the latest did (the ``series`` section of the latest wave's ``results.json``). Every wave follows, latest first, with links to its reports, its workbook of
tables and its executed notebooks. Each run of a wave rewrites the page, so it always shows every wave published.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from helpers import atomic, paths
from helpers.errors import InputError
from helpers.inputs.codebook import load_codebook
from helpers.report.exports import WORKBOOK
from helpers.report.formatting import count, percent
from helpers.report.links import page_name
from helpers.report.render import html_page
from helpers.report.results import read_results
from helpers.report.suppression import SUPPRESSED

REPORTS = ("report.html", "report.en.html", "report.fr.html", "report.pdf")


def _wave_entry(folder: Path, results: dict[str, Any]) -> str:
    wave = results.get("cleaning", {}).get("wave", {})
    title = html.escape(wave.get("title", f"Vague {folder.name}"))
    demo = ' <span class="demo">données synthétiques / synthetic data</span>' if wave.get("demo") else ""
    reports = [name for name in (*REPORTS, WORKBOOK) if (folder / name).is_file()]
    notebooks = sorted(path.name for path in folder.glob("*.ipynb"))
    links = " · ".join(f'<a href="{folder.name}/{name}">{name}</a>' for name in reports) or "—"
    executed = " · ".join(f'<a href="{folder.name}/{page_name(name)}">{Path(name).stem}</a> '
                          f'(<a href="{folder.name}/{name}">.ipynb</a>)' for name in notebooks) or "—"
    return (f'<li id="wave-{folder.name}"><h2>{folder.name} — {title}{demo}</h2>\n'
            f"<p>Rapport, tableur / report, spreadsheet : {links}</p>\n"
            f"<p>Carnets exécutés / executed notebooks : {executed}</p></li>")


def _labels(results: dict[str, Any], indicators: list[str]) -> list[str]:
    """The indicators' French labels, from the codebook the wave names (their ids if it cannot be read)."""
    try:
        codebook = load_codebook(paths.resolve(results["cleaning"]["wave"].get("codebook"), paths.CODEBOOK_PATH))
    except InputError:
        return indicators
    return [codebook.label(i, "fr") if i in codebook.indicators else i for i in indicators]


def _series_table(waves: list[tuple[Path, dict[str, Any]]]) -> str:
    """The series of waves: respondents, RR2 and the latest wave's headline indicators, one row per wave.

    The indicators' estimates are those of the latest wave's series (each wave's own estimate, blank outside the
    waves that asked the question as the latest did); without that section, each wave's own estimates.
    """
    published = [(folder, results) for folder, results in waves if "response_bias" in results]
    if not published:
        return ""
    latest = published[0][1]
    headline = latest["response_bias"]["headline"]
    threshold = latest["cleaning"]["wave"]["report"]["small_cell_threshold"]
    series = latest.get("series", {})
    head = ("<th>Vague / wave</th><th>Unités du champ / frame units</th><th>Répondants / respondents</th>"
            "<th>RR2</th>" + "".join(f"<th>{html.escape(label)}</th>" for label in _labels(latest, headline)))
    rows = []
    for folder, results in sorted(published, key=lambda item: item[0].name):
        own = results["response_bias"]["estimates"]["weighted"]
        cells = [f'<a href="{folder.name}/report.html">{folder.name}</a>',
                 count(results["cleaning"]["frame_units"]), count(results["cleaning"]["respondents"]),
                 percent(results["response_bias"]["rates"]["RR2"]["rate"])]
        for indicator in headline:
            row = (series["estimates"].get(indicator, {}).get(folder.name) if series.get("available")
                   else own.get(indicator))
            if not row or row.get("estimate") is None:
                cells.append("—")
            elif row["n"] < threshold:
                cells.append(SUPPRESSED)
            else:
                cells.append(f'{percent(row["estimate"])} <span class="ci">[{percent(row["ci_low"])} ; '
                             f'{percent(row["ci_high"])}]</span>')
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    note = ("Parts pondérées des indicateurs principaux de la dernière vague, chacune telle que sa vague l'a "
            "estimée, avec son intervalle ; — : indicateur non mesuré cette année-là avec la formulation de la "
            f"dernière vague ; s : moins de {threshold} répondants. / Weighted shares of the latest wave's headline "
            "indicators, each as its wave estimated it, with its interval; —: not measured that year with the "
            f"latest wave's wording; s: fewer than {threshold} respondents.")
    return (f'<h2 id="series">Série des vagues / series of waves</h2>\n<table class="series">\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows) + '\n</tbody>\n</table>\n'
            f'<p class="note">{html.escape(note)}</p>')


def write_index(reports_root: Path) -> Path:
    """Write ``reports/index.html``: the series of the waves under ``reports_root``, then each wave's links.

    Each executed notebook is linked as its HTML page with code and as the ``.ipynb``; each wave's reports and
    ``report.xlsx`` where they exist.
    """
    folders = sorted((folder for folder in Path(reports_root).iterdir()
                      if folder.is_dir() and re.fullmatch(r"\d{4}", folder.name)), reverse=True)
    waves = [(folder, read_results(folder)) for folder in folders]
    entries = "\n".join(_wave_entry(folder, results) for folder, results in waves) \
        or "<li>Aucune vague / no wave yet.</li>"
    body = ("<h1>Baromètre des e-services des collectivités territoriales — rapports / reports</h1>\n"
            f'{_series_table(waves)}\n<ul class="waves">\n{entries}\n</ul>')
    css = ("span.demo { background: #FFF1E6; border: 1px solid #D55E00; padding: 0 0.4em; font-size: 0.8em; }\n"
           "table.series td, table.series th { padding: 0.2em 0.6em; text-align: right; }\n"
           "span.ci { color: #555; font-size: 0.85em; }")
    page = html_page(body, "Baromètre e-services — index", "fr").replace("</style>", f"{css}\n</style>")
    path = Path(reports_root) / "index.html"
    return atomic.write_text(path, page)
