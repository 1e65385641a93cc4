"""Linking submissions to frame units by identifier, name and type."""

import pandas as pd
import pytest

from helpers.cleaning.linkage import clean_identifier, core_name, link_submissions


@pytest.mark.parametrize("typed, frame_name", [
    ("CA du Grand Evreux", "Communauté d'agglomération du Grand Évreux"),
    ("Cté d'agglo. Grand-Évreux", "Communauté d'agglomération du Grand Évreux"),
    ("Communauté d'agglo. du grand evreux", "Communauté d'agglomération du Grand Évreux"),
    ("VILLE DE ST-DENIS", "Saint-Denis"),
    ("Mairie de Saint Denis", "Saint-Denis"),
    ("Conseil général du Nord", "Nord"),
    ("Dépt du Nord", "Nord"),
    ("Conseil régional d'Ile de France", "Île-de-France"),
    ("Châlons-en-Champagne", "CHALONS EN CHAMPAGNE"),
])
def test_core_names_agree_across_spellings(typed, frame_name):
    assert core_name(typed) == core_name(frame_name)


@pytest.mark.parametrize("typed, expected", [
    ("200000001", "200000001"), (" 200 000 001 ", "200000001"), ("200.000.001", "200000001"),
    ("20000001", None), ("2000000O1", None), ("", None),
])
def test_clean_identifier(typed, expected):
    assert clean_identifier(typed) == expected


@pytest.fixture
def frame():
    return pd.DataFrame({
        "name": ["Communauté d'agglomération du Grand Évreux", "Évreux", "Saint-Denis", "Saint-Denis",
                 "Communauté urbaine de Lyon", "Métropole Nice Côte d'Azur", "Saint-Quentin"],
        "type": ["communaute_agglomeration", "commune", "commune", "commune", "communaute_urbaine",
                 "metropole", "commune"],
    }, index=pd.Index(["200000001", "210000002", "210000003", "210000004", "200000005", "200000006",
                       "210000007"], name="unit_id"))


def _link(frame, rows, cutoff=0.9):
    submissions = pd.DataFrame(rows, columns=["raw_unit_id", "authority_name", "authority_type"])
    return link_submissions(submissions, frame, cutoff)


def test_identifier_wins_even_when_spaced(frame):
    result = _link(frame, [("210 000 002", "n'importe quoi", "commune")])
    assert result.iloc[0].tolist() == ["210000002", "identifier", "identifier '210 000 002' read as 210000002"]


def test_malformed_identifier_falls_back_to_name_within_type(frame):
    result = _link(frame, [("2100002", "CA du Grand Evreux", "communaute_agglomeration"),
                           ("", "Ville d'Evreux", "commune")])
    assert result["unit_id"].tolist() == ["200000001", "210000002"]
    assert result["match_method"].tolist() == ["name", "name"]
    assert result["match_detail"].iloc[0].startswith("identifier '210…' malformed")


def test_identifier_not_in_frame_falls_back_to_name(frame):
    result = _link(frame, [("999999999", "Évreux", "commune")])
    assert result.iloc[0]["unit_id"] == "210000002"
    assert "not in the frame" in result.iloc[0]["match_detail"]


def test_fuzzy_match_only_when_unique(frame):
    result = _link(frame, [("", "Saint-Quentn", "commune")])
    assert result.iloc[0][["unit_id", "match_method"]].tolist() == ["210000007", "name_fuzzy"]


def test_homonyms_are_reported_not_guessed(frame):
    result = _link(frame, [("", "Saint-Denis", "commune")])
    assert result.iloc[0]["match_method"] == "unmatched"
    assert "matches 2 units" in result.iloc[0]["match_detail"]


def test_outside_the_frame_is_unmatched(frame):
    result = _link(frame, [("", "Syndicat mixte du numérique", "communaute_agglomeration")])
    assert result.iloc[0]["unit_id"] is None
    assert result.iloc[0]["match_method"] == "unmatched"


def test_metropole_and_communaute_urbaine_are_interchangeable(frame):
    result = _link(frame, [("", "Nice Côte d'Azur", "communaute_urbaine")])
    assert result.iloc[0]["unit_id"] == "200000006"


def test_missing_type_searches_every_type(frame):
    result = _link(frame, [("", "Communauté d'agglo du Grand Évreux", None)])
    assert result.iloc[0]["unit_id"] == "200000001"
