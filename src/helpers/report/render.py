"""Executed report notebook -> self-contained HTML page (no script, no network address), and the wave's rendering.

Imports neither matplotlib, seaborn nor IPython: the runner loads this module at render time only, and
nbconvert and BeautifulSoup are imported inside the functions that use them.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from collections.abc import Sequence
from pathlib import Path

from helpers.errors import InputError
from helpers.report.formatting import LANGUAGES
from helpers.report.pdf import print_pdf
from helpers.report.results import load_results
from helpers.report.texts import report_title, run_date_of

REPORT_NOTEBOOK = "04_report"
SKIP_TAG = "report-skip"

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
    # Imported here, not at the top: nbformat and nbconvert take about two seconds to import, which a
    # run that renders nothing (``--only``) or a kernel that imports the package should not pay.
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
