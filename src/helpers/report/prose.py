"""The report's prose: French and English Jinja2 templates rendered from the results with the report's formats.

The templates are ``templates/<lang>/<section>.md.j2``: Markdown, one clause or sentence per line. A
section shown in several places of the report splits into ``{% block %}`` parts rendered one at a time.
Markdown reads a single line break as a space, so :func:`render_section` joins the lines of each paragraph:
the text is the same whatever the template's line breaks (templates therefore hold headings and paragraphs,
not lists or tables).

In a template, values are written through filters, in the template's language (``lang``):
``percent``, ``points``, ``signed``, ``count``, ``ratio``, ``decimal3``, ``level``, ``year`` and ``p_value`` (the
formats of :data:`helpers.report.formatting.FORMATS`), ``number(digits)``, ``points(digits)``, ``long_date``,
``in_sentence`` (a label inside a sentence, :func:`in_sentence`) and ``variables`` (frame variables named in
words, :func:`helpers.report.labels.variables`); and through functions:
``interval(low, high, kind="percent")`` at the context's confidence ``level``, and
``bracket(low, high, kind="percent")``. A number read through
:func:`helpers.report.tracing.traced` is written as an HTML ``span`` naming its results key (Markdown keeps
inline HTML), which the rendering links to the notebook cell that wrote it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2

from helpers.report import formatting
from helpers.report.formatting import check_language
from helpers.report.labels import variables
from helpers.report.tracing import markup

TEMPLATES_DIR = Path(__file__).with_name("templates")
SUFFIX = ".md.j2"
# A line break with text on both sides: inside a paragraph.
SOFT_BREAK = re.compile(r"(?<=[^\n])\n(?=[^\n])")


def _defined(*values: Any) -> None:
    for value in values:
        if isinstance(value, jinja2.Undefined):
            str(value)  # a strict undefined value raises the UndefinedError that names it


def _in_language(format_value):
    """A filter writing a value in the template's language with a function of ``(value, lang, ...)``."""
    @jinja2.pass_context
    def filter_(context, value, *args):
        _defined(value)
        return markup(format_value(value, context["lang"], *args))
    return filter_


@jinja2.pass_context
def _interval(context, low: float, high: float, kind: str = "percent") -> str:
    _defined(low, high)
    return markup(formatting.interval(low, high, context["lang"], context["level"], kind))


@jinja2.pass_context
def _bracket(context, low: float | None, high: float | None, kind: str = "percent") -> str:
    _defined(low, high)
    return markup(formatting.bracket(low, high, context["lang"], kind))


def in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: its first letter lower-cased unless its first word is an acronym
    (``Hausse des coûts`` -> ``hausse des coûts``; ``DSI`` and ``(APA, RSA)`` kept)."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' Jinja2 environment: strict about undefined values, block tags on their own lines."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters.update({kind: _in_language(write) for kind, write in formatting.FORMATS.items()})
    env.filters.update({"number": _in_language(formatting.number), "points": _in_language(formatting.points),
                        "long_date": _in_language(formatting.long_date), "in_sentence": in_sentence,
                        "variables": jinja2.pass_context(lambda context, codes: variables(codes, context["lang"]))})
    env.globals.update({"interval": _interval, "bracket": _bracket})
    return env


def section_names(lang: str = "fr") -> list[str]:
    """The sections that have a template in ``lang``."""
    check_language(lang)
    return sorted(path.name.removesuffix(SUFFIX) for path in (TEMPLATES_DIR / lang).glob(f"*{SUFFIX}"))


def render_section(name: str, context: Mapping[str, Any], lang: str, part: str | None = None) -> str:
    """One section of the report's prose, as Markdown, in ``lang``.

    Parameters
    ----------
    name
        The section: ``templates/<lang>/<name>.md.j2``.
    context
        The values the template states (``level`` for intervals); ``lang`` is added.
    lang
        ``fr`` or ``en``.
    part
        A ``{% block %}`` of the template to render alone; by default the whole template.

    Returns
    -------
    str
        Markdown, each paragraph on one line, without a trailing line break.

    Raises
    ------
    jinja2.TemplateNotFound
        If the section has no template in ``lang``.
    jinja2.UndefinedError
        If the template states a value the context lacks.
    KeyError
        If ``part`` is not a block of the template.
    """
    check_language(lang)
    template = environment().get_template(f"{lang}/{name}{SUFFIX}")
    values = {**context, "lang": lang}
    if part is None:
        text = template.render(values)
    else:
        text = "".join(template.blocks[part](template.new_context(values)))
    return SOFT_BREAK.sub(" ", text.strip("\n"))
