"""Text normalisation shared by answer-label and authority-name matching."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case ``text``, strip accents and reduce punctuation and spaces to single spaces.

    Examples
    --------
    >>> fold("  Communauté d'Agglo. du Grand-Évreux ")
    'communaute d agglo du grand evreux'
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", ascii_only.casefold()).strip()
