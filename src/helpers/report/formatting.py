"""Numbers, shares, intervals and dates written as French or English text.

French uses a comma for decimals, a narrow no-break space between thousands and a no-break space before
``%`` and ``;``; English uses the point, the comma and no space. Every number the report states goes
through these functions, and through :data:`FORMATS` by name in the summary and the prose templates.
Given numbers read through :func:`helpers.report.tracing.traced`, each returns a
:class:`helpers.report.tracing.TracedText` naming the results keys it states.
"""

from __future__ import annotations

import functools
import re

from helpers.report.tracing import with_sources

LANGUAGES = ("fr", "en")
NBSP = "\u00a0"  # before % and : in French
NNBSP = "\u202f"  # French thousands separator
MINUS = "\u2212"
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def _tracing(write):
    """``write`` returning a traced text when it is given traced numbers."""
    @functools.wraps(write)
    def written(*args, **kwargs):
        return with_sources(write(*args, **kwargs), (*args, *kwargs.values()))
    return written


def check_language(lang: str) -> None:
    """Refuse a report language other than ``fr`` or ``en``."""
    if lang not in LANGUAGES:
        raise ValueError(f"report language {lang!r}; expected one of {LANGUAGES}")


@_tracing
def number(value: float, lang: str = "fr", digits: int = 1) -> str:
    """A number with ``digits`` decimals: ``1 234,5`` in French, ``1,234.5`` in English.

    Parameters
    ----------
    value
        The number.
    lang
        ``fr`` or ``en``.
    digits
        Decimals shown.
    """
    check_language(lang)
    text = f"{abs(value):,.{digits}f}"
    if lang == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    negative = round(value, digits) < 0
    return f"{MINUS if negative else ''}{text}"


@_tracing
def count(value: float, lang: str = "fr") -> str:
    """A whole number with the language's thousands separator."""
    return number(round(value), lang, 0)


@_tracing
def percent(share: float, lang: str = "fr", digits: int = 1) -> str:
    """A share as a percentage: ``12,3 %`` in French (no-break space), ``12.3%`` in English."""
    return number(100 * share, lang, digits) + (f"{NBSP}%" if lang == "fr" else "%")


@_tracing
def signed(difference: float, lang: str = "fr", digits: int = 1) -> str:
    """A difference of shares in percentage points as a signed number: ``+2,3`` / ``−1.5`` (``0,0`` unsigned)."""
    text = number(100 * difference, lang, digits)
    return ("+" if not text.startswith(MINUS) and round(100 * difference, digits) != 0 else "") + text


@_tracing
def points(difference: float, lang: str = "fr", digits: int = 1) -> str:
    """A difference of shares in percentage points, signed: ``+2,3 points`` / ``−1.5 points``."""
    return f"{signed(difference, lang, digits)}{NBSP}points"


@_tracing
def interval(low: float, high: float, lang: str = "fr", level: float = 0.95, kind: str = "percent") -> str:
    """A confidence interval: ``IC à 95 % [10,1 % ; 25,3 %]`` / ``95% CI [10.1%, 25.3%]``.

    Parameters
    ----------
    low, high
        The bounds.
    lang
        ``fr`` or ``en``.
    level
        Confidence level, shown as a percentage.
    kind
        How the bounds are written: ``percent``, ``points`` or ``ratio`` (two decimals).
    """
    shown_level = percent(level, lang, 0)
    prefix = f"IC à {shown_level}" if lang == "fr" else f"{shown_level} CI"
    return f"{prefix} {bracket(low, high, lang, kind)}"


@_tracing
def bracket(low: float | None, high: float | None, lang: str = "fr", kind: str = "percent") -> str:
    """An interval's bounds alone, for a table column that names the level: ``[10,1 % ; 25,3 %]``.

    A missing bound (``None``, e.g. a bootstrap limit that does not exist) is written ``non borné``/``unbounded``.
    """
    write = {"percent": percent, "points": signed, "ratio": lambda v, lang: number(v, lang, 2)}[kind]
    separator = f"{NBSP}; " if lang == "fr" else ", "
    shown = [{"fr": "non borné", "en": "unbounded"}[lang] if bound is None else write(bound, lang)
             for bound in (low, high)]
    return f"[{shown[0]}{separator}{shown[1]}]"


@_tracing
def long_date(iso: str, lang: str = "fr") -> str:
    """An ISO date (``2012-11-16``) written out: ``16 novembre 2012`` / ``16 November 2012``."""
    check_language(lang)
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"date {iso!r}; expected YYYY-MM-DD")
    day = int(match[3])
    shown_day = "1er" if lang == "fr" and day == 1 else str(day)
    return f"{shown_day} {MONTHS[lang][int(match[2]) - 1]} {match[1]}"


@_tracing
def p_value(p: float, lang: str = "fr") -> str:
    """A p-value as a clause: ``p = 0,012`` / ``p = 0.012``, and ``p < 0,001`` below 0.001 (which three decimals
    would write as 0)."""
    check_language(lang)
    return f"p{NBSP}<{NBSP}{number(0.001, lang, 3)}" if p < 0.001 else f"p{NBSP}={NBSP}{number(p, lang, 3)}"


FORMATS = {
    "percent": percent,
    "points": points,
    "signed": signed,
    "count": count,
    "ratio": lambda value, lang: number(value, lang, 2),
    "decimal3": lambda value, lang: number(value, lang, 3),
    "level": lambda value, lang: percent(value, lang, 0),
    "year": _tracing(lambda value, lang: str(int(value))),
    "p_value": p_value,
}


def formatted_value(value: float, kind: str, lang: str = "fr") -> str:
    """``value`` written in one of the report's formats (a key of ``FORMATS``)."""
    return FORMATS[kind](value, lang)
