"""Models for few events: survey-weighted and Firth logit, Fisher, bootstrap, imputation, power, E-values."""

from importlib import import_module

# Public name -> its module. Names load on first use (PEP 562), so that importing one module of the
# package, or the package itself, does not import every module and its libraries. The function power is
# helpers.models.power.power: its name is the module's.
_MODULES = {
    "BootstrapResult": "bootstrap", "rao_wu_weights": "bootstrap", "batched_logit": "bootstrap",
    "bootstrap_odds_ratio": "bootstrap",
    "EValue": "evalue", "e_value": "evalue",
    "FisherResult": "fisher", "fisher_exact_or": "fisher",
    "impute": "imputation", "pool": "imputation", "pool_logit": "imputation",
    "INTERCEPT": "logit", "model_matrix": "logit", "model_inputs": "logit", "LogitResult": "logit",
    "design_covariance": "logit", "survey_logit": "logit", "firth_logit": "logit", "average_marginal_effect": "logit",
    "events_per_parameter": "logit",
    "GroupRisks": "power", "group_risks": "power", "normal_power": "power",
    "minimum_detectable_odds_ratio": "power",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
