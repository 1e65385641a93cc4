"""Linking survey submissions to frame units: by identifier, else by name and type.

Respondents type their authority's name freely ("CA du Grand Evreux",
"Cté d'agglo. Grand Évreux", "VILLE DE ST-DENIS"), and the identifier column
is often blank or malformed. A name is reduced to its core (accents, case,
punctuation, usual abbreviations and words naming the type of authority
removed) and compared within the authority type the respondent chose: first
exactly, then by :func:`name_similarity`, a token-based score (rapidfuzz) that
is indifferent to word order and tolerant of a word one name adds to the other
("Champagne Troyes", "Grand Troyes Champagne" for "Troyes Champagne Métropole").
"""

from __future__ import annotations

import re

import pandas as pd
from rapidfuzz import fuzz, process

from helpers.masking import mask
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


def _token_score(typed: str, other: str, **_: object) -> float:
    # token_set_ratio alone scores 100 whenever one name's words are a subset of the other's
    # ("montreuil foret" for "montreuil"); token_sort_ratio discounts the words only one name has.
    return (fuzz.token_set_ratio(typed, other) + fuzz.token_sort_ratio(typed, other)) / 2


def name_similarity(typed: str, other: str) -> float:
    """Similarity (0-1) of two core names (:func:`core_name`): the mean of rapidfuzz's token-set and token-sort ratios.

    Word order does not count; a word that only one name has lowers the score
    without sinking it.

    Examples
    --------
    >>> name_similarity("champagne troyes", "troyes champagne")
    1.0
    >>> round(name_similarity("grand troyes champagne", "troyes champagne"), 2)
    0.92
    """
    return _token_score(typed, other) / 100


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
        Lowest :func:`name_similarity` between core names for a fuzzy match;
        the best candidate must also be the only one that close.

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
        scores = process.extract(key, candidates["key"].tolist(), scorer=_token_score, limit=None,
                                 score_cutoff=fuzzy_cutoff * 100) if key else []
        if len(scores) == 1:
            _, score, position = scores[0]
            results.append((candidates.index[position], "name_fuzzy", reason + f"name similarity {score / 100:.2f}"))
        elif len(scores) > 1:
            results.append((None, "unmatched", reason + f"name close to {len(scores)} units"))
        else:
            results.append((None, "unmatched", reason + "no frame unit of this type has this name"))
    return pd.DataFrame(results, index=submissions.index, columns=["unit_id", "match_method", "match_detail"])
