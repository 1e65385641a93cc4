"""Numbers that remember their ``results.json`` key, and text that remembers the numbers it states.

The report notebook reads the results through :func:`traced`: every number becomes a :class:`TracedFloat` or
:class:`TracedInt` (a ``float`` or ``int`` that behaves as one, with its ``key``, e.g.
``response_bias/rates/RR2/rate``), and every text a :class:`TracedStr` (dates are stated from them). The
report's formats (:mod:`helpers.report.formatting`) then return a :class:`TracedText` (a ``str`` with the keys
and values it states) and :func:`html_text` writes it as ``<span class="traced" data-key="..."
data-value="[...]">`` (keys joined by ``|``, values as a JSON list), which the rendering links to the key and
to the notebook cell that wrote it (:mod:`helpers.report.links`). Arithmetic gives plain numbers and joining
texts gives a plain ``str``: only a number shown as it was read (or marked :func:`derived`) is traced.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any


# A value the codebook states (the 2012 published figures), not the results: its key starts with this.
CODEBOOK_KEY = "config/codebook.yaml:"
KEY_SEPARATOR = "|"  # between the keys of a span's ``data-key`` (keys may hold spaces, never ``|``)


class TracedFloat(float):
    """A float read from ``results.json`` at ``key``."""

    key: str

    def __new__(cls, value: float, key: str) -> TracedFloat:
        number = super().__new__(cls, value)
        number.key = key
        return number


class TracedInt(int):
    """An int read from ``results.json`` at ``key``."""

    key: str

    def __new__(cls, value: int, key: str) -> TracedInt:
        number = super().__new__(cls, value)
        number.key = key
        return number


class TracedStr(str):
    """A text value (a date, a year's label) read from ``results.json`` at ``key``."""

    key: str

    def __new__(cls, value: str, key: str) -> TracedStr:
        text = super().__new__(cls, value)
        text.key = key
        return text


class TracedText(str):
    """A formatted text stating ``values`` (in order), read or computed from the results at ``keys``."""

    keys: tuple[str, ...]
    values: tuple[Any, ...]

    def __new__(cls, text: str, keys: Iterable[str], values: Iterable[Any]) -> TracedText:
        written = super().__new__(cls, text)
        written.keys, written.values = tuple(keys), tuple(values)
        return written


def traced(value: Any, key: str = "") -> Any:
    """``value`` (the parsed results, or part of them) with every number traced to its ``/``-separated key."""
    if isinstance(value, dict):
        return {name: traced(item, f"{key}/{name}" if key else str(name)) for name, item in value.items()}
    if isinstance(value, list):
        return [traced(item, f"{key}/{index}") for index, item in enumerate(value)]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return TracedInt(value, key)
    if isinstance(value, float):
        return TracedFloat(value, key)
    if type(value) is str:
        return TracedStr(value, key)
    return value


class DerivedFloat(float):
    """A number the report computes from numbers read at ``keys`` (the largest difference of two results)."""

    keys: tuple[str, ...]

    def __new__(cls, value: float, keys: Iterable[str]) -> DerivedFloat:
        number = super().__new__(cls, value)
        number.keys = tuple(keys)
        return number


def key_of(value: Any) -> str | None:
    """The results key of a traced number or text (``None`` for anything else)."""
    return value.key if isinstance(value, (TracedFloat, TracedInt, TracedStr)) else None


def keys_of(value: Any) -> tuple[str, ...]:
    """The results keys a value was read or computed from (none for a plain value)."""
    if isinstance(value, DerivedFloat):
        return value.keys
    key = key_of(value)
    return (key,) if key is not None else ()


def derived(value: float, sources: Iterable[Any]) -> float:
    """``value``, computed from the traced ``sources``, traced to their keys (a plain float if none is traced)."""
    keys = [key for source in sources for key in keys_of(source)]
    return DerivedFloat(value, keys) if keys else float(value)


def with_sources(text: str, arguments: Iterable[Any]) -> str:
    """``text`` as a :class:`TracedText` of the traced values among ``arguments`` (plain if there are none)."""
    values = [argument for argument in arguments if keys_of(argument)]
    if not values:
        return text
    return TracedText(text, [key for value in values for key in keys_of(value)],
                      [str(value) if isinstance(value, str) else int(value) if isinstance(value, int) else float(value)
                       for value in values])


class HTMLText(str):
    """A text already written as HTML (its traced values as ``span``), which :func:`html_text` keeps as it is."""


def html_text(text: Any) -> str:
    """A cell or a value as HTML: a traced text as a ``span.traced`` naming its keys and values, else escaped."""
    if isinstance(text, HTMLText):
        return str(text)
    shown = html.escape(str(text))
    if not isinstance(text, TracedText):
        return shown
    keys = html.escape(KEY_SEPARATOR.join(text.keys))
    values = html.escape(json.dumps(list(text.values), ensure_ascii=False))
    return f'<span class="traced" data-key="{keys}" data-value="{values}">{shown}</span>'


def markup(text: Any) -> Any:
    """For Markdown and HTML templates: a traced text as its ``span``, any other value unchanged."""
    return html_text(text) if isinstance(text, TracedText) else text

