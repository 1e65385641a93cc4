"""Readers of the official public files used to build the sampling frame.

The files are those listed in ``data/external/official/README.md`` (INSEE
municipal populations, the DGCL list of intercommunal groupings, the etalab
geohisto exports of régions and départements, and the Répertoire national des
élus). Each reader copes with the redistributed copies *and* with the formats
of the original downloads (the reading is :func:`helpers.inputs.ingest.read_table`'s, lenient):

- encoding: UTF-8 (with or without byte-order mark) or Windows-1252, detected;
- separator: tab, ``;`` or ``,``, detected from the header line;
- a report title (or any other lines) before the header: the header is the
  first of the first lines that holds every expected column, in any case and
  with or without accents (:func:`helpers.inputs.ingest.find_header`);
- CRLF, LF or CR line ends; tab-separated files are not quoted (a ``"`` is
  text);
- numbers with a decimal comma and spaces as thousands separators
  (``"13 839,00"``);
- dates written d/m/yyyy;
- INSEE commune codes that lost their leading zero (``"7121"`` is ``07121``;
  Corsica keeps ``2A``/``2B``);
- overseas département codes written 971..976, 01..06 (INSEE overseas file)
  or ZA..ZM (Répertoire national des élus).

Nothing is dropped silently. A problem that makes a whole file unusable raises
:class:`helpers.errors.InputError` naming the file, the line and the column;
a problem confined to one value or one row becomes an :class:`Issue` (file,
line, column, value, what was expected) returned with the data in a
:class:`Table`. Line numbers are physical lines of the file, counting the
title line when there is one.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from helpers.errors import InputError
from helpers.inputs.ingest import LINE_COLUMN, column_key, parse_numbers, read_table
from helpers.paths import display

SEPARATOR_NAMES = {"\t": "tab", ";": "';'", ",": "','"}
# The Répertoire national des élus writes tab-separated files without quoting.
QUOTING = {"\t": csv.QUOTE_NONE}
PLAUSIBLE_YEARS = (1900, 2100)

COMMUNE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DEPARTEMENT_CODE = re.compile(r"^(?:\d{2}|2[AB]|97\d|98\d)$")
SIREN = re.compile(r"^\d{9}$")

# INSEE's overseas population file numbers the overseas départements like
# their régions (01..06); 05 (Saint-Pierre-et-Miquelon) has no région.
INSEE_OVERSEAS_DEP = {"01": "971", "02": "972", "03": "973", "04": "974", "05": "975", "06": "976"}
# The Répertoire national des élus codes overseas territories with letters.
RNE_OVERSEAS_DEP = {"ZA": "971", "ZB": "972", "ZC": "973", "ZD": "974", "ZS": "975", "ZM": "976",
                    "ZW": "986", "ZP": "987", "ZN": "988"}

EPCI_NATURES = {"ca": "CA", "cu": "CU", "cc": "CC", "san": "SAN", "metropole": "MET", "metro": "MET",
                "met": "MET", "me": "MET"}


@dataclass(frozen=True)
class Issue:
    """A value or a row that could not be read or matched (non-fatal).

    Attributes
    ----------
    path
        The file at fault.
    line
        Physical 1-based line of the file, when one applies.
    column
        Column at fault, when one applies.
    value
        The offending value as read.
    problem
        What is wrong and what was expected, or what was done instead.
    """

    path: Path
    line: int | None
    column: str | None
    value: str
    problem: str

    def __str__(self) -> str:
        where = [display(self.path)]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.problem} (value {self.value!r})"


@dataclass
class Table:
    """The rows read from one official file, with how it was read.

    Attributes
    ----------
    data
        One row per data line, columns renamed to short English names, plus
        ``line`` (the physical line number in the file).
    issues
        Non-fatal problems met while reading, in file order.
    path
        The file read.
    encoding, separator
        As detected.
    header_line
        Physical line number of the header (2 when a title line precedes it).
    columns
        Short name -> column name in the file, for messages.
    """

    data: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    path: Path = Path()
    encoding: str = ""
    separator: str = ""
    header_line: int = 1
    columns: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """One line saying how the file was read, for reports."""
        skipped = f", {self.header_line - 1} line(s) before the header skipped" if self.header_line > 1 else ""
        return (f"{display(self.path)}: {len(self.data)} rows, {self.encoding}, "
                f"{SEPARATOR_NAMES[self.separator]}-separated{skipped}, {len(self.issues)} issue(s)")


# --------------------------------------------------------------------------- generic reading

def read_official(path: str | Path, columns: Mapping[str, Sequence[str]], *,
                  extra: re.Pattern[str] | None = None) -> Table:
    """Read an official file with :func:`helpers.inputs.ingest.read_table`, leniently, its columns renamed.

    Parameters
    ----------
    path
        The file.
    columns
        Short name -> accepted source column names (compared case-, accent-
        and spacing-insensitively, see :func:`helpers.inputs.ingest.find_header`).
        Every short name must be found in the header.
    extra
        Further source columns to keep under their own name (for instance
        ``PMUN\\d\\d``), matched against the stripped source name.

    Returns
    -------
    Table
        String columns, stripped of surrounding spaces, empty when absent,
        plus ``line``. Rows with the wrong number of fields are reported as
        issues and left out.

    Raises
    ------
    InputError
        The file is missing, cannot be decoded, or has no recognisable header.
    """
    raw = read_table(path, columns=columns, quoting=QUOTING, strict=False)
    keep = {source: short for short, source in raw.found.items()}
    if extra is not None:
        keep.update({name: name for name in raw.data.columns
                     if name != LINE_COLUMN and extra.fullmatch(name) and name not in keep})
    data = pd.DataFrame({short: raw.data[source].astype("str").str.strip() for source, short in keep.items()})
    data["line"] = raw.data[LINE_COLUMN].to_numpy()
    issues = [Issue(raw.path, record.line, None, record.text,
                    f"row has {record.fields} fields, the header has {len(raw.data.columns) - 1}; row left out")
              for record in raw.rejected]
    return Table(data.reset_index(drop=True), issues, raw.path, raw.encoding, raw.separator, raw.header_line,
                 {short: source for source, short in keep.items()})


def _report(table: Table, mask: pd.Series, column: str, problem: str) -> None:
    """Append one issue per row of ``mask``, citing the value of ``column`` under its name in the file."""
    label = table.columns.get(column, column)
    for line, value in zip(table.data.loc[mask, "line"], table.data.loc[mask, column], strict=True):
        table.issues.append(Issue(table.path, int(line), label, str(value), problem))


# --------------------------------------------------------------------------- value parsers

def _whole_numbers(table: Table, column: str) -> pd.Series:
    """Column parsed as nullable integers (:func:`helpers.inputs.ingest.parse_numbers`); unreadable or
    fractional values become issues and NA."""
    values = parse_numbers(table.data[column])
    present = table.data[column] != ""
    _report(table, present & values.isna(), column, "not a number")
    fractional = values.notna() & (values != values.round())
    _report(table, fractional, column, "not a whole number")
    return values.where(~fractional).round().astype("Int64")


def parse_dates(values: pd.Series) -> pd.Series:
    """d/m/yyyy dates (days and months with or without a leading zero) as datetimes.

    Unreadable values and years outside 1900..2100 (typing errors such as
    ``17/7/0013``) become NaT.
    """
    parsed = pd.to_datetime(values.astype("str"), format="%d/%m/%Y", errors="coerce")
    plausible = parsed.dt.year.between(*PLAUSIBLE_YEARS)
    return parsed.where(plausible)


def _dates(table: Table, column: str) -> pd.Series:
    values = parse_dates(table.data[column])
    _report(table, (table.data[column] != "") & values.isna(), column,
            "not a date d/m/yyyy with a year between 1900 and 2100; treated as unknown")
    return values


def normalize_commune_codes(values: pd.Series) -> pd.Series:
    """INSEE commune codes padded to 5 characters (``"7121"`` -> ``"07121"``).

    Corsican codes (``2A004``) are kept; invalid codes are returned unchanged,
    to be caught by :data:`COMMUNE_CODE`.
    """
    text = values.astype("str").str.strip().str.upper()
    digits = text.str.fullmatch(r"\d{1,4}")
    return text.where(~digits, text.str.zfill(5))


def departement_of(commune_codes: pd.Series) -> pd.Series:
    """Département code of INSEE commune codes (3 characters overseas, else 2)."""
    return commune_codes.str[:3].where(commune_codes.str.startswith("97"), commune_codes.str[:2])


def normalize_departement_codes(values: pd.Series, overseas: Mapping[str, str] | None = None) -> pd.Series:
    """Département codes as 2 characters (``"1"`` -> ``"01"``, ``2A``) or 3 overseas.

    Parameters
    ----------
    values
        Codes as read.
    overseas
        Aliases of overseas codes used by the file (for instance
        :data:`RNE_OVERSEAS_DEP`), replaced by the INSEE code.
    """
    text = values.astype("str").str.strip().str.upper()
    text = text.where(~text.str.fullmatch(r"\d"), text.str.zfill(2))
    if overseas:
        text = text.replace(dict(overseas))
    return text


# --------------------------------------------------------------------------- INSEE populations

POPULATION_COLUMNS = {
    "insee_code": ("DEPCOM", "CODGEO", "Code commune"),
    "name": ("LIBMIN", "LIBGEO", "COM", "Nom de la commune"),
    "dep_code": ("DEP",),
    "reg_code": ("REG",),
}
POPULATION_VINTAGE = re.compile(r"PMUN(\d{2})", re.IGNORECASE)


def read_population(path: str | Path) -> Table:
    """Read an INSEE file of municipal populations by commune.

    Parameters
    ----------
    path
        ``insee_population_metropole.csv``, ``insee_population_dom.csv`` or an
        original INSEE download with the columns DEPCOM, LIBMIN, DEP, REG and
        one ``PMUNyy`` column per vintage.

    Returns
    -------
    Table
        Columns ``insee_code``, ``name``, ``dep_code`` (971..976 overseas),
        ``reg_code``, ``line`` and ``pop_<yyyy>`` (nullable integers) for
        every vintage found. Rows with an invalid or duplicated commune code
        are reported and left out; a DEP that contradicts the commune code is
        reported and the commune code wins.

    Raises
    ------
    InputError
        No ``PMUNyy`` column.
    """
    table = read_official(path, POPULATION_COLUMNS, extra=POPULATION_VINTAGE)
    data = table.data
    vintages = [c for c in data.columns if POPULATION_VINTAGE.fullmatch(c)]
    if not vintages:
        raise InputError(table.path, "no municipal population column: expected PMUNyy (for instance PMUN09)",
                         row=table.header_line)
    data["insee_code"] = normalize_commune_codes(data["insee_code"])
    valid = data["insee_code"].str.fullmatch(COMMUNE_CODE.pattern)
    _report(table, ~valid, "insee_code", "not an INSEE commune code (5 characters, 2A/2B in Corsica); row left out")
    duplicated = valid & data["insee_code"].duplicated()
    _report(table, duplicated, "insee_code", "commune code already read on an earlier line; row left out")
    data = data[valid & ~duplicated].copy()
    table.data = data

    derived = departement_of(data["insee_code"])
    given = normalize_departement_codes(data["dep_code"])
    overseas_alias = derived.str.startswith("97") & (given.map(INSEE_OVERSEAS_DEP) == derived)
    _report(table, (given != derived) & ~overseas_alias, "dep_code",
            "département does not match the commune code; the commune code is used")
    data["dep_code"] = derived
    data["reg_code"] = data["reg_code"].str.zfill(2)
    for column in vintages:
        year = 2000 + int(POPULATION_VINTAGE.fullmatch(column).group(1))
        data[f"pop_{year}"] = _whole_numbers(table, column)
    table.data = data.drop(columns=vintages).reset_index(drop=True)
    return table


def population_vintages(data: pd.DataFrame) -> list[int]:
    """Vintages (census years) of the ``pop_<yyyy>`` columns of a population table."""
    return sorted(int(c[4:]) for c in data.columns if re.fullmatch(r"pop_\d{4}", c))


# --------------------------------------------------------------------------- DGCL groupings

EPCI_COLUMNS = {
    "siren": ("siren", "N° SIREN", "siren_epci"),
    "name": ("nom", "Nom du groupement", "raison_sociale"),
    "nature": ("nature", "Nature juridique", "nature_juridique"),
    "member_count": ("nb_com", "Nombre de communes"),
    "group_population": ("pmun", "Population municipale", "pmun_epci"),
    "insee_code": ("insee", "insee_com", "Code commune"),
    "member_name": ("nom_com", "Nom commune"),
    "member_population": ("pmun_com", "Population municipale commune"),
}


def read_epci(path: str | Path) -> Table:
    """Read the DGCL list of groupings with their own tax base, one row per member commune.

    Returns
    -------
    Table
        Columns ``siren``, ``name``, ``nature`` (``CA``, ``CU``, ``MET`` for
        a métropole, ``CC``, ``SAN``), ``member_count``, ``group_population``,
        ``insee_code`` (padded to 5), ``member_name``, ``member_population``
        and ``line``. Rows with an invalid SIREN or commune code are reported
        and left out; an unknown nature is reported and kept as written.
    """
    table = read_official(path, EPCI_COLUMNS)
    data = table.data
    data["insee_code"] = normalize_commune_codes(data["insee_code"])
    bad_siren = ~data["siren"].str.fullmatch(SIREN.pattern)
    _report(table, bad_siren, "siren", "not a 9-digit SIREN; row left out")
    bad_code = ~data["insee_code"].str.fullmatch(COMMUNE_CODE.pattern)
    _report(table, bad_code & ~bad_siren, "insee_code", "not an INSEE commune code; row left out")
    data = data[~bad_siren & ~bad_code].copy()
    table.data = data
    nature = data["nature"].map(column_key).map(EPCI_NATURES)
    _report(table, nature.isna(), "nature", "unknown nature: expected CA, CU, Métropole, CC or SAN; kept as written")
    data["nature"] = nature.fillna(data["nature"])
    for column in ("member_count", "group_population", "member_population"):
        data[column] = _whole_numbers(table, column)
    table.data = data.reset_index(drop=True)
    return table


# --------------------------------------------------------------------------- geohisto exports

GEOHISTO_COLUMNS = {
    "id": ("id",),
    "code": ("insee_code",),
    "start": ("start_datetime",),
    "end": ("end_datetime",),
    "name": ("name",),
    "chef_lieu": ("chef_lieu",),
}
GEOHISTO_REFERENCE = re.compile(r"fr:(?:commune|region|departement):(?P<code>[0-9AB]+)@(?P<start>\d{4}-\d{2}-\d{2})")


def reference_on(references: str, on: date) -> str:
    """The code, among geohisto references, whose validity starts last on or before ``on``.

    ``"fr:commune:20004@1942-01-01;fr:commune:2A004@1976-01-01"`` gives
    ``"2A004"`` for any date from 1976. Returns ``""`` when none applies.
    """
    best = ("", "")
    for match in GEOHISTO_REFERENCE.finditer(references):
        if match["start"] <= on.isoformat() and match["start"] >= best[1]:
            best = (match["code"], match["start"])
    return best[0]


def _read_geohisto(path: str | Path, on: date, columns: Mapping[str, Sequence[str]]) -> Table:
    table = read_official(path, columns)
    data = table.data
    start = pd.to_datetime(data["start"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    end = pd.to_datetime(data["end"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    _report(table, start.isna(), "start", "not a date-time yyyy-mm-dd hh:mm:ss; row left out")
    _report(table, end.isna(), "end", "not a date-time yyyy-mm-dd hh:mm:ss; row left out")
    moment = pd.Timestamp(on)
    data = data[(start <= moment) & (end >= moment)].copy()
    duplicated = data["code"].duplicated(keep=False)
    if duplicated.any():
        table.data = data
        _report(table, duplicated, "code", f"several rows valid on {on.isoformat()}; the last one is kept")
        data = data.drop_duplicates("code", keep="last")
    data["chef_lieu"] = data["chef_lieu"].map(lambda refs: reference_on(refs, on))
    table.data = data.drop(columns=["start", "end"]).reset_index(drop=True)
    return table


def read_regions(path: str | Path, on: date) -> Table:
    """Read the geohisto régions export, keeping the régions valid on ``on``.

    Returns
    -------
    Table
        Columns ``id``, ``code`` (INSEE région code), ``name``, ``chef_lieu``
        (commune code valid on ``on``) and ``line``.
    """
    return _read_geohisto(path, on, GEOHISTO_COLUMNS)


def read_departements(path: str | Path, on: date) -> Table:
    """Read the geohisto départements export, keeping the départements valid on ``on``.

    Returns
    -------
    Table
        Columns ``id``, ``code``, ``name``, ``chef_lieu`` (commune code of the
        préfecture valid on ``on``, as written: see
        :func:`helpers.frame.build.build_frame` for the known errors),
        ``parent_region`` (région code valid on ``on``, as written) and
        ``line``.
    """
    table = _read_geohisto(path, on, {**GEOHISTO_COLUMNS, "parents": ("parents",)})
    data = table.data
    data["parent_region"] = data["parents"].map(lambda refs: reference_on(refs, on))
    table.data = data.drop(columns=["parents"])
    return table


# --------------------------------------------------------------------------- Répertoire national des élus

RNE_DATES = {
    "mandate_start": ("Date de début du mandat",),
    "mandate_end": ("Date de fin du mandat",),
    "function_start": ("Date de début de la fonction",),
    "function_end": ("Date de fin de la fonction",),
}
RNE_COMMON = {
    "last_name": ("Nom de l'élu",),
    "first_name": ("Prénom de l'élu",),
    "elected_id": ("N° Identification d'un élu",),
    "function": ("Libellé de fonction",),
    **RNE_DATES,
}


def _executive_rows(table: Table, label: str) -> None:
    """Keep the rows whose function label matches ``label`` and give them effective dates.

    The effective start is the later of the mandate and function starts, the
    effective end the earlier of their ends (an empty end is open): a
    president whose mandate ended before the written end of his function is
    no longer in office.
    """
    data = table.data
    table.data = data[data["function"].map(column_key).str.fullmatch(label)].copy()
    dates = {name: _dates(table, name) for name in RNE_DATES}
    data = table.data
    data["start"] = pd.concat([dates["mandate_start"], dates["function_start"]], axis=1).max(axis=1)
    data["end"] = pd.concat([dates["mandate_end"], dates["function_end"]], axis=1).min(axis=1)
    _report(table, data["start"].isna(), "function_start",
            "executive without a readable start date; cannot say when in office, row left out")
    table.data = data[data["start"].notna()].drop(columns=list(RNE_DATES)).reset_index(drop=True)


def _departement_keys(table: Table, column: str) -> None:
    data = table.data
    data[column] = normalize_departement_codes(data[column], RNE_OVERSEAS_DEP)
    bad = ~data[column].str.fullmatch(DEPARTEMENT_CODE.pattern)
    _report(table, bad, column, "unknown département code; row left out")
    table.data = data[~bad].copy()


def read_rne_mayors(path: str | Path) -> Table:
    """Read the RNE extract of mayors (``rne_maires.txt``).

    Returns
    -------
    Table
        One row per mayor with a readable start: ``insee_code`` (département
        code + 3-digit commune code; overseas, the 3-digit INSEE département
        code + the last two digits), ``commune_name``, ``rne_population``
        (the population the register shows, informative only: its vintage is
        not stated), ``last_name``, ``first_name``, ``elected_id``,
        ``function``, ``start``, ``end`` (effective dates), ``nuance`` and
        ``line``.
    """
    table = read_official(path, {
        "dep_code": ("Code du département (Maire)", "Code du département"),
        "commune_code": ("Code Insee de la commune",),
        "commune_name": ("Libellé de la commune",),
        "rne_population": ("Population de la commune",),
        "nuance": ("Nuance politique (C. Mun.)", "Nuance politique"),
        **RNE_COMMON,
    })
    _executive_rows(table, "maire")
    _departement_keys(table, "dep_code")
    data = table.data
    number = data["commune_code"].str.zfill(3)
    overseas = data["dep_code"].str.len() == 3
    data["insee_code"] = (data["dep_code"] + number).where(~overseas, data["dep_code"] + number.str[-2:])
    bad = ~data["insee_code"].str.fullmatch(COMMUNE_CODE.pattern)
    _report(table, bad, "commune_code", "not a 3-digit commune code; row left out")
    data = data[~bad].copy()
    table.data = data
    data["rne_population"] = parse_numbers(data["rne_population"]).round().astype("Int64")
    table.data = data.drop(columns=["dep_code", "commune_code"]).reset_index(drop=True)
    return table


def read_rne_epci_presidents(path: str | Path) -> Table:
    """Read the RNE extract of members of EPCI councils (``rne_membres_epci.txt``), presidents only.

    Returns
    -------
    Table
        ``siren``, ``epci_name``, ``last_name``, ``first_name``,
        ``elected_id``, ``function``, ``start``, ``end``, ``nuance``, ``line``.
    """
    table = read_official(path, {
        "siren": ("N° SIREN",),
        "epci_name": ("Libellé de l'EPCI",),
        "nuance": ("Nuance mandat", "Nuance politique"),
        **RNE_COMMON,
    })
    _executive_rows(table, "president.*")
    bad = ~table.data["siren"].str.fullmatch(SIREN.pattern)
    _report(table, bad, "siren", "not a 9-digit SIREN; row left out")
    table.data = table.data[~bad].reset_index(drop=True)
    return table


def read_rne_departement_presidents(path: str | Path) -> Table:
    """Read the RNE extract of conseillers généraux, presidents of the council only.

    Returns
    -------
    Table
        ``dep_code`` (971..976 overseas), ``last_name``, ``first_name``,
        ``elected_id``, ``function``, ``start``, ``end``, ``nuance``, ``line``.
    """
    table = read_official(path, {
        "dep_code": ("Code du département",),
        "nuance": ("Nuance politique (C. Gén.)", "Nuance politique (C. Dép.)", "Nuance politique"),
        **RNE_COMMON,
    })
    _executive_rows(table, "president.*")
    _departement_keys(table, "dep_code")
    table.data = table.data.reset_index(drop=True)
    return table


def read_rne_region_presidents(path: str | Path) -> Table:
    """Read the RNE extract of conseillers régionaux, presidents of the council only.

    Returns
    -------
    Table
        ``reg_code`` (2 digits), ``last_name``, ``first_name``,
        ``elected_id``, ``function``, ``start``, ``end``, ``nuance``, ``line``.
    """
    table = read_official(path, {
        "reg_code": ("Code région", "Code de la région"),
        "nuance": ("Nuance mandat", "Nuance politique"),
        **RNE_COMMON,
    })
    _executive_rows(table, "president.*")
    data = table.data
    data["reg_code"] = data["reg_code"].str.zfill(2)
    bad = ~data["reg_code"].str.fullmatch(r"\d{2}")
    _report(table, bad, "reg_code", "not a 2-digit région code; row left out")
    table.data = data[~bad].reset_index(drop=True)
    return table
