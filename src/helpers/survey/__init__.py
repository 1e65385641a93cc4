"""Survey statistics: designs and estimation, quantiles, tests of two-way tables (Rao-Scott), replicate weights and
the test of a weight adjustment, weights, AAPOR rates, level of effort, representativity, comparisons,
sensitivity.

With the dummy coding and the input validators the statistics share.

Pure functions of arrays and data frames: nothing here reads a file, a wave configuration or the codebook.
"""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'aapor': ['DispositionCounts', 'aapor_rates', 'aapor_rates_by', 'count_dispositions', 'estimate_e'],
    'coding': ['dummy_code', 'most_frequent'],
    'collapse': ['Collapse', 'LOG_COLUMNS', 'collapse_classes'],
    'comparison': ['PropensityModel', 'association_tests', 'auc', 'compare_categorical', 'propensity_model'],
    'effort': ['Trend', 'cumulative_response', 'linear_trend'],
    'estimation': ['Design', 'Estimate', 'TTest', 'korn_graubard', 'srswor_variance'],
    'quantiles': ['Quantile', 'quantile', 'weighted_quantile'],
    'replicates': ['ReplicateDesign', 'Replicates', 'brr', 'jk1', 'jkn', 'qr_rank', 'rao_wu'],
    'representativity': ['Representativity', 'r_indicator'],
    'reweighting': ['WeightAdjustmentTest', 'weight_adjustment_test'],
    'sensitivity': ['DEFAULT_DELTAS', 'ShareBounds', 'delta_adjusted_share', 'share_bounds'],
    'tables': ['RaoScott', 'rao_scott'],
    'validation': ['cell_codes', 'check_weights'],
    'weighting': ['ResponseModel', 'calibrate', 'calibration_matrix', 'cell_adjustment', 'check_calibration',
        'effective_sample_size', 'kish_deff', 'poststratify', 'propensity_weights', 'rake', 'rake_steps',
        'response_model', 'trim_weights', 'weight_summary'],
})
