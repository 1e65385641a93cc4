"""Synthetic demo waves with a known truth, and the Monte Carlo validation of the methods over them.

``model`` holds the generating model's parameters, seed and random streams;
``frame`` the synthetic frame; ``population`` the latent population and true
answers; ``response`` invitations, unit and item non-response; ``export`` the
raw export; ``truth`` the known truth and the wave's README; ``wave`` a whole
wave and the ``demo`` command; ``simulation`` the ``validate`` command. Only
this package reads the truth: the analysis never imports it.
"""

from helpers.demo.export import ENCODINGS, FIELDWORK, LINE_ENDINGS
from helpers.demo.frame import read_frame_csv, synthetic_frame
from helpers.demo.model import DEFAULT_SEED, POP_CENTRE, RESPONSE_MECHANISMS, TRUE_ODDS_RATIO, YEARS
from helpers.demo.truth import SYNTHETIC_MARKER, census_odds_ratio
from helpers.demo.wave import DemoWave, generate_wave, redraw_response, true_answers, write_wave
from helpers.demo.simulation import ESTIMATORS, MECHANISMS, Setup, make_setup, simulate, summarise

__all__ = [
    "DEFAULT_SEED", "ENCODINGS", "ESTIMATORS", "FIELDWORK", "LINE_ENDINGS", "MECHANISMS", "POP_CENTRE",
    "RESPONSE_MECHANISMS", "SYNTHETIC_MARKER", "TRUE_ODDS_RATIO", "YEARS",
    "DemoWave", "Setup", "census_odds_ratio", "generate_wave", "make_setup", "read_frame_csv", "redraw_response",
    "simulate", "summarise", "synthetic_frame", "true_answers", "write_wave",
]
