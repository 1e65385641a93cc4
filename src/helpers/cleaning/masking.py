"""Quoting a typed value in a message or the cleaning log without carrying personal data.

A respondent may type an e-mail, a phone number or a name into any field. A
value is quoted whole only when it matches what the field expects (a 9-digit
identifier, a number, a date-time); any other value (one that failed
validation, or comes from a personal or free-text field) is shown by its first
three characters only, with ``@…`` when it holds an ``@``: ``'jea…@…'``.
"""

from __future__ import annotations

import re

SHOWN_CHARACTERS = 3


def mask(value: str) -> str:
    """The masked, quoted form of ``value``.

    Examples
    --------
    >>> mask("jean.dupont@ville.example")
    "'jea…@…'"
    >>> mask("01 23 45 67 89")
    "'01 …'"
    """
    text = value.strip()
    if len(text) <= SHOWN_CHARACTERS:
        return repr(text)
    return repr(text[:SHOWN_CHARACTERS] + "…" + ("@…" if "@" in text[SHOWN_CHARACTERS:] else ""))


def quoted(value: str, expected: re.Pattern[str] | None = None) -> str:
    """``value`` quoted whole when it matches ``expected`` (whole string), else :func:`mask`-ed."""
    if expected is not None and expected.fullmatch(value.strip()):
        return repr(value.strip())
    return mask(value)
