"""Models for few events: survey-weighted and Firth logit, Fisher, bootstrap, imputation, power, E-values."""

import lazy_loader

# Names load from their module on first use, so that importing one module of the package does not
# import every module and its libraries.
__getattr__, __dir__, __all__ = lazy_loader.attach(__name__, submod_attrs={
    'bootstrap': ['BootstrapResult', 'batched_logit', 'bootstrap_odds_ratio', 'rao_wu_weights'],
    'evalue': ['EValue', 'e_value'],
    'fisher': ['FisherResult', 'fisher_exact_or'],
    'imputation': ['impute', 'pool', 'pool_logit'],
    'logit': ['INTERCEPT', 'LogitResult', 'average_marginal_effect', 'design_covariance', 'events_per_parameter',
        'firth_logit', 'model_inputs', 'model_matrix', 'survey_logit'],
    'power': ['GroupRisks', 'group_risks', 'minimum_detectable_odds_ratio', 'normal_power'],
})
