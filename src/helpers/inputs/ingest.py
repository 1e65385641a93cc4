"""Reading delimited text files as survey tools and official sources deliver them.

Exports arrive in UTF-8, UTF-8 with a byte-order mark or Windows-1252, with
``;``, ``,`` or tab separators, quoted fields spanning several lines and
decimal commas. Everything is read as text; typing happens in the modules that
know what each column means.

:func:`read_table` is the one reader of delimited files with one header line:
strictly for a frame; leniently, for the official files
(:mod:`helpers.frame.official`), which have report titles above a header whose
column names vary in case and accents (:func:`find_header` locates it) and
whose bad rows are reported rather than fatal. :func:`parse_numbers` serves
both kinds of file. A file whose name ends in ``.gz`` is read through gzip
(the project ships its largest official file so). Survey exports, which may
have several header rows or come as workbooks or SPSS/Stata files, are read by
:mod:`helpers.inputs.readers` with the same decoding, splitting and record
rules (:func:`decode`, :func:`split_records`, :func:`fit_records`).
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError

SEPARATORS = (";", ",", "\t")
LINE_COLUMN = "_line"
HEADER_SEARCH_LINES = 10


@dataclass(frozen=True)
class RejectedRecord:
    """A record :func:`read_table` left out because its width differs from the header's (lenient, or ``drop_short``).

    Attributes
    ----------
    line
        The file line where the record starts.
    fields
        Its number of fields.
    text
        The start of that line as written (at most 200 characters).
    """

    line: int
    fields: int
    text: str


@dataclass(frozen=True)
class RawTable:
    """A delimited file read as text.

    Attributes
    ----------
    path
        The file read.
    encoding
        The encoding it decoded in: ``utf-8-sig`` (UTF-8 with a byte-order
        mark), ``utf-8`` or ``cp1252`` (Windows-1252).
    separator
        The field separator found in the header line.
    data
        One row per record, every cell a string (empty when blank), plus the
        column ``_line`` holding the file line where the record starts.
    header_line
        The file line of the header.
    found
        When :func:`read_table` looked the header up by ``columns``: short
        name -> the column's name in the file.
    rejected
        Records a lenient read, or one with ``drop_short``, left out, in file order.
    """

    path: Path
    encoding: str
    separator: str
    data: pd.DataFrame
    header_line: int = 1
    found: dict[str, str] = field(default_factory=dict)
    rejected: tuple[RejectedRecord, ...] = ()


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Decode ``raw`` in the first supported encoding that fits.

    Returns
    -------
    (text, encoding)

    Raises
    ------
    InputError
        If the bytes decode in none of UTF-8, UTF-8 with BOM and Windows-1252;
        the message gives the line and byte offset of the first bad byte.
    """
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as error:
            last_error = error
    line = raw.count(b"\n", 0, last_error.start) + 1
    raise InputError(
        path,
        f"byte 0x{raw[last_error.start]:02x} at offset {last_error.start} decodes in no supported "
        "encoding (UTF-8, UTF-8 with BOM, Windows-1252): cannot decode the file",
        row=line,
    )


def sniff_separator(path: Path, header: str) -> str:
    """The separator occurring most often in the header line."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    separator, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        raise InputError(path, "the header line holds none of the separators ';', ',' or tab", row=1)
    return separator


def read_table(path: str | Path, *, skip_title_lines: int = 0, columns: Mapping[str, Sequence[str]] | None = None,
               quoting: Mapping[str, int] | None = None, strict: bool = True,
               drop_short: bool = False) -> RawTable:
    """Read a delimited text file as strings, detecting encoding, separator and, on request, the header line.

    Parameters
    ----------
    path
        The file to read; gzip-compressed when its name ends in ``.gz``.
    skip_title_lines
        Number of report-title lines above the header (when ``columns`` is not given).
    columns
        Short name -> accepted column names: the header is then the first of
        the first lines that holds every one of them (:func:`find_header`),
        below any title lines, and ``found`` says which name each short name
        found.
    quoting
        Separator -> :mod:`csv` quoting constant, where it is not
        ``csv.QUOTE_MINIMAL`` (a file whose tabs separate unquoted fields).
    strict
        A malformed quoted field or a record with more or fewer fields than
        the header stops the reading (a short record is never padded: it is
        most often a file cut in the middle of its last record). When false,
        quotes are read as :func:`csv.reader` does leniently and a record of
        another width than the header is left out and listed in ``rejected``.
        Either way, blank records are skipped and trailing empty fields beyond
        the header's width ignored.
    drop_short
        With ``strict``, leave a record with fewer fields than the header out
        and list it in ``rejected`` instead of stopping.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        If the file is missing, unreadable, not gzip though named ``.gz``, or
        empty, decodes in no supported encoding, has no header (or none holding ``columns``), has a column
        name twice, or, when ``strict``, has a quoted field left open at the
        end (a truncated file) or a record with more fields than the header, or
        (unless ``drop_short``) fewer.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise InputError(path, "cannot be read (file not found)") from error
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from error
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise InputError(path, f"cannot be decompressed: expected a gzip file ({error})") from error
    if not raw.strip():
        raise InputError(path, "the file is empty: expected a header line and records")
    text, encoding = decode(path, raw)
    lines = io.StringIO(text, newline="").readlines()
    quoting = quoting or {}
    found: dict[str, str] = {}
    if columns is not None:
        header_index, separator, header, found = find_header(path, lines, columns, quoting=quoting)
        records = split_records(path, lines[header_index + 1:], separator, first_line=header_index + 2,
                                quoting=quoting.get(separator, csv.QUOTE_MINIMAL), strict=strict)
    else:
        header_index = skip_title_lines
        if not lines[header_index:]:
            raise InputError(path, "no header line after the title lines")
        separator = sniff_separator(path, lines[header_index])
        records = split_records(path, lines[header_index:], separator, first_line=1 + header_index,
                                quoting=quoting.get(separator, csv.QUOTE_MINIMAL), strict=strict)
        header = [name.strip() for name in next(records)[1]]
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise InputError(path, f"column header(s) appear twice: {duplicated}", row=1 + header_index)
    rows, starts, rejected = fit_records(path, records, len(header), strict=strict, drop_short=drop_short,
                                         shown=lambda start, _: lines[start - 1].rstrip("\r\n"))
    data = pd.DataFrame(rows, columns=header, dtype=object)
    data[LINE_COLUMN] = np.asarray(starts, dtype=np.int64)
    return RawTable(path, encoding, separator, data, header_index + 1, found, tuple(rejected))


def fit_records(path: Path, records: Iterable[tuple[int, list[str]]], width: int, *, strict: bool = True,
                drop_short: bool = False, shown: Callable[[int, list[str]], str]
                ) -> tuple[list[list[str]], list[int], list[RejectedRecord]]:
    """Records of the header's width, as :func:`read_table` keeps them (see its ``strict`` and ``drop_short``).

    Blank records are skipped and trailing empty fields beyond ``width``
    ignored; ``shown(line, record)`` gives the text a rejected record is listed with.

    Returns
    -------
    (rows, lines, rejected)

    Raises
    ------
    InputError
        When ``strict``, for a record with more fields than ``width``, or
        fewer unless ``drop_short``, naming its line.
    """
    rows, starts, rejected = [], [], []
    for start, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > width and not any(cell.strip() for cell in record[width:]):
            record = record[:width]
        if len(record) == width:
            rows.append(record)
            starts.append(start)
        elif strict and (len(record) > width or not drop_short):
            hint = "; is the file cut short?" if len(record) < width else ""
            raise InputError(path, f"{len(record)} fields where the header has {width}{hint}", row=start)
        else:
            rejected.append(RejectedRecord(start, len(record), shown(start, record)[:200]))
    return rows, starts, rejected


def split_records(path: Path, lines: Sequence[str], separator: str, *, first_line: int = 1,
                  quoting: int = csv.QUOTE_MINIMAL, strict: bool = True) -> Iterator[tuple[int, list[str]]]:
    """The records of ``lines``, each with the file line where it starts.

    Parameters
    ----------
    path
        The file the lines come from, for messages.
    lines
        Consecutive physical lines of the file, with their line ends.
    separator
        The field separator.
    first_line
        File line number of ``lines[0]``.
    quoting, strict
        As for :func:`csv.reader`; a quoted field may span several lines.

    Yields
    ------
    (line, record)
        The file line where the record starts and its fields (an empty list
        for an empty line).

    Raises
    ------
    InputError
        If a record is malformed or a quoted field is left open at the end (a
        truncated file), naming the line where reading stopped.
    """
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=separator, quoting=quoting,
                        strict=strict)
    line_before = 0
    try:
        for record in reader:
            yield line_before + first_line, record
            line_before = reader.line_num
    except csv.Error as error:
        raise InputError(path, f"malformed or truncated record ({error}); is the file complete?",
                         row=reader.line_num + first_line - 1) from error


def column_key(name: str) -> str:
    """Case-, accent- and spacing-insensitive form of a column name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return " ".join(ascii_name.casefold().split())


def find_header(path: Path, lines: Sequence[str], wanted: Mapping[str, Sequence[str]], *,
                quoting: Mapping[str, int] | None = None) -> tuple[int, str, list[str], dict[str, str]]:
    """Find the header line among the first lines of a file, below any title lines.

    The header is the first of the first :data:`HEADER_SEARCH_LINES` lines
    that, split on one of the :data:`SEPARATORS` (tried in that order), holds
    every wanted column.

    Parameters
    ----------
    path
        The file, for messages.
    lines
        The physical lines of the file (line ends are ignored).
    wanted
        Short name -> accepted column names, compared with :func:`column_key`
        (case-, accent- and spacing-insensitively); the first name found wins.
    quoting
        Separator -> :mod:`csv` quoting constant, where it is not
        ``csv.QUOTE_MINIMAL``.

    Returns
    -------
    (index, separator, fields, found)
        The 0-based index of the header line in ``lines``, its separator, its
        stripped fields, and short name -> column name as written in the file.

    Raises
    ------
    InputError
        If no such line is found.
    """
    quoting = quoting or {}
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        for separator in SEPARATORS:
            split = csv.reader([line.rstrip("\r\n")], delimiter=separator,
                               quoting=quoting.get(separator, csv.QUOTE_MINIMAL))
            fields = [name.strip().lstrip("\ufeff") for name in next(split, [])]
            by_key = {column_key(name): name for name in fields}
            found = {short: next((by_key[column_key(a)] for a in aliases if column_key(a) in by_key), None)
                     for short, aliases in wanted.items()}
            if all(found.values()):
                return index, separator, fields, found  # type: ignore[return-value]
    expected = ", ".join(repr(aliases[0]) for aliases in wanted.values())
    raise InputError(path, f"no header line found in the first {HEADER_SEARCH_LINES} lines: expected the "
                           f"columns {expected} separated by tabs, ';' or ','")


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers written with a decimal comma or point, as floats (NaN when empty or unreadable).

    ``"13 839,00"``, ``"13839"``, ``"1.234,5"``, ``"1,234.5"`` and
    ``"12.5"`` are all read: spaces (including non-breaking ones) are
    thousands separators and, when both ``.`` and ``,`` occur, the last one
    is the decimal mark.
    """
    text = values.fillna("").astype(str).str.replace(_SPACES, "", regex=True)
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    text = text.where(~(both & comma_last), text.str.replace(".", "", regex=False))
    text = text.where(~(both & ~comma_last), text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", np.nan), errors="coerce").astype("float64")


def parse_decimal(values: pd.Series, path: Path, column: str, lines: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal comma or point, as :func:`parse_numbers` does.

    Raises
    ------
    InputError
        Naming the line, the column and the value that is not a number.
    """
    numbers = parse_numbers(values)
    bad = numbers.isna() & (values.fillna("").astype(str).str.replace(_SPACES, "", regex=True) != "")
    if bad.any():
        first = bad.idxmax()
        raise InputError(path, f"{values[first]!r} is not a number (expected e.g. 12,5)",
                         row=int(lines[first]), column=column)
    return numbers
