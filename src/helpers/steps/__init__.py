"""What the step notebooks call: set-up, auxiliary variables, weighting, indicators, sensitivity, leadership, trend."""

from importlib import import_module

# Public name -> its module. Names load on first use (PEP 562), so that importing one module of the
# package, or the package itself, does not import every module and its libraries.
_MODULES = {
    "METHODS": "adjustment", "LONELY": "adjustment", "CALIBRATED": "adjustment", "CELL": "adjustment",
    "Weighting": "adjustment", "population_counts": "adjustment", "cell_labels": "adjustment",
    "build_weighting": "adjustment", "reweighter": "adjustment",
    "TYPE_GROUPS": "auxvars", "TIERS": "auxvars", "SIZE_BANDS": "auxvars", "POLITICAL_BLOCS": "auxvars",
    "REGION_GROUPS": "auxvars", "AUXILIARY": "auxvars", "WEIGHTING_VARIABLES": "auxvars", "add_auxiliary": "auxvars",
    "indicator_values": "indicators", "korn_graubard": "indicators", "estimate_shares": "indicators",
    "estimate_by_domain": "indicators", "over_population": "indicators",
    "replicate_strata": "leadership", "leadership_section": "leadership",
    "Nonignorable": "nonignorable", "nonignorable_shares": "nonignorable",
    "Setup": "setup", "start": "setup",
    "overlap_correlation": "trend", "wave_difference": "trend", "paired_change": "trend", "compare_waves": "trend",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
