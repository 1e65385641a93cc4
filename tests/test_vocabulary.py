"""The vocabularies of units (helpers.vocabulary): complete, defined once, and used alike by the demo and real frames."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from helpers import paths, vocabulary
from helpers.demo import synthetic_frame
from helpers.demo.frame import NUANCES
from helpers.frame.build import political_group as frame_political_groups
from helpers.steps.auxvars import add_auxiliary
from helpers.vocabulary import NUANCE_GROUPS, POLITICAL_GROUPS, TIERS, TYPE_GROUPS, UNIT_TYPES, political_group

DEFINED_HERE = ("UNIT_TYPES", "TIERS", "TYPE_GROUPS", "POLITICAL_GROUPS", "NUANCE_GROUPS", "DISPLAY_LABELS",
                "UNIT_TYPE_LABELS", "TYPE_GROUP_LABELS", "TIER_LABELS", "DISPOSITION_LABELS", "SIZE_BAND_LABELS",
                "POLITICAL_GROUP_LABELS", "POLITICAL_BLOC_LABELS", "REGION_GROUP_LABELS", "METHOD_LABELS")


def test_every_unit_type_has_one_tier_and_one_type_group():
    assert tuple(TIERS) == UNIT_TYPES and tuple(TYPE_GROUPS) == UNIT_TYPES
    assert set(TIERS.values()) == {"region_departement", "intercommunal", "commune"}
    assert set(TYPE_GROUPS.values()) == {"region", "departement", "cu_metropole", "communaute_agglomeration",
                                         "commune"}


def test_type_groups_refine_tiers():
    """A type group lies within one tier, so pooling type groups into tiers loses no unit."""
    tiers_of_group = pd.Series(TIERS).groupby(pd.Series(TYPE_GROUPS)).nunique()
    assert (tiers_of_group == 1).all()


def test_nuances_map_to_political_groups():
    assert set(NUANCE_GROUPS.values()) <= set(POLITICAL_GROUPS)
    assert all(code == code.strip().upper() for code in NUANCE_GROUPS)


@pytest.mark.parametrize("nuance, group", [
    ("NC", "unknown"), ("M-NC", "right"), ("UMP", "right"), ("MODM", "centre"), (" soc ", "left"),
    ("", "unknown"), ("  ", "unknown"), ("XYZ", "other"),
])
def test_political_group(nuance, group):
    assert political_group(nuance) == group


def test_vocabularies_are_defined_once():
    """No module of the package but helpers.vocabulary assigns these names (importing them is fine)."""
    redefined = []
    for path in sorted((paths.ROOT / "src" / "helpers").rglob("*.py")):
        if path.name == "vocabulary.py" and path.parent.name == "helpers":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            redefined += [f"{path.relative_to(paths.ROOT)}: {name}" for name in names & set(DEFINED_HERE)]
    assert redefined == []


def test_demo_nuances_are_register_codes():
    codes = {code for counts in NUANCES.values() for code in counts} - {""}
    assert codes <= set(NUANCE_GROUPS)


def test_a_demo_frame_and_a_real_frame_group_the_same_nuance_alike():
    frame = synthetic_frame()
    assert frame["political_group"].tolist() == frame_political_groups(frame["nuance"]).tolist()
    assert set(frame.loc[frame["nuance"] == "M-NC", "political_group"]) == {"right"}


def test_auxiliary_variables_use_the_vocabulary():
    frame = synthetic_frame()
    auxiliary = add_auxiliary(frame)
    assert (auxiliary["tier"] == frame["type"].map(vocabulary.TIERS)).all()
    assert (auxiliary["type_group"] == frame["type"].map(vocabulary.TYPE_GROUPS)).all()
