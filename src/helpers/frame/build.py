"""Sampling frame of the baromètre, built from the official public files.

``python -m helpers frame --year 2012 --out frame.csv`` (official files from ``data/external/official/2012``)

The population of the barometer at a reference date (by default 1 January of
the wave's year) is, as defined in ``data/external/official/README.md``: every
région; every département; every communauté urbaine and métropole; every
communauté d'agglomération; every commune of 50,000 inhabitants or more; and
every chef-lieu de département (préfecture) not already included. The rules
below settle what that definition leaves open; each application of a rule is
written to the build report (:attr:`FrameBuild.rules`) and everything that
could not be read or matched to its issues (:attr:`FrameBuild.issues`).

Rules
-----
Population vintage
    The populations légales of census year N-3 come into force on 1 January
    N, so a frame at a date of 2012 needs the 2009 populations. A commune's
    population is, in order of preference: the INSEE ``PMUN`` column of that
    vintage; else the member population of the DGCL list of 1 January of the
    year (the DGCL publishes the populations in force on that date: in 2012
    Sevran 50,021, La Rochelle 74,707 and Charleville-Mézières 49,975, the
    published minimum, median and préfecture maximum); else the closest INSEE
    vintage (ties go to the older one). The 2012 INSEE files hold PMUN08 and
    PMUN13 only, so the ~1,400 communes outside any grouping with its own
    tax base (Paris, most of the petite couronne, Cannes...) take PMUN08,
    in force on 1 January 2011; the report lists those in the frame. With
    PMUN08 for every commune, Charleville-Mézières (50,876) would wrongly
    count as a commune of 50,000+.
Département and région populations
    Sums of their communes' populations as above (so mixed vintages in
    Île-de-France); unknown when no commune of theirs has a population
    (Mayotte, absent from the INSEE files of 2012).
EPCI population
    The DGCL group's municipal population, in force on 1 January of the year.
Métropole
    DGCL nature ``Métropole`` (Nice Côte d'Azur in 2012) is its own type,
    ``metropole``, listed with the communautés urbaines it replaces.
Paris
    Until 31 December 2018 the commune and the département of Paris were two
    collectivités territoriales sharing one assembly (the Conseil de Paris)
    and one executive (the maire de Paris), with separate budgets: both are
    units, as the published counts of 2012 imply (101 départements, Paris the
    largest commune). From 1 January 2019 the single "Ville de Paris" is
    counted once, as the commune. The département's executive is the maire
    de Paris, as the register has no président du conseil général for Paris.
Mayotte
    A département since 31 March 2011, exercising the powers of a région, it
    is a région (its geohisto row) and a département, as published
    (27 régions, 101 départements); the région's executive is the président
    of the conseil général. Its population is unknown; Mamoudzou, its
    chef-lieu, is a unit with an unknown population, named from the register.
Overseas
    Guadeloupe, Martinique, Guyane and La Réunion are each a région and a
    département; overseas codes are 971..976 whatever the file writes.
Préfectures
    The chef-lieu of every département valid on the reference date; one that
    is also a commune of 50,000+ is a single unit with ``prefecture = 1``.
    The geohisto copy gives Haute-Marne and Mayenne a chef-lieu in another
    département (18060, 38206); a chef-lieu outside its département is
    replaced by the known one (Chaumont 52121, Laval 53130) and reported, or,
    with no known correction, reported and dropped.
Région of a unit
    A commune's région is INSEE's (a commune code absent from INSEE files
    takes its département's); a département's is that of its communes in the
    INSEE files (the geohisto parents, wrong for many départements, are used
    only when INSEE has no commune, i.e. Mayotte, and disagreements are
    reported); an EPCI's is that of its most populous member commune (the
    DGCL list has no seat; ties go to the lowest code).
Executives
    The executive in office on the reference date: the maire, the président
    of the grouping (by SIREN), of the conseil général or of the conseil
    régional. A row is in office from the later of its mandate and function
    starts to the earlier of their ends (an empty end is open), so a
    president whose mandate ended is out even if the function end is later.
    When the executive changed during the year, the one in office on the
    reference date is taken (changes are listed in the report); when several
    rows are in office on that date, the most recently started. An
    executive missing from the register leaves ``nuance`` empty and
    ``political_group`` "unknown", and is reported.
Political group
    :data:`helpers.vocabulary.NUANCE_GROUPS` maps the register's nuances (all
    codes found in the 2012 extracts are listed; NC, officials given no
    nuance, is "unknown"); any other code counts as "other" and is reported.
Identifiers
    EPCIs keep their SIREN. The files carry no SIREN for régions,
    départements and communes, so they get a stable derived 9-digit
    identifier (see :func:`derived_unit_id`), to be replaced by the real
    SIREN when a SIRENE extract is added.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from helpers import atomic
from helpers.errors import InputError, UsageError
from helpers.frame import official
from helpers.frame.official import Issue, Table
from helpers.frame.reader import FRAME_COLUMNS, sort_units
from helpers.paths import DATA_DIR, ROOT, display, resolve
from helpers.vocabulary import NUANCE_GROUPS, UNIT_TYPES
from helpers.vocabulary import political_group as nuance_group

log = logging.getLogger(__name__)

EPCI_TYPES = {"MET": "metropole", "CU": "communaute_urbaine", "CA": "communaute_agglomeration"}
ID_PREFIXES = {"region": "001", "departement": "002", "commune": "003"}
POPULATION_THRESHOLD = 50_000
CHEF_LIEU_CORRECTIONS = {"52": "52121", "53": "53130"}
PARIS_COMMUNE, PARIS_DEPARTEMENT, PARIS_MERGER = "75056", "75", date(2019, 1, 1)
MAYOTTE_DEPARTEMENT, MAYOTTE_REGION, MAYOTTE_SINCE = "976", "06", date(2011, 3, 31)

SOURCE_PATTERNS: dict[str, tuple[str, ...]] = {
    "epci": ("dgcl_epci*",),
    "population": ("insee_population*",),
    "regions": ("regions*",),
    "departements": ("departements*",),
    "mayors": ("rne_maires*",),
    "epci_presidents": ("rne_membres_epci*",),
    "departement_presidents": ("rne_conseillers_generaux*", "rne_conseillers_departementaux*"),
    "region_presidents": ("rne_conseillers_regionaux*",),
}
"""File name patterns of each source in the sources folder (``population`` may match several files)."""


@dataclass(frozen=True)
class RuleApplication:
    """One application of a documented rule: which rule, on what, with what effect."""

    rule: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.detail}"


@dataclass
class FrameBuild:
    """A built frame with the record of how it was built.

    Attributes
    ----------
    frame
        One row per unit, columns :data:`FRAME_COLUMNS`, sorted by type then
        ``unit_id``.
    reference_date
        The date the population and the executives refer to.
    inputs
        How each file was read (encoding, separator, rows, issues).
    rules
        Every application of a rule of this module.
    issues
        Everything that could not be read or matched.
    """

    frame: pd.DataFrame
    reference_date: date
    inputs: list[str] = field(default_factory=list)
    rules: list[RuleApplication] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def counts(self) -> pd.Series:
        """Number of units by type, in :data:`helpers.vocabulary.UNIT_TYPES` order."""
        return self.frame["type"].value_counts().reindex(UNIT_TYPES, fill_value=0)

    def report(self) -> str:
        """The build report as plain text: inputs, counts, rules applied and issues."""
        counts = self.counts()
        lines = [f"Sampling frame at {self.reference_date.isoformat()}: {len(self.frame)} units", "",
                 "Inputs:", *(f"  {line}" for line in self.inputs), "", "Units by type:",
                 *(f"  {kind}: {count}" for kind, count in counts.items()),
                 f"  of which préfectures: {int(self.frame['prefecture'].sum())}", "",
                 f"Rules applied ({len(self.rules)}):", *(f"  {rule}" for rule in self.rules), "",
                 f"Issues ({len(self.issues)}):", *(f"  {issue}" for issue in self.issues)]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- small public helpers

def political_group(nuances: pd.Series) -> pd.Series:
    """Political group (left, right, centre, other, unknown) of RNE nuance codes.

    Parameters
    ----------
    nuances
        Raw nuance codes; empty or missing means no executive found.

    Returns
    -------
    pandas.Series
        Groups by :func:`helpers.vocabulary.political_group`: from
        :data:`helpers.vocabulary.NUANCE_GROUPS`, codes outside it "other".
    """
    return nuances.fillna("").astype("str").map(nuance_group)


def derived_unit_id(unit_type: str, codes: pd.Series) -> pd.Series:
    """Stable 9-digit identifiers of régions, départements and communes.

    A 3-digit type prefix (001 région, 002 département, 003 commune) and the
    INSEE code on 6 digits, left-padded with zeros, with Corsica's 2A and 2B
    written 201 and 202: région 11 is ``001000011``, département 2A
    ``002000201``, commune 75056 ``003075056``, commune 2A004 ``003201004``.
    Real SIRENs of collectivités start with 2, so these never collide with
    an EPCI's SIREN. They are placeholders: the real SIRENs replace them when
    a SIRENE extract is available.

    Parameters
    ----------
    unit_type
        ``region``, ``departement`` or ``commune``.
    codes
        INSEE codes of the units.
    """
    digits = codes.str.replace(r"^2A", "201", regex=True).str.replace(r"^2B", "202", regex=True)
    return ID_PREFIXES[unit_type] + digits.str.zfill(6)


def locate_sources(folder: Path) -> dict[str, list[Path]]:
    """The files of each source in ``folder``, by :data:`SOURCE_PATTERNS`.

    Raises
    ------
    InputError
        The folder or a source is missing, or a single-file source matches
        several files.
    """
    if not folder.is_dir():
        raise InputError(folder, "sources folder not found")
    located = {}
    for source, patterns in SOURCE_PATTERNS.items():
        paths = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
        if not paths:
            raise InputError(folder, f"no file for source {source!r}: expected a name matching "
                                     f"{' or '.join(patterns)}")
        if len(paths) > 1 and source != "population":
            raise InputError(folder, f"several files for source {source!r}: "
                                     f"{', '.join(p.name for p in paths)}; keep one")
        located[source] = paths
    return located


# --------------------------------------------------------------------------- build steps

@dataclass
class _Build:
    """State shared by the build steps: the reference date and the record."""

    on: date
    rules: list[RuleApplication] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    def rule(self, rule: str, detail: str) -> None:
        self.rules.append(RuleApplication(rule, detail))

    def issue(self, path: Path, problem: str, value: str = "", line: int | None = None,
              column: str | None = None) -> None:
        self.issues.append(Issue(path, line, column, value, problem))


def _check_dgcl_year(path: Path, year: int) -> None:
    """Refuse a DGCL list whose file name states another year than the frame's."""
    match = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", path.name)
    if match and int(match.group()) != year:
        raise InputError(path, f"this is the DGCL list of {match.group()}; a frame of {year} needs the list "
                               f"at 1 January {year}")


def _population_table(tables: Sequence[Table], build: _Build) -> pd.DataFrame:
    """The INSEE population files stacked, a commune read twice reported and kept once."""
    stacked = pd.concat([t.data.assign(path=str(t.path)) for t in tables], ignore_index=True)
    repeated = stacked[stacked["insee_code"].duplicated()]
    for row in repeated.itertuples():
        build.issue(Path(row.path), "commune already read from another population file; row left out",
                    row.insee_code, row.line, "DEPCOM")
    return stacked.drop_duplicates("insee_code").drop(columns=["path", "line"])


def _communes(insee: pd.DataFrame, epci: Table, build: _Build) -> pd.DataFrame:
    """Every known commune: code, name, dep_code, reg_code (INSEE, may be NA), population, source."""
    year, target = build.on.year, build.on.year - 3
    members = epci.data.drop_duplicates("insee_code").set_index("insee_code")
    for row in epci.data[epci.data["insee_code"].duplicated()].itertuples():
        build.issue(epci.path, "commune listed in two groupings; the first is kept for its population",
                    row.insee_code, row.line, "insee")
    communes = insee.set_index("insee_code")
    dgcl_only = members.index.difference(communes.index)
    for code in dgcl_only:
        build.issue(epci.path, "commune of the DGCL list absent from the INSEE population files (merged since?); "
                    "its DGCL population is used and its région is that of its département",
                    code, int(members.at[code, "line"]), "insee")
    extra = pd.DataFrame({"name": members.loc[dgcl_only, "member_name"],
                          "dep_code": official.departement_of(dgcl_only.to_series())})
    communes = pd.concat([communes, extra])

    vintages = official.population_vintages(insee)
    candidates = []
    if target in vintages:
        candidates.append((communes[f"pop_{target}"], f"INSEE PMUN{target % 100:02d}"))
    candidates.append((members["member_population"].reindex(communes.index),
                       f"DGCL list of 1 January {year} (populations in force on that date)"))
    closest = min(vintages, key=lambda v: (abs(v - target), v))
    if closest != target:
        candidates.append((communes[f"pop_{closest}"], f"INSEE PMUN{closest % 100:02d} (closest vintage to "
                                                       f"{target}, in force on 1 January {closest + 3})"))
    population = pd.Series(pd.NA, index=communes.index, dtype="Int64")
    source = pd.Series("", index=communes.index, dtype="str")
    for values, label in candidates:
        take = population.isna() & values.notna()
        population = population.where(~take, values.astype("Int64"))
        source = source.where(~take, label)
        build.rule("population-vintage", f"{int(take.sum())} communes take the population of {label}")
    communes["population"], communes["population_source"] = population, source
    return communes[["name", "dep_code", "reg_code", "population", "population_source"]]


def _departement_regions(communes: pd.DataFrame, departements: Table, build: _Build) -> pd.Series:
    """dep_code -> reg_code, from INSEE's communes, else the geohisto parent."""
    pairs = communes.dropna(subset=["reg_code"]).groupby(["dep_code", "reg_code"]).size().rename("n")
    pairs = pairs.reset_index().sort_values(["dep_code", "n"], ascending=[True, False])
    for dep, group in pairs[pairs["dep_code"].duplicated(keep=False)].groupby("dep_code"):
        build.issue(departements.path, "communes of this département lie in several régions in the INSEE "
                    f"files ({', '.join(group['reg_code'])}); the most frequent is taken", dep)
    insee = pairs.drop_duplicates("dep_code").set_index("dep_code")["reg_code"]
    geohisto = departements.data.set_index("code")["parent_region"]
    disagree = [f"{dep} ({geohisto[dep]} in the file, {insee[dep]} in INSEE)"
                for dep in geohisto.index.intersection(insee.index) if geohisto[dep] != insee[dep]]
    if disagree:
        build.rule("region-of-departement", f"geohisto parents contradict INSEE for {len(disagree)} "
                   f"départements, INSEE kept: {', '.join(disagree)}")
    fallback = geohisto.index.difference(insee.index)
    if len(fallback):
        build.rule("region-of-departement", "no commune in the INSEE files, région from the geohisto parents: "
                   + ", ".join(f"{dep} -> {geohisto[dep]}" for dep in fallback))
    return pd.concat([insee, geohisto[fallback]])


def _chef_lieux(departements: Table, build: _Build) -> pd.Series:
    """dep_code -> chef-lieu commune code, known errors corrected."""
    data = departements.data.set_index("code")
    chef_lieu = data["chef_lieu"]
    outside = official.departement_of(chef_lieu) != chef_lieu.index.to_series()
    for dep in chef_lieu.index[outside]:
        line = int(data.at[dep, "line"])
        if dep in CHEF_LIEU_CORRECTIONS:
            build.rule("chef-lieu-correction", f"{data.at[dep, 'name']} ({dep}): chef-lieu {chef_lieu[dep] or '-'} "
                       f"of {display(departements.path)} line {line} is outside the département; "
                       f"{CHEF_LIEU_CORRECTIONS[dep]} used")
        else:
            build.issue(departements.path, "chef-lieu outside the département and no known correction; "
                        "no préfecture taken for it", chef_lieu[dep], line, "chef_lieu")
    corrected = chef_lieu.where(~outside, chef_lieu.index.to_series().map(CHEF_LIEU_CORRECTIONS))
    return corrected.dropna()


def _region_names(regions: Table, codes: pd.Series, build: _Build) -> pd.Series:
    """Names of région codes; a code absent from the régions valid on the date is reported."""
    names = regions.data.set_index("code")["name"]
    for code in sorted(set(codes.dropna()) - set(names.index)):
        build.issue(regions.path, f"région not valid on {build.on.isoformat()} in this file", code)
    return codes.map(names)


def _with_population(units: pd.DataFrame, sums: pd.Series, path: Path, build: _Build, what: str) -> pd.DataFrame:
    units["population"] = units["insee_code"].map(sums).astype("Int64")
    for row in units[units["population"].isna()].itertuples():
        build.issue(path, f"no commune of this {what} in the population files: population unknown",
                    row.insee_code)
    return units


def _region_units(regions: Table, communes: pd.DataFrame, build: _Build) -> pd.DataFrame:
    units = regions.data.rename(columns={"code": "insee_code"})[["insee_code", "name"]].copy()
    units["region"], units["region_code"] = units["name"], units["insee_code"]
    sums = communes.groupby("reg_code")["population"].sum(min_count=1)
    return _with_population(units.assign(type="region"), sums, regions.path, build, "région")


def _departement_units(departements: Table, communes: pd.DataFrame, dep_regions: pd.Series,
                       regions: Table, build: _Build) -> pd.DataFrame:
    units = departements.data.rename(columns={"code": "insee_code"})[["insee_code", "name"]].copy()
    if build.on >= PARIS_MERGER:
        units = units[units["insee_code"] != PARIS_DEPARTEMENT]
        build.rule("paris", f"from {PARIS_MERGER.isoformat()} the Ville de Paris is one collectivité: "
                   "counted once, as the commune")
    else:
        build.rule("paris", "the commune and the département of Paris are two collectivités until "
                   f"{PARIS_MERGER.isoformat()}: both are units")
    units["region_code"] = units["insee_code"].map(dep_regions)
    units["region"] = _region_names(regions, units["region_code"], build)
    sums = communes.groupby("dep_code")["population"].sum(min_count=1)
    return _with_population(units.assign(type="departement"), sums, departements.path, build, "département")


def _epci_units(epci: Table, communes: pd.DataFrame, regions: Table, build: _Build) -> pd.DataFrame:
    members = epci.data[epci.data["nature"].isin(EPCI_TYPES)]
    groups = members.drop_duplicates("siren").set_index("siren")
    counted = members.groupby("siren").agg(rows=("line", "size"), total=("member_population", "sum"))
    for siren in groups.index[groups["member_count"] != counted["rows"].reindex(groups.index)]:
        build.issue(epci.path, f"nb_com says {groups.at[siren, 'member_count']} members, the list has "
                    f"{counted.at[siren, 'rows']}", siren, int(groups.at[siren, "line"]), "nb_com")
    for siren in groups.index[groups["group_population"] != counted["total"].reindex(groups.index)]:
        build.issue(epci.path, f"pmun differs from the sum of pmun_com ({counted.at[siren, 'total']}); "
                    "pmun is used", siren, int(groups.at[siren, "line"]), "pmun")

    member_regions = members.assign(reg_code=members["insee_code"].map(communes["reg_code"]))
    seats = member_regions.sort_values(["siren", "member_population", "insee_code"],
                                       ascending=[True, False, True]).drop_duplicates("siren")
    spanning = member_regions.groupby("siren")["reg_code"].nunique()
    spanning = spanning[spanning > 1]
    build.rule("region-of-epci", "région of each EPCI = région of its most populous member commune"
               + (f"; members in several régions: {', '.join(spanning.index)}" if len(spanning) else ""))
    units = pd.DataFrame({"unit_id": groups.index, "insee_code": "", "name": groups["name"].to_numpy(),
                          "type": groups["nature"].map(EPCI_TYPES).to_numpy(),
                          "population": groups["group_population"].to_numpy()})
    units["region_code"] = units["unit_id"].map(seats.set_index("siren")["reg_code"])
    units["region"] = _region_names(regions, units["region_code"], build)
    metropoles = units.loc[units["type"] == "metropole", "name"]
    if len(metropoles):
        build.rule("metropole", f"DGCL nature Métropole typed 'metropole': {', '.join(metropoles)}")
    return units


def _commune_units(communes: pd.DataFrame, chef_lieux: pd.Series, mayors: Table, dep_regions: pd.Series,
                   regions: Table, threshold: int, departements: Table, build: _Build) -> pd.DataFrame:
    large = communes.index[communes["population"].fillna(0) >= threshold]
    prefectures = pd.Index(chef_lieux.unique())
    missing = prefectures.difference(communes.index)
    names = mayors.data.drop_duplicates("insee_code").set_index("insee_code")["commune_name"]
    for code in missing:
        build.issue(departements.path, "préfecture absent from the population files: included with an unknown "
                    "population, named from the register of mayors", code, column="chef_lieu")
    absent = pd.DataFrame({"name": names.reindex(missing).fillna(""),
                           "dep_code": official.departement_of(missing.to_series()),
                           "reg_code": pd.NA, "population": pd.NA, "population_source": ""}, index=missing)
    known = communes.loc[large.union(prefectures.intersection(communes.index))]
    units = pd.concat([known, absent]).rename_axis("insee_code").reset_index()
    units["prefecture"] = units["insee_code"].isin(prefectures).astype("int64")
    units["region_code"] = units["reg_code"].fillna(units["dep_code"].map(dep_regions))
    units["region"] = _region_names(regions, units["region_code"], build)
    units["population"] = units["population"].astype("Int64")

    both = units[(units["prefecture"] == 1) & (units["population"].fillna(0) >= threshold)]
    build.rule("prefecture", f"{len(both)} préfectures are communes of {threshold:,}+ and counted once: "
               f"{', '.join(sorted(both['name']))}")
    small = units[(units["prefecture"] == 1) & (units["population"].fillna(0) < threshold)]
    unknown = small.loc[small["population"].isna(), "name"]
    build.rule("prefecture", f"{len(small)} préfectures under {threshold:,} added, of which "
               f"{len(unknown)} of unknown population ({', '.join(unknown) or '-'})")
    older = units[units["population_source"].str.contains("closest vintage", regex=False)]
    if len(older):
        build.rule("population-vintage", f"{len(older)} communes of the frame use "
                   f"{older['population_source'].iloc[0]}: "
                   + ", ".join(f"{row.name} {row.population}" for row in older.itertuples()))
    return units.assign(type="commune")


# --------------------------------------------------------------------------- executives

def executives_in_office(executives: pd.DataFrame, key: str, on: date) -> pd.DataFrame:
    """The executive in office on ``on`` for each value of ``key``.

    Parameters
    ----------
    executives
        Rows of a register reader of :mod:`helpers.frame.official` (effective
        ``start`` and ``end``, an empty end being open).
    key
        Column identifying the unit (``insee_code``, ``siren``...).
    on
        The reference date.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``: the row in office (the most recently started
        when several are), plus ``in_office``, how many rows were.
    """
    moment = pd.Timestamp(on)
    current = executives[(executives["start"] <= moment) & (executives["end"].isna() | (executives["end"] >= moment))]
    current = current.sort_values([key, "start", "line"])
    counts = current.groupby(key).size().rename("in_office")
    return current.drop_duplicates(key, keep="last").set_index(key).join(counts)


def _changes_during_year(executives: pd.DataFrame, key: str, keys: pd.Index, on: date) -> list[str]:
    """'key: A -> B (from date)' for the units whose executive changed during the year of ``on``."""
    first, last = pd.Timestamp(on.year, 1, 1), pd.Timestamp(on.year, 12, 31)
    year = executives[executives[key].isin(keys) & (executives["start"] <= last)
                      & (executives["end"].isna() | (executives["end"] >= first))]
    changed = year.groupby(key)["elected_id"].transform("nunique") > 1
    return [f"{unit}: " + " -> ".join(f"{row.last_name} ({row.start:%Y-%m-%d})" for row in rows.itertuples())
            for unit, rows in year[changed].sort_values([key, "start"]).groupby(key)]


def _attach_executives(units: pd.DataFrame, register: Table, key: str, role: str, build: _Build) -> pd.DataFrame:
    """Add ``nuance`` (empty when none is in office) to units keyed by ``units['_key']``."""
    current = executives_in_office(register.data, key, build.on)
    units["nuance"] = units["exec_key"].map(current["nuance"]).astype("str").fillna("")
    several = current.index[current["in_office"] > 1].intersection(pd.Index(units["exec_key"]))
    if len(several):
        build.rule("executive", f"several {role}s in office on {build.on.isoformat()}, the most recently "
                   f"started taken: {', '.join(several)}")
    changes = _changes_during_year(register.data, key, pd.Index(units["exec_key"]), build.on)
    if changes:
        build.rule("executive", f"{role} changed during {build.on.year}, the one in office on "
                   f"{build.on.isoformat()} taken: {'; '.join(changes)}")
    units["exec_found"] = units["exec_key"].isin(current.index)
    return units


def _shared_executives(frame: pd.DataFrame, build: _Build) -> None:
    """Paris's département takes the maire de Paris, Mayotte's région the président of its conseil général."""
    shared = []
    if build.on < PARIS_MERGER:
        shared.append(("departement", PARIS_DEPARTEMENT, "commune", PARIS_COMMUNE, "the maire de Paris"))
    if build.on >= MAYOTTE_SINCE:
        shared.append(("region", MAYOTTE_REGION, "departement", MAYOTTE_DEPARTEMENT,
                       "the président of the conseil général of Mayotte"))
    for unit_type, code, source_type, source_code, who in shared:
        unit = (frame["type"] == unit_type) & (frame["insee_code"] == code) & ~frame["exec_found"]
        source = frame[(frame["type"] == source_type) & (frame["insee_code"] == source_code) & frame["exec_found"]]
        if unit.any() and len(source):
            frame.loc[unit, ["nuance", "exec_found"]] = [source["nuance"].iloc[0], True]
            build.rule("shared-executive", f"{unit_type} {code}: executive is {who} ({source['nuance'].iloc[0]})")


def _executives(frame: pd.DataFrame, registers: dict[str, Table], build: _Build) -> pd.DataFrame:
    frame["exec_key"] = frame["insee_code"].where(frame["insee_code"] != "", frame["unit_id"])
    roles = {"region": ("region_presidents", "reg_code", "président of the conseil régional"),
             "departement": ("departement_presidents", "dep_code", "président of the conseil général"),
             "commune": ("mayors", "insee_code", "maire")}
    for kind in EPCI_TYPES.values():
        roles[kind] = ("epci_presidents", "siren", f"président of the {kind.replace('_', ' ')}")
    parts = []
    for kind, (source, key, role) in roles.items():
        units = frame[frame["type"] == kind].copy()
        parts.append(_attach_executives(units, registers[source], key, role, build) if len(units) else units)
    frame = pd.concat(parts)
    _shared_executives(frame, build)
    for row in frame[~frame["exec_found"]].itertuples():
        source, _, role = roles[row.type]
        build.issue(registers[source].path, f"no {role} in office on {build.on.isoformat()} for "
                    f"{row.type} {row.name}: nuance left empty", row.exec_key)
    frame["political_group"] = political_group(frame["nuance"])
    unlisted = sorted(set(frame["nuance"]) - set(NUANCE_GROUPS) - {""})
    if unlisted:
        build.rule("political-group", f"nuances outside the mapping counted as 'other': {', '.join(unlisted)}")
    return frame.drop(columns=["exec_key", "exec_found"])


# --------------------------------------------------------------------------- entry points

def build_frame(sources: Path, reference_date: date, *,
                population_threshold: int = POPULATION_THRESHOLD) -> FrameBuild:
    """Build the barometer's population at ``reference_date`` from the official files.

    Parameters
    ----------
    sources
        Folder holding the files of :data:`SOURCE_PATTERNS` (for 2012,
        ``data/external/official/2012``), read in place.
    reference_date
        Date at which units, populations in force and executives are taken.
    population_threshold
        Municipal population from which a commune is a unit.

    Returns
    -------
    FrameBuild
        The frame, one row per unit with the columns :data:`FRAME_COLUMNS`,
        and the report of files read, rules applied and issues.

    Raises
    ------
    InputError
        A file is missing, unreadable, or of another year than expected.
    """
    build = _Build(reference_date)
    files = locate_sources(Path(sources))
    _check_dgcl_year(files["epci"][0], reference_date.year)
    populations = [official.read_population(path) for path in files["population"]]
    epci = official.read_epci(files["epci"][0])
    regions = official.read_regions(files["regions"][0], reference_date)
    departements = official.read_departements(files["departements"][0], reference_date)
    registers = {"mayors": official.read_rne_mayors(files["mayors"][0]),
                 "epci_presidents": official.read_rne_epci_presidents(files["epci_presidents"][0]),
                 "departement_presidents": official.read_rne_departement_presidents(
                     files["departement_presidents"][0]),
                 "region_presidents": official.read_rne_region_presidents(files["region_presidents"][0])}
    tables = [*populations, epci, regions, departements, *registers.values()]

    communes = _communes(_population_table(populations, build), epci, build)
    dep_regions = _departement_regions(communes, departements, build)
    communes["reg_code"] = communes["reg_code"].fillna(communes["dep_code"].map(dep_regions))
    chef_lieux = _chef_lieux(departements, build)
    units = [
        _region_units(regions, communes, build),
        _departement_units(departements, communes, dep_regions, regions, build),
        _epci_units(epci, communes, regions, build),
        _commune_units(communes, chef_lieux, registers["mayors"], dep_regions, regions, population_threshold,
                       departements, build),
    ]
    frame = pd.concat(units, ignore_index=True)
    for kind in ID_PREFIXES:
        is_kind = frame["type"] == kind
        frame.loc[is_kind, "unit_id"] = derived_unit_id(kind, frame.loc[is_kind, "insee_code"])
    frame["prefecture"] = frame["prefecture"].fillna(0).astype("int64")
    frame = _executives(frame, registers, build)
    frame["invitation"] = "invited"
    frame = sort_units(frame)[list(FRAME_COLUMNS)].astype({"population": "Int64"})
    read_issues = [issue for table in tables for issue in table.issues]
    return FrameBuild(frame, reference_date, [t.describe() for t in tables], build.rules,
                      read_issues + build.issues)


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write the frame as UTF-8 CSV, atomically (a failed run leaves no half-written file).

    Parameters
    ----------
    frame
        The frame of :func:`build_frame`.
    path
        Destination; its folder is created when missing.
    """
    atomic.write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m helpers frame``."""
    parser.add_argument("--year", type=int, required=True, help="survey wave, e.g. 2012")
    parser.add_argument("--sources", type=Path, default=None,
                        help="folder of the official files (relative paths from the project root; "
                             "default data/external/official/<year>, the copy the repository ships)")
    parser.add_argument("--out", type=Path, required=True,
                        help="frame CSV to write; the build report goes beside it (<name>.report.txt)")
    parser.add_argument("--reference-date", type=date.fromisoformat, default=None,
                        help="yyyy-mm-dd at which units and executives are taken (default: 1 January of YEAR)")


def main(args: argparse.Namespace) -> int:
    """Build the frame, write it and its report; returns the exit status."""
    reference_date = args.reference_date or date(args.year, 1, 1)
    if reference_date.year != args.year:
        raise UsageError(f"--reference-date: {reference_date.isoformat()} is not in the wave's year {args.year}")
    default_sources = DATA_DIR / "external" / "official" / str(args.year)
    sources, out = resolve(args.sources, default_sources), resolve(args.out, ROOT)
    result = build_frame(sources, reference_date)
    write_frame(result.frame, out)
    report = out.with_name(f"{out.stem}.report.txt")
    report.write_text(result.report(), encoding="utf-8")
    counts = ", ".join(f"{kind} {count}" for kind, count in result.counts().items())
    log.info("frame of %d units written to %s (%s)", len(result.frame), display(out), counts)
    log.info("%d rules applied, %d issues: see %s", len(result.rules), len(result.issues), display(report))
    return 0
