"""Survey designs: weighted means with Taylor-linearised variances, and the design variance itself.

A :class:`Design` holds the weights, strata, clusters (one-stage, or the
primary sampling units of a multi-stage design under the with-replacement
"ultimate cluster" approximation) and finite population corrections of a
sample, and any calibration applied to its weights. It reproduces R
``survey``'s ``svydesign``/``svymean`` and its variances after
``postStratify``, ``rake`` and ``calibrate``:

* means are Hájek ratio estimators; :meth:`Design.variance` gives the
  variance of the total of any influence values (``w_i y_i`` for a
  Horvitz-Thompson total, R ``svytotal``), which the models use for their
  sandwich covariances;
* the variance is the with-replacement stratified PSU variance of the
  linearised variable (influence values ``z_i``),
  ``sum_h (1 - f_h) n_h/(n_h - 1) sum_j (z_hj - zbar_h)^2`` with ``z_hj`` the
  PSU totals and ``f_h = n_h / N_h`` when the stratum population count of
  PSUs ``N_h`` is given as ``fpc``;
* after calibration the influence values are replaced by the g-weighted
  residuals of their regression on the calibration model (R's
  ``svyrecvar``): base-weighted post-stratum means for post-stratification,
  alternating projections on the margins for raking, base-weighted least
  squares for linear, raking-ratio and logit calibration;
* domain (subpopulation) estimates keep the full design: influence values
  are zero outside the domain, so strata and PSU counts are those of the
  whole sample, as R's ``subset`` does;
* confidence intervals are Wald intervals, ``estimate +/- q * SE``, with the
  normal quantile by default (what R's ``confint`` gives for ``svymean``) or Student's t with the design degrees of freedom
  (number of PSUs minus number of strata) when ``dist="t"``; proportions
  also get Korn and Graubard's interval (:meth:`Design.proportion`, R
  ``svyciprop(method = "beta")``), computed on the domain's own design as
  R's ``svyby`` does.

Units whose analysis variable is missing are dropped from that estimate as a
domain (R's ``na.rm=TRUE``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from helpers.survey import weighting
from helpers.survey.validation import cell_codes, check_weights

Column = str | Sequence[float] | np.ndarray | pd.Series
LonelyPSU = Literal["fail", "remove", "adjust"]
Distribution = Literal["normal", "t"]


@dataclass(frozen=True)
class Estimate:
    """One estimate with its uncertainty and the respondents behind it.

    Attributes
    ----------
    estimate, se
        Point estimate and Taylor-linearised standard error.
    ci_low, ci_high
        Wald confidence interval (see the module docstring).
    n
        Number of sampled units with a positive weight in the domain with
        a non-missing value.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a plain dictionary (for tables and results files)."""
        return asdict(self)


@dataclass(frozen=True)
class TTest:
    """A design-based two-sample t test (R ``svyttest``).

    Attributes
    ----------
    difference, se
        Difference of the two group means and its linearised SE.
    statistic, df, p_value
        ``difference / se``, the residual degrees of freedom and the
        two-sided p-value from Student's t.
    ci_low, ci_high
        Interval of the difference (Student's t with ``df``).
    groups
        ``(second, first)``: the difference is the second level's mean minus
        the first's.
    """

    difference: float
    se: float
    statistic: float
    df: int
    p_value: float
    ci_low: float
    ci_high: float
    groups: tuple[str, str]


@dataclass(frozen=True)
class _PostStratification:
    codes: np.ndarray
    weights: np.ndarray
    old_weights: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        k = self.codes.max() + 1
        ratio = np.divide(self.old_weights, self.weights, out=np.zeros_like(self.weights),
                          where=self.weights > 0)
        means = np.column_stack([np.bincount(self.codes, weights=z[:, j] * ratio, minlength=k)
                                 for j in range(z.shape[1])])
        means /= np.bincount(self.codes, weights=self.old_weights, minlength=k)[:, None]
        return z - self.weights[:, None] * means[self.codes]


@dataclass(frozen=True)
class _Raking:
    margins: tuple[np.ndarray, ...]
    weights: tuple[np.ndarray, ...]

    def residuals(self, z: np.ndarray) -> np.ndarray:
        # R's svyrecvar runs 10 sweeps of these projections; iterating to
        # convergence gives the limit those sweeps approximate.
        counts = [np.maximum(np.bincount(codes, weights=(w > 0).astype(float)), 1)
                  for codes, w in zip(self.margins, self.weights)]
        scale = np.abs(z).max() + np.finfo(float).tiny
        for _ in range(1000):
            change = 0.0
            for codes, count, weights in zip(self.margins, counts, self.weights):
                w = weights[:, None]
                u = np.divide(z, w, out=np.zeros_like(z), where=w > 0)
                means = np.column_stack([np.bincount(codes, weights=u[:, j], minlength=count.size)
                                         for j in range(z.shape[1])]) / count[:, None]
                step = w * means[codes]
                z = z - step
                change = max(change, np.abs(step).max())
            if change <= 1e-13 * scale:
                break
        return z


@dataclass(frozen=True)
class _Regression:
    model: np.ndarray
    base_weights: np.ndarray
    g: np.ndarray

    def residuals(self, z: np.ndarray) -> np.ndarray:
        x = self.model
        xtwx = x.T @ (x * self.base_weights[:, None])
        beta = np.linalg.lstsq(xtwx, x.T @ (z / self.g[:, None]), rcond=None)[0]
        return z - (self.g * self.base_weights)[:, None] * (x @ beta)


_Step = _PostStratification | _Raking | _Regression



def srswor_variance(values: np.ndarray, weights: np.ndarray) -> float:
    """Variance of the mean under simple random sampling without replacement of as many units (R's ``deff``).

    ``s^2 (N - n) / (N n)``, with ``s^2`` the weighted variance of ``values``
    (divisor ``n - 1``), ``n`` the units and ``N`` their weight total, as R
    ``svymean(..., deff = TRUE)`` computes it from ``svyvar``.

    Parameters
    ----------
    values, weights
        The known values of the units and their positive weights.

    Returns
    -------
    float
        NaN when there are fewer than two units or the weight total is not
        above their number (no sampling fraction).
    """
    n, total = int(values.size), float(weights.sum())
    if n < 2 or total <= n:
        return math.nan
    mean = float(weights @ values / total)
    s2 = float(weights @ (values - mean) ** 2 / total * n / (n - 1))
    return s2 * (total - n) / (total * n)


class Design:
    """A survey design: weights, strata, clusters, fpc and calibration.

    Parameters
    ----------
    data
        The sample, one row per responding unit.
    weights
        Column name or array of sampling (or adjusted) weights, >= 0.
    strata
        Column name or array of stratum labels; ``None`` for one stratum.
    clusters
        Column name or array of primary sampling unit labels (taken within
        strata); ``None`` when every unit is its own PSU.
    fpc
        Column name or array giving, for each unit, the number of PSUs in its
        stratum in the population (R's ``fpc=~N_h``); ``None`` for
        with-replacement variances.
    lonely_psu
        Strata with a single PSU: ``"fail"`` (raise, R's default),
        ``"remove"`` (no variance contribution) or ``"adjust"`` (R's rule:
        the lone PSU's total enters the variance uncentred).

    Raises
    ------
    ValueError
        For negative or missing weights, missing design variables, fpc below
        the number of sampled PSUs or varying within a stratum, or a lonely
        PSU with ``lonely_psu="fail"``.
    """

    def __init__(self, data: pd.DataFrame, weights: Column, *, strata: Column | None = None,
                 clusters: Column | None = None, fpc: Column | None = None,
                 lonely_psu: LonelyPSU = "fail") -> None:
        self.data = data
        self._weights = check_weights(self._column(weights, "weights"), self._name(weights, "weights"))
        n = len(data)
        strata_values = (np.zeros(n, dtype=int) if strata is None
                         else self._labels(strata, "strata"))
        stratum_codes, stratum_labels = pd.factorize(pd.Series(strata_values), sort=True)
        if clusters is None:
            psu_codes = np.arange(n)
        else:
            cluster_values = self._labels(clusters, "clusters")
            psu_codes = pd.factorize(pd.MultiIndex.from_arrays([stratum_codes, cluster_values]))[0]
        n_psu_total = psu_codes.max() + 1 if n else 0
        psu_stratum = np.zeros(n_psu_total, dtype=int)
        psu_stratum[psu_codes] = stratum_codes
        n_h = np.bincount(psu_stratum, minlength=len(stratum_labels))
        f_h = np.zeros(len(stratum_labels))
        if fpc is not None:
            pop = self._column(fpc, "fpc").astype(float)
            name = self._name(fpc, "fpc")
            if np.isnan(pop).any():
                raise ValueError(f"{name}: missing population counts; expected one per unit")
            per_stratum = pd.Series(pop).groupby(stratum_codes).agg(["min", "max"]).to_numpy()
            varying = np.flatnonzero(per_stratum[:, 0] != per_stratum[:, 1])
            if varying.size:
                raise ValueError(f"{name}: population count varies within stratum "
                                 f"{stratum_labels[varying[0]]!r}; expected one value per stratum")
            too_small = np.flatnonzero(per_stratum[:, 0] < n_h)
            if too_small.size:
                h = too_small[0]
                raise ValueError(f"{name}: stratum {stratum_labels[h]!r} has {n_h[h]} sampled PSUs but a "
                                 f"population count of {per_stratum[h, 0]:g}; expected fpc >= sampled PSUs "
                                 f"(fpc is the stratum population size, not a sampling fraction)")
            f_h = n_h / per_stratum[:, 0]
        lonely = np.flatnonzero(n_h == 1)
        if lonely.size and lonely_psu == "fail":
            raise ValueError(f"strata: stratum {stratum_labels[lonely[0]]!r} has a single PSU; collapse strata or "
                             f"pass lonely_psu='remove' or 'adjust'")
        scale = np.where(n_h > 1, (1 - f_h) * n_h / np.maximum(n_h - 1, 1), 0.0)
        centre = n_h > 1
        if lonely_psu == "adjust":
            scale = np.where(n_h == 1, 1 - f_h, scale)
        elif lonely_psu not in ("fail", "remove"):
            raise ValueError(f"lonely_psu={lonely_psu!r}; expected 'fail', 'remove' or 'adjust'")
        self._psu_codes = np.asarray(psu_codes)
        self._psu_stratum = psu_stratum
        self._scale = scale
        self._centre = centre
        self._df = int(n_psu_total - len(stratum_labels))
        self._steps: tuple[_Step, ...] = ()

    # -- input helpers -----------------------------------------------------
    def _column(self, value: Column, what: str) -> np.ndarray:
        if isinstance(value, str):
            if value not in self.data.columns:
                raise ValueError(f"{what}: no column {value!r} in the data; expected one of "
                                 f"{list(self.data.columns)}")
            return self.data[value].to_numpy()
        array = np.asarray(value)
        if array.shape[0] != len(self.data):
            raise ValueError(f"{what}: {array.shape[0]} values for {len(self.data)} units; expected one per unit")
        return array

    @staticmethod
    def _name(value: Column, what: str) -> str:
        if isinstance(value, str):
            return value
        return str(getattr(value, "name", None) or what)

    def _labels(self, value: Column, what: str) -> np.ndarray:
        labels = pd.Series(self._column(value, what))
        if labels.isna().any():
            raise ValueError(f"{self._name(value, what)}: {int(labels.isna().sum())} missing value(s); every unit "
                             f"needs a {what} label")
        return labels.to_numpy()

    def domain_mask(self, domain: Column | None) -> np.ndarray:
        """The boolean mask of a domain given as a column name or an array (every unit when ``None``).

        Raises
        ------
        ValueError
            If the column is missing, or the values are not a complete boolean mask, one per unit.
        """
        return self._domain(domain)

    def _domain(self, domain: Column | None) -> np.ndarray:
        if domain is None:
            return np.ones(len(self.data), dtype=bool)
        mask = pd.Series(self._column(domain, "domain"))
        if mask.isna().any() or not pd.api.types.is_bool_dtype(mask):
            raise ValueError(f"{self._name(domain, 'domain')}: expected a complete boolean mask")
        return mask.to_numpy(dtype=bool)

    def _numeric(self, y: Column) -> np.ndarray:
        values = pd.Series(self._column(y, "y"))
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(float)
        if not pd.api.types.is_numeric_dtype(values):
            raise ValueError(f"{self._name(y, 'y')}: expected a numeric variable, got {values.dtype}")
        return values.to_numpy(dtype=float)

    # -- properties ----------------------------------------------------------
    @property
    def weights(self) -> np.ndarray:
        """Current (possibly calibrated) weights, a copy."""
        return self._weights.copy()

    @property
    def degrees_of_freedom(self) -> int:
        """Design degrees of freedom: number of PSUs minus number of strata."""
        return self._df

    @property
    def calibrated(self) -> bool:
        """Whether post-stratification, raking or calibration was applied."""
        return bool(self._steps)

    def subset_degrees_of_freedom(self, mask: Column) -> int:
        """Degrees of freedom of the design restricted to ``mask`` (R ``degf`` of a subset).

        R's ``degf`` counts the PSUs and the strata that hold at least one
        unit of the subset with a positive weight; ``svyby``, ``svyciprop``
        and ``svyglm`` (``df.residual``, over complete cases) use it.

        Parameters
        ----------
        mask
            Column name or boolean array selecting the units.

        Returns
        -------
        int
            PSUs minus strata among the selected units with a positive weight.
        """
        inset = self._domain(mask) & (self._weights > 0)
        psus = np.unique(self._psu_codes[inset])
        return int(psus.size - np.unique(self._psu_stratum[psus]).size)

    # -- calibration ---------------------------------------------------------
    def _with(self, weights: np.ndarray, step: _Step) -> Design:
        new = object.__new__(Design)
        new.__dict__.update(self.__dict__)
        new._weights = weights
        new._steps = self._steps + (step,)
        return new

    def poststratify(self, by: str | Sequence[str], population: Mapping[object, float] | pd.Series) -> Design:
        """Post-stratify to population counts (R ``postStratify``).

        Parameters
        ----------
        by
            Post-stratification variable(s); with several, ``population`` is
            keyed by tuples (or is a MultiIndex Series).
        population
            Population count per post-stratum.

        Returns
        -------
        Design
            A new design with post-stratified weights and residual-based
            variances.
        """
        cells = self.data[by] if isinstance(by, str) else self.data[list(by)]
        new_w = weighting.poststratify(self._weights, cells, population)
        codes = cell_codes(cells, len(self.data))[0]
        return self._with(new_w, _PostStratification(codes, new_w, self._weights))

    def rake(self, targets: Mapping[str, Mapping[object, float] | pd.Series], *, tol: float = 1e-10,
             max_iter: int = 1000, r_epsilon: float | None = None) -> Design:
        """Rake to several categorical margins (R ``rake``).

        Parameters
        ----------
        targets
            Population count per category, keyed by margin variable.
        tol, max_iter, r_epsilon
            Passed to :func:`helpers.survey.weighting.rake`; ``r_epsilon=1,
            max_iter=10`` reproduces R's default (early) stopping.

        Returns
        -------
        Design
            A new design with raked weights and variances from the raking
            residuals (alternating post-stratification projections, each with
            the weights left by that margin's step in the last cycle, as R).
        """
        margins = self.data[list(targets)]
        steps = weighting.rake_steps(self._weights, margins, targets, tol=tol, max_iter=max_iter,
                                      r_epsilon=r_epsilon)
        codes = tuple(cell_codes(margins[v], len(self.data))[0] for v in targets)
        return self._with(steps[-1], _Raking(codes, tuple(steps)))

    def calibrate(self, model: pd.DataFrame | np.ndarray, totals: Mapping[str, float] | pd.Series | Sequence[float],
                  *, method: weighting.CalibrationMethod = "linear", bounds: tuple[float, float] | None = None,
                  weight_bounds: tuple[float, float] | None = None) -> Design:
        """Calibrate to population totals (R ``calibrate``).

        Parameters
        ----------
        model
            Calibration model matrix, rows aligned with ``data`` (see
            :func:`helpers.survey.weighting.calibration_matrix`).
        totals
            Population totals of the model columns.
        method, bounds, weight_bounds
            Passed to :func:`helpers.survey.weighting.calibrate`.

        Returns
        -------
        Design
            A new design with calibrated weights and GREG residual variances.
        """
        x = model.to_numpy(dtype=float) if isinstance(model, pd.DataFrame) else np.asarray(model, dtype=float)
        new_w = weighting.calibrate(model, self._weights, totals, method=method, bounds=bounds,
                                    weight_bounds=weight_bounds)
        g = np.divide(new_w, self._weights, out=np.ones_like(new_w), where=self._weights > 0)
        return self._with(new_w, _Regression(x.reshape(len(new_w), -1), self._weights, g))

    # -- variance ------------------------------------------------------------
    def variance(self, z: np.ndarray) -> np.ndarray:
        """Design variance of the total of each column of influence values.

        The calibration steps applied to the design first replace ``z`` by
        its calibration residuals; the variance is then the stratified
        with-replacement PSU variance with finite population correction of
        the module docstring. Every variance of this package is this one:
        estimates, logistic-regression sandwiches and marginal effects pass
        their own influence values.

        Parameters
        ----------
        z
            n x k influence values, rows aligned with ``data`` (zero outside
            the analysed domain).

        Returns
        -------
        numpy.ndarray
            k variances.

        Raises
        ------
        ValueError
            If ``z`` does not have one row per unit.
        """
        dev, scale = self._deviations(z)
        return np.sum(scale[:, None] * dev**2, axis=0)

    def covariance(self, z: np.ndarray) -> np.ndarray:
        """Design covariance matrix of the totals of the columns of influence values (R ``svyrecvar``).

        The same estimator as :meth:`variance` (whose values are its
        diagonal), for all pairs of columns: what ``attr(svymean(...),
        "var")`` holds for several variables.

        Parameters
        ----------
        z
            n x k influence values, rows aligned with ``data``.

        Returns
        -------
        numpy.ndarray
            k x k covariance matrix.

        Raises
        ------
        ValueError
            If ``z`` does not have one row per unit.
        """
        dev, scale = self._deviations(z)
        return (dev * scale[:, None]).T @ dev

    def _deviations(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # PSU totals of the (calibration-residual) influence values, centred on their stratum mean (uncentred for a
        # lonely PSU), with the stratum scale factor of each PSU.
        z = np.asarray(z, dtype=float)
        if z.ndim != 2 or z.shape[0] != len(self.data):
            raise ValueError(f"z: shape {z.shape}; expected {len(self.data)} rows (one per unit) and k columns")
        for step in self._steps:
            z = step.residuals(z)
        n_psu = self._psu_stratum.size
        n_strata = self._scale.size
        counts = np.maximum(np.bincount(self._psu_stratum, minlength=n_strata), 1)
        dev = np.empty((n_psu, z.shape[1]))
        for j in range(z.shape[1]):
            totals = np.bincount(self._psu_codes, weights=z[:, j], minlength=n_psu)
            means = np.bincount(self._psu_stratum, weights=totals, minlength=n_strata)
            means = np.where(self._centre, means / counts, 0.0)
            dev[:, j] = totals - means[self._psu_stratum]
        return dev, self._scale[self._psu_stratum]

    def _quantile(self, level: float, dist: Distribution) -> float:
        if dist not in ("normal", "t"):
            raise ValueError(f"dist={dist!r}; expected 'normal' or 't'")
        return float(stats.norm.ppf(0.5 + level / 2) if dist == "normal"
                     else stats.t.ppf(0.5 + level / 2, max(self._df, 1)))

    def mean(self, y: Column, *, domain: Column | None = None, level: float = 0.95,
             dist: Distribution = "normal") -> Estimate:
        """Weighted mean of ``y`` (R ``svymean``), optionally within a domain.

        Parameters
        ----------
        y
            Column name or array of a numeric (or boolean) variable.
        domain
            Column name or boolean array selecting the subpopulation.
        level
            Confidence level of the interval.
        dist
            ``"normal"`` (R's ``confint`` default) or ``"t"`` with the design
            degrees of freedom.

        Returns
        -------
        Estimate
        """
        values = self._numeric(y)[:, None]
        mask = (self._domain(domain) & ~np.isnan(values[:, 0]))[:, None]
        w = self._weights[:, None] * mask
        size = w.sum(axis=0)
        est = np.divide((w * np.where(mask, values, 0.0)).sum(axis=0), size, out=np.full(size.shape, np.nan),
                        where=size > 0)
        z = np.where(mask, w * (values - est) / np.where(size > 0, size, 1.0), 0.0)
        se = np.where(size > 0, np.sqrt(self.variance(z)), np.nan)  # an empty domain has neither mean nor SE
        q = self._quantile(level, dist)
        n = int((mask[:, 0] & (self._weights > 0)).sum())
        return Estimate(float(est[0]), float(se[0]), float(est[0] - q * se[0]), float(est[0] + q * se[0]), n)

    def total(self, y: Column, *, domain: Column | None = None, level: float = 0.95,
              dist: Distribution = "normal") -> Estimate:
        """Weighted (Horvitz-Thompson) total of ``y`` (R ``svytotal``), optionally within a domain.

        Parameters
        ----------
        y, domain, level, dist
            As for :meth:`mean`; missing values count as outside the domain
            (R's ``na.rm=TRUE``).

        Returns
        -------
        Estimate
        """
        values = self._numeric(y)
        mask = self._domain(domain) & ~np.isnan(values)
        z = np.where(mask, self._weights * np.where(mask, values, 0.0), 0.0)
        est = float(z.sum())
        se = float(np.sqrt(self.variance(z[:, None])[0]))
        q = self._quantile(level, dist)
        return Estimate(est, se, est - q * se, est + q * se, int((mask & (self._weights > 0)).sum()))

    def deff(self, y: Column, *, domain: Column | None = None) -> float:
        """Design effect of the mean of ``y`` against simple random sampling without replacement (R
        ``svymean(..., deff = TRUE)``).

        The design variance of the mean over the variance the same number of
        units would give under simple random sampling without replacement
        from a population of the weighted size: ``s^2 (N - n) / (N n)``, with
        ``s^2`` the weighted variance of ``y`` (divisor ``n - 1``), ``n`` the
        units with a known value and a positive weight in the domain and
        ``N`` their weight total (R's ``svyvar`` on the domain's subset).
        The effective number of respondents is ``n / deff``.

        Parameters
        ----------
        y, domain
            As for :meth:`mean`.

        Returns
        -------
        float
            NaN (R: NaN or Inf) when the domain has fewer than two units, a
            constant ``y``, or a weight total not above its number of units
            (no sampling fraction: R warns that the weights are not scaled to
            the population).
        """
        values = self._numeric(y)
        inset = self._domain(domain) & ~np.isnan(values) & (self._weights > 0)
        srs = srswor_variance(values[inset], self._weights[inset])
        return float(self.mean(y, domain=inset).se ** 2 / srs) if srs > 0 else math.nan

    def ratio(self, y: Column, x: Column, *, domain: Column | None = None, level: float = 0.95,
              dist: Distribution = "normal") -> Estimate:
        """Ratio of two totals, ``sum w y / sum w x`` (R ``svyratio``, ``na.rm=TRUE``).

        Units missing either variable are left out (as a domain); the
        variance is that of the linearised ``w (y - R x) / sum w x``.

        Parameters
        ----------
        y, x
            Numerator and denominator variables.
        domain, level, dist
            As for :meth:`mean`.

        Returns
        -------
        Estimate

        Raises
        ------
        ValueError
            If the denominator's total is 0.
        """
        num, den = self._numeric(y), self._numeric(x)
        mask = self._domain(domain) & ~np.isnan(num) & ~np.isnan(den)
        w = np.where(mask, self._weights, 0.0)
        num, den = np.where(mask, num, 0.0), np.where(mask, den, 0.0)
        denominator = float(w @ den)
        if denominator == 0:
            raise ValueError(f"{self._name(x, 'x')}: weighted total 0; a ratio needs a non-zero denominator")
        ratio = float(w @ num) / denominator
        se = float(np.sqrt(self.variance((w * (num - ratio * den) / denominator)[:, None])[0]))
        q = self._quantile(level, dist)
        return Estimate(ratio, se, ratio - q * se, ratio + q * se, int((mask & (self._weights > 0)).sum()))

    def ttest(self, y: Column, group: Column, *, level: float = 0.95) -> TTest:
        """Design-based two-sample t test of equal means (R ``svyttest(y ~ group, design)``).

        The difference of the group means (second sorted level minus first),
        its linearised SE (the coefficient of ``svyglm(y ~ group)``), and
        Student's t with ``svyglm``'s residual degrees of freedom: the PSUs
        minus the strata holding a unit with both values known, minus 1.

        Parameters
        ----------
        y
            Numeric variable.
        group
            Variable with exactly two levels (missing values left out).
        level
            Confidence level of the interval (Student's t with ``df``, as R's
            ``confint`` of the fit).

        Returns
        -------
        TTest

        Raises
        ------
        ValueError
            If ``group`` does not have exactly two levels among the complete
            cases, or there are no residual degrees of freedom.
        """
        values = self._numeric(y)
        labels = pd.Series(self._column(group, "group"))
        known = ~np.isnan(values) & labels.notna().to_numpy()
        levels = sorted(pd.unique(labels[known]))
        if len(levels) != 2:
            raise ValueError(f"{self._name(group, 'group')}: levels {levels}; a t test needs exactly two")
        second = (labels == levels[1]).to_numpy() & known
        first = (labels == levels[0]).to_numpy() & known
        sizes = [float(self._weights[m].sum()) for m in (first, second)]
        means = [float(self._weights[m] @ values[m]) / size for m, size in zip((first, second), sizes)]
        z = np.zeros(len(values))
        for sign, m, mean, size in ((-1, first, means[0], sizes[0]), (1, second, means[1], sizes[1])):
            z[m] = sign * self._weights[m] * (values[m] - mean) / size
        difference = means[1] - means[0]
        se = float(np.sqrt(self.variance(z[:, None])[0]))
        df = self.subset_degrees_of_freedom(known) - 1
        if df < 1:
            raise ValueError(f"ttest: {df} residual degrees of freedom; the complete cases span too few PSUs")
        statistic = difference / se
        q = float(stats.t.ppf(0.5 + level / 2, df))
        return TTest(difference, se, statistic, df, float(2 * stats.t.sf(abs(statistic), df)), difference - q * se,
                     difference + q * se, (str(levels[1]), str(levels[0])))

    def proportion(self, y: Column, *, domain: Column | None = None, level: float = 0.95) -> Estimate:
        """Proportion of a 0/1 variable with Korn and Graubard's interval (R ``svyciprop(method="beta")``).

        The interval is computed on the design of the units with a known
        value in the domain, as R's ``svyby(~y, ~d, subset(design,
        !is.na(y)), svyciprop, method = "beta")`` does: the effective size
        ``p (1 - p) / SE^2`` is scaled by ``(t(n - 1) / t(df))^2`` where
        ``df`` is the domain's degrees of freedom (its PSUs minus its strata)
        and ``n`` the domain's number of units, or of the whole sample after
        calibration (R's ``subset`` keeps every row of a calibrated design).

        Parameters
        ----------
        y
            Column name or array of a 0/1 (or boolean) variable, NaN for
            missing.
        domain
            Column name or boolean array selecting the subpopulation.
        level
            Confidence level.

        Returns
        -------
        Estimate
            The share, its SE, the Korn-Graubard interval and the respondents.
            See :func:`korn_graubard` for shares of 0 or 1 and domains without
            degrees of freedom.
        """
        estimate = self.mean(y, domain=domain, level=level)
        known = self._domain(domain) & ~np.isnan(self._numeric(y))
        rows = len(self.data) if self.calibrated else int(known.sum())
        low, high = korn_graubard(estimate.estimate, estimate.se, rows, self.subset_degrees_of_freedom(known),
                                  level, estimate.n)
        return Estimate(estimate.estimate, estimate.se, low, high, estimate.n)


def korn_graubard(share: float, se: float, n_design: int, df: int, level: float = 0.95,
                  n_domain: int | None = None) -> tuple[float, float]:
    """Korn-Graubard confidence interval of a proportion (R ``svyciprop(method="beta")``).

    A Clopper-Pearson interval at the effective sample size
    ``p (1 - p) / SE^2 * (t(n_design - 1) / t(df))^2``.

    Parameters
    ----------
    share, se
        The estimated proportion and its design-based standard error.
    n_design
        Number of units of the design the share is computed on (R's
        ``nrow(design)``).
    df
        Degrees of freedom of that design.
    level
        Confidence level.
    n_domain
        Respondents behind the share. When the share is 0 or 1 its standard
        error is 0 and says nothing about precision; R then returns NaN, this
        function Clopper-Pearson's interval for 0 (or all) of ``n_domain``
        (default ``n_design``), so that a small domain's share of 0 keeps an
        honest upper bound.

    Returns
    -------
    (low, high)
        NaN, as R, when ``0 < share < 1`` and there are no degrees of freedom
        (``df < 1`` or ``n_design < 2``: a domain within a single PSU).
    """
    alpha = 1 - level
    if se > 0 and 0 < share < 1:
        if df < 1 or n_design < 2:
            return math.nan, math.nan
        n_eff = share * (1 - share) / se**2
        n_eff *= (stats.t.ppf(alpha / 2, n_design - 1) / stats.t.ppf(alpha / 2, df)) ** 2
    else:
        n_eff = float(n_domain if n_domain is not None else n_design)
    low = 0.0 if share <= 0 else float(stats.beta.ppf(alpha / 2, n_eff * share, n_eff * (1 - share) + 1))
    high = 1.0 if share >= 1 else float(stats.beta.ppf(1 - alpha / 2, n_eff * share + 1, n_eff * (1 - share)))
    return low, high
