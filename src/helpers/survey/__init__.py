"""Survey statistics: designs and estimation, weights, AAPOR rates, representativity, comparisons, sensitivity.

With the dummy coding and the input validators the statistics share.

Pure functions of arrays and data frames: nothing here reads a file, a wave configuration or the codebook.
"""

from importlib import import_module

# Public name -> its module. Names load on first use (PEP 562), so that importing one module of the
# package, or the package itself, does not import every module and its libraries. The function
# representativity is helpers.survey.representativity.representativity: its name is the module's.
_MODULES = {
    "DispositionCounts": "aapor", "estimate_e": "aapor", "count_dispositions": "aapor", "aapor_rates": "aapor",
    "aapor_rates_by": "aapor",
    "most_frequent": "coding", "dummy_code": "coding",
    "compare_categorical": "comparison", "association_tests": "comparison", "PropensityModel": "comparison",
    "auc": "comparison", "propensity_model": "comparison",
    "Estimate": "estimation", "Design": "estimation",
    "Representativity": "representativity", "r_indicator": "representativity",
    "DEFAULT_DELTAS": "sensitivity", "ShareBounds": "sensitivity", "share_bounds": "sensitivity",
    "delta_adjusted_share": "sensitivity",
    "check_weights": "validation", "cell_codes": "validation",
    "cell_adjustment": "weighting", "poststratify": "weighting", "rake": "weighting", "rake_steps": "weighting",
    "calibrate": "weighting", "calibration_matrix": "weighting", "ResponseModel": "weighting",
    "response_model": "weighting", "propensity_weights": "weighting", "trim_weights": "weighting",
    "kish_deff": "weighting", "effective_sample_size": "weighting", "weight_summary": "weighting",
    "check_calibration": "weighting",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
