"""Reading delimited text files as survey tools and official sources deliver them.

Exports arrive in UTF-8, UTF-8 with a byte-order mark or Windows-1252, with
``;``, ``,`` or tab separators, quoted fields spanning several lines and
decimal commas. Everything is read as text; typing happens in the modules that
know what each column means.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.errors import InputError

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
SEPARATORS = (";", ",", "\t")
LINE_COLUMN = "_line"


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
    """

    path: Path
    encoding: str
    separator: str
    data: pd.DataFrame


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
        "encoding (UTF-8, UTF-8 with BOM, Windows-1252)",
        row=line,
    )


def sniff_separator(path: Path, header: str) -> str:
    """The separator occurring most often in the header line."""
    counts = {sep: header.count(sep) for sep in SEPARATORS}
    separator, count = max(counts.items(), key=lambda item: item[1])
    if count == 0:
        raise InputError(path, "the header line holds none of the separators ';', ',' or tab", row=1)
    return separator


def read_table(path: str | Path, *, skip_title_lines: int = 0) -> RawTable:
    """Read a delimited text file as strings, detecting encoding and separator.

    Parameters
    ----------
    path
        The file to read.
    skip_title_lines
        Number of report-title lines above the header.

    Returns
    -------
    RawTable

    Raises
    ------
    InputError
        If the file is missing or empty, decodes in no supported encoding,
        has a quoted field left open at the end (a truncated file), or has a
        record with more fields than the header.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from error
    if not raw.strip():
        raise InputError(path, "the file is empty: expected a header line and records")
    text, encoding = decode(path, raw)
    lines = text.splitlines(keepends=True)[skip_title_lines:]
    if not lines:
        raise InputError(path, "no header line after the title lines")
    separator = sniff_separator(path, lines[0])
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=separator, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
        records, starts = [], []
        line_before = reader.line_num
        for record in reader:
            start = line_before + 1 + skip_title_lines
            line_before = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                raise InputError(path, f"{len(record)} fields where the header has {len(header)}",
                                 row=start)
            records.append(record + [""] * (len(header) - len(record)))
            starts.append(start)
    except csv.Error as error:
        raise InputError(path, f"malformed or truncated record ({error}); is the file complete?",
                         row=reader.line_num + skip_title_lines) from error
    duplicated = sorted({name for name in header if header.count(name) > 1})
    if duplicated:
        raise InputError(path, f"column header(s) appear twice: {duplicated}", row=1 + skip_title_lines)
    data = pd.DataFrame(records, columns=header, dtype=object)
    data[LINE_COLUMN] = np.asarray(starts, dtype=np.int64)
    return RawTable(path, encoding, separator, data)


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_decimal(values: pd.Series, path: Path, column: str, lines: pd.Series) -> pd.Series:
    """Parse numbers written with a decimal comma or point.

    Spaces (including non-breaking ones) are thousands separators; when both
    ``.`` and ``,`` occur, the last one is the decimal mark.

    Raises
    ------
    InputError
        Naming the line, the column and the value that is not a number.
    """
    text = values.fillna("").astype(str).str.replace(_SPACES, "", regex=True)
    both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
    comma_last = text.str.rfind(",") > text.str.rfind(".")
    text = text.where(~(both & comma_last), text.str.replace(".", "", regex=False))
    text = text.where(~(both & ~comma_last), text.str.replace(",", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.replace("", np.nan), errors="coerce")
    bad = numbers.isna() & (text != "")
    if bad.any():
        first = bad.idxmax()
        raise InputError(path, f"{values[first]!r} is not a number (expected e.g. 12,5)",
                         row=int(lines[first]), column=column)
    return numbers.astype("float64")
