"""How the report names the frame variables its settings list (weighting cells, margins), in French and English."""

from __future__ import annotations

from collections.abc import Iterable

from helpers.report.formatting import check_language
from helpers.vocabulary import VARIABLE_LABELS as ENGLISH

VARIABLE_LABELS = {
    "fr": {"type_group": "type de collectivité", "size_band": "tranche de population",
           "political_bloc": "bloc politique de l'exécutif", "region_group": "groupe de régions (ZEAT)",
           "tier": "niveau de collectivité"},
    "en": ENGLISH,
}
"""Variable -> its name in a sentence of the report, by language (the English names are the steps')."""


def variables(codes: Iterable[str], lang: str) -> str:
    """Frame variables named in words and joined (``type de collectivité, tranche de population``); a variable
    without a label keeps its code."""
    check_language(lang)
    return ", ".join(VARIABLE_LABELS[lang].get(code, code) for code in codes)
