"""What the step notebooks call: set-up, the figure style, auxiliary variables, weighting and its replicates,
indicators, design-based tests and quantiles, fieldwork and level of effort, coded categories in words and their
figures, non-ignorable sensitivity, leadership, year on year, the series of waves, and the smallest wave the
analysis can publish."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'adjustment': ['CELL', 'Classes', 'LONELY', 'METHODS', 'POSTSTRATUM', 'Weighting', 'build_weighting',
        'cell_labels', 'population_counts', 'reweighter', 'weighting_chain', 'weighting_classes'],
    'auxvars': ['POLITICAL_BLOCS', 'REGION_GROUPS', 'SIZE_BANDS', 'add_auxiliary'],
    'fieldwork': ['EarlyLate', 'Timing', 'break_offs', 'contact_gains', 'cumulative_estimates', 'early_late',
        'effort_trends', 'fieldwork_timing', 'response_curve'],
    'design_tests': ['TEST_COLUMNS', 'cross_tables', 'frame_tests', 'numeric_quantiles',
        'weight_adjustment_tests'],
    'figures': ['apply_style', 'finish', 'save'],
    'indicators': ['estimate_by_domain', 'estimate_shares', 'indicator_values', 'over_population'],
    'labels': ['category_label', 'labelled', 'term_label'],
    'leadership': ['leadership_section', 'replicate_strata'],
    'nonignorable': ['Nonignorable', 'nonignorable_shares'],
    'respondents': ['check_respondents'],
    'plots': ['category_names', 'dispositions_figure', 'r_indicators_figure', 'response_curve_figure',
        'response_rates_figure', 'weights_figure'],
    'replication': ['REPLICATE_VARIANCES', 'VARIANCES', 'Replicated', 'replicate_weighting',
        'respondent_replicates'],
    'series': ['ESTIMATE_KEYS', 'Wave', 'earlier_years', 'panel', 'read_wave', 'series_changes', 'series_estimates',
        'series_spans'],
    'setup': ['Setup', 'start'],
    'trend': ['compare_waves', 'overlap_correlation', 'paired_change', 'wave_difference'],
})
