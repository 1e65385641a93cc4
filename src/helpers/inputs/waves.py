"""Wave configuration: ``config/waves/<year>.yaml``, the parameters of one annual run.

The schema below is the single list of what a wave file may hold. Loading
rejects unknown keys (a misspelt key would otherwise be silently ignored),
wrong types and missing input files, naming the key or path at fault.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers import paths
from helpers.errors import InputError
from helpers.vocabulary import AUXILIARY, CALIBRATED, WEIGHTING_VARIABLES

__all__ = ["SCHEMA", "Key", "Wave", "load_wave", "wave_path"]



@dataclass(frozen=True)
class Key:
    """One key of the schema: its type(s), whether required, its default and meaning."""

    types: tuple[type, ...]
    help: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] | None = None
    items: type | None = None


SCHEMA: dict[str, Any] = {
    "year": Key((int,), "survey wave (year of fieldwork)", required=True),
    "demo": Key((bool,), "synthetic demo wave: outputs carry a banner saying so", default=False),
    "title": Key((str,), "title of the wave's report", required=True),
    "raw": {
        "frame": Key((str,), "sampling frame, relative to the wave's raw folder", default="frame.csv"),
        "export": Key((str,), "survey tool export, relative to the wave's raw folder", default="export.csv"),
    },
    "fieldwork": {
        "start": Key((dt.date,), "first day of fieldwork", required=True),
        "end": Key((dt.date,), "last day of fieldwork", required=True),
        "invitations": Key((list,), "days the e-mail invitations went out, when they went out in batches (the "
                                    "first is the first day of fieldwork); default: all on the first day",
                           items=dt.date),
        "reminders": Key((list,), "days the reminders went out, in order, within fieldwork; they mark the "
                                  "effort levels of the level-of-effort analysis (none: that analysis is "
                                  "limited to the response curve)", items=dt.date),
    },
    "cleaning": {
        "complete_threshold": Key((float,), "share of applicable core questions answered for a complete "
                                            "interview (AAPOR suggests 0.8)", default=0.8),
        "partial_threshold": Key((float,), "share below which a submission is a break-off (AAPOR suggests "
                                           "0.5)", default=0.5),
        "fuzzy_name_cutoff": Key((float,), "similarity (0-1) above which a typed authority name matches a "
                                           "frame name of the same type", default=0.9),
    },
    "weighting": {
        "primary": Key((str,), "method of the headline weighted estimates (one the bootstrap can redo)",
                       default="raking", choices=("cell", *CALIBRATED)),
        "cells": Key((list,), "frame variables crossed into weighting classes (cell adjustment, and the strata "
                              "of the variance model); [tier] when a type group has no respondent",
                        default=["type_group"], items=str, choices=WEIGHTING_VARIABLES),
        "poststrata": Key((list,), "frame variables crossed into post-strata", default=["size_band"], items=str,
                          choices=WEIGHTING_VARIABLES),
        "margins": Key((list,), "frame variables whose counts raking and calibration reproduce",
                       default=["type_group", "size_band", "political_bloc"], items=str,
                       choices=WEIGHTING_VARIABLES),
        "logit_bounds": Key((list,), "lower and upper bound of the logit calibration's weight ratios",
                            default=[0.3, 3.0], items=float),
        "propensity_covariates": Key((list,), "frame variables of the response-propensity model",
                                     default=list(AUXILIARY), items=str, choices=AUXILIARY),
        "trim_ratio": Key((float,), "cap of trimmed weights, as a multiple of the mean weight", default=3.5),
    },
    "estimation": {
        "confidence_level": Key((float,), "level of every confidence interval", default=0.95),
        "delta_grid": Key((list,), "odds ratios of 'yes' between non-respondents and respondents for the "
                                   "non-ignorable sensitivity curve", default=[0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0],
                          items=float),
    },
    "models": {
        "bootstrap_replicates": Key((int,), "replicates of the stratified bootstrap of the odds ratio",
                                    default=500),
        "imputations": Key((int,), "imputed data sets of the multiple imputation", default=20),
        "seed": Key((int,), "seed of the bootstrap and the imputation", default=2012),
        "power_odds_ratios": Key((list,), "odds ratios at which the power of the analysis is shown",
                                 default=[1.5, 2.0, 3.0], items=float),
    },
    "report": {
        "small_cell_threshold": Key((int,), "smallest number of respondents a table cell of the report may rest "
                                            "on; smaller cells are not shown", default=5),
        "lang": Key((str,), "language of report.html and report.pdf; the other language goes to "
                            "report.<lang>.html", default="fr", choices=("fr", "en")),
    },
    "run": {
        "cell_timeout_seconds": Key((int,), "longest a notebook cell may run", default=600),
    },
}


@dataclass(frozen=True)
class Wave:
    """A validated wave configuration.

    Attributes
    ----------
    path
        The YAML file read.
    settings
        Every key of the schema, defaults filled in, nested as in the file.
    """

    path: Path
    settings: dict[str, Any]

    @property
    def year(self) -> int:
        """Survey wave."""
        return self.settings["year"]

    def section(self, name: str) -> dict[str, Any]:
        """One section of the settings (``raw``, ``cleaning`` ...)."""
        return self.settings[name]

    def input_paths(self, raw_dir: Path) -> dict[str, Path]:
        """The wave's raw input files under ``raw_dir``."""
        return {name: raw_dir / relative for name, relative in self.settings["raw"].items()}

    def as_parameters(self) -> dict[str, Any]:
        """Settings with dates as ISO strings, as papermill passes them to notebooks."""
        return _iso_dates(self.settings)


def _iso_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _type_names(types: tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", bool: "true or false", str: "a string",
             dt.date: "a date (YYYY-MM-DD)", list: "a list"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _validate(spec: dict[str, Any], schema: dict[str, Any], path: Path, prefix: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise InputError(path, f"{prefix or 'the file'} must be a mapping of keys to values",
                         column=prefix or None)
    unknown = sorted(set(spec) - set(schema))
    if unknown:
        key = f"{prefix}{unknown[0]}"
        raise InputError(path, f"unknown key {key!r}; expected one of {sorted(schema)}", column=key)
    settings: dict[str, Any] = {}
    for name, rule in schema.items():
        key = f"{prefix}{name}"
        if isinstance(rule, dict):
            settings[name] = _validate(spec.get(name) or {}, rule, path, f"{key}.")
            continue
        if name not in spec:
            if rule.required:
                raise InputError(path, f"missing required key {key!r} ({rule.help})", column=key)
            settings[name] = rule.default
            continue
        value = spec[name]
        if float in rule.types and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        # bool is a subclass of int, and datetime of date: reject them where not asked for.
        wrong_bool = isinstance(value, bool) and bool not in rule.types
        wrong_datetime = isinstance(value, dt.datetime) and dt.datetime not in rule.types
        if not isinstance(value, rule.types) or wrong_bool or wrong_datetime:
            raise InputError(path, f"key {key!r} is {value!r}; expected {_type_names(rule.types)} "
                                   f"({rule.help})", column=key)
        if rule.items is not None:
            value = _validate_items(value, rule, path, key)
        if rule.choices is not None:
            outside = [v for v in (value if isinstance(value, list) else [value]) if v not in rule.choices]
            if outside:
                raise InputError(path, f"key {key!r} holds {outside[0]!r}; expected one of {list(rule.choices)}",
                                 column=key)
        settings[name] = value
    return settings


def _validate_items(value: list, rule: Key, path: Path, key: str) -> list:
    items = [float(v) if rule.items is float and isinstance(v, int) and not isinstance(v, bool) else v
             for v in value]
    wrong = [v for v in items if not isinstance(v, rule.items) or isinstance(v, bool)]
    if wrong or not items:
        raise InputError(path, f"key {key!r} is {value!r}; expected a non-empty list of "
                               f"{_type_names((rule.items,))} values ({rule.help})", column=key)
    return items


def _check_contacts(fieldwork: dict[str, Any], path: Path) -> None:
    """Invitation batches and reminders: strictly increasing days within fieldwork, reminders after the first
    invitation."""
    start, end = fieldwork["start"], fieldwork["end"]
    if fieldwork["invitations"] is None:
        fieldwork["invitations"] = [start]
    for name in ("invitations", "reminders"):
        days = fieldwork[name] or []
        key = f"fieldwork.{name}"
        outside = [d.isoformat() for d in days if not start <= d <= end]
        if outside:
            raise InputError(path, f"{key} holds {outside}, outside fieldwork ({start.isoformat()} to "
                                   f"{end.isoformat()})", column=key)
        if any(later <= earlier for earlier, later in zip(days, days[1:])):
            raise InputError(path, f"{key} is {[d.isoformat() for d in days]}; expected days in increasing "
                                   "order, each once", column=key)
    if fieldwork["invitations"][0] != start:
        raise InputError(path, f"fieldwork.invitations starts on {fieldwork['invitations'][0].isoformat()}; "
                               f"expected the first batch on the first day of fieldwork ({start.isoformat()})",
                         column="fieldwork.invitations")
    early = [d.isoformat() for d in fieldwork["reminders"] or [] if d <= fieldwork["invitations"][0]]
    if early:
        raise InputError(path, f"fieldwork.reminders holds {early}, not after the first invitation",
                         column="fieldwork.reminders")
    fieldwork["reminders"] = list(fieldwork["reminders"] or [])


def wave_path(year: int) -> Path:
    """``config/waves/<year>.yaml``."""
    return paths.WAVES_DIR / f"{year}.yaml"


def load_wave(year: int, config_path: str | Path | None = None, raw_dir: str | Path | None = None,
              check_inputs: bool = True) -> Wave:
    """Read and validate a wave's configuration.

    Parameters
    ----------
    year
        The wave; its file is ``config/waves/<year>.yaml`` unless ``config_path`` is given.
    config_path
        Another configuration file.
    raw_dir
        Folder holding the wave's raw inputs (default ``data/raw/<year>``).
    check_inputs
        Whether to check that the raw input files exist.

    Returns
    -------
    Wave

    Raises
    ------
    InputError
        If the file is missing or not YAML, a key is unknown, missing or of the
        wrong type, the year in the file differs from ``year``, the fieldwork
        ends before it starts, or a raw input file is missing.
    """
    path = paths.resolve(config_path, wave_path(year))
    if not path.is_file():
        raise InputError(path, f"no configuration for wave {year}: expected this file")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(path, f"not valid YAML: {error}") from error
    settings = _validate(spec or {}, SCHEMA, path, "")
    if settings["year"] != year:
        raise InputError(path, f"key 'year' is {settings['year']} but the run is for {year}", column="year")
    if settings["fieldwork"]["end"] < settings["fieldwork"]["start"]:
        raise InputError(path, "fieldwork ends before it starts", column="fieldwork.end")
    _check_contacts(settings["fieldwork"], path)
    cleaning = settings["cleaning"]
    if not 0 < cleaning["partial_threshold"] <= cleaning["complete_threshold"] <= 1:
        raise InputError(path, "expected 0 < partial_threshold <= complete_threshold <= 1",
                         column="cleaning")
    grid = settings["estimation"]["delta_grid"]
    if not {0.5, 1.0, 2.0} <= set(grid) or min(grid) <= 0:
        raise InputError(path, f"delta_grid {grid}; expected positive odds ratios including 0.5, 1.0 and 2.0 "
                               "(the notebooks and the report state the curve at these values)",
                         column="estimation.delta_grid")
    bounds = settings["weighting"]["logit_bounds"]
    if len(bounds) != 2 or not 0 < bounds[0] < 1 < bounds[1]:
        raise InputError(path, f"logit_bounds {bounds}; expected [lower, upper] with 0 < lower < 1 < upper",
                         column="weighting.logit_bounds")
    if settings["report"]["small_cell_threshold"] < 1:
        raise InputError(path, "small_cell_threshold must be at least 1", column="report.small_cell_threshold")
    wave = Wave(path, settings)
    if check_inputs:
        for name, input_path in wave.input_paths(paths.raw_dir(year, raw_dir)).items():
            if not input_path.is_file():
                raise InputError(path, f"raw input {name!r} not found at {paths.display(input_path)}",
                                 column=f"raw.{name}")
    return wave
