"""Synthetic demo waves of the baromètre: a seeded, documented generator.

The real microdata of the barometer were never published, so the project ships
SYNTHETIC waves 2012 and 2013 written by this module (``python -m helpers demo
--year YEAR``). Everything is drawn from ``numpy.random.default_rng`` streams
derived from one seed (default :data:`DEFAULT_SEED`), so the same seed gives
byte-identical files. The 2013 wave replays the 2012 population from the same
seed and moves it on by a year.

The frame
    About 513 units with the real 2012 structure: 27 régions, 101 départements
    (real names and codes), 15 communautés urbaines and the métropole, 202
    communautés d'agglomération, 123 communes of 50,000+ (41 over 100,000) and
    45 préfectures under 50,000 (Mamoudzou, population unknown, among them).
    Populations are log-normal draws pinned to the published minimum, median
    and maximum of each type; political nuances follow the published counts by
    type, units not found in the register being "unknown". Communes and
    groupings carry synthetic names. A frame built from official files can be
    passed instead (``frame=`` / ``--frame``).

The model (all parameters are module constants, copied to the truth file)
    Latent e-maturity ``m = ALPHA_TYPE[type] + BETA_POP * lp + e``, ``e ~ N(0, 1)``,
    where ``lp = log(population / 100,000)``. Every true answer is a threshold
    of a latent ``slope * m + shifts + u`` with standard logistic ``u``, so each
    yes/no answer follows a logistic model in ``m``. Services a type does not run
    are "Non concerné" (état civil: communes only; social aid: mostly
    départements). Elected-official leadership also depends on the political
    group. Savings follow ``logit P = a + 0.7 m + 0.2 lp + log(2) * elected``:
    the true conditional odds ratio of elected leadership given ``m`` and ``lp``
    is :data:`TRUE_ODDS_RATIO` = 2. Because leadership also rises with ``m``,
    the analysis model (savings ~ elected + type group + log population), which
    cannot see ``m``, targets a larger census odds ratio, stored in the truth.

    Intercepts and thresholds are calibrated: each is set so that the share
    among the wave-2012 complete respondents equals the figure published in
    2012 (:data:`TARGETS`), then kept fixed for 2013.

    Response: starting the questionnaire follows
    ``logit P = g0 + GAMMA_TYPE[type] + GAMMA_POP * lp + GAMMA_MATURITY * m`` for
    invited units (bounced, declined and ineligible units never answer); a
    starter completes with ``logit P = 1.4 + 0.3 m``. ``g0`` is solved so that
    about 20% of the frame completes. Respondents are therefore more mature
    than non-respondents, partly beyond what type and size explain. In 2013 the
    propensity gains a shift for 2012 respondents, solved so that about half of
    them answer again while the overall rate stays near 20%.
    :func:`redraw_response` repeats the 2012 draw over the same truth, with
    this mechanism or (``mechanism="frame"``) with maturity replaced by its
    expectation given type and size, so that response is ignorable given the
    frame (used by :mod:`helpers.demo.simulation`).

    2013: populations grow slightly, ``m`` advances by 0.15 (+ N(0, 0.2)), 85% of
    units keep their 2012 answer noise (answers mostly stable) and 15% redraw it.

The export
    As a survey tool delivers it: ``;`` separator, French headers and labels
    from ``config/codebook.yaml``, 2012 in Windows-1252 with CRLF, 2013 in UTF-8
    with a BOM; French date-times, decimal commas, routing ("not asked" left
    blank), item non-response, partial submissions, duplicates, test rows,
    respondents outside the frame, authority names typed loosely and
    identifiers blank or malformed. The planted rows are listed in
    ``data/demo_truth/<year>.json``, which the analysis never reads.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers import atomic
from helpers.inputs.codebook import Codebook, Question, load_codebook
from helpers.errors import InputError
from helpers.frame.reader import FRAME_COLUMNS, UNIT_TYPES, read_frame, sort_units
from helpers.paths import DEMO_TRUTH_DIR, display, raw_dir, resolve

LOG = logging.getLogger(__name__)

DEFAULT_SEED = 20121203  # 3 December 2012, the day the first barometer was presented in Lyon
YEARS = (2012, 2013)
ENCODINGS = {2012: "cp1252", 2013: "utf-8-sig"}
LINE_ENDINGS = {2012: "\r\n", 2013: "\n"}
FIELDWORK = {2012: (datetime(2012, 9, 17), 68), 2013: (datetime(2013, 9, 16), 68)}  # start, days
SYNTHETIC_MARKER = "SYNTHETIC DEMO DATA"

TYPE_GROUPS = {"region": "region_departement", "departement": "region_departement",
               "metropole": "intercommunal", "communaute_urbaine": "intercommunal",
               "communaute_agglomeration": "intercommunal", "commune": "commune"}
POLITICAL_GROUPS = {"SOC": "left", "DVG": "left", "COM": "left", "PRG": "left", "VEC": "left",
                    "RDG": "left", "UMP": "right", "DVD": "right", "NC": "centre", "MODEM": "centre",
                    "DIV": "other", "REG": "other", "": "unknown"}

# --- model parameters -------------------------------------------------------------
POP_CENTRE = 100_000
ALPHA_TYPE = {"region": 0.3, "departement": 0.2, "metropole": 0.5, "communaute_urbaine": 0.3,
              "communaute_agglomeration": -0.3, "commune": 0.0}
BETA_POP = 0.15
GAMMA_TYPE = {"region": 0.4, "departement": 0.2, "metropole": 0.3, "communaute_urbaine": 0.3,
              "communaute_agglomeration": -0.2, "commune": 0.0}
GAMMA_POP = 0.1
GAMMA_MATURITY = 0.6
COMPLETION = (1.4, 0.3)  # logit P(complete | started) = 1.4 + 0.3 m
TARGET_COMPLETE_RATE = 0.20
TARGET_RETURN_RATE = 0.50  # share of 2012 complete respondents completing again in 2013
TRUE_ODDS_RATIO = 2.0
SAVINGS_SLOPES = {"maturity": 0.7, "log_population": 0.2}
DRIFT_2013 = {"maturity_shift": 0.15, "maturity_sd": 0.2, "keep_noise": 0.85, "population_growth": 0.005}
INVITATION_RATES = {"bounced": 0.03, "declined": 0.02}
# Response mechanisms of redraw_response: the model above, or the same through the frame only.
RESPONSE_MECHANISMS = ("maturity", "frame")
N_INELIGIBLE = 2

# Targets: shares among the 2012 complete respondents concerned (published figures where
# they exist); slope: effect of maturity on the latent answer.
TARGETS = {
    "projects_underway": (0.85, 1.2), "remote_work": (0.48, 0.8), "e_parapheur": (0.42, 0.9),
    "e_safe": (0.29, 0.7), "e_signature": (0.07, 0.8), "costs_increased": (0.04, -0.2),
    "work_organisation": (0.57, 0.7), "outsourcing": (0.12, 0.4), "pace_suits": (0.40, 0.3),
    "behind_internal": (0.46, -0.3), "behind_population": (0.16, -0.5),
    "measure_internal_usage": (0.44, 0.9), "satisfaction_survey": (0.25, 0.7),
    "measure_user_fit": (0.33, 0.7), "savings": (0.21, None),
}
DRIVER_TARGETS = {"elected": (0.60, 0.35), "general_management": (0.55, 0.2),
                  "it_department": (0.35, 0.4), "services": (0.25, 0.3), "other": (0.05, 0.0)}
ELECTED_GROUP_SHIFT = {"left": 0.4, "right": 0.0, "centre": 0.0, "other": -0.3, "unknown": 0.0}
PAYMENT_TARGETS = {"school_catering": (0.55, 0.3), "early_childhood": (0.30, 0.3),
                   "water": (0.25, 0.2), "culture_sport": (0.40, 0.3), "other": (0.15, 0.0)}
# main aim: sequential choices (share among those not taking an earlier category)
MAIN_AIM_STEPS = ((1, 0.51, -0.1), (2, 0.30 / 0.49, 0.3), (3, 0.14 / 0.19, 0.0))
# (P(>= partially), P(fully), slope, probability that the service concerns each type)
_ALL = dict.fromkeys(UNIT_TYPES, 1.0)
ORDINAL_TARGETS = {
    "demat_civil_status": (0.95, 0.30, 0.8, {**dict.fromkeys(UNIT_TYPES, 0.0), "commune": 1.0}),
    "demat_library": (0.77, 0.55, 0.8, {"region": 0.0, "departement": 0.9, "metropole": 0.6,
                                        "communaute_urbaine": 0.6, "communaute_agglomeration": 0.7,
                                        "commune": 1.0}),
    "demat_payment": (0.33, 0.10, 0.9, {**_ALL, "region": 0.3, "departement": 0.8}),
    "demat_school": (0.15, 0.05, 0.7, {"region": 0.0, "departement": 0.0, "metropole": 0.2,
                                       "communaute_urbaine": 0.2, "communaute_agglomeration": 0.4,
                                       "commune": 1.0}),
    "demat_early_childhood": (0.12, 0.04, 0.7, {"region": 0.0, "departement": 0.8, "metropole": 0.2,
                                                "communaute_urbaine": 0.2,
                                                "communaute_agglomeration": 0.5, "commune": 1.0}),
    "demat_public_space": (0.10, 0.03, 0.7, {**_ALL, "region": 0.0, "departement": 0.6,
                                             "communaute_agglomeration": 0.6}),
    "demat_social_internal": (0.75, 0.25, 0.6, {"region": 0.0, "departement": 1.0, "metropole": 0.1,
                                                "communaute_urbaine": 0.1,
                                                "communaute_agglomeration": 0.15, "commune": 0.5}),
    "demat_social_relation": (0.20, 0.05, 0.8, None),  # same services as the internal question
    "demat_assoc_internal": (0.58, 0.20, 0.7, _ALL),
    "demat_assoc_relation": (0.49, 0.15, 0.7, None),
    "digital_lead": (0.55, 0.30, 0.8, _ALL),
}
SHARED_APPLICABILITY = {"demat_social_relation": "demat_social_internal",
                        "demat_assoc_relation": "demat_assoc_internal"}
# Item non-response: P(blank), P("Ne sait pas") for closed questions; P(blank) for numerics.
ITEM_MISSING = {"default": (0.015, 0.015), "savings": (0.01, 0.04),
                "it_staff_fte": 0.08, "digital_budget_keur": 0.10}

# Special codes of the answer tables (negative, never exported as such).
NOT_ASKED, NOT_ANSWERED, DONT_KNOW, NOT_APPLICABLE = -1, -2, -3, -4

# --- frame structure (public facts, 2012) --------------------------------------------
# (insee code, name, approximate population in thousands: only its rank is used)
REGIONS = (
    ("42", "Alsace", 1850), ("72", "Aquitaine", 3250), ("83", "Auvergne", 1350),
    ("25", "Basse-Normandie", 1470), ("26", "Bourgogne", 1640), ("53", "Bretagne", 3200),
    ("24", "Centre", 2550), ("21", "Champagne-Ardenne", 1340), ("94", "Corse", 310),
    ("43", "Franche-Comté", 1170), ("23", "Haute-Normandie", 1830), ("11", "Île-de-France", 11800),
    ("91", "Languedoc-Roussillon", 2640), ("74", "Limousin", 740), ("41", "Lorraine", 2350),
    ("73", "Midi-Pyrénées", 2880), ("31", "Nord-Pas-de-Calais", 4040), ("52", "Pays de la Loire", 3570),
    ("22", "Picardie", 1910), ("54", "Poitou-Charentes", 1770),
    ("93", "Provence-Alpes-Côte d'Azur", 4900), ("82", "Rhône-Alpes", 6230),
    ("01", "Guadeloupe", 400), ("02", "Martinique", 395), ("03", "Guyane", 225),
    ("04", "La Réunion", 820), ("06", "Mayotte", 210),
)
# (code, name, région code, approximate population in thousands)
DEPARTEMENTS = (
    ("01", "Ain", "82", 600), ("02", "Aisne", "22", 540), ("03", "Allier", "83", 340),
    ("04", "Alpes-de-Haute-Provence", "93", 160), ("05", "Hautes-Alpes", "93", 135),
    ("06", "Alpes-Maritimes", "93", 1080), ("07", "Ardèche", "82", 315), ("08", "Ardennes", "21", 283),
    ("09", "Ariège", "73", 152), ("10", "Aube", "21", 303), ("11", "Aude", "91", 353),
    ("12", "Aveyron", "73", 276), ("13", "Bouches-du-Rhône", "93", 1970), ("14", "Calvados", "25", 680),
    ("15", "Cantal", "83", 148), ("16", "Charente", "54", 352), ("17", "Charente-Maritime", "54", 625),
    ("18", "Cher", "24", 312), ("19", "Corrèze", "74", 243), ("2A", "Corse-du-Sud", "94", 143),
    ("2B", "Haute-Corse", "94", 168), ("21", "Côte-d'Or", "26", 525), ("22", "Côtes-d'Armor", "53", 590),
    ("23", "Creuse", "74", 123), ("24", "Dordogne", "72", 415), ("25", "Doubs", "43", 530),
    ("26", "Drôme", "82", 485), ("27", "Eure", "23", 585), ("28", "Eure-et-Loir", "24", 430),
    ("29", "Finistère", "53", 895), ("30", "Gard", "91", 705), ("31", "Haute-Garonne", "73", 1245),
    ("32", "Gers", "73", 188), ("33", "Gironde", "72", 1450), ("34", "Hérault", "91", 1040),
    ("35", "Ille-et-Vilaine", "53", 990), ("36", "Indre", "24", 231), ("37", "Indre-et-Loire", "24", 595),
    ("38", "Isère", "82", 1210), ("39", "Jura", "43", 261), ("40", "Landes", "72", 385),
    ("41", "Loir-et-Cher", "24", 331), ("42", "Loire", "82", 750), ("43", "Haute-Loire", "83", 224),
    ("44", "Loire-Atlantique", "52", 1290), ("45", "Loiret", "24", 660), ("46", "Lot", "73", 174),
    ("47", "Lot-et-Garonne", "72", 332), ("48", "Lozère", "91", 77), ("49", "Maine-et-Loire", "52", 790),
    ("50", "Manche", "25", 499), ("51", "Marne", "21", 566), ("52", "Haute-Marne", "21", 185),
    ("53", "Mayenne", "52", 307), ("54", "Meurthe-et-Moselle", "41", 732), ("55", "Meuse", "41", 194),
    ("56", "Morbihan", "53", 730), ("57", "Moselle", "41", 1045), ("58", "Nièvre", "26", 220),
    ("59", "Nord", "31", 2570), ("60", "Oise", "22", 805), ("61", "Orne", "25", 292),
    ("62", "Pas-de-Calais", "31", 1460), ("63", "Puy-de-Dôme", "83", 630),
    ("64", "Pyrénées-Atlantiques", "72", 650), ("65", "Hautes-Pyrénées", "73", 229),
    ("66", "Pyrénées-Orientales", "91", 450), ("67", "Bas-Rhin", "42", 1100), ("68", "Haut-Rhin", "42", 750),
    ("69", "Rhône", "82", 1720), ("70", "Haute-Saône", "43", 240), ("71", "Saône-et-Loire", "26", 555),
    ("72", "Sarthe", "52", 565), ("73", "Savoie", "82", 415), ("74", "Haute-Savoie", "82", 740),
    ("75", "Paris", "11", 2210), ("76", "Seine-Maritime", "23", 1250), ("77", "Seine-et-Marne", "11", 1340),
    ("78", "Yvelines", "11", 1410), ("79", "Deux-Sèvres", "54", 368), ("80", "Somme", "22", 570),
    ("81", "Tarn", "73", 375), ("82", "Tarn-et-Garonne", "73", 240), ("83", "Var", "93", 1010),
    ("84", "Vaucluse", "93", 545), ("85", "Vendée", "52", 640), ("86", "Vienne", "54", 430),
    ("87", "Haute-Vienne", "74", 375), ("88", "Vosges", "41", 380), ("89", "Yonne", "26", 342),
    ("90", "Territoire de Belfort", "43", 143), ("91", "Essonne", "11", 1215),
    ("92", "Hauts-de-Seine", "11", 1580), ("93", "Seine-Saint-Denis", "11", 1520),
    ("94", "Val-de-Marne", "11", 1330), ("95", "Val-d'Oise", "11", 1170),
    ("971", "Guadeloupe", "01", 405), ("972", "Martinique", "02", 395), ("973", "Guyane", "03", 230),
    ("974", "La Réunion", "04", 825), ("976", "Mayotte", "06", 210),
)
N_COMMUNES_50K, N_COMMUNES_100K, N_SMALL_PREFECTURES = 123, 41, 44
# Population knots per type: (rank, value) pinned after sorting; median pinned by the middle
# rank (or the middle pair for even counts), min and max by the ends. Published 2012 values.
POPULATION_KNOTS = {
    "region": (27, 224_469, 1_842_221, 11_709_222),
    "departement": (101, 77_164, 557_177, 2_571_936),
    "communaute_urbaine": (15, 48_702, 256_966, 1_281_971),
    "communaute_agglomeration": (202, 27_971, 85_054, 486_519),
    "commune_50k": (N_COMMUNES_50K, 50_021, 74_707, 2_214_962),
    "prefecture_small": (N_SMALL_PREFECTURES, 8_461, 30_118, 49_975),
}
METROPOLE = ("Métropole Nice Côte d'Azur", "93", 530_016, "UMP")
MAMOUDZOU = ("97611", "Mamoudzou")
# Nuance counts by type (Répertoire national des élus, October 2012); "" = not found.
NUANCES = {
    "region": {"SOC": 17, "DVG": 5, "UMP": 2, "": 3},
    "departement": {"SOC": 43, "UMP": 27, "DVD": 7, "DVG": 6, "NC": 3, "RDG": 2, "PRG": 2,
                    "DIV": 1, "MODEM": 1, "": 9},
    "communaute_urbaine": {"SOC": 12, "UMP": 2, "NC": 1},
    "communaute_agglomeration": {"SOC": 74, "UMP": 58, "DVD": 17, "DVG": 12, "COM": 10, "NC": 6,
                                 "DIV": 5, "PRG": 3, "MODEM": 2, "VEC": 1, "REG": 1, "RDG": 1, "": 12},
    "commune_50k": {"SOC": 54, "UMP": 34, "COM": 9, "DVG": 6, "DVD": 4, "NC": 2, "PRG": 2,
                    "VEC": 1, "MODEM": 1, "": 10},
    "prefecture_small": {"SOC": 18, "UMP": 14, "DVD": 4, "DVG": 3, "COM": 2, "NC": 1, "PRG": 1, "": 2},
}

# --- synthetic vocabularies -----------------------------------------------------------
ROOTS = ("Beaulieu", "Montfort", "Villeneuve", "Rochefort", "Clairvaux", "Fontenay", "Beaumont",
         "Châtillon", "Ferrières", "Blanquefort", "Hérouville", "Mérinville", "Pézenac", "Lavaur",
         "Montbrison", "Bellerive", "Champfleury", "Vauréal", "Évrecy", "Écouflant", "Gréville",
         "Aubérive", "Rosières", "Chênevières", "Brévannes", "Condé", "Fréjus", "Mâcon-Neuf",
         "Pontcharra", "Vitré", "Courbevoix", "Alençay", "Orléac", "Thionval", "Besançay",
         "Ambérieu", "Épinac", "Sérignan", "Draguillan", "Quimperlé", "Lannévez", "Morlaise",
         "Auxerrois", "Nogent", "Gisors", "Yvré", "Dreux-Vallée", "Sablé", "Créteuil", "Vénissac")
SAINTS = ("Saint-Martin", "Saint-Étienne", "Saint-Laurent", "Saint-André", "Saint-Germain",
          "Saint-Maur", "Saint-Quentin", "Saint-Brieuc", "Saint-Nazaire", "Saint-Médard",
          "Saint-Hilaire", "Saint-Priest", "Saint-Chamond", "Saint-Dizier", "Saint-Malo",
          "Saint-Raphaël", "Saint-Benoît", "Saint-Cyr", "Saint-Genis", "Saint-Jérôme",
          "Sainte-Geneviève", "Sainte-Marie", "Sainte-Foy", "Sainte-Luce", "Sainte-Anne")
ARTICLED = ("Le Plessis", "Le Chesnay", "Le Pré", "Le Mée", "La Roche", "La Garenne", "La Chapelle",
            "La Tremblade", "Les Sables", "Les Mureaux", "L'Isle", "L'Haÿ", "L'Étang", "L'Orée",
            "Les Pavillons", "La Ferté")
SUFFIXES = ("-sur-Loire", "-sur-Seine", "-sur-Marne", "-sur-Rhône", "-sur-Garonne", "-sur-Oise",
            "-sur-Saône", "-sur-Isère", "-sur-Yon", "-lès-Bains", "-lès-Nancy", "-en-Vallée",
            "-en-Brie", "-le-Grand", "-le-Vieux", "-d'Olonne", "-d'Azur", "-d'Ascq", "-d'Armor",
            "-des-Fossés", "-de-la-Réunion", "-du-Var")
FIRST_NAMES = ("Camille", "Dominique", "Claude", "Marie", "Jean", "Sophie", "Nicolas", "Isabelle",
               "Frédéric", "Hélène", "Stéphane", "Céline", "Jérôme", "Anne-Laure", "François",
               "Nathalie", "Benoît", "Élodie", "Thierry", "Valérie")
LAST_NAMES = ("Exemple", "Fictif", "Durand-Exemple", "Martin-Fictif", "Lefèvre-Exemple", "Modèle",
              "Spécimen", "Dupont-Factice", "Bernard-Exemple", "Leroy-Fictif", "Petitjean-Modèle",
              "Moreau-Factice", "Lemaître-Exemple", "Gauthier-Fictif", "Rousseau-Spécimen")
JOB_TITLES = ("Directeur des systèmes d'information", "DSI", "Chargée de mission e-administration",
              "Chef de projet administration électronique", "DGA ressources",
              "Responsable du pôle numérique", "Directrice de la modernisation",
              "Directeur général des services", "Chef de service informatique")
COMMENTS = (
    "Projet de GRU en cours ; lancement du portail « mes démarches » prévu en 2013.",
    'Le "guichet unique" n\'est pas encore opérationnel.\nNous attendons le nouveau schéma directeur.',
    "Difficile de répondre pour l'ensemble des services ; réponses données pour la DSI mutualisée.",
    "Les économies sont réelles sur le courrier, mais pas encore mesurées.",
    'Réponses validées par la DGS.\nLa question sur le "coffre-fort" n\'est pas claire pour nous.',
    "Mutualisation avec la ville-centre en 2013 ; le budget indiqué est celui de l'agglo.",
    "Beaucoup d'élus très impliqués, mais peu de moyens côté services…",
    "Questionnaire long ; certaines réponses sont des estimations (ETP, budget).",
    'Nous utilisons une plateforme régionale ; "signature électronique" = actes au contrôle de légalité.',
    "RAS.",
)


@dataclass
class DemoWave:
    """One generated wave: the frame, the raw export and the known truth.

    Attributes
    ----------
    year, seed
        The wave and the seed it was generated from.
    frame
        The sampling frame as written to ``frame.csv`` (text columns, nullable
        integer population).
    export
        The raw export as written to ``export.csv``: one row per submission,
        every cell a string ("" when empty).
    export_bytes, frame_bytes
        The exact bytes of ``export.csv`` and ``frame.csv``.
    units
        Unit-level latent variables and true answers (maturity, response
        outcome, true codes with the negative codes of this module).
    truth
        The known truth, as written to ``data/demo_truth/<year>.json``.
    readme
        The text of the wave's ``README.md``.
    """

    year: int
    seed: int
    frame: pd.DataFrame
    export: pd.DataFrame
    export_bytes: bytes
    frame_bytes: bytes
    units: pd.DataFrame
    truth: dict
    readme: str


# --- random streams -----------------------------------------------------------------------

def _rng(seed: int, *keys: int) -> np.random.Generator:
    """Independent stream per purpose, so that one step's draws never shift another's."""
    return np.random.default_rng([seed, *keys])


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# --- the synthetic frame ----------------------------------------------------------------

def _pinned_populations(rng: np.random.Generator, n: int, low: int, median: int, high: int,
                        knots: tuple[tuple[int, int], ...] = ()) -> np.ndarray:
    """Sorted log-normal-ish draws whose min, median and max are exactly the given values.

    Sorted standard normal draws are mapped piecewise linearly (in log scale) through
    knots (rank, value); extra ``knots`` pin further order statistics.
    """
    z = np.sort(rng.standard_normal(n))
    if n % 2:
        middle = [((n - 1) // 2, median)]
    else:  # the median is the mean of the middle pair
        gap = max(1, round(median * 0.004))
        middle = [(n // 2 - 1, median - gap), (n // 2, median + gap)]
    points = sorted([(0, low), *middle, *knots, (n - 1, high)])
    log_pop = np.empty(n)
    for (r0, v0), (r1, v1) in zip(points[:-1], points[1:]):
        share = (z[r0:r1 + 1] - z[r0]) / (z[r1] - z[r0])
        log_pop[r0:r1 + 1] = np.log(v0) + share * (np.log(v1) - np.log(v0))
    pop = np.round(np.exp(log_pop)).astype(np.int64)
    for rank, value in points:
        pop[rank] = value
    return pop


def _luhn_id(rng: np.random.Generator, prefix: str, used: set[str]) -> str:
    """A 9-digit SIREN-like identifier with a valid Luhn check digit, unique in ``used``."""
    while True:
        body = prefix + "".join(rng.choice(list("0123456789"), 8 - len(prefix)))
        total = 0
        for position, digit in enumerate(reversed(body)):
            value = int(digit) * (2 if position % 2 == 0 else 1)
            total += value - 9 if value > 9 else value
        candidate = body + str((10 - total % 10) % 10)
        if candidate not in used:
            used.add(candidate)
            return candidate


def _place_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct synthetic French place names (accents, hyphens, apostrophes, Saint-)."""
    names: list[str] = []
    while len(names) < n:
        pattern = rng.integers(4)
        if pattern == 0:
            name = str(rng.choice(ROOTS))
        elif pattern == 1:
            name = str(rng.choice(ROOTS)) + str(rng.choice(SUFFIXES))
        elif pattern == 2:
            name = str(rng.choice(SAINTS)) + (str(rng.choice(SUFFIXES)) if rng.random() < 0.5 else "")
        else:
            name = str(rng.choice(ARTICLED)) + str(rng.choice(SUFFIXES))
        if name not in names:
            names.append(name)
    return names


def _of(name: str) -> str:
    """French "de" before a name: "de Lyon", "d'Évreux", "du Plessis", "des Sables"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    if name.startswith("La ") or name.startswith("L'"):
        return "de " + name
    if unicodedata.normalize("NFD", name[0])[0] in "AEIOUYH":
        return "d'" + name
    return "de " + name


def _nuances(rng: np.random.Generator, counts: dict[str, int]) -> list[str]:
    pool = [nuance for nuance, count in counts.items() for _ in range(count)]
    return list(rng.permutation(pool))


def _departement_table() -> pd.DataFrame:
    table = pd.DataFrame(DEPARTEMENTS, columns=["code", "name", "region_code", "approx"])
    regions = {code: name for code, name, _ in REGIONS}
    table["region"] = table["region_code"].map(regions)
    return table


def _by_rank(values: np.ndarray, approx: pd.Series) -> np.ndarray:
    """Assign sorted ``values`` to units in the order of their approximate size."""
    order = np.argsort(np.argsort(approx.to_numpy(), kind="stable"), kind="stable")
    return np.sort(values)[order]


def _region_rows(rng: np.random.Generator, used: set[str]) -> list[dict]:
    n, low, median, high = POPULATION_KNOTS["region"]
    table = pd.DataFrame(REGIONS, columns=["code", "name", "approx"])
    pops = _by_rank(_pinned_populations(rng, n, low, median, high), table["approx"])
    nuances = _nuances(rng, NUANCES["region"])
    return [dict(unit_id=_luhn_id(rng, "23", used), insee_code=row.code, name=row.name, type="region",
                 prefecture=0, region=row.name, region_code=row.code, population=int(pop), nuance=nu)
            for row, pop, nu in zip(table.itertuples(), pops, nuances)]


def _departement_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame) -> list[dict]:
    n, low, median, high = POPULATION_KNOTS["departement"]
    pops = _by_rank(_pinned_populations(rng, n, low, median, high), deps["approx"])
    nuances = _nuances(rng, NUANCES["departement"])
    return [dict(unit_id=_luhn_id(rng, "22", used), insee_code=row.code, name=row.name, type="departement",
                 prefecture=0, region=row.region, region_code=row.region_code, population=int(pop),
                 nuance=nu)
            for row, pop, nu in zip(deps.itertuples(), pops, nuances)]


def _pick_departements(rng: np.random.Generator, deps: pd.DataFrame, n: int) -> pd.DataFrame:
    """Départements of ``n`` seats, drawn with probability proportional to population."""
    weights = deps["approx"].to_numpy(float)
    return deps.iloc[rng.choice(len(deps), n, p=weights / weights.sum())]


def _grouping_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame,
                   places: list[str]) -> list[dict]:
    rows = []
    name, dep_region, pop, nuance = METROPOLE
    region = deps.loc[deps["region_code"] == dep_region, "region"].iloc[0]
    rows.append(dict(unit_id=_luhn_id(rng, "200", used), insee_code="", name=name, type="metropole",
                     prefecture=0, region=region, region_code=dep_region, population=pop, nuance=nuance))
    for kind, prefix, forms in (
        ("communaute_urbaine", "24", ("Communauté urbaine {of}", "Communauté urbaine du Grand {name}")),
        ("communaute_agglomeration", "24", ("Communauté d'agglomération {of}",
                                            "Communauté d'agglomération du Pays {of}",
                                            "Communauté d'agglomération des Rives {of}")),
    ):
        n, low, median, high = POPULATION_KNOTS[kind]
        pops = rng.permutation(_pinned_populations(rng, n, low, median, high))
        seats = _pick_departements(rng, deps, n)
        nuances = _nuances(rng, NUANCES[kind])
        for k in range(n):
            place = places.pop()
            form = str(rng.choice(forms)) if " " not in place else forms[0]
            seat = seats.iloc[k]
            rows.append(dict(unit_id=_luhn_id(rng, prefix, used), insee_code="",
                             name=form.format(of=_of(place), name=place), type=kind, prefecture=0,
                             region=seat["region"], region_code=seat["region_code"],
                             population=int(pops[k]), nuance=nuances[k]))
    return rows


def _commune_code(rng: np.random.Generator, dep: str, used: set[str]) -> str:
    while True:
        digits = 2 if len(dep) == 3 else 3
        code = dep + str(rng.integers(1, 10 ** digits)).zfill(digits)
        if code not in used:
            used.add(code)
            return code


def _commune_rows(rng: np.random.Generator, used: set[str], deps: pd.DataFrame,
                  places: list[str]) -> list[dict]:
    n_big, low, median, high = POPULATION_KNOTS["commune_50k"]
    big = rng.permutation(_pinned_populations(
        rng, n_big, low, median, high,
        knots=((n_big - N_COMMUNES_100K - 1, 98_700), (n_big - N_COMMUNES_100K, 101_300))))
    n_small, low, median, high = POPULATION_KNOTS["prefecture_small"]
    small = rng.permutation(_pinned_populations(rng, n_small, low, median, high))

    # One préfecture per département: Paris and Mamoudzou are fixed, the others drawn.
    others = deps[~deps["code"].isin(["75", "976"])]
    n_big_prefectures = len(deps) - n_small - 1
    weights = others["approx"].to_numpy(float)
    chosen = rng.choice(len(others), n_big_prefectures - 1, replace=False, p=weights / weights.sum())
    big_pref = pd.concat([deps[deps["code"] == "75"], others.iloc[np.sort(chosen)]])
    small_pref = others.drop(others.index[chosen])
    big_other = _pick_departements(rng, deps, n_big - len(big_pref))
    big_deps = pd.concat([big_pref, big_other])
    big[[0, int(np.argmax(big))]] = big[[int(np.argmax(big)), 0]]  # Paris is the largest commune

    nuance_big = _nuances(rng, NUANCES["commune_50k"])
    nuance_small = _nuances(rng, NUANCES["prefecture_small"])
    codes: set[str] = set()
    rows = []
    for k, dep in enumerate(big_deps.itertuples()):
        rows.append(dict(insee_code=_commune_code(rng, dep.code, codes), name=places.pop(),
                         prefecture=int(k < len(big_pref)), region=dep.region,
                         region_code=dep.region_code, population=int(big[k]), nuance=nuance_big[k]))
    for k, dep in enumerate(small_pref.itertuples()):
        rows.append(dict(insee_code=_commune_code(rng, dep.code, codes), name=places.pop(),
                         prefecture=1, region=dep.region, region_code=dep.region_code,
                         population=int(small[k]), nuance=nuance_small[k]))
    mayotte = deps[deps["code"] == "976"].iloc[0]
    rows.append(dict(insee_code=MAMOUDZOU[0], name=MAMOUDZOU[1], prefecture=1, region=mayotte["region"],
                     region_code=mayotte["region_code"], population=None,
                     nuance=str(rng.choice(["DVD", "DVG", ""]))))
    # A homonym in another département: name matching must use more than the name.
    rows[-2]["name"] = rows[1]["name"]
    rows[0].update(name="Paris", insee_code="75056")
    for row in rows:
        dep = row["insee_code"][:3] if row["insee_code"].startswith("97") else row["insee_code"][:2]
        row.update(unit_id=_luhn_id(rng, "21" + dep.replace("A", "0").replace("B", "0")[:2], used),
                   type="commune")
    return rows


def synthetic_frame(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The synthetic 2012 sampling frame (without invitation outcomes).

    Parameters
    ----------
    seed
        Seed of the frame stream.

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns :data:`helpers.frame.reader.FRAME_COLUMNS` minus
        ``invitation``, sorted by :func:`helpers.frame.reader.sort_units`.
    """
    rng = _rng(seed, 1)
    deps = _departement_table()
    used: set[str] = set()
    places = _place_names(rng, 202 + 15 + N_COMMUNES_50K + N_SMALL_PREFECTURES)
    rows = (_region_rows(rng, used) + _departement_rows(rng, used, deps)
            + _grouping_rows(rng, used, deps, places) + _commune_rows(rng, used, deps, places))
    frame = pd.DataFrame(rows)
    frame["population"] = frame["population"].astype("Int64")
    frame["political_group"] = frame["nuance"].map(POLITICAL_GROUPS)
    return sort_units(frame)


def read_frame_csv(path: str | Path) -> pd.DataFrame:
    """Read a frame in the frame format (e.g. built from the official files) for the generator.

    Parameters
    ----------
    path
        A frame file, validated by :func:`helpers.frame.reader.read_frame`;
        ``invitation`` may be absent or blank, in which case the generator
        draws it.

    Returns
    -------
    pandas.DataFrame
        The columns :data:`helpers.frame.reader.FRAME_COLUMNS`, ``prefecture`` as
        0/1, sorted by :func:`helpers.frame.reader.sort_units`.

    Raises
    ------
    InputError
        As :func:`helpers.frame.reader.read_frame`.
    """
    frame = read_frame(path, invitation_required=False).reset_index()
    return sort_units(frame[list(FRAME_COLUMNS)].astype({"prefecture": "int64"}))


def _draw_invitations(rng: np.random.Generator, frame: pd.DataFrame, ineligible: np.ndarray) -> np.ndarray:
    """Fieldwork outcome of the e-mail invitation; ``ineligible`` rows (merged CAs) stay so every wave."""
    n = len(frame)
    outcome = np.full(n, "invited", dtype=object)
    draw = rng.random(n)
    outcome[draw < INVITATION_RATES["bounced"]] = "bounced"
    declined = (draw >= INVITATION_RATES["bounced"]) & (draw < sum(INVITATION_RATES.values()))
    outcome[declined] = "declined"
    outcome[ineligible] = "ineligible"
    return outcome


def _merged_units(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    cas = np.flatnonzero(frame["type"].to_numpy() == "communaute_agglomeration")
    return rng.choice(cas, min(N_INELIGIBLE, len(cas)), replace=False)


# --- latent population and true answers -------------------------------------------------

def _log_population(frame: pd.DataFrame) -> np.ndarray:
    """log(population / 100,000); a unit without population takes its type's median."""
    pop = frame["population"].astype("Float64")
    filled = pop.fillna(pop.groupby([frame["type"], frame["prefecture"]]).transform("median"))
    filled = filled.fillna(pop.median())
    return np.log(filled.to_numpy(float) / POP_CENTRE)


def _calibrate(score: np.ndarray, mask: np.ndarray, share: float) -> float:
    """Cut-off above which exactly ``share`` of ``score[mask]`` lies (midpoint of order statistics)."""
    values = np.sort(score[mask] if mask.sum() >= 10 else score)
    k = int(round(len(values) * (1 - share)))
    k = min(max(k, 1), len(values) - 1)
    return float((values[k - 1] + values[k]) / 2)


@dataclass
class _Population:
    """Latent state of the frame units for one year."""

    maturity: np.ndarray
    log_pop: np.ndarray
    noise: dict[str, np.ndarray]
    applicable: dict[str, np.ndarray]


def _draw_population(seed: int, frame: pd.DataFrame, names: list[str]) -> _Population:
    rng = _rng(seed, 2)
    n = len(frame)
    log_pop = _log_population(frame)
    maturity = (frame["type"].map(ALPHA_TYPE).to_numpy(float) + BETA_POP * log_pop
                + rng.standard_normal(n))
    noise = {name: rng.logistic(size=n) for name in names}
    applicable = {}
    for qid, (*_, by_type) in ORDINAL_TARGETS.items():
        if by_type is not None:
            applicable[qid] = rng.random(n) < frame["type"].map(by_type).to_numpy(float)
    for qid, source in SHARED_APPLICABILITY.items():
        applicable[qid] = applicable[source]
    return _Population(maturity, log_pop, noise, applicable)


def _advance_population(seed: int, pop: _Population) -> _Population:
    """The same units a year on: higher maturity, mostly the same answer noise."""
    rng = _rng(seed, 5)
    n = len(pop.maturity)
    maturity = (pop.maturity + DRIFT_2013["maturity_shift"]
                + DRIFT_2013["maturity_sd"] * rng.standard_normal(n))
    noise = {}
    for name, values in pop.noise.items():
        fresh = rng.logistic(size=n)
        noise[name] = np.where(rng.random(n) < DRIFT_2013["keep_noise"], values, fresh)
    return _Population(maturity, pop.log_pop, noise, pop.applicable)


def _noise_names() -> list[str]:
    return ([*TARGETS, *[f"driver__{c}" for c in DRIVER_TARGETS],
             *[f"payment_services__{c}" for c in PAYMENT_TARGETS],
             *[f"main_aim__{c}" for c, *_ in MAIN_AIM_STEPS], *ORDINAL_TARGETS,
             "it_staff_fte", "digital_budget_keur", "comments"])


def _scores(frame: pd.DataFrame, pop: _Population) -> dict[str, np.ndarray]:
    """Latent answer scores (without intercepts) for every closed item."""
    m, noise = pop.maturity, pop.noise
    scores = {qid: slope * m + noise[qid] for qid, (_, slope) in TARGETS.items() if slope is not None}
    for code, (_, slope) in DRIVER_TARGETS.items():
        scores[f"driver__{code}"] = slope * m + noise[f"driver__{code}"]
    scores["driver__elected"] += frame["political_group"].map(ELECTED_GROUP_SHIFT).fillna(0).to_numpy()
    for code, (_, slope) in PAYMENT_TARGETS.items():
        scores[f"payment_services__{code}"] = slope * m + noise[f"payment_services__{code}"]
    for code, _, slope in MAIN_AIM_STEPS:
        scores[f"main_aim__{code}"] = slope * m + noise[f"main_aim__{code}"]
    for qid, (_, _, slope, _) in ORDINAL_TARGETS.items():
        scores[qid] = slope * m + noise[qid]
    scores["digital_lead"] += 0.5 * pop.log_pop
    return scores


def _item_missing(seed: int, year: int, pop: _Population, questions: list[Question]) -> dict[str, np.ndarray]:
    """Item non-response of each unit in a wave: 0 (answered), NOT_ANSWERED or DONT_KNOW.

    Drawn per unit rather than per submission so that calibration can target the
    shares among valid answers. Numeric items go missing more often in less mature units.
    """
    rng = _rng(seed, 8, year)
    n = len(pop.maturity)
    missing = {}
    for q in questions:
        draw = rng.random(n)
        if q.type == "single":
            blank, dont_know = ITEM_MISSING.get(q.id, ITEM_MISSING["default"])
            if not q.scale.dont_know:
                blank, dont_know = blank + dont_know, 0.0
            missing[q.id] = np.where(draw < blank, NOT_ANSWERED,
                                     np.where(draw < blank + dont_know, DONT_KNOW, 0))
        elif q.type == "numeric":
            missing[q.id] = np.where(draw < ITEM_MISSING[q.id] * np.exp(-0.5 * pop.maturity), NOT_ANSWERED, 0)
        elif q.type == "multi":
            missing[q.id] = np.where(draw < 0.01, NOT_ANSWERED, 0)
    return missing


def _calibrate_cutoffs(scores: dict[str, np.ndarray], pop: _Population, calib: np.ndarray,
                       missing: dict[str, np.ndarray]) -> dict:
    """Intercepts (cut-offs) giving the target shares among the calibration respondents' valid answers."""
    def valid(qid: str) -> np.ndarray:
        return calib & (missing[qid] == 0)

    cut = {qid: _calibrate(scores[qid], valid(qid), share)
           for qid, (share, slope) in TARGETS.items() if slope is not None}
    for code, (share, _) in DRIVER_TARGETS.items():
        cut[f"driver__{code}"] = _calibrate(scores[f"driver__{code}"], valid("driver"), share)
    remaining = valid("main_aim")
    for code, share, _ in MAIN_AIM_STEPS:
        key = f"main_aim__{code}"
        cut[key] = _calibrate(scores[key], remaining, share)
        remaining &= scores[key] <= cut[key]
    for qid, (any_share, full_share, _, _) in ORDINAL_TARGETS.items():
        concerned = valid(qid) & pop.applicable[qid]
        cut[qid] = (_calibrate(scores[qid], concerned, any_share),
                    _calibrate(scores[qid], concerned, full_share))
    paying = (valid("demat_payment") & valid("payment_services") & pop.applicable["demat_payment"]
              & (scores["demat_payment"] > cut["demat_payment"][0]))
    for code, (share, _) in PAYMENT_TARGETS.items():
        cut[f"payment_services__{code}"] = _calibrate(scores[f"payment_services__{code}"], paying, share)
    return cut


def _savings_score(pop: _Population, elected: np.ndarray) -> np.ndarray:
    return (SAVINGS_SLOPES["maturity"] * pop.maturity + SAVINGS_SLOPES["log_population"] * pop.log_pop
            + np.log(TRUE_ODDS_RATIO) * elected + pop.noise["savings"])


def _true_answers(frame: pd.DataFrame, pop: _Population, cut: dict) -> pd.DataFrame:
    """True codes of every unit (NOT_APPLICABLE where a service does not concern it)."""
    scores = _scores(frame, pop)
    answers = {qid: (scores[qid] > cut[qid]).astype(int)
               for qid, (_, slope) in TARGETS.items() if slope is not None}
    driver = {code: (scores[f"driver__{code}"] > cut[f"driver__{code}"]).astype(int) for code in DRIVER_TARGETS}
    # Nobody leaves "who drives it" empty: the general management is the default answer.
    driver["general_management"] |= ~np.any(list(driver.values()), axis=0)
    answers.update({f"driver__{code}": value for code, value in driver.items()})
    aim = np.full(len(frame), 4)
    for code, _, _ in reversed(MAIN_AIM_STEPS):
        aim = np.where(scores[f"main_aim__{code}"] > cut[f"main_aim__{code}"], code, aim)
    answers["main_aim"] = aim
    for qid, (low, high) in ((q, cut[q]) for q in ORDINAL_TARGETS):
        level = (scores[qid] > low).astype(int) + (scores[qid] > high).astype(int)
        answers[qid] = np.where(pop.applicable.get(qid, True), level, NOT_APPLICABLE)
    paying = np.isin(answers["demat_payment"], (1, 2))
    options = {code: (scores[f"payment_services__{code}"] > cut[f"payment_services__{code}"]).astype(int)
               for code in PAYMENT_TARGETS}
    options["other"] |= ~np.any(list(options.values()), axis=0)
    for code, value in options.items():
        answers[f"payment_services__{code}"] = np.where(paying, value, NOT_ASKED)
    answers["savings"] = (_savings_score(pop, answers["driver__elected"]) > cut["savings"]).astype(int)
    answers.update(_numeric_answers(frame, pop))
    return pd.DataFrame(answers, index=frame.index)


def _numeric_answers(frame: pd.DataFrame, pop: _Population) -> dict[str, np.ndarray]:
    """IT staff (FTE, to the half) and digital budget (k€), growing with size and maturity."""
    per_type = frame["type"].map({"region": 1.3, "departement": 1.6}).fillna(1.0).to_numpy()
    fte = np.exp(np.log(22 * per_type) + 0.75 * pop.log_pop + 0.25 * pop.maturity
                 + 0.35 * pop.noise["it_staff_fte"] / 1.8)
    fte = np.maximum(np.round(fte * 2) / 2, 0.5)
    budget = fte * np.exp(np.log(70) + 0.3 * pop.maturity + 0.4 * pop.noise["digital_budget_keur"] / 1.8)
    return {"it_staff_fte": fte, "digital_budget_keur": np.round(budget / 5) * 5}


# --- response --------------------------------------------------------------------------

def _propensity_index(frame: pd.DataFrame, pop: _Population) -> np.ndarray:
    return (frame["type"].map(GAMMA_TYPE).to_numpy(float) + GAMMA_POP * pop.log_pop
            + GAMMA_MATURITY * pop.maturity)


def _solve_shift(index: np.ndarray, completion: np.ndarray, eligible: np.ndarray, target: float) -> float:
    """Intercept ``g`` with mean(eligible * logistic(g + index) * completion) == target (bisection)."""
    low, high = -15.0, 15.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.mean(eligible * _logistic(mid + index) * completion) < target:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def _draw_response(rng: np.random.Generator, frame: pd.DataFrame, pop: _Population,
                   invitation: np.ndarray, previous: np.ndarray | None) -> tuple[np.ndarray, dict]:
    """Response outcome per unit ("complete", "partial", "none") and the response model."""
    index = _propensity_index(frame, pop)
    completion = _logistic(COMPLETION[0] + COMPLETION[1] * pop.maturity)
    invited = invitation == "invited"
    params = {"type": GAMMA_TYPE, "log_population": GAMMA_POP, "maturity": GAMMA_MATURITY,
              "completion": {"intercept": COMPLETION[0], "maturity": COMPLETION[1]}}
    if previous is None:
        params["intercept"] = _solve_shift(index, completion, invited, TARGET_COMPLETE_RATE)
        start = _logistic(params["intercept"] + index)
    else:
        before = previous == "complete"
        shift_back = _solve_shift(index[before], completion[before], invited[before], TARGET_RETURN_RATE)
        new_target = (TARGET_COMPLETE_RATE * len(frame)
                      - np.sum(invited[before] * _logistic(shift_back + index[before]) * completion[before]))
        shift_new = _solve_shift(index[~before], completion[~before], invited[~before],
                                 new_target / max((~before).sum(), 1))
        params.update(intercept=shift_new, intercept_2012_respondents=shift_back)
        start = _logistic(np.where(before, shift_back, shift_new) + index)
    started = invited & (rng.random(len(frame)) < start)
    complete = started & (rng.random(len(frame)) < completion)
    outcome = np.where(complete, "complete", np.where(started, "partial", "none"))
    return outcome, params


# --- the export ----------------------------------------------------------------------------

def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typed_name(rng: np.random.Generator, name: str, unit_type: str) -> str:
    """The authority's name as a respondent types it."""
    if unit_type == "region":
        forms = [name, f"Région {name}", f"Conseil régional {_of(name)}"]
    elif unit_type == "departement":
        forms = [name, f"Conseil général {_of(name)}", f"Dépt {name}", f"Département {_of(name)}"]
    elif unit_type == "communaute_agglomeration":
        rest = name.removeprefix("Communauté d'agglomération ")
        forms = [name, f"CA {rest}", f"Cté d'agglo {rest}", f"Communauté d'agglo. {rest}"]
    elif unit_type == "communaute_urbaine":
        forms = [name, name.replace("Communauté urbaine", "CU"), name.replace("Communauté", "Cté")]
    elif unit_type == "commune":
        forms = [name, f"Ville {_of(name)}", f"Mairie {_of(name)}", name]
    else:
        forms = [name, name.replace("Métropole", "Metropole")]
    typed = str(rng.choice(forms))
    if rng.random() < 0.5:
        typed = typed.replace("Sainte-", "Ste-").replace("Saint-", "St-")
    if rng.random() < 0.3:
        typed = _strip_accents(typed)
    case = rng.random()
    if case < 0.15:
        typed = typed.upper()
    elif case < 0.25:
        typed = typed.lower()
    return typed


def _malform_id(rng: np.random.Generator, unit_id: str, kind: str) -> str:
    if kind == "spaces":
        return f"{unit_id[:3]} {unit_id[3:6]} {unit_id[6:]}"
    if kind == "eight_digits":
        return unit_id[:-1]
    if "0" in unit_id:  # letter O typed for the digit 0
        return unit_id.replace("0", "O", 1)
    position = int(rng.integers(1, 9))
    return unit_id[:position] + "I" + unit_id[position + 1:]


def _person(rng: np.random.Generator, domain: str) -> dict[str, str]:
    first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(LAST_NAMES))
    slug = _strip_accents(f"{first}.{last}").lower().replace(" ", "")
    digits = " ".join(f"{int(x):02d}" for x in rng.integers(0, 100, 2))
    return {"last_name": last, "first_name": first, "job_title": str(rng.choice(JOB_TITLES)),
            "email": f"{slug}@{domain}.example", "phone": f"01 99 00 {digits}"}


def _domain(name: str) -> str:
    slug = _strip_accents(name).lower()
    return "".join(c if c.isalnum() else "-" for c in slug)[:30].strip("-") or "collectivite"


@dataclass
class _Submission:
    """One export row before rendering."""

    unit: int | None  # frame row, None outside the frame
    status: str
    when: datetime
    stop: int | None = None  # index of the first question left empty (partials)
    name: str = ""
    unit_id_typed: str = ""
    unit_type: str = ""
    tag: str = ""


def _fieldwork_time(rng: np.random.Generator, year: int, earliest_day: int = 0) -> datetime:
    start, days = FIELDWORK[year]
    # Responses bunch after the invitation and the two reminders (weeks 0, 3 and 7).
    day = min(days - 1, int(rng.choice([0, 21, 49, int(rng.integers(days))]) + rng.exponential(3)))
    day = max(day, earliest_day)
    return start + timedelta(days=day, seconds=int(rng.integers(8 * 3600, 19 * 3600)))


def _plan_submissions(rng: np.random.Generator, year: int, frame: pd.DataFrame, outcome: np.ndarray,
                      n_questions: int) -> tuple[list[_Submission], dict]:
    """Genuine, duplicated, test and out-of-frame submissions, and the list of planted rows."""
    subs = []
    for unit in np.flatnonzero(outcome != "none"):
        partial = outcome[unit] == "partial"
        subs.append(_Submission(int(unit), "partial" if partial else "complete", _fieldwork_time(rng, year),
                                stop=int(rng.integers(3, n_questions - 3)) if partial else None))
    completes = [s for s in subs if s.status == "complete"]
    first, second = (completes[int(k)] for k in rng.choice(len(completes), 2, replace=False))
    # Duplicate 1: a partial, then the complete. Duplicate 2: two completes (the later one kept).
    first.when = _fieldwork_time(rng, year, earliest_day=3)
    subs.append(_Submission(first.unit, "partial", first.when - timedelta(days=2, hours=3),
                            stop=int(rng.integers(3, n_questions // 2)), tag="duplicate_partial"))
    second.when = FIELDWORK[year][0] + timedelta(days=int(rng.integers(30, 55)), hours=10)
    subs.append(_Submission(second.unit, "complete", second.when - timedelta(days=int(rng.integers(5, 15))),
                            tag="duplicate_revised"))
    subs += [_Submission(None, "partial", FIELDWORK[year][0] + timedelta(hours=9, minutes=12), stop=5,
                         name="TEST", tag="test"),
             _Submission(None, "complete", FIELDWORK[year][0] + timedelta(hours=9, minutes=40),
                         name="essai questionnaire", tag="test"),
             _Submission(None, "complete", FIELDWORK[year][0] + timedelta(days=20, hours=16),
                         name="Test DSI - ne pas tenir compte", tag="test"),
             _Submission(None, "complete", _fieldwork_time(rng, year), name="Ville de Montreuil-la-Forêt",
                         unit_id_typed=_luhn_id(rng, "219", set(frame["unit_id"])), unit_type="Commune",
                         tag="out_of_frame_commune"),
             _Submission(None, "complete", _fieldwork_time(rng, year),
                         name="Syndicat mixte Numérique Val d'Essonne",
                         unit_id_typed=_luhn_id(rng, "25", set(frame["unit_id"])), tag="out_of_frame_syndicat")]
    subs.sort(key=lambda s: (s.when, s.unit if s.unit is not None else -1, s.tag))
    return subs, {"duplicates": [{"unit_id": frame["unit_id"].iloc[first.unit], "kind": "partial_then_complete"},
                                 {"unit_id": frame["unit_id"].iloc[second.unit], "kind": "two_completes"}]}


def _fill_identity(rng: np.random.Generator, subs: list[_Submission], frame: pd.DataFrame,
                   type_labels: dict[str, str]) -> None:
    """Typed names, types and identifiers (some blank or malformed) of genuine submissions."""
    genuine = [s for s in subs if s.unit is not None]
    kinds = np.array(["ok"] * len(genuine), dtype=object)
    # Duplicates keep a correct identifier so that each planted row has one reason to be planted.
    picks = rng.permutation([k for k, s in enumerate(genuine) if not s.tag])
    n_blank = max(3, int(round(0.08 * len(genuine))))
    kinds[picks[:n_blank]] = "blank"
    kinds[picks[n_blank:n_blank + 6]] = ["spaces", "spaces", "eight_digits", "eight_digits", "letters", "letters"]
    for sub, kind in zip(genuine, kinds):
        unit = frame.iloc[sub.unit]
        sub.name = _typed_name(rng, unit["name"], unit["type"])
        sub.unit_type = type_labels[unit["type"]]
        typed = {"ok": unit["unit_id"], "blank": ""}
        sub.unit_id_typed = typed[kind] if kind in typed else _malform_id(rng, unit["unit_id"], kind)
        sub.tag = sub.tag or ("" if kind == "ok" else f"id_{kind}")


def _revise(rng: np.random.Generator, answers: dict, questions: list[Question]) -> dict:
    """An earlier, since revised, complete answer: a few yes/no answers flipped."""
    revised = dict(answers)
    flips = [q.id for q in questions if q.scale is not None and q.scale.id == "oui_non" and q.id != "projects_underway"]
    for qid in rng.choice(flips, 3, replace=False):
        if revised[qid] in (0, 1):
            revised[qid] = 1 - revised[qid]
    return revised


def _reported(rng: np.random.Generator, sub: _Submission, truth: pd.DataFrame, questions: list[Question],
              missing: dict[str, np.ndarray]) -> dict:
    """What the respondent entered: item non-response, routing and break-off applied."""
    row = sub.unit if sub.unit is not None else int(rng.integers(len(truth)))
    answers = truth.iloc[row].to_dict()
    if sub.tag == "duplicate_revised":
        answers = _revise(rng, answers, questions)
    for q in questions:
        code = missing[q.id][row] if q.id in missing else 0
        if code == 0 or (q.type == "single" and answers[q.id] == NOT_APPLICABLE):
            continue
        for key in _keys(q):
            answers[key] = np.nan if q.type == "numeric" else code
    _route(answers, questions)
    if sub.stop is not None:
        for q in questions[sub.stop:]:
            for key in _keys(q):
                answers[key] = np.nan if q.type == "numeric" else NOT_ANSWERED
    answers["comments"] = ""
    if sub.stop is None and rng.random() < 0.3:
        answers["comments"] = str(rng.choice(COMMENTS))
    return answers


def _keys(question: Question) -> list[str]:
    if question.type == "multi":
        return [f"{question.id}__{o.code}" for o in question.options]
    return [question.id]


def _route(answers: dict, questions: list[Question]) -> None:
    for q in questions:
        rule = q.asked_if
        if not rule:
            continue
        if "option" in rule:
            asked = answers[f"{rule['question']}__{rule['option']}"] == 1
        else:
            asked = answers[rule["question"]] in rule["codes"]
        if not asked:
            for key in _keys(q):
                answers[key] = NOT_ASKED


def _route_table(answers: pd.DataFrame, questions: list[Question]) -> pd.DataFrame:
    """Vectorised routing of a table of true answers: questions not asked become NOT_ASKED."""
    routed = answers.copy()
    for q in questions:
        rule = q.asked_if
        if not rule:
            continue
        if "option" in rule:
            asked = routed[f"{rule['question']}__{rule['option']}"] == 1
        else:
            asked = routed[rule["question"]].isin(rule["codes"])
        for key in _keys(q):
            routed.loc[~asked, key] = NOT_ASKED
    return routed


def _render_value(q: Question, value, checked: str) -> str:
    if q.type == "numeric":
        if pd.isna(value):
            return ""
        return (f"{value:.1f}".rstrip("0").rstrip(".")).replace(".", ",")
    if q.type == "multi":
        return checked if value == 1 else ""
    value = int(value)
    if value >= 0:
        return q.scale.fr_label(value)
    if value == DONT_KNOW:
        return q.scale.dont_know[0]
    if value == NOT_APPLICABLE:
        return q.scale.not_applicable[0]
    return ""


def _render_row(sub: _Submission, response_id: int, answers: dict, codebook: Codebook,
                person: dict[str, str]) -> dict[str, str]:
    cols = codebook.export.columns
    status = {v: k for k, v in codebook.export.status_labels.items()}[sub.status]
    row = {cols["response_id"]: str(response_id),
           cols["submitted_at"]: sub.when.strftime(codebook.export.datetime_format),
           cols["status"]: status, cols["unit_id"]: sub.unit_id_typed, cols["authority_name"]: sub.name,
           cols["authority_type"]: sub.unit_type, **{cols[k]: v for k, v in person.items()}}
    for q in codebook.questions.values():
        if q.type == "text":
            row[q.column] = answers[q.id]
        elif q.type == "multi":
            for option in q.options:
                row[option.column] = _render_value(q, answers[f"{q.id}__{option.code}"],
                                                   codebook.export.multi_checked_label)
        else:
            row[q.column] = _render_value(q, answers[q.id], "")
    return row


def _export_bytes(export: pd.DataFrame, year: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=LINE_ENDINGS[year])
    writer.writerow(export.columns)
    writer.writerows(export.itertuples(index=False))
    return buffer.getvalue().encode(ENCODINGS[year])


def _build_export(seed: int, year: int, frame: pd.DataFrame, outcome: np.ndarray, truth: pd.DataFrame,
                  missing: dict[str, np.ndarray], codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The export rows, the reported answers of each row, and the planted messy rows."""
    rng = _rng(seed, 6, year)
    questions = list(codebook.questions.values())
    subs, planted = _plan_submissions(rng, year, frame, outcome, len(questions))
    type_labels = {v: k for k, v in codebook.export.authority_type_labels.items()}
    _fill_identity(rng, subs, frame, type_labels)
    rows, reported, next_id = [], [], 1
    for sub in subs:
        next_id += int(rng.choice([0, 0, 0, 1, 2]))  # ids of abandoned, never-saved sessions
        answers = _reported(rng, sub, truth, questions, missing)
        domain = _domain(sub.name) if sub.tag != "test" else "test"
        rows.append(_render_row(sub, next_id, answers, codebook, _person(rng, domain)))
        reported.append({**answers, "_id": next_id, "_unit": sub.unit, "_status": sub.status,
                         "_tag": sub.tag, "_typed_id": sub.unit_id_typed})
        next_id += 1
    export = pd.DataFrame(rows, columns=[*codebook.export.columns.values(), *codebook.question_columns()])
    reported = pd.DataFrame(reported).set_index("_id")
    planted.update(_planted_lists(reported, frame))
    for duplicate in planted["duplicates"]:
        duplicate["response_ids"] = [int(r) for r, u in planted["responses"].items() if u == duplicate["unit_id"]]
        duplicate["keep"] = duplicate["response_ids"][-1]
    return export, reported, planted


def _planted_lists(reported: pd.DataFrame, frame: pd.DataFrame) -> dict:
    ids = reported.index.to_series()
    tags = reported["_tag"]
    unit_ids = reported["_unit"].map(lambda u: frame["unit_id"].iloc[int(u)] if pd.notna(u) else None)
    malformed = [{"response_id": int(rid), "kind": tag.removeprefix("id_"), "typed": reported.at[rid, "_typed_id"],
                  "unit_id": unit_ids[rid]} for rid, tag in tags.items() if tag.startswith("id_")]
    return {
        "test": [int(r) for r in ids[tags == "test"]],
        "out_of_frame": [{"response_id": int(r), "kind": tags[r].removeprefix("out_of_frame_")}
                         for r in ids[tags.str.startswith("out_of_frame")]],
        "malformed_id": [m for m in malformed if m["kind"] != "blank"],
        "blank_id": [m["response_id"] for m in malformed if m["kind"] == "blank"],
        "responses": {str(int(r)): unit_ids[r] for r in ids},
    }


# --- truth ------------------------------------------------------------------------------

def _indicator_share(codebook: Codebook, indicator_id: str, answers: pd.DataFrame) -> tuple[float | None, int]:
    ind = codebook.indicators[indicator_id]
    values = answers[ind.column].astype(float)
    valid = values >= 0
    if not valid.any():
        return None, 0
    return round(float(values[valid].isin(ind.codes).mean()), 6), int(valid.sum())


def _census_odds_ratio(frame: pd.DataFrame, truth: pd.DataFrame, eligible: np.ndarray) -> dict:
    """exp(coef) of elected leadership in savings ~ elected + type group + log population."""
    keep = eligible & (truth["projects_underway"].to_numpy() == 1) & frame["population"].notna().to_numpy()
    data = pd.DataFrame({"elected": truth["driver__elected"].to_numpy()[keep],
                         "log_population": np.log(frame["population"].to_numpy(float)[keep])})
    groups = frame["type"].map(TYPE_GROUPS).to_numpy()[keep]
    for group in ("intercommunal", "commune"):
        if (groups == group).any():  # a partial external frame may lack a group
            data[f"type_group[{group}]"] = (groups == group).astype(float)
    fit = sm.Logit(truth["savings"].to_numpy()[keep], sm.add_constant(data)).fit(disp=0)
    return {"formula": "savings ~ elected + type_group + log(population)",
            "units": "eligible frame units with projects under way and a known population",
            "type_group_reference": "region_departement", "n": int(keep.sum()),
            "odds_ratio": round(float(np.exp(fit.params["elected"])), 6),
            "coefficients": {k: round(float(v), 6) for k, v in fit.params.items()}}


def _respondent_answers(reported: pd.DataFrame) -> pd.DataFrame:
    """One row per responding frame unit: its latest complete submission (the cleaning rule)."""
    kept = reported[(reported["_status"] == "complete") & reported["_unit"].notna()]
    return kept[~kept["_unit"].duplicated(keep="last")]


def _truth(year: int, seed: int, frame: pd.DataFrame, units: pd.DataFrame, truth_answers: pd.DataFrame,
           reported: pd.DataFrame, planted: dict, cutoffs: dict, response_params: dict,
           codebook: Codebook) -> dict:
    eligible = (frame["invitation"] != "ineligible").to_numpy()
    population = _route_table(truth_answers, list(codebook.questions.values()))[eligible]
    respondents = _respondent_answers(reported)
    frame_shares, respondent_shares = {}, {}
    for ind in codebook.indicators:
        frame_shares[ind], _ = _indicator_share(codebook, ind, population)
        share, n = _indicator_share(codebook, ind, respondents)
        respondent_shares[ind] = {"share": share, "n": n,
                                  "published_2012": codebook.indicators[ind].published_2012}
    outcome = units["outcome"]
    return {
        "synthetic": True, "year": year, "seed": seed,
        "command": f"python -m helpers demo --year {year} --seed {seed}",
        "model": {
            "maturity": {"type_shift": ALPHA_TYPE, "log_population": BETA_POP, "noise_sd": 1.0,
                         "log_population_centre": POP_CENTRE, "drift_2013": DRIFT_2013},
            "response": response_params,
            "savings": {"maturity": SAVINGS_SLOPES["maturity"], "log_population": SAVINGS_SLOPES["log_population"],
                        "elected": round(float(np.log(TRUE_ODDS_RATIO)), 6),
                        "cutoff": round(cutoffs["savings"], 6), "true_conditional_odds_ratio": TRUE_ODDS_RATIO,
                        "conditioning": ["maturity", "log_population"]},
            "elected": {"maturity": DRIVER_TARGETS["elected"][1], "political_group": ELECTED_GROUP_SHIFT,
                        "cutoff": round(cutoffs["driver__elected"], 6)},
            "cutoffs": {k: ([round(x, 6) for x in v] if isinstance(v, tuple) else round(v, 6))
                        for k, v in cutoffs.items()},
            "note": "answer = 1 when slope * maturity + shifts + logistic noise > cutoff",
        },
        "type_groups": TYPE_GROUPS,
        "census_odds_ratio": _census_odds_ratio(frame, truth_answers, eligible),
        "frame_shares": frame_shares,
        "respondent_shares": respondent_shares,
        "response": {"frame_units": len(frame), "eligible": int(eligible.sum()),
                     "complete": int((outcome == "complete").sum()), "partial": int((outcome == "partial").sum()),
                     "complete_rate": round(float((outcome == "complete").mean()), 6),
                     "invitation": {k: int(v) for k, v in frame["invitation"].value_counts().sort_index().items()}},
        "planted": planted,
        "units": {uid: {"maturity": round(float(m), 6), "outcome": o}
                  for uid, m, o in zip(units["unit_id"], units["maturity"], units["outcome"])},
    }


# --- public API --------------------------------------------------------------------------

def _frame_bytes(frame: pd.DataFrame) -> bytes:
    return frame[list(FRAME_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def generate_wave(year: int, seed: int = DEFAULT_SEED, frame: pd.DataFrame | None = None,
                  codebook: Codebook | None = None) -> DemoWave:
    """Generate one synthetic demo wave.

    Parameters
    ----------
    year
        2012 or 2013; 2013 replays the 2012 population of the same seed and frame.
    seed
        Seed of every random stream.
    frame
        A frame in the frame format (e.g. from :func:`read_frame_csv`) to use
        instead of :func:`synthetic_frame`; a missing ``invitation`` column is drawn.
    codebook
        The codebook; ``config/codebook.yaml`` by default.

    Returns
    -------
    DemoWave

    Raises
    ------
    ValueError
        If ``year`` is not a demo year.
    """
    if year not in YEARS:
        raise ValueError(f"year must be one of {YEARS}, not {year!r}")
    codebook = codebook or load_codebook()
    base = synthetic_frame(seed) if frame is None else sort_units(frame)
    pop = _draw_population(seed, base, _noise_names())
    merged = _merged_units(_rng(seed, 3), base)
    invitations = {y: _draw_invitations(_rng(seed, 3, y), base, merged) for y in YEARS}
    if frame is not None and "invitation" in frame.columns and (base["invitation"] != "").all():
        invitations = dict.fromkeys(YEARS, base["invitation"].to_numpy())
    outcome, params = _draw_response(_rng(seed, 4, 2012), base, pop, invitations[2012], None)
    questions = list(codebook.questions.values())
    missing = _item_missing(seed, 2012, pop, questions)
    cutoffs = _calibrate_cutoffs(_scores(base, pop), pop, outcome == "complete", missing)
    cutoffs["savings"] = _savings_cutoff(base, pop, cutoffs, outcome == "complete", missing)
    if year == 2013:
        pop = _advance_population(seed, pop)
        outcome, params = _draw_response(_rng(seed, 4, 2013), base, pop, invitations[2013], outcome)
        growth = np.exp(DRIFT_2013["population_growth"] + 0.004 * _rng(seed, 7).standard_normal(len(base)))
        base = base.assign(population=(base["population"].astype("Float64") * growth).round().astype("Int64"))
        missing = _item_missing(seed, 2013, pop, questions)
    base = base.assign(invitation=invitations[year])
    truth_answers = _true_answers(base, pop, cutoffs)
    export, reported, planted = _build_export(seed, year, base, outcome, truth_answers, missing, codebook)
    units = pd.concat([base[["unit_id", "type"]], truth_answers], axis=1).assign(
        maturity=pop.maturity, outcome=outcome)
    truth = _truth(year, seed, base, units, truth_answers, reported, planted, cutoffs, params, codebook)
    frame_out = base[list(FRAME_COLUMNS)]
    return DemoWave(year, seed, frame_out, export, _export_bytes(export, year), _frame_bytes(frame_out),
                    units, truth, _readme(year, seed, truth))


def redraw_response(wave: DemoWave, seed: int, mechanism: str = "maturity") -> np.ndarray:
    """Redraw who completes the questionnaire, keeping the wave's frame and truth fixed.

    The frame, the invitation outcomes, the latent maturity and every true
    answer (``wave.units``) stay as generated; only the fieldwork draw (who
    starts, who completes) is repeated with the response model of the module
    docstring and the stream of ``seed``. Repeated calls with different seeds
    give the sampling distribution of respondent-based estimates of the
    wave's fixed truth (e.g. ``wave.truth["census_odds_ratio"]``);
    ``seed=wave.seed`` reproduces ``wave.units["outcome"]``.

    Parameters
    ----------
    wave
        A 2012 wave from :func:`generate_wave` (the 2013 response model
        depends on the 2012 draw, so it is not redrawn on its own).
    seed
        Seed of the response stream.
    mechanism
        ``"maturity"`` (default): the wave's own response model, where
        starting and completing depend on each unit's latent maturity, hence
        on its answers, beyond type and size. ``"frame"``: the same model with
        each unit's maturity replaced by its expectation given the frame,
        ``ALPHA_TYPE[type] + BETA_POP * lp``, so that response depends on type
        and size only (missing at random given the frame, with about the same
        gradients by type and size); the intercept is solved again for about
        20% complete.

    Returns
    -------
    numpy.ndarray
        Outcome per frame unit: "complete", "partial" or "none".

    Raises
    ------
    ValueError
        If ``wave`` is not a 2012 wave or ``mechanism`` is unknown.
    """
    if wave.year != 2012:
        raise ValueError(f"wave: year {wave.year}; only the 2012 response draw can be redrawn on its own")
    if mechanism not in RESPONSE_MECHANISMS:
        raise ValueError(f"mechanism must be one of {RESPONSE_MECHANISMS}, not {mechanism!r}")
    log_pop = _log_population(wave.frame)
    maturity = wave.units["maturity"].to_numpy(float)
    if mechanism == "frame":
        maturity = wave.frame["type"].map(ALPHA_TYPE).to_numpy(float) + BETA_POP * log_pop
    pop = _Population(maturity, log_pop, {}, {})
    outcome, _ = _draw_response(_rng(seed, 4, 2012), wave.frame, pop, wave.frame["invitation"].to_numpy(), None)
    return outcome


def true_answers(wave: DemoWave, codebook: Codebook | None = None) -> pd.DataFrame:
    """Every frame unit's true answers as the cleaning step would record them.

    Routing is applied and the special codes (not asked, not applicable) become
    missing, so that :func:`helpers.steps.indicators.indicator_values` gives each
    unit's true indicator values; their means over the eligible units are the
    truth's ``frame_shares``.

    Parameters
    ----------
    wave
        A generated wave.
    codebook
        The codebook; ``config/codebook.yaml`` by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``unit_id``: one float column per answer column (no
        numeric questions), NaN where the unit has no valid answer.
    """
    codebook = codebook or load_codebook()
    questions = [q for q in codebook.questions.values() if q.type not in ("numeric", "text")]
    units = wave.units.set_index("unit_id")
    columns = [key for q in questions for key in _keys(q)]
    routed = _route_table(units[columns], questions).astype(float)
    return routed.where(routed >= 0)


def _savings_cutoff(frame: pd.DataFrame, pop: _Population, cutoffs: dict, calib: np.ndarray,
                    missing: dict[str, np.ndarray]) -> float:
    """Savings cut-off: target share among calibration respondents asked (projects under way)."""
    answers = _true_answers(frame, pop, {**cutoffs, "savings": 0.0})
    asked = (calib & (answers["projects_underway"].to_numpy() == 1) & (missing["projects_underway"] == 0)
             & (missing["savings"] == 0))
    return _calibrate(_savings_score(pop, answers["driver__elected"].to_numpy()), asked, TARGETS["savings"][0])


def _readme(year: int, seed: int, truth: dict) -> str:
    planted = truth["planted"]
    response = truth["response"]
    return f"""# {SYNTHETIC_MARKER}: baromètre e-services, wave {year}

**These files are SYNTHETIC. They are not the barometer's microdata (which were never
published) and describe no real authority's answers.** Région and département names are
real; communes and intercommunal groupings carry invented names; every person, e-mail
(`.example` domains) and telephone number (`01 99 00 …`, reserved for fiction) is fake.

Generated by `python -m helpers demo --year {year} --seed {seed}` (module `helpers.demo.generator`,
whose docstring documents the model). The same seed gives byte-identical files. The known
truth (model parameters, true shares, the census odds ratio, the planted rows) is in
`data/demo_truth/{year}.json`; the analysis never reads it, the tests do.

## Files
- `frame.csv`: the sampling frame, {response['frame_units']} units with the real 2012 structure
  (27 régions, 101 départements, 15 communautés urbaines + 1 métropole, 202 communautés
  d'agglomération, 123 communes of 50,000+, 45 préfectures under 50,000 including Mamoudzou
  with no population). UTF-8, `,`. Invitation outcomes: {response['invitation']}.
- `export.csv`: the raw export, one row per submission, as the survey tool delivers it:
  `;`, {"Windows-1252, CRLF" if year == 2012 else "UTF-8 with a BOM, LF"}; headers and labels
  from `config/codebook.yaml`.

## The model
Each unit has a latent e-maturity: standard normal, shifted by type and log population.
Every true answer is a threshold of maturity plus logistic noise (services a type does not
run are "Non concerné"). Elected-official leadership rises with maturity and for left-wing
executives; savings depend on maturity, log population and elected leadership with a true
conditional odds ratio of {TRUE_ODDS_RATIO:g}. The analysis model (savings ~ elected + type
group + log population) cannot see maturity: its census value over the eligible frame is
{truth['census_odds_ratio']['odds_ratio']:.3f}. Cut-offs are calibrated so that the 2012
complete respondents reproduce the published 2012 shares.

Response depends on type, size and maturity, so respondents are more advanced than
non-respondents beyond what the frame explains. {response['complete']} units
({response['complete_rate']:.1%}) completed, {response['partial']} stopped part-way.
{"In 2013 populations grew slightly, maturity advanced, answers are mostly stable, and about half of the 2012 respondents answered again." if year == 2013 else ""}

## Messy features planted (see the truth file for the response ids)
- partial submissions ("Incomplète") whose later questions are all empty;
- duplicates: {', '.join(d['kind'] for d in planted['duplicates'])} (keep the latest complete);
- test submissions: response ids {planted['test']};
- respondents outside the frame: {[o['kind'] for o in planted['out_of_frame']]};
- identifiers blank ({len(planted['blank_id'])} rows) or malformed ({len(planted['malformed_id'])} rows:
  spaces inside, 8 digits, letters);
- authority names typed loosely (accents dropped, case, "CA", "Cté d'agglo", "Dépt",
  "Conseil général de", "Ville de", "St"), one commune name shared by two communes;
- routing (savings asked only with projects under way; online-payment detail only when
  payment is dematerialised), "Ne sait pas", blank items, IT staff and budget with decimal
  commas and missing values, free-text comments with `;`, quotes and line breaks.
"""


def _check_overwrite(folder: Path) -> None:
    """Refuse to overwrite a folder holding real (non-demo) data."""
    readme = folder / "README.md"
    holds_data = any((folder / name).exists() for name in ("frame.csv", "export.csv"))
    if holds_data and not (readme.is_file() and SYNTHETIC_MARKER in readme.read_text(encoding="utf-8")):
        raise InputError(folder, f"holds data not marked {SYNTHETIC_MARKER!r} in README.md; "
                                 "refusing to overwrite what may be real data (use --force)")


def write_wave(wave: DemoWave, raw_dir: Path, truth_path: Path, force: bool = False) -> list[Path]:
    """Write a wave's frame, export, README and truth file.

    Parameters
    ----------
    wave
        The generated wave.
    raw_dir
        Folder of ``frame.csv``, ``export.csv`` and ``README.md``.
    truth_path
        The truth JSON file.
    force
        Overwrite a folder whose README does not mark it as demo data.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    InputError
        If ``raw_dir`` holds data not marked as synthetic and ``force`` is false.
    """
    raw_dir = Path(raw_dir)
    if not force:
        _check_overwrite(raw_dir)
    files = {raw_dir / "frame.csv": wave.frame_bytes, raw_dir / "export.csv": wave.export_bytes,
             raw_dir / "README.md": wave.readme.encode("utf-8"),
             Path(truth_path): (json.dumps(wave.truth, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}
    for path, data in files.items():
        atomic.write_bytes(path, data)
    return list(files)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m helpers demo``."""
    parser.add_argument("--year", type=int, choices=YEARS, required=True, help="demo wave")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed of every random stream (default {DEFAULT_SEED}, the committed files)")
    parser.add_argument("--out-dir", default=None, help="folder of the wave (default data/raw/<year>)")
    parser.add_argument("--truth", default=None, help="truth JSON (default data/demo_truth/<year>.json)")
    parser.add_argument("--frame", default=None,
                        help="frame CSV in the frame format to use instead of the synthetic frame")
    parser.add_argument("--force", action="store_true", help="overwrite a folder not marked as demo data")


def main(args: argparse.Namespace) -> int:
    """Generate and write one demo wave; returns the exit status."""
    started = time.perf_counter()
    frame = read_frame_csv(resolve(args.frame, Path())) if args.frame else None
    wave = generate_wave(args.year, seed=args.seed, frame=frame)
    truth_path = resolve(args.truth, DEMO_TRUTH_DIR / f"{args.year}.json")
    written = write_wave(wave, raw_dir(args.year, args.out_dir), truth_path, force=args.force)
    for path in written:
        LOG.info("wrote %s", display(path))
    LOG.info("demo wave %d (seed %d): %d frame units, %d export rows, %.1f s", args.year, args.seed,
             len(wave.frame), len(wave.export), time.perf_counter() - started)
    return 0
