"""Synthetic demo waves with a known truth, and the Monte Carlo validation of the methods over them.

``model`` holds the generating model's parameters, seed and random streams;
``frame`` the synthetic frame; ``population`` the latent population and true
answers; ``reforms`` the frame changes of the series of waves; ``response``
invitations, unit and item non-response, submission times; ``export`` the raw
export; ``formats`` that export as another survey tool lays it out; ``truth``
the known truth and the wave's README; ``wave`` a whole wave and the ``demo``
command; ``simulation`` the ``validate`` command. Only this package reads the
truth: the analysis never imports it.
"""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'export': ['ENCODINGS', 'LINE_ENDINGS', 'export_encoding'],
    'formats': ['FORMATS', 'export_file_bytes', 'lay_out'],
    'frame': ['read_frame_csv', 'synthetic_frame'],
    'model': ['DEFAULT_SEED', 'FIRST_YEAR', 'POP_CENTRE', 'RESPONSE_MECHANISMS', 'TRUE_ODDS_RATIO', 'YEARS',
              'fieldwork'],
    'reforms': ['change_frame', 'draw_mergers'],
    'simulation': ['ESTIMATORS', 'MECHANISMS', 'Setup', 'make_setup', 'simulate', 'summarise'],
    'truth': ['SYNTHETIC_MARKER', 'TRUTH_DIR', 'census_odds_ratio', 'read_truth'],
    'wave': ['DemoWave', 'generate_wave', 'redraw_fieldwork', 'redraw_response', 'true_answers', 'wave_codebook',
        'write_wave'],
})
