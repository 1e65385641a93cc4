"""Executed notebooks -> self-contained HTML pages with their code, for reviewers without JupyterLab.

Each executed notebook ``reports/<year>/<name>.ipynb`` gets ``<name>.html`` beside it: nbconvert's ``lab``
template (code, outputs, figures embedded with their text alternative: ``templates/nbconvert/page.html.j2``),
made offline by :func:`helpers.report.render.make_offline` and without the template's CSS comments (which name the addresses of the stylesheets' origins). Every cell keeps
nbconvert's anchor ``#cell-id=<id>``, which the report's traced numbers link to
(:func:`helpers.report.links.cell_anchor`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

from helpers import atomic
from helpers.report.links import page_name
from helpers.report.render import make_offline

PAGE_TEMPLATE = Path(__file__).with_name("templates") / "nbconvert" / "page.html.j2"
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
NOTEBOOK_LINK = re.compile(r'href="([\w.-]+)\.ipynb(#[^"]*)?"')


@functools.cache
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", embed_images=True, extra_template_paths=[str(PAGE_TEMPLATE.parent)],
                        template_file=PAGE_TEMPLATE.name)


def linked_to_pages(page: str, folder: Path) -> str:
    """Links to executed notebooks of ``folder`` rewritten to their HTML pages (``01_clean.ipynb`` -> ``.html``)."""
    def to_page(match: re.Match) -> str:
        name = match[1]
        return (f'href="{name}.html{match[2] or ""}"' if (Path(folder) / f"{name}.ipynb").is_file()
                else match[0])
    return NOTEBOOK_LINK.sub(to_page, page)


def notebook_page(notebook_path: Path) -> str:
    """An executed notebook as one self-contained HTML page with its code and outputs.

    Parameters
    ----------
    notebook_path
        The executed notebook.

    Returns
    -------
    str
        The page: no script, no stylesheet or image fetched from the network, no network address at all.
    """
    # Imported here: nbformat and nbconvert take about two seconds to import (see render.notebook_body).
    import nbformat

    notebook = nbformat.read(notebook_path, as_version=4)
    page, _ = _exporter().from_notebook_node(notebook, resources={"metadata": {"name": Path(notebook_path).stem}})
    offline = make_offline(page, Path(notebook_path).parent)
    return linked_to_pages(CSS_COMMENT.sub("", offline), Path(notebook_path).parent)


def write_notebook_pages(folder: Path, names: Iterable[str] | None = None) -> list[Path]:
    """Write the HTML page of every executed notebook of a wave's reports folder (or of those ``names``).

    Returns
    -------
    list of pathlib.Path
        The pages written, in the notebooks' order.
    """
    folder = Path(folder)
    notebooks = sorted(folder.glob("*.ipynb")) if names is None else [folder / name for name in names]
    return [atomic.write_text(folder / page_name(path), notebook_page(path)) for path in notebooks]
