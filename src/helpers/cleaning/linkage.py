"""Linking survey submissions to frame units: by identifier, else by name and type.

Respondents type their authority's name freely ("CA du Grand Evreux",
"Cté d'agglo. Grand Évreux", "VILLE DE ST-DENIS"), and the identifier column
is often blank or malformed. A name is reduced to its core (accents, case,
punctuation, usual abbreviations and words naming the type of authority
removed) and compared within the authority type the respondent chose.
"""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from helpers.cleaning.masking import mask
from helpers.inputs.textnorm import fold

ABBREVIATIONS = {
    "st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes",
    "agglo": "agglomeration", "cte": "communaute", "comm": "communaute", "cmte": "communaute",
    "dept": "departement", "dpt": "departement", "dep": "departement",
    "cg": "conseil general", "cr": "conseil regional", "ca": "communaute agglomeration",
    "cu": "communaute urbaine", "mtp": "metropole",
}
# Words that name the kind of authority or join words: they carry no identity.
TYPE_WORDS = frozenset(
    "communaute agglomeration urbaine metropole ville mairie commune conseil general regional "
    "departement departemental region collectivite territoriale de du des d la le les l".split()
)
COMPATIBLE_TYPES = {"metropole": {"metropole", "communaute_urbaine"},
                    "communaute_urbaine": {"metropole", "communaute_urbaine"}}
SIREN = re.compile(r"\d{9}")


def core_name(name: str) -> str:
    """The identifying part of an authority's name.

    Examples
    --------
    >>> core_name("Cté d'agglo. du Grand-Évreux")
    'grand evreux'
    >>> core_name("VILLE DE ST-DENIS")
    'saint denis'
    """
    words = []
    for word in fold(name).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return " ".join(word for word in words if word not in TYPE_WORDS)


def clean_identifier(value: str) -> str | None:
    """The 9-digit identifier in ``value`` once spaces and dots are removed, else ``None``."""
    compact = re.sub(r"[\s.\u00a0-]", "", value or "")
    return compact if SIREN.fullmatch(compact) else None


def _candidates(frame_keys: pd.DataFrame, unit_type: str | None) -> pd.DataFrame:
    if unit_type is None:
        return frame_keys
    return frame_keys[frame_keys["type"].isin(COMPATIBLE_TYPES.get(unit_type, {unit_type}))]


def link_submissions(submissions: pd.DataFrame, frame: pd.DataFrame, fuzzy_cutoff: float) -> pd.DataFrame:
    """Find the frame unit of each submission.

    Parameters
    ----------
    submissions
        One row per submission with columns ``raw_unit_id`` (as typed),
        ``authority_name`` (as typed) and ``authority_type`` (a frame type
        vocabulary value, or missing when the respondent gave none).
    frame
        The frame, indexed by ``unit_id``, with ``name`` and ``type``.
    fuzzy_cutoff
        Lowest :class:`difflib.SequenceMatcher` ratio between core names for a
        fuzzy match; the best candidate must also be the only one that close.

    Returns
    -------
    pandas.DataFrame
        Same index as ``submissions``; columns ``unit_id`` (missing when
        unmatched), ``match_method`` (``identifier``, ``name``,
        ``name_fuzzy`` or ``unmatched``) and ``match_detail`` (why).
    """
    frame_keys = pd.DataFrame({"type": frame["type"], "key": frame["name"].map(core_name)}, index=frame.index)
    results = []
    for index, row in submissions.iterrows():
        identifier = clean_identifier(row["raw_unit_id"])
        unit_type = row["authority_type"] if isinstance(row["authority_type"], str) else None
        typed = (row["raw_unit_id"] or "").strip()
        if identifier is not None and identifier in frame.index:
            detail = "" if identifier == typed else f"identifier {typed!r} read as {identifier}"
            results.append((identifier, "identifier", detail))
            continue
        if typed:
            # A malformed identifier may be anything the respondent typed there (an e-mail, a phone): masked.
            reason = (f"identifier {typed!r} not in the frame; " if identifier
                      else f"identifier {mask(typed)} malformed; ")
        else:
            reason = "no identifier; "
        candidates = _candidates(frame_keys, unit_type)
        key = core_name(row["authority_name"] or "")
        exact = candidates.index[candidates["key"] == key]
        if key and len(exact) == 1:
            results.append((exact[0], "name", reason + "matched by name and type"))
            continue
        if key and len(exact) > 1:
            results.append((None, "unmatched", reason + f"name matches {len(exact)} units: {sorted(exact)}"))
            continue
        ratios = np.array([difflib.SequenceMatcher(None, key, other).ratio() for other in candidates["key"]])
        close = np.flatnonzero(ratios >= fuzzy_cutoff)
        if key and len(close) == 1:
            unit = candidates.index[close[0]]
            results.append((unit, "name_fuzzy", reason + f"name similarity {ratios[close[0]]:.2f}"))
        elif len(close) > 1:
            results.append((None, "unmatched", reason + f"name close to {len(close)} units"))
        else:
            results.append((None, "unmatched", reason + "no frame unit of this type has this name"))
    return pd.DataFrame(results, index=submissions.index, columns=["unit_id", "match_method", "match_detail"])
