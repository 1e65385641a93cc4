"""Non-response weighting of a wave: every method the wave's configuration names, as designs.

Variance model. The invitation is a census of the frame; the respondents are
treated as a second-phase sample: within each weighting cell (``cells`` of
the configuration, by default the type of authority) they are taken as a
simple random sample of the cell's eligible units, with the finite
population correction ``1 - n_h/N_h`` (a cell with one respondent is handled as R's
``survey.lonely.psu = "adjust"``). Calibrated methods (post-stratification,
raking, linear and logit calibration) start from that design and their
standard errors use the calibration residuals, as R ``survey`` does after
``postStratify``, ``rake`` and ``calibrate``; so do the trimmed weights, a
calibration of the cell-adjusted weights with every weight at most the cap
(trimming followed by recalibration). Propensity weights are treated as
fixed in the variance (their estimation is ignored), which understates their
standard errors a little.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers.survey import weighting
from helpers.survey.collapse import LOG_COLUMNS, collapse_classes
from helpers.survey.estimation import Design
from helpers.vocabulary import CALIBRATED, COLLAPSE_ORDER

METHODS = ("unweighted", "cell", "poststratification", "raking", "linear", "logit", "propensity", "trimmed")
# A weighting cell with a single respondent contributes its deviation from the overall mean (R's
# survey.lonely.psu = "adjust") rather than stopping the run.
LONELY = "adjust"
CELL = "_cell"
POSTSTRATUM = "_poststratum"
LOG = logging.getLogger("helpers.steps.adjustment")


@dataclass(frozen=True)
class Weighting:
    """The designs of every weighting method and their diagnostics.

    Attributes
    ----------
    designs
        Method -> design over the respondents (see the module docstring).
    weights
        Respondents x methods: each method's final weight.
    diagnostics
        One row per method: weight summary, Kish design effect, effective
        number of respondents, and the largest relative gap between a
        weighted margin count and its frame count.
    unavailable
        Secondary methods that could not be built on this response (a
        negative linear-calibration weight, a logit calibration that cannot
        meet its bounds, a trimming cap the margins cannot meet) -> why.
    collapses
        The collapses of the weighting classes (:attr:`Classes.log`); the
        diagnostics' ``collapsed`` column names those each method rests on.
    """

    designs: dict[str, Design]
    weights: pd.DataFrame
    diagnostics: pd.DataFrame
    unavailable: dict[str, str]
    collapses: pd.DataFrame


def population_counts(population: pd.DataFrame, variables: list[str]) -> dict[str, pd.Series]:
    """Frame count of each category of each variable."""
    return {variable: population[variable].value_counts().sort_index() for variable in variables}


def cell_labels(data: pd.DataFrame, variables: list[str]) -> pd.Series:
    """Label of each unit's weighting cell: its values of ``variables`` joined by `` | ``."""
    # Column-wise concatenation: a row-wise join costs about 50 microseconds a unit (2 s at 35,000 units).
    labels = data[variables[0]].astype(str)
    for variable in variables[1:]:
        labels = labels + " | " + data[variable].astype(str)
    return labels.rename(None)


@dataclass(frozen=True)
class Classes:
    """The weighting classes of a wave's response, after the collapsing rule.

    Attributes
    ----------
    population
        The eligible units with the columns the weighting uses: :data:`CELL`
        (the weighting cell's label), :data:`POSTSTRATUM` (the post-stratum's
        label) and, for a margin whose categories were collapsed, a column
        ``"<variable> (collapsed)"``.
    margins
        The columns of the raking and calibration margins (the variables
        themselves when nothing was collapsed).
    log
        One row per collapse (:data:`helpers.survey.collapse.LOG_COLUMNS`),
        ``classes`` naming the weighting cells, the post-strata or the margin.
    """

    population: pd.DataFrame
    margins: list[str]
    log: pd.DataFrame


def _category_order(population: pd.DataFrame, variables: list[str], labels: pd.Series, order: dict) -> list[str]:
    """The labels of crossed classes in the lexicographic order of each variable's order."""
    rank = {variable: {str(c): k for k, c in enumerate(order.get(variable, sorted(population[variable].astype(str)
                                                                                      .unique())))}
            for variable in variables}
    keys = population[variables].astype(str).drop_duplicates()
    unranked = {variable: sorted(set(keys[variable]) - set(rank[variable])) for variable in variables}
    unranked = {variable: values for variable, values in unranked.items() if values}
    if unranked:
        raise ValueError(f"weighting.collapse.order: categories {unranked} of the frame are not in the order; "
                         f"expected every category once")
    keys = keys.assign(_label=cell_labels(keys, variables).to_numpy())
    keys["_rank"] = [tuple(rank[v][row[v]] for v in variables) for _, row in keys.iterrows()]
    return list(keys.sort_values("_rank")["_label"])


def weighting_classes(population: pd.DataFrame, settings: dict) -> Classes:
    """Weighting cells, post-strata and margins of a response, collapsed by the wave's rule.

    With ``settings["collapse"]`` (:class:`helpers.inputs.waves.Collapse`),
    the crossed ``cells``, the crossed ``poststrata`` and each variable of
    ``margins`` in turn go through
    :func:`helpers.survey.collapse.collapse_classes` (unit base weights):
    classes that pass the rule stay as configured, each failing one is merged
    with its neighbour in the order of ``collapse.order`` (default
    :data:`helpers.vocabulary.COLLAPSE_ORDER`, crossed classes in the
    lexicographic order of their variables), and every merge is recorded in
    the log. With ``collapse`` None the classes are those configured.

    Parameters
    ----------
    population
        The eligible frame units, with the auxiliary variables and a boolean
        ``respondent``.
    settings
        The ``weighting`` section of the wave configuration.

    Returns
    -------
    Classes

    Raises
    ------
    ValueError
        If the order misses a category of the frame, or all classes pooled
        still fail the rule.
    """
    rule = settings.get("collapse")
    out = population.copy()
    respondent = out["respondent"].to_numpy(dtype=bool)
    logs = []

    def collapsed(variables: list[str], name: str) -> pd.Series:
        labels = cell_labels(out, variables)
        if rule is None:
            return labels
        order = {**COLLAPSE_ORDER, **rule["order"]}
        result = collapse_classes(labels.rename(name), respondent, _category_order(out, variables, labels, order),
                                  min_respondents=rule["min_respondents"], max_adjustment=rule["max_adjustment"])
        logs.append(result.log)
        return labels.map(result.mapping)

    out[CELL] = collapsed(settings["cells"], f"weighting cells ({', '.join(settings['cells'])})")
    out[POSTSTRATUM] = collapsed(settings["poststrata"], f"post-strata ({', '.join(settings['poststrata'])})")
    margins = []
    for variable in settings["margins"]:
        labels = collapsed([variable], f"margin {variable}")
        if labels.equals(out[variable].astype(str).rename(None)):
            margins.append(variable)
        else:
            margins.append(f"{variable} (collapsed)")
            out[margins[-1]] = labels
    log = pd.concat(logs, ignore_index=True) if logs else pd.DataFrame(columns=LOG_COLUMNS)
    return Classes(out, margins, log)


def _margin_gap(design: Design, population: pd.DataFrame, margins: list[str]) -> float:
    gaps = []
    for variable, counts in population_counts(population, margins).items():
        achieved = pd.Series(design.weights, index=design.data.index).groupby(design.data[variable]).sum()
        gaps.append((achieved.reindex(counts.index, fill_value=0) - counts).abs().div(counts).max())
    return float(max(gaps))


def build_weighting(population: pd.DataFrame, respondents: pd.DataFrame, settings: dict, *,
                    propensities: pd.Series | None = None) -> Weighting:
    """Build every weighting method's design.

    Parameters
    ----------
    population
        The eligible frame units, with the auxiliary variables
        (:func:`helpers.steps.auxvars.add_auxiliary`) and a boolean ``respondent``.
    respondents
        The responding units' data (auxiliary variables and the analysis
        variables), indexed like ``population``.
    settings
        The ``weighting`` section of the wave configuration.
    propensities
        Response propensities of ``population``'s units from the response
        model on ``propensity_covariates``, already fitted
        (:attr:`helpers.survey.comparison.PropensityModel.propensities`);
        fitted here when omitted.

    Returns
    -------
    Weighting

    Raises
    ------
    ValueError
        If a weighting cell or a margin category has no respondent (naming
        it), or the primary method fails, for instance a calibrated weighting
        that misses its frame totals by more than 1e-8 relative. A secondary
        method that fails is listed in ``Weighting.unavailable`` instead.
    """
    classes = weighting_classes(population, settings)
    for record in classes.log.to_dict("records"):
        LOG.warning("%s: %s collapsed with %s into %s (%s)", record["classes"], record["class"],
                    record["merged_with"], record["into"], record["reason"])
    population = classes.population
    added = [CELL, POSTSTRATUM, *(m for m in classes.margins if m not in settings["margins"])]
    data = respondents.drop(columns=added, errors="ignore").join(population.loc[respondents.index, added])
    size = float(len(population))
    cell_size = population[CELL].value_counts()
    # Raises, naming the cell, when a weighting cell has no respondent (possible only without the collapsing rule).
    try:
        weighting.cell_adjustment(np.ones(len(population)), population["respondent"].to_numpy(),
                                  population[CELL].rename(f"weighting cells ({', '.join(settings['cells'])})"))
    except ValueError as error:
        raise ValueError(f"{error}; in the wave configuration, weighting.collapse (the collapsing rule) merges it "
                         "with its neighbour, or weighting.cells: [tier] (with tier in place of type_group in the "
                         "margins) pools the types into three tiers") from error
    data["_cell_population"] = data[CELL].map(cell_size).astype(float)
    data["_cell_weight"] = data["_cell_population"] / data[CELL].map(data[CELL].value_counts())
    data["_population"] = size
    base = Design(data, "_cell_weight", strata=CELL, fpc="_cell_population", lonely_psu=LONELY)
    margins = classes.margins
    margin_counts = population_counts(population, margins)
    model, totals = weighting.calibration_matrix(data, margin_counts)

    def calibrated(method: str) -> Design:
        design = base.calibrate(model, totals, method=method,
                                bounds=tuple(settings["logit_bounds"]) if method == "logit" else None)
        weighting.check_calibration(model, design.weights, totals)
        return design

    def propensity() -> Design:
        rho = (weighting.response_model(population, "respondent", settings["propensity_covariates"]).propensities
               if propensities is None else propensities.reindex(population.index).to_numpy(dtype=float))
        inverse = weighting.propensity_weights(np.ones(len(population)), rho, population["respondent"].to_numpy())
        weights = pd.Series(inverse, index=population.index).loc[data.index].to_numpy()
        return Design(data, weights, strata=CELL, fpc="_cell_population", lonely_psu=LONELY)

    builders: dict[str, Callable[[], Design]] = {
        "unweighted": lambda: Design(data, np.full(len(data), size / len(data)), fpc="_population"),
        "cell": lambda: base,
        "poststratification": lambda: base.poststratify(POSTSTRATUM, population.groupby(POSTSTRATUM).size()),
        "raking": lambda: base.rake(margin_counts),
        "linear": lambda: calibrated("linear"),
        "logit": lambda: calibrated("logit"),
        "propensity": propensity,
    }
    primary = settings["primary"]
    designs: dict[str, Design] = {}
    unavailable: dict[str, str] = {}
    for method in (primary, *(method for method in builders if method != primary)):
        try:
            designs[method] = builders[method]()
            weighting.weight_summary(designs[method].weights)
        except ValueError as error:
            designs.pop(method, None)
            unavailable[method] = str(error)
    if primary in unavailable:
        # Said in the wave's terms: the setting at fault, the respondents, and the methods this response allows.
        usable = [method for method in (*CALIBRATED, "cell") if method in designs]
        raise ValueError(f"weighting.primary {primary!r} cannot be built on the wave's {len(data)} respondent(s) "
                         f"of {len(population)} units ({unavailable[primary]}); "
                         + (f"set weighting.primary to one of {usable}, the methods this response allows"
                            if usable else "no weighting method can be built on this response"))
    try:
        trim_model, trim_totals = (model, totals) if primary not in _TRIM_MARGIN else \
            weighting.calibration_matrix(data, population_counts(population, [_TRIM_MARGIN[primary]]))
        designs["trimmed"] = base.calibrate(trim_model, trim_totals, method=_trim_method(primary),
                                            weight_bounds=(0.0, settings["trim_ratio"] * size / len(data)))
    except ValueError as error:
        unavailable["trimmed"] = str(error)
    designs = {method: designs[method] for method in METHODS if method in designs}

    weights = pd.DataFrame({method: design.weights for method, design in designs.items()}, index=data.index)
    diagnostics = pd.DataFrame({method: weighting.weight_summary(weights[method]) for method in designs}).T
    diagnostics["max_margin_gap"] = [_margin_gap(design, population, margins) for design in designs.values()]
    diagnostics["collapsed"] = [_collapses(classes.log, method) for method in designs]
    return Weighting(designs, weights, diagnostics.rename_axis("method"), unavailable, classes.log)


def _collapses(log: pd.DataFrame, method: str) -> str:
    """The collapses a method's weights rest on, ``"; "``-joined (empty when none)."""
    uses = {"unweighted": (), "propensity": (), "cell": ("weighting cells",),
            "poststratification": ("weighting cells", "post-strata")}.get(method, ("weighting cells", "margin"))
    return "; ".join(f"{row['classes']}: {row['class']} with {row['merged_with']}" for row in log.to_dict("records")
                     if row["classes"].startswith(uses))


_TRIM_MARGIN = {"cell": CELL, "poststratification": POSTSTRATUM}


def _trim_method(primary: str) -> str:
    """The calibration that trims and recalibrates: linear after a linear primary, raking ratio otherwise."""
    return "linear" if primary == "linear" else "raking"


def _trimmed(adjusted: np.ndarray, model: pd.DataFrame, totals: pd.Series, primary: str,
             trim_ratio: float) -> np.ndarray:
    """Trimming followed by recalibration: the cell-adjusted weights calibrated with every weight at most the cap."""
    cap = trim_ratio * totals["(Intercept)"] / np.count_nonzero(adjusted > 0)
    return weighting.calibrate(model, adjusted, totals, method=_trim_method(primary), weight_bounds=(0.0, cap))


def weighting_chain(population: pd.DataFrame, settings: dict, method: str) -> Callable[[np.ndarray], np.ndarray]:
    """One weighting method as a function of the base weights of every eligible unit.

    Replicate variances (the jackknife and the bootstraps) perturb the base
    weights and redo the whole weighting on each replicate:

    * ``cell``: cell adjustment within ``cells``;
    * ``poststratification``, ``raking``, ``linear``, ``logit``: the cell
      adjustment, then that calibration to the frame's counts (``logit``
      within ``logit_bounds``);
    * ``propensity``: the response model on ``propensity_covariates`` refitted
      with the base weights (a design-weighted likelihood), then the base
      weights divided by the propensities;
    * ``trimmed``: trimming followed by recalibration: the cell adjustment,
      then the primary method's calibration (raking ratio, linear after a
      linear primary; to the cells or post-strata for those primaries) with
      every weight at most ``trim_ratio`` times the mean weight of the
      respondents with a positive weight
      (:func:`helpers.survey.weighting.calibrate` ``weight_bounds``): the
      trimmed weights still reproduce the margins.

    With base weights of 1 every method gives the weights of
    :func:`build_weighting`.

    Parameters
    ----------
    population
        The eligible frame units, with the auxiliary variables and a boolean
        ``respondent``.
    settings
        The ``weighting`` section of the wave configuration.
    method
        One of :data:`METHODS` but ``unweighted``.

    Returns
    -------
    callable
        Base weights (one per unit of ``population``) -> final weights (0 for
        non-respondents).

    Raises
    ------
    ValueError
        For an unknown method; the returned function raises as the weighting
        functions do (a cell or margin category without respondent, a
        calibration without solution).
    """
    chains = ("cell", *CALIBRATED, "propensity", "trimmed")
    if method not in chains:
        raise ValueError(f"weighting method {method!r} cannot be redone on replicates; expected one of "
                         f"{list(chains)}")
    respondent = population["respondent"].to_numpy(dtype=bool)
    if method == "propensity":
        covariates = settings["propensity_covariates"]

        def propensity(base: np.ndarray) -> np.ndarray:
            rho = weighting.response_model(population, "respondent", covariates, weights=base).propensities
            return weighting.propensity_weights(base, rho, respondent)

        return propensity
    classes = weighting_classes(population, settings)
    population = classes.population
    cells = population[CELL]
    data = population[respondent]
    primary = settings["primary"]
    if method == "poststratification" or (method == "trimmed" and primary in _TRIM_MARGIN):
        margins = [_TRIM_MARGIN["poststratification" if method == "poststratification" else primary]]
    else:
        margins = classes.margins
    counts = population_counts(population, margins)
    model, totals = weighting.calibration_matrix(data, counts)

    def final_weights(base: np.ndarray) -> np.ndarray:
        adjusted = weighting.cell_adjustment(base, respondent, cells)[respondent]
        if method == "raking":
            adjusted = weighting.rake(adjusted, data[margins], counts)
        elif method == "poststratification":
            adjusted = weighting.poststratify(adjusted, data[POSTSTRATUM], counts[POSTSTRATUM])
        elif method == "trimmed":
            adjusted = _trimmed(adjusted, model, totals, primary, settings["trim_ratio"])
        elif method in ("linear", "logit"):
            bounds = tuple(settings["logit_bounds"]) if method == "logit" else None
            adjusted = weighting.calibrate(model, adjusted, totals, method=method, bounds=bounds)
        out = np.zeros(len(population))
        out[respondent] = adjusted
        return out

    return final_weights


def reweighter(population: pd.DataFrame, settings: dict) -> Callable[[np.ndarray], np.ndarray]:
    """The primary weighting as a function of the base weights of every eligible unit.

    The bootstrap of the odds ratio perturbs the base weights of all eligible
    units, respondents and non-respondents, and redoes the weighting on each
    replicate (:func:`weighting_chain` of ``weighting.primary``).

    Parameters
    ----------
    population
        The eligible frame units, with the auxiliary variables and a boolean
        ``respondent``.
    settings
        The ``weighting`` section of the wave configuration.

    Returns
    -------
    callable
        Base weights (one per unit of ``population``) -> final weights (0 for
        non-respondents).

    Raises
    ------
    ValueError
        If the primary method is not one that reweights from base weights
        (``cell`` or a calibrated method).
    """
    primary = settings["primary"]
    if primary not in ("cell", *CALIBRATED):
        raise ValueError(f"weighting.primary: {primary!r} cannot be redone on replicates; expected one of "
                         f"{['cell', *CALIBRATED]}")
    return weighting_chain(population, settings, primary)
