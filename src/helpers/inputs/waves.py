"""Wave configuration: ``config/waves/<year>.yaml``, the parameters of one annual run.

:class:`WaveSettings` and its sections are the single description of what a
wave file may hold: each key's type, valid range, default and meaning. Its JSON
Schema (``python -m helpers schema wave``, committed as
``config/wave.schema.json``) lets an editor complete and check the file.
Loading refuses unknown keys (a misspelt key would otherwise be silently
ignored, and the nearest valid key is suggested), wrong types, values outside
their range and missing input files, listing every problem at once before
anything runs.
"""

from __future__ import annotations

import codecs
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, \
    model_validator

from helpers import paths
from helpers.errors import InputError
from helpers.inputs.validation import check, problems_error, read_yaml
from helpers.vocabulary import AUXILIARY, CALIBRATED, COLLAPSE_ORDER, WEIGHTING_VARIABLES

__all__ = ["INPUT_FILES", "Wave", "WaveSettings", "load_wave", "wave_path"]

INPUT_FILES = ("frame", "export")
DEFAULT_CODEBOOK = "config/codebook.yaml"


def _iso_date(value: Any) -> Any:
    # YAML reads an unquoted 2012-09-10 as a date, a quoted one (and papermill's parameters) as a string.
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _distinct(values: list) -> list:
    if len(set(values)) != len(values):
        raise ValueError("expected each value once")
    return values


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Share = Annotated[float, Field(gt=0, le=1)]
# An odds ratio or a ratio of weights: 100 times either way is beyond anything a wave of a few hundred units shows.
Ratio = Annotated[float, Field(ge=0.01, le=100)]
WeightingVariables = Annotated[list[Literal[WEIGHTING_VARIABLES]], Field(min_length=1, json_schema_extra={
    "uniqueItems": True}), AfterValidator(_distinct)]


class Section(BaseModel):
    """A mapping of the wave file: unknown keys refused, values of exactly the declared type."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)


class Raw(Section):
    """The wave's raw input files."""

    frame: str = Field("frame.csv", min_length=1, description="sampling frame, relative to the wave's raw folder")
    export: str = Field("export.csv", min_length=1, description="survey tool export, relative to the wave's raw "
                        "folder: .csv, .tsv, .txt, .xlsx, .sav or .dta (the format comes from the extension)")
    profile: str = Field("default", min_length=1, description="how the survey tool lays out the export: "
                         "config/exports/<profile>.yaml")
    sheet: str | None = Field(None, min_length=1, description="sheet of an .xlsx export (default the first)")
    encoding: str | None = Field(None, min_length=1, description="encoding of a delimited export (default "
                                 "detected: UTF-8, UTF-8 with BOM or Windows-1252)")
    short_records: Literal["error", "drop"] = Field("error", description="a record with fewer fields than the "
                                                    "header (a file cut short) stops the run (error) or is dropped "
                                                    "and logged (drop)")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, encoding: str | None) -> str | None:
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {encoding!r}; expected one Python knows, such as 'utf-8', "
                                 "'utf-8-sig' or 'cp1252'") from None
        return encoding

    @field_validator("profile")
    @classmethod
    def _shipped(cls, profile: str) -> str:
        folder = paths.CONFIG_DIR / "exports"
        if not (folder / f"{profile}.yaml").is_file():
            raise ValueError(f"no {paths.display(folder / f'{profile}.yaml')}; expected one of "
                             f"{sorted(p.stem for p in folder.glob('*.yaml'))}")
        return profile


class Fieldwork(Section):
    """When the questionnaire was open."""

    start: IsoDate = Field(description="first day of fieldwork")
    end: IsoDate = Field(description="last day of fieldwork, on or after its first day")
    invitations: list[IsoDate] | None = Field(None, min_length=1, description="days the e-mail invitations went "
                                              "out, when they went out in batches, in order within fieldwork (the "
                                              "first on its first day); default: all on the first day")
    reminders: list[IsoDate] = Field([], description="days the reminders went out, in order, within fieldwork and "
                                     "after the first invitation; they mark the effort levels of the "
                                     "level-of-effort analysis of step 02 (none: only the response curve)")
    tolerance_days: int = Field(7, ge=0, le=90, description="days before the start and after the end within which "
                                "a submission time still belongs to the wave; the cleaning step refuses an export "
                                "with submissions outside")

    @model_validator(mode="after")
    def _ordered(self, info: ValidationInfo) -> Fieldwork:
        if self.end < self.start:
            raise ValueError(f"fieldwork ends ({self.end}) before it starts ({self.start})")
        run_year = (info.context or {}).get("year")
        if run_year is not None and self.start.year != run_year:
            raise ValueError(f"fieldwork starts on {self.start}, not in the wave's year {run_year}")
        invitations = self.invitations or [self.start]
        for name, days in (("invitations", invitations), ("reminders", self.reminders)):
            outside = [d.isoformat() for d in days if not self.start <= d <= self.end]
            if outside:
                raise ValueError(f"{name} {outside} outside fieldwork ({self.start} to {self.end})")
            if any(later <= earlier for earlier, later in zip(days, days[1:])):
                raise ValueError(f"{name} {[d.isoformat() for d in days]}; expected days in increasing order, "
                                 "each once")
        if invitations[0] != self.start:
            raise ValueError(f"invitations start on {invitations[0]}; expected the first batch on the first day of "
                             f"fieldwork ({self.start})")
        early = [d.isoformat() for d in self.reminders if d <= invitations[0]]
        if early:
            raise ValueError(f"reminders {early} not after the first invitation")
        return self if self.invitations else self.model_copy(update={"invitations": invitations})


class Cleaning(Section):
    """How submissions are classified and linked to the frame."""

    complete_threshold: Share = Field(0.8, description="share of applicable core questions answered for a "
                                                         "complete interview (AAPOR suggests 0.8)")
    partial_threshold: Share = Field(0.5, description="share below which a submission is a break-off (AAPOR "
                                                        "suggests 0.5); at most complete_threshold")
    fuzzy_name_cutoff: Share = Field(0.9, description="token-based similarity (0-1, rapidfuzz) above which a typed "
                                                        "authority name matches a frame name of the same type")
    population_unknown: Annotated[list[Annotated[str, Field(pattern=r"^\d{9}$")]], Field(json_schema_extra={
        "uniqueItems": True}), AfterValidator(_distinct)] = Field(
        [], description="frame units known to have no population (their 9-digit unit_id); they go to the smallest "
                        "size band (and take the frame's smallest population for the log population of the models), "
                        "and the cleaning log says so. Any other blank population is an error, as the weighting "
                        "uses it")

    @model_validator(mode="after")
    def _ordered(self) -> Cleaning:
        if self.partial_threshold > self.complete_threshold:
            raise ValueError(f"partial_threshold ({self.partial_threshold:g}) exceeds complete_threshold "
                             f"({self.complete_threshold:g}); expected 0 < partial_threshold <= "
                             "complete_threshold <= 1")
        return self


class ResponseRates(Section):
    """The response-rate tables of step 02."""

    groupings: WeightingVariables = Field(["type_group", "size_band", "region_group"], description="frame "
                                          "variables by which the response rates are tabulated and drawn; a group "
                                          "with no unit of known eligibility is marked, not estimated")


def _logit_bounds(bounds: list[float]) -> list[float]:
    if not 0 < bounds[0] < 1 < bounds[1]:
        raise ValueError("expected [lower, upper] with 0 < lower < 1 < upper")
    return bounds


class Collapse(Section):
    """The rule that collapses small weighting classes (cells, post-strata, margin categories).

    A class fails with fewer respondents than ``min_respondents`` or an adjustment factor (eligible units over
    respondents) above ``max_adjustment``; the failing class with the fewest respondents is merged with the next
    class in ``order`` (the previous one for the last), again until none fails
    (:func:`helpers.survey.collapse.collapse_classes`).
    """

    min_respondents: int = Field(2, ge=1, le=100, description="fewest respondents a weighting cell, post-stratum "
                                 "or margin category may have (1 to 100); fewer and it is merged with its neighbour "
                                 "(default 2: the bootstrap of step 03 resamples within each cell and response)")
    max_adjustment: float | None = Field(None, gt=1, le=1000, description="largest non-response adjustment factor "
                                         "(eligible units over respondents) a class may have, above 1; null: no "
                                         "limit")
    order: dict[Literal[WEIGHTING_VARIABLES], Annotated[list[Annotated[str, Field(min_length=1)]], Field(
        min_length=1, json_schema_extra={"uniqueItems": True}), AfterValidator(_distinct)]] = Field(
        {}, description="per variable, its categories in the order in which a failing class finds its neighbour "
        "(every category of the frame once); a variable left out keeps its default order: "
        + "; ".join(f"{variable}: {', '.join(categories)}" for variable, categories in COLLAPSE_ORDER.items()))


class Weighting(Section):
    """The weighting methods and their settings."""

    primary: Literal[("cell", *CALIBRATED)] = Field(
        "raking", description="method of the headline weighted estimates (one the bootstrap can redo)")
    cells: WeightingVariables = Field(["type_group"], description="frame variables crossed into weighting classes "
                                      "(cell adjustment, and the strata of the variance model); a cell failing the "
                                      "collapse rule is merged with its neighbour, the others stay as given")
    collapse: Collapse | None = Field(default_factory=Collapse, description="the rule collapsing small weighting "
                                      "cells, post-strata and margin categories, each collapse logged; null: a cell "
                                      "or category without respondent stops the run, naming it")
    poststrata: WeightingVariables = Field(["size_band"], description="frame variables crossed into post-strata")
    margins: WeightingVariables = Field(["type_group", "size_band", "political_bloc"],
                                        description="frame variables whose counts raking and calibration reproduce")
    logit_bounds: Annotated[list[Ratio], Field(min_length=2, max_length=2), AfterValidator(_logit_bounds)] = Field(
        [0.3, 3.0], description="lower and upper bound of the logit calibration's weight ratios, "
                                "0.01 <= lower < 1 < upper <= 100")
    propensity_covariates: Annotated[list[Literal[AUXILIARY]], Field(min_length=1, json_schema_extra={
        "uniqueItems": True}), AfterValidator(_distinct)] = Field(
        list(AUXILIARY), description="frame variables of the response-propensity model")
    trim_ratio: float = Field(3.5, gt=1, le=100, description="cap of trimmed weights, as a multiple of the mean "
                              "weight (above 1: a cap at or below the mean cannot keep the total; at most 100, far "
                              "above any weight a wave of a few hundred units gives)")


def _delta_grid(grid: list[float]) -> list[float]:
    if not {0.5, 1.0, 2.0} <= set(grid):
        raise ValueError("expected odds ratios including 0.5, 1.0 and 2.0 (the notebooks and the report state the "
                         "curve at these values)")
    return grid


class Estimation(Section):
    """Intervals, their variance method and the non-ignorable sensitivity analysis."""

    confidence_level: float = Field(0.95, gt=0, lt=1, description="level of every confidence interval, a share "
                                                                  "(0.95, not 95)")
    delta_grid: Annotated[list[Ratio], AfterValidator(_delta_grid)] = Field(
        [0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0], description="odds ratios of 'yes' between non-respondents and "
        "respondents for the non-ignorable sensitivity curve, each from 0.01 to 100; must include 0.5, 1.0 and 2.0")
    variance: Literal["linearisation", "jackknife", "bootstrap"] = Field(
        "linearisation", description="variance of the weighted estimates: linearisation (the weights taken as fixed "
        "given the calibration's residuals), or replicates redoing the whole weighting on each (jackknife: one "
        "replicate per respondent; bootstrap: Rao-Wu rescaling, estimation.bootstrap_replicates, seed models.seed)")
    bootstrap_replicates: int = Field(200, ge=50, le=5000, description="replicates of the bootstrap variance (50 "
                                      "to 5000: fewer make the standard errors noisy, more only cost time)")


class Models(Section):
    """The leadership models: bootstrap, multiple imputation, power."""

    bootstrap_replicates: int = Field(500, ge=100, le=10000, description="replicates of the stratified bootstrap "
                                      "of the odds ratio (100 to 10000: fewer cannot place the tails of a 95% "
                                      "interval, more only cost time)")
    imputations: int = Field(20, ge=2, le=200, description="imputed data sets of the multiple imputation (2 to "
                             "200: Rubin's rules need at least 2, more than 200 only cost time)")
    seed: int = Field(2012, ge=0, le=2**32 - 1, description="seed of the bootstraps (odds ratio, variance) and the "
                      "imputation, an unsigned 32-bit integer")
    power_odds_ratios: Annotated[list[Ratio], Field(min_length=1)] = Field(
        [1.5, 2.0, 3.0], description="odds ratios at which the power of the analysis is shown, each from 0.01 to "
        "100")


class Report(Section):
    """The rendered report."""

    small_cell_threshold: int = Field(5, ge=1, le=100, description="smallest number of respondents a table cell "
                                      "of the report may rest on, 1 to 100; smaller cells are not shown")
    lang: Literal["fr", "en"] = Field("fr", description="language of report.html and report.pdf; the other "
                                                        "language goes to report.<lang>.html")


class Run(Section):
    """The notebook runner."""

    cell_timeout_seconds: int = Field(600, gt=0, le=86400, description="longest a notebook cell may run, in "
                                      "seconds (at most a day)")
    keep_failed_runs: int = Field(3, ge=1, le=100, description="failed runs of the wave kept under .runs/ for "
                                  "debugging, the last first (at least 1: a failure's message points to its folder)")


class WaveSettings(Section):
    """Parameters of one annual run of the baromètre e-services, config/waves/<year>.yaml."""

    model_config = ConfigDict(title="Wave configuration of the baromètre e-services")

    year: int = Field(ge=2000, le=2100, description="survey wave (year of fieldwork)")
    demo: bool = Field(False, description="synthetic demo wave: outputs carry a banner saying so")
    title: str = Field(min_length=1, description="title of the wave's report")
    codebook: str = Field(DEFAULT_CODEBOOK, min_length=1, description="the wave's questionnaire, relative to the "
                          "project root; question ids stay the same from one wave to the next")
    raw: Raw = Field(default_factory=Raw, description="the wave's raw input files")
    fieldwork: Fieldwork = Field(description="when the questionnaire was open")
    cleaning: Cleaning = Field(default_factory=Cleaning, description="classification and linkage of submissions")
    response_rates: ResponseRates = Field(default_factory=ResponseRates, description="the response-rate tables")
    weighting: Weighting = Field(default_factory=Weighting, description="the weighting methods")
    estimation: Estimation = Field(default_factory=Estimation, description="intervals and sensitivity analysis")
    models: Models = Field(default_factory=Models, description="the leadership models")
    report: Report = Field(default_factory=Report, description="the rendered report")
    run: Run = Field(default_factory=Run, description="the notebook runner")

    @field_validator("year")
    @classmethod
    def _the_run_year(cls, year: int, info: ValidationInfo) -> int:
        run_year = (info.context or {}).get("year")
        if run_year is not None and year != run_year:
            raise ValueError(f"the run is for {run_year}")
        return year


@dataclass(frozen=True)
class Wave:
    """A validated wave configuration.

    Attributes
    ----------
    path
        The YAML file read.
    config
        The typed settings.
    """

    path: Path
    config: WaveSettings

    @property
    def settings(self) -> dict[str, Any]:
        """Every key, defaults filled in, nested as in the file (dates as dates)."""
        return self.config.model_dump()

    @property
    def year(self) -> int:
        """Survey wave."""
        return self.config.year

    @property
    def codebook_path(self) -> Path:
        """The wave's codebook file."""
        return paths.resolve(self.config.codebook, paths.CODEBOOK_PATH)

    def section(self, name: str) -> dict[str, Any]:
        """One section of the settings (``raw``, ``cleaning`` ...)."""
        return getattr(self.config, name).model_dump()

    def input_paths(self, raw_dir: Path) -> dict[str, Path]:
        """The wave's raw input files under ``raw_dir``: ``frame`` and ``export``."""
        return {name: raw_dir / getattr(self.config.raw, name) for name in INPUT_FILES}

    def as_parameters(self) -> dict[str, Any]:
        """Settings with dates as ISO strings, as papermill passes them to notebooks."""
        return self.config.model_dump(mode="json")


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
        Listing every problem of the file: a key unknown, missing, of the wrong type or outside its range (the
        message names the key, the value and what was expected), the year in the file differing from ``year``,
        the fieldwork ending before it starts or starting in another year, a missing codebook or raw input file.
    """
    path = paths.resolve(config_path, wave_path(year))
    if not path.is_file():
        raise InputError(path, f"no configuration for wave {year}: expected this file")
    wave = Wave(path, check(WaveSettings, read_yaml(path, "wave configuration") or {}, path,
                            context={"year": year}))
    missing = [] if wave.codebook_path.is_file() else [
        ("codebook", f"codebook not found at {paths.display(wave.codebook_path)}")]
    if check_inputs:
        missing += [(f"raw.{name}", f"raw input {name!r} not found at {paths.display(input_path)}")
                    for name, input_path in wave.input_paths(paths.raw_dir(year, raw_dir)).items()
                    if not input_path.is_file()]
    if missing:
        raise problems_error(path, missing)
    return wave
