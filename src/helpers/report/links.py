"""Every number of the rendered report linked to its ``results.json`` key and to the notebook cell that wrote it.

The report notebook writes each number it reads from the results as ``<span class="traced" data-key=...>``
(:mod:`helpers.report.tracing`). At rendering, :func:`link_numbers` turns each into a link to the cell that
wrote the key (``02_response_bias.html#cell-id=<id>``, the executed notebook's page) with a hover reference
naming the key and the cell, followed by a numbered note; the notes (:func:`notes_html`), at the end of the
report, link each key to its row of ``results.html`` (:func:`results_page`, the results file as a page with
one anchor per key) and to its cell. The PDF keeps the note numbers and the notes.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from helpers.errors import InputError
from helpers.report.results import RESULTS_NAME, lookup
from helpers.report.tracing import CODEBOOK_KEY, KEY_SEPARATOR

RESULTS_PAGE = "results.html"
TEXTS = {
    "fr": {"notes": "Sources des chiffres", "cell": "cellule", "written": "écrite par",
           "intro": "Chaque chiffre du rapport renvoie à sa clé de results.json (page results.html) et à la "
                    "cellule du carnet exécuté qui l'a écrite.",
           "key": "Clé", "value": "Valeur", "writer": "Écrite par"},
    "en": {"notes": "Sources of the figures", "cell": "cell", "written": "written by",
           "intro": "Every number of the report refers to its results.json key (page results.html) and to the "
                    "cell of the executed notebook that wrote it.",
           "key": "Key", "value": "Value", "writer": "Written by"},
}


def page_name(notebook: str | Path) -> str:
    """The HTML page of an executed notebook: ``02_response_bias.ipynb`` -> ``02_response_bias.html``."""
    return Path(notebook).name.removesuffix(".ipynb") + ".html"


def cell_anchor(cell_id: str) -> str:
    """The fragment of a cell in a notebook's page (nbconvert's ``id="cell-id=<id>"``)."""
    return f"cell-id={cell_id}"


def key_anchor(key: str) -> str:
    """The fragment of a key's row in ``results.html``."""
    return f"key-{key}"


def writer_of(key: str, writers: Mapping[str, Mapping[str, str]]) -> Mapping[str, str]:
    """The notebook and cell that wrote ``key`` (the writer of its section).

    Raises
    ------
    KeyError
        If no executed notebook records writing the key's section.
    """
    section = key.split("/", 1)[0]
    if section not in writers:
        raise KeyError(f"no executed notebook records writing section {section!r} of {RESULTS_NAME} (key {key})")
    return writers[section]


def cell_link(writer: Mapping[str, str]) -> str:
    """The address of a writer's cell in its notebook's page."""
    return f"{page_name(writer['notebook'])}#{cell_anchor(writer['cell'])}"


def link_numbers(soup: Any, results: Mapping[str, Any], writers: Mapping[str, Mapping[str, str]],
                 lang: str) -> list[tuple[str, ...]]:
    """Turn every ``span.traced`` of ``soup`` into a link to its cell and a numbered note, in place.

    Parameters
    ----------
    soup
        The report page (BeautifulSoup).
    results
        The wave's results, where every key must exist.
    writers
        :func:`helpers.report.results.writers` of the wave.
    lang
        The report's language.

    Returns
    -------
    list of tuple of str
        The notes in order: the keys each one names.

    Raises
    ------
    InputError
        If a number names a key that the results lack or whose section no notebook records writing.
    """
    notes: dict[tuple[str, ...], int] = {}
    words = TEXTS[lang]
    for span in soup.find_all("span", class_="traced"):
        keys = tuple(span["data-key"].split(KEY_SEPARATOR))
        if all(key.startswith(CODEBOOK_KEY) for key in keys):
            # Published figures come from the codebook, not from a notebook: named, not linked.
            span["class"], span["title"] = "sourced", ", ".join(keys)
            continue
        for key in keys:
            try:
                lookup(results, key)
                writer_of(key, writers)
            except (KeyError, IndexError, TypeError) as error:
                raise InputError(RESULTS_NAME, f"the report states {span.get_text()!r} from key {key!r}, "
                                               f"which cannot be traced: {error}") from error
        number = notes.setdefault(keys, len(notes) + 1)
        writer = writer_of(keys[-1], writers)
        link = soup.new_tag("a", attrs={
            "class": "traced", "href": cell_link(writer), "data-key": KEY_SEPARATOR.join(keys),
            "data-value": span.get("data-value", ""),
            "title": f"{RESULTS_NAME} : {', '.join(keys)} — {writer['notebook']}, {words['cell']} {writer['cell']}"})
        link.string = span.get_text()
        reference = soup.new_tag("sup", attrs={"class": "ref"})
        anchor = soup.new_tag("a", attrs={"href": f"#note-{number}"})
        anchor.string = str(number)
        reference.append(anchor)
        span.replace_with(link)
        link.insert_after(reference)
    return list(notes)


def notes_html(notes: list[tuple[str, ...]], writers: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """The report's last section: each note's keys, linked to ``results.html`` and to the cell that wrote them."""
    words = TEXTS[lang]
    items = []
    for number, keys in enumerate(notes, start=1):
        parts = []
        for key in keys:
            writer = writer_of(key, writers)
            parts.append(f'<a href="{RESULTS_PAGE}#{html.escape(key_anchor(key))}"><code>{html.escape(key)}</code></a>'
                         f' ({words["written"]} <a href="{cell_link(writer)}">{html.escape(writer["notebook"])}, '
                         f'{words["cell"]} {html.escape(writer["cell"])}</a>)')
        items.append(f'<li id="note-{number}">{"; ".join(parts)}</li>')
    return (f'<h2 id="notes">{words["notes"]}</h2>\n<p>{words["intro"]}</p>\n<ol class="notes">\n'
            + "\n".join(items) + "\n</ol>")


def _leaves(value: Any, key: str = ""):
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, f"{key}/{name}" if key else str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{key}/{index}")
    else:
        yield key, value


def results_page(results: Mapping[str, Any], writers: Mapping[str, Mapping[str, str]], lang: str) -> str:
    """The body of ``results.html``: every key of the results with its value and the cell that wrote it."""
    words = TEXTS[lang]
    rows = []
    for key, value in _leaves(results):
        section = key.split("/", 1)[0]
        writer = writers.get(section)
        written = (f'<a href="{cell_link(writer)}">{html.escape(writer["notebook"])}, {words["cell"]} '
                   f'{html.escape(writer["cell"])}</a>' if writer else "–")
        shown = html.escape(json.dumps(value, ensure_ascii=False))
        rows.append(f'<tr id="{html.escape(key_anchor(key))}"><td><code>{html.escape(key)}</code></td>'
                    f"<td>{shown}</td><td>{written}</td></tr>")
    return (f"<h1>{RESULTS_NAME}</h1>\n<p>{words['intro']}</p>\n<table>\n<thead><tr><th>{words['key']}</th>"
            f"<th>{words['value']}</th><th>{words['writer']}</th></tr></thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>")
