"""Step 01: recode the export, link submissions to frame units, write the processed files and read them back."""

from importlib import import_module

# Public name -> its module. Names load on first use (PEP 562), so that importing one module of the
# package, or the package itself, does not import every module and its libraries.
_MODULES = {
    "DISPOSITIONS": "clean", "NO_SUBMISSION": "clean", "LOG_COLUMNS": "clean", "CleanedWave": "clean",
    "clean_wave": "clean", "data_dictionary": "clean", "write_cleaned": "clean",
    "ABBREVIATIONS": "linkage", "TYPE_WORDS": "linkage", "COMPATIBLE_TYPES": "linkage", "SIREN": "linkage",
    "core_name": "linkage", "clean_identifier": "linkage", "link_submissions": "linkage",
    "UNIT_TEXT_COLUMNS": "processed", "read_units": "processed", "read_answers": "processed",
    "read_weights": "processed",
    "MISSING_SUFFIX": "recode", "Recoded": "recode", "value_columns": "recode", "recode_answers": "recode",
}
__all__ = sorted(_MODULES)


def __getattr__(name: str) -> object:
    if name in _MODULES:
        return getattr(import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
