"""The reviewers' ``reports/index.html``: every wave with its reports and executed notebooks."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from helpers import atomic
from helpers.report.links import page_name
from helpers.report.render import html_page


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
    executed = " · ".join(f'<a href="{folder.name}/{page_name(name)}">{Path(name).stem}</a> '
                          f'(<a href="{folder.name}/{name}">.ipynb</a>)' for name in notebooks) or "—"
    return (f'<li id="wave-{folder.name}"><h2>{folder.name} — {title}{demo}</h2>\n'
            f"<p>Rapport / report : {links}</p>\n<p>Carnets exécutés / executed notebooks : {executed}</p></li>")


def write_index(reports_root: Path) -> Path:
    """Write ``reports/index.html``: every wave under ``reports_root`` with its reports and executed notebooks.

    Each executed notebook is linked as its HTML page with code and as the ``.ipynb``.
    """
    waves = sorted((folder for folder in Path(reports_root).iterdir()
                    if folder.is_dir() and re.fullmatch(r"\d{4}", folder.name)), reverse=True)
    entries = "\n".join(_wave_entry(folder) for folder in waves) or "<li>Aucune vague / no wave yet.</li>"
    body = ("<h1>Baromètre des e-services des collectivités territoriales — rapports / reports</h1>\n"
            f'<ul class="waves">\n{entries}\n</ul>')
    css = "span.demo { background: #FFF1E6; border: 1px solid #D55E00; padding: 0 0.4em; font-size: 0.8em; }"
    page = html_page(body, "Baromètre e-services — index", "fr").replace("</style>", f"{css}\n</style>")
    path = Path(reports_root) / "index.html"
    return atomic.write_text(path, page)
