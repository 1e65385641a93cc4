"""Collapsing small weighting classes: the rule and its log.

A weighting class (a cell of the non-response adjustment, a post-stratum, a
category of a raking margin) fails when it has fewer respondents than
``min_respondents`` or when its adjustment factor, the weighted count of its
eligible units over that of its respondents, exceeds ``max_adjustment``
(infinite for a class without respondent). While a class fails, the failing
class with the fewest respondents (then the largest factor, then the first
in the order) is merged with its nearest class in the stated order: the next
one, or the previous one for the last class. Merged classes keep their place
in the order, so a merge can be merged again. The rule stops when no class
fails; if the classes are all merged into one and it still fails, it raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["LOG_COLUMNS", "Collapse", "collapse_classes"]

LOG_COLUMNS = ["classes", "class", "respondents", "eligible", "adjustment", "reason", "merged_with", "into"]
JOIN = " + "


@dataclass(frozen=True)
class Collapse:
    """The classes after collapsing, and what was merged.

    Attributes
    ----------
    mapping
        Original class label -> label of its collapsed class (the members
        joined by ``" + "`` in the stated order; unchanged when not merged).
    log
        One row per merge, in the order they were made (columns
        :data:`LOG_COLUMNS`): the classes' name, the failing class, its
        respondents, eligible units and adjustment factor (NaN without
        respondent), why it failed,
        the class it was merged with, and the label of the merged class.
    """

    mapping: dict[str, str]
    log: pd.DataFrame


def collapse_classes(labels: pd.Series, respondent: object, order: Sequence[str], *, min_respondents: int = 1,
                     max_adjustment: float | None = None, weights: object | None = None) -> Collapse:
    """Collapse failing weighting classes with their nearest class in ``order``.

    Parameters
    ----------
    labels
        Class label of every eligible unit (a named Series; the name appears
        in the log and in errors).
    respondent
        Boolean array, True for respondents.
    order
        Every class label, in the order in which neighbours are found.
    min_respondents
        Fewest respondents a class may have (at least 1).
    max_adjustment
        Largest adjustment factor a class may have (above 1); ``None``: no limit.
    weights
        Base weights of the units for the adjustment factors (default 1).

    Returns
    -------
    Collapse

    Raises
    ------
    ValueError
        If ``order`` misses a class of ``labels`` or names one that is not
        there, the thresholds are out of range, or even the single class of
        all units fails the rule.
    """
    name = str(labels.name) if labels.name is not None else "classes"
    if min_respondents < 1:
        raise ValueError(f"{name}: min_respondents {min_respondents}; expected at least 1")
    if max_adjustment is not None and not max_adjustment > 1:
        raise ValueError(f"{name}: max_adjustment {max_adjustment}; expected a factor above 1")
    resp = np.asarray(respondent, dtype=bool)
    w = np.ones(len(labels)) if weights is None else np.asarray(weights, dtype=float)
    text = labels.astype(str).to_numpy()
    present = set(text)
    order = [str(label) for label in order]
    missing = sorted(present - set(order))
    unknown = [label for label in order if label not in present]
    if missing or unknown or len(set(order)) != len(order):
        raise ValueError(f"{name}: the collapsing order {order} lists {unknown or 'no'} unknown class(es), misses "
                         f"{missing or 'none'}; expected every class {sorted(present)} once")
    index = {label: k for k, label in enumerate(order)}
    codes = np.array([index[label] for label in text], dtype=int)
    eligible = np.bincount(codes, weights=w, minlength=len(order))
    responding = np.bincount(codes, weights=w * resp, minlength=len(order))
    count = np.bincount(codes[resp], minlength=len(order)).astype(int)
    groups = [[label] for label in order]
    stats = [[eligible[k], responding[k], count[k]] for k in range(len(order))]
    records = []

    def factor(k: int) -> float:
        return stats[k][0] / stats[k][1] if stats[k][1] > 0 else np.inf

    def reason(k: int) -> str | None:
        if stats[k][2] < min_respondents:
            return f"{stats[k][2]} respondent(s), fewer than {min_respondents}"
        if max_adjustment is not None and factor(k) > max_adjustment:
            return f"adjustment factor {factor(k):.3g} above {max_adjustment:g}"
        return None

    while True:
        failing = [k for k in range(len(groups)) if reason(k) is not None]
        if not failing:
            break
        k = min(failing, key=lambda j: (stats[j][2], -factor(j), j))
        if len(groups) == 1:
            raise ValueError(f"{name}: all classes pooled still fail the collapsing rule ({reason(k)}); expected "
                             f"a lower weighting.collapse.min_respondents or a higher max_adjustment")
        other = k + 1 if k + 1 < len(groups) else k - 1
        first, second = sorted((k, other))
        into = groups[first] + groups[second]
        records.append({"classes": name, "class": JOIN.join(groups[k]), "respondents": int(stats[k][2]),
                        "eligible": float(stats[k][0]),
                        "adjustment": factor(k) if stats[k][1] > 0 else np.nan, "reason": reason(k),
                        "merged_with": JOIN.join(groups[other]), "into": JOIN.join(into)})
        groups[first:second + 1] = [into]
        stats[first:second + 1] = [[a + b for a, b in zip(stats[first], stats[second])]]
    mapping = {label: JOIN.join(group) for group in groups for label in group}
    return Collapse(mapping, pd.DataFrame(records, columns=LOG_COLUMNS))
