"""Fieldwork and level of effort: the response curve, what each reminder bought, estimates by effort level,
early against late respondents, and break-offs by question.

Effort levels. A respondent's effort level is the number of reminders sent before its submission
(``fieldwork.reminders`` of the wave file; 0: answered before the first reminder). Submissions are
known to the day (``submitted_at`` of ``units.csv``), and a reminder is taken as sent at the start of
its day: an answer on a reminder's day counts as after it.

Cumulative estimates (as R ``nrba::get_cumulative_estimates``, with the weighting redone): at each
level ``L`` the respondents of levels ``0..L`` are the respondents, and each headline indicator is
estimated unweighted and with the wave's primary weighting rebuilt on them, as the wave would have
been published had fieldwork stopped there. ``nrba`` instead subsets the final design (final weights);
redoing the weighting is what changes when fieldwork is cut short. The last level is the whole
response, so its estimates are the step's main estimates.

Continuum of resistance. Comparing the early respondents (before the first reminder) with the late
ones (after at least one reminder) reads the late as a window on the non-respondents only under the
assumption that reluctance to answer is a continuum, the non-respondents lying beyond the late
respondents; nothing in the data can test that assumption for the non-respondents' answers.

The analysis needs a submission day within fieldwork for every respondent; otherwise
:func:`fieldwork_timing` says why and only the break-offs are analysed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

from helpers.inputs.codebook import Codebook
from helpers.steps.adjustment import build_weighting
from helpers.steps.indicators import estimate_shares
from helpers.survey import aapor
from helpers.survey.comparison import association_tests, compare_categorical
from helpers.survey.effort import Trend, cumulative_response, linear_trend
from helpers.survey.estimation import Design
from helpers.vocabulary import AUXILIARY

EARLY, LATE = "early", "late"
BREAK_OFF_DETAILS = ("partial", "break_off")
TREND_FIELDS = [f.name for f in fields(Trend)]
# The standardised differences of the early-late comparison: (first group, second group).
PAIRS = {"late_vs_early": (LATE, EARLY), "early_vs_nonrespondents": (EARLY, "nonrespondents"),
         "late_vs_nonrespondents": (LATE, "nonrespondents")}
# Respondents each effort group needs for the early-late comparison (a t test needs a variance in each).
MIN_PER_EFFORT_GROUP = 2


@dataclass(frozen=True)
class Timing:
    """When the respondents answered, against the wave's contacts.

    Attributes
    ----------
    available
        Whether every respondent has a submission day within fieldwork (the curve can be drawn).
    effort_available
        Whether, in addition, the wave had at least one reminder and at least :data:`MIN_PER_EFFORT_GROUP`
        respondents answered before it and after it (effort levels can be compared).
    message
        Why the analysis, or its effort part, is not available ("" when it is).
    missing, outside
        Respondents without a submission day, and with one outside fieldwork.
    contacts
        One row per contact (invitation batches, then reminders): ``contact``, ``date``, ``day``
        (days since the first day of fieldwork).
    horizon
        The last day of fieldwork, in days since its first.
    day, level
        Per respondent (indexed by unit): submission day, and effort level (reminders sent before it).
    """

    available: bool
    effort_available: bool
    message: str
    missing: int
    outside: int
    contacts: pd.DataFrame
    horizon: int
    day: pd.Series
    level: pd.Series

    @property
    def levels(self) -> list[int]:
        """Effort levels, 0 to the number of reminders."""
        return list(range(int((self.contacts["contact"] != "invitation").sum()) + 1))

    def level_labels(self) -> dict[int, str]:
        """A label per effort level: before the first reminder, after each one (the last: final)."""
        reminders = self.contacts[self.contacts["contact"] != "invitation"]
        labels = {0: "before the first reminder"}
        for k, (_, row) in enumerate(reminders.iterrows(), start=1):
            labels[k] = f"after reminder {k} ({row['date']})"
        labels[self.levels[-1]] += " = final" if self.levels[-1] else " (final)"
        return labels


def fieldwork_timing(units: pd.DataFrame, fieldwork: dict) -> Timing:
    """Check the respondents' submission days against the wave's fieldwork and give their effort levels.

    Parameters
    ----------
    units
        ``units.csv`` (:func:`helpers.cleaning.processed.read_units`): ``respondent`` and ``submitted_at``
        (``YYYY-MM-DD``, empty when the export gives no time).
    fieldwork
        The ``fieldwork`` section of the wave configuration (dates, or ISO strings as papermill passes
        them): ``start``, ``end``, ``invitations``, ``reminders``.

    Returns
    -------
    Timing
        Not available, with a message naming the counts and a few units, when some respondent has no
        submission day or one outside fieldwork; never raises for such data.
    """
    start, end = (_date(fieldwork[key]) for key in ("start", "end"))
    invitations = [_date(d) for d in (fieldwork.get("invitations") or [start])]
    reminders = [_date(d) for d in (fieldwork.get("reminders") or [])]
    contacts = pd.DataFrame(
        [("invitation", d.isoformat(), (d - start).days) for d in invitations]
        + [(f"reminder {k}", d.isoformat(), (d - start).days) for k, d in enumerate(reminders, start=1)],
        columns=["contact", "date", "day"])
    respondents = units[units["respondent"]]
    when = pd.to_datetime(respondents["submitted_at"].astype(str).replace("", None), format="%Y-%m-%d",
                          errors="coerce")
    missing = when.index[when.isna()]
    outside = when.index[when.notna() & ((when < pd.Timestamp(start)) | (when > pd.Timestamp(end)))]
    horizon = (end - start).days
    problems = []
    if len(missing):
        problems.append(f"{len(missing)} of {len(respondents)} respondents have no submission time in the export "
                        f"(e.g. units {', '.join(missing[:3])})")
    if len(outside):
        examples = ", ".join(f"{unit} on {when[unit].date().isoformat()}" for unit in outside[:3])
        problems.append(f"{len(outside)} respondents answered outside fieldwork ({start.isoformat()} to "
                        f"{end.isoformat()}; e.g. {examples})")
    empty = pd.Series(dtype="float64")
    if problems:
        message = ("The fieldwork and level-of-effort analysis needs a submission day within fieldwork for every "
                   "respondent: " + "; ".join(problems) + ". It is left out; the break-offs are still shown.")
        return Timing(False, False, message, len(missing), len(outside), contacts, horizon, empty, empty)
    day = (when - pd.Timestamp(start)).dt.days.astype(int)
    level = pd.Series(np.searchsorted(pd.to_datetime([d.isoformat() for d in reminders]).to_numpy(),
                                      when.to_numpy(), side="right"), index=when.index, name="effort_level")
    early, late = int((level == 0).sum()), int((level > 0).sum())
    if not reminders:
        message = ("The wave file lists no reminder (fieldwork.reminders): the response curve is shown, but there "
                   "are no effort levels to compare.")
    elif min(early, late) < MIN_PER_EFFORT_GROUP:
        # A small wave: the early-late comparison tests each frame variable and indicator between the two groups.
        message = (f"{early} respondent(s) answered before the first reminder and {late} after: the level-of-effort "
                   f"comparison needs at least {MIN_PER_EFFORT_GROUP} of each, so only the response curve is shown.")
    else:
        message = ""
    return Timing(True, not message, message, 0, 0, contacts, horizon, day.rename("day"), level)


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def response_curve(units: pd.DataFrame, timing: Timing, by: str = "type_group") -> pd.DataFrame:
    """Cumulative RR2 by day of fieldwork, overall and within each group of ``by``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``group``, ``day``), ``group`` "all" first: ``date``, ``respondents``, ``denominator``,
        ``rate``. The last day's rate is RR2 of the dispositions (:func:`helpers.survey.aapor.aapor_rates`).
    """
    parts = {"all": units}
    parts.update({str(label): group for label, group in units.groupby(by, sort=True)})
    curves = {}
    start = pd.Timestamp(timing.contacts["date"].iloc[0])
    for label, group in parts.items():
        denominator = aapor.aapor_rates(aapor.count_dispositions(group, "disposition")).at["RR2", "denominator"]
        days = timing.day.reindex(group.index[group["respondent"]])
        curves[label] = cumulative_response(days, denominator, timing.horizon)
    curve = pd.concat(curves, names=["group"])
    curve.insert(0, "date", (start + pd.to_timedelta(curve.index.get_level_values("day"), unit="D")).strftime(
        "%Y-%m-%d"))
    return curve


def contact_gains(curve: pd.DataFrame, timing: Timing) -> pd.DataFrame:
    """What each contact bought: respondents from that contact to the next, and their share of all respondents.

    Returns
    -------
    pandas.DataFrame
        One row per contact: ``date``, ``day``, ``respondents`` gained until the next contact (or the end),
        ``share_of_respondents``, ``rate_before`` and ``rate_after`` (cumulative RR2 on the eve of the
        contact and on the eve of the next one).
    """
    overall = curve.loc["all"]
    days = timing.contacts["day"].to_list()
    ends = [*(d - 1 for d in days[1:]), timing.horizon]
    total = overall["respondents"].iloc[-1]
    rows = []
    for (_, contact), first, last in zip(timing.contacts.iterrows(), days, ends):
        before = overall["respondents"].iloc[first - 1] if first > 0 else 0
        gained = overall["respondents"].iloc[last] - before
        rows.append({"contact": contact["contact"], "date": contact["date"], "day": first, "respondents": int(gained),
                     "share_of_respondents": gained / total if total else np.nan,
                     "rate_before": before / overall["denominator"].iloc[0],
                     "rate_after": overall["rate"].iloc[last]})
    return pd.DataFrame(rows).set_index("contact")


def cumulative_estimates(population: pd.DataFrame, data: pd.DataFrame, timing: Timing, settings: dict,
                         indicators: list[str], level: float = 0.95) -> tuple[pd.DataFrame, dict[int, str]]:
    """Each indicator estimated on the respondents of effort levels 0..L, for every level L.

    Parameters
    ----------
    population
        The eligible frame units with the auxiliary variables and ``respondent``.
    data
        The respondents' auxiliary variables and indicator values (indexed by unit).
    timing
        :func:`fieldwork_timing`, with effort levels.
    settings
        The ``weighting`` section of the wave configuration.
    indicators
        Indicator columns of ``data``.
    level
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``effort_level``, ``estimator``, ``indicator``), estimator ``unweighted`` or
        ``weighted`` (the primary method): ``estimate, se, ci_low, ci_high, n`` and ``respondents``.
    dict
        Effort level -> why its weighted estimates could not be made (a weighting cell without
        respondent so early, say); the level then has unweighted estimates only.
    """
    tables, unavailable = {}, {}
    for effort in timing.levels:
        kept = timing.level.index[timing.level <= effort]
        subset = population.assign(respondent=population.index.isin(kept))
        respondents = data.loc[data.index.isin(kept)]
        try:
            weighting = build_weighting(subset, respondents, settings)
            designs = {"unweighted": weighting.designs["unweighted"],
                       "weighted": weighting.designs[settings["primary"]]}
        except ValueError as error:
            unavailable[effort] = str(error)
            size = float(len(subset))
            designs = {"unweighted": Design(respondents.assign(_population=size),
                                            np.full(len(respondents), size / len(respondents)), fpc="_population")}
        for estimator, design in designs.items():
            tables[(effort, estimator)] = estimate_shares(design, indicators, level).assign(respondents=len(kept))
    table = pd.concat(tables, names=["effort_level", "estimator"])
    return table, unavailable


def effort_trends(designs: dict[str, Design], timing: Timing, indicators: list[str],
                  level: float = 0.95) -> pd.DataFrame:
    """A design-based test of a linear trend of each indicator on the effort level, among all respondents.

    Parameters
    ----------
    designs
        Estimator (``unweighted``, ``weighted``) -> the final design over all respondents.
    timing
        :func:`fieldwork_timing`, with effort levels.
    indicators
        Indicator columns of the designs' data.
    level
        Confidence level of the slope.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``estimator``, ``indicator``): the fields of :class:`helpers.survey.effort.Trend`
        (slope per reminder, in share units); missing where no trend can be tested.
    """
    rows = {}
    for estimator, design in designs.items():
        effort = timing.level.reindex(design.data.index).to_numpy(dtype=float)
        for indicator in indicators:
            try:
                rows[(estimator, indicator)] = asdict(linear_trend(design, indicator, effort, level))
            except ValueError:
                rows[(estimator, indicator)] = dict.fromkeys(TREND_FIELDS, np.nan)
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["estimator", "indicator"])


@dataclass(frozen=True)
class EarlyLate:
    """Early (before the first reminder) against late respondents (after at least one), and non-respondents.

    Attributes
    ----------
    frame
        Indexed by (``variable``, ``category``): the category's share (%) among the ``early``, ``late`` and
        ``nonrespondents``; standardised differences ``late_vs_early``, ``early_vs_nonrespondents`` and
        ``late_vs_nonrespondents`` (difference of shares over the pooled standard deviation); for
        ``log_population``, means and standardised differences of means.
    frame_tests
        Per frame variable, early against late: Pearson's chi-square (the design-based t test for log population).
    indicators
        Per indicator: ``early`` and ``late`` shares (unweighted), their respondents ``n_early``,
        ``n_late``, the standardised difference ``late_vs_early`` and Fisher's exact two-sided p-value.
    counts
        Early respondents, late respondents, eligible non-respondents.
    """

    frame: pd.DataFrame
    frame_tests: pd.DataFrame
    indicators: pd.DataFrame
    counts: dict[str, int]

    @property
    def distance(self) -> pd.Series:
        """Mean absolute standardised difference from the non-respondents over the frame categories, for the
        early and for the late respondents (smaller for the late: they look more like the non-respondents)."""
        return self.frame[["early_vs_nonrespondents", "late_vs_nonrespondents"]].abs().mean().set_axis(
            [EARLY, LATE])


def _standardised(p1: pd.Series, p0: pd.Series, v1: pd.Series, v0: pd.Series) -> pd.Series:
    pooled = np.sqrt((v1 + v0) / 2)
    return (p1 - p0).div(pooled.where(pooled > 0)).fillna(0.0)


def early_late(population: pd.DataFrame, values: pd.DataFrame, timing: Timing,
               indicators: list[str]) -> EarlyLate:
    """Compare early and late respondents on the frame variables and the indicators.

    Parameters
    ----------
    population
        The eligible frame units with the auxiliary variables, ``log_population`` and ``respondent``.
    values
        The respondents' indicator values (1, 0 or NaN), indexed by unit.
    timing
        :func:`fieldwork_timing`, with effort levels.
    indicators
        Indicator columns of ``values``.

    Returns
    -------
    EarlyLate
    """
    group = pd.Series("nonrespondents", index=population.index)
    level = timing.level.reindex(population.index)
    group[level.notna()] = np.where(level[level.notna()] == 0, EARLY, LATE)
    group[population["respondent"] & level.isna()] = "unknown"
    names = [EARLY, LATE, "nonrespondents"]
    rows = []
    for variable in AUXILIARY:
        shares = pd.crosstab(population[variable], group, normalize="columns").reindex(columns=names, fill_value=0)
        rows.append(pd.concat({variable: shares}, names=["variable"]) * 100)
    frame = pd.concat(rows).rename_axis(index=["variable", "category"], columns=None)
    p = frame / 100
    var = p * (1 - p)
    for name, (first, second) in PAIRS.items():
        frame[name] = _standardised(p[first], p[second], var[first], var[second])
    size = population["log_population"].groupby(group).agg(["mean", "var"]).reindex(names)
    numeric = dict(size["mean"])
    for name, (first, second) in PAIRS.items():
        numeric[name] = float(_standardised(*(pd.Series([size.at[g, c]]) for c, g in (
            ("mean", first), ("mean", second), ("var", first), ("var", second))))[0])
    frame.loc[("log_population", "mean"), :] = pd.Series(numeric)
    answered = population[group.isin([EARLY, LATE])].assign(late=group[group.isin([EARLY, LATE])] == LATE)
    frame_tests = association_tests(answered, AUXILIARY, ["log_population"], respondent="late")
    rows = {}
    late = timing.level.reindex(values.index) > 0
    for indicator in indicators:
        known = values[indicator].notna()
        early_values, late_values = values.loc[known & ~late, indicator], values.loc[known & late, indicator]
        p_early, p_late = early_values.mean(), late_values.mean()
        table = [[int(early_values.sum()), int((1 - early_values).sum())],
                 [int(late_values.sum()), int((1 - late_values).sum())]]
        rows[indicator] = {
            EARLY: p_early, LATE: p_late, "n_early": len(early_values), "n_late": len(late_values),
            "late_vs_early": float(_standardised(pd.Series([p_late]), pd.Series([p_early]),
                                                 pd.Series([p_late * (1 - p_late)]),
                                                 pd.Series([p_early * (1 - p_early)]))[0]),
            "p_value": float(stats.fisher_exact(table)[1]) if min(len(early_values), len(late_values)) else np.nan,
        }
    counts = {name: int((group == name).sum()) for name in names}
    return EarlyLate(frame, frame_tests, pd.DataFrame.from_dict(rows, orient="index").rename_axis("indicator"),
                     counts)


def break_offs(units: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Where the break-offs stopped: the submissions below the complete threshold, by last question answered.

    Parameters
    ----------
    units
        ``units.csv``: ``disposition_detail`` (``partial`` and ``break_off`` are counted) and ``last_answered``.
    codebook
        The questionnaire, for the order and wording of the questions.

    Returns
    -------
    pandas.DataFrame
        One row per question at which at least one submission stopped, in questionnaire order
        (``(none)`` first for submissions that answered nothing): ``position`` (1-based), ``question``
        (English wording), ``next`` (the first question left unanswered), ``break_offs`` and ``share``
        of all break-offs.
    """
    questions = [q for q in codebook.questions.values() if q.type != "text"]
    stopped = units.loc[units["disposition_detail"].isin(BREAK_OFF_DETAILS), "last_answered"].astype(str)
    counts = stopped.value_counts()
    rows = []
    if counts.get("", 0):
        rows.append({"last_answered": "(none)", "position": 0, "question": "", "next": questions[0].id,
                     "break_offs": int(counts[""])})
    for position, question in enumerate(questions, start=1):
        if counts.get(question.id, 0):
            following = questions[position].id if position < len(questions) else ""
            rows.append({"last_answered": question.id, "position": position, "question": question.en,
                         "next": following, "break_offs": int(counts[question.id])})
    table = pd.DataFrame(rows, columns=["last_answered", "position", "question", "next", "break_offs"])
    table["share"] = table["break_offs"] / max(len(stopped), 1)
    return table.set_index("last_answered")
