"""The report: figure style, tables, the results file, provenance, texts and rendering to HTML and PDF.

Its public API, by module (``from helpers import report``; ``report.render_wave(...)``):

- ``formatting``: numbers, shares, intervals and dates as French or English text;
- ``results``: the results file the steps write and the report reads;
- ``tables``, ``figures``: tables as text and the one figure style of every notebook;
- ``provenance``: checksums, commit and package versions;
- ``prose``: the French and English templates of the report's text;
- ``texts``: the summary's findings, the caveats log and the leadership texts;
- ``display``: figures, tables and small-cell suppression in a notebook;
- ``sections``, ``charts``: what the report notebook shows, section by section;
- ``render``, ``pdf``, ``index``: the self-contained HTML, the PDF and the reviewers' index.

Names are loaded from their module on first use, so that ``render``, ``pdf`` and ``index`` (used by the
runner) import neither matplotlib, seaborn nor IPython, which ``figures``, ``display`` and ``charts`` need.
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "formatting": ("LANGUAGES", "NBSP", "FORMATS", "check_language", "number", "count", "percent", "signed",
                   "points", "interval", "bracket", "long_date", "formatted_value"),
    "results": ("RESULTS_NAME", "to_plain", "read_results", "load_results", "lookup", "write_section"),
    "tables": ("formatted",),
    "figures": ("apply_style", "finish", "save"),
    "provenance": ("PACKAGES", "sha256", "file_table", "git_commit", "package_versions", "report_provenance",
                   "flatten"),
    "prose": ("TEMPLATES_DIR", "render_section", "section_names"),
    "texts": ("Finding", "summary_findings", "findings_html", "banner_html", "type_label", "Caveat", "caveats",
              "caveat_table", "leadership_conclusion", "leadership_markdown", "leadership_table", "report_title",
              "run_date_of"),
    "display": ("SUPPRESSED", "finish_figure", "show_figure", "table_html", "suppress_small_cells",
                "small_cell_note"),
    "sections": ("ReportSetup", "start", "disposition_table", "rates_table", "rates_by_type", "rates_by_type_table",
                 "indicator_table", "bounds_table", "trend_available", "trend_changes", "trend_table",
                 "paired_table", "provenance_tables", "notebook_links"),
    "charts": ("headline_figure", "rates_by_type_figure", "delta_figure", "trend_figure"),
    "render": ("REPORT_NOTEBOOK", "notebook_body", "make_offline", "html_page", "report_name",
               "report_notebook_name", "write_html", "render_wave"),
    "pdf": ("PrintFailed", "find_chromium", "fixed_pdf_metadata", "printable", "processes_naming", "print_pdf"),
    "index": ("write_index",),
}
_MODULE_OF = {name: module for module, names in _API.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    if name in _API:  # a module of the package, imported on first use like the names
        return importlib.import_module(f"{__name__}.{name}")
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
