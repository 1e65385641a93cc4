"""Reading delimited files whatever their encoding, separator and decimal mark."""

import gzip

import pandas as pd
import pytest

from helpers.errors import InputError
from helpers.inputs.ingest import parse_decimal, read_table

ROWS = "Nom;Réponse;Nombre\nÉvreux;Oui;12,5\n\"Saint-Étienne; la ville\";\"ligne un\nligne deux\";3\n"


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                                ("cp1252", "cp1252")])
def test_reads_every_supported_encoding(tmp_path, encoding, expected):
    path = tmp_path / "export.csv"
    path.write_bytes(ROWS.encode(encoding))
    table = read_table(path)
    assert table.encoding == expected
    assert table.separator == ";"
    assert list(table.data.columns) == ["Nom", "Réponse", "Nombre", "_line"]
    assert table.data["Nom"].tolist() == ["Évreux", "Saint-Étienne; la ville"]
    assert table.data.at[1, "Réponse"] == "ligne un\nligne deux"


def test_records_keep_the_line_where_they_start(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(ROWS + "Laval;Non;1\n", encoding="utf-8")
    assert read_table(path).data["_line"].tolist() == [2, 3, 5]


@pytest.mark.parametrize("separator", [",", "\t", ";"])
def test_detects_the_separator(tmp_path, separator):
    path = tmp_path / "frame.csv"
    path.write_text(separator.join(["a", "b", "c"]) + "\n" + separator.join(["1", "2", "3"]) + "\n")
    assert read_table(path).separator == separator


def test_skips_title_lines_and_crlf(tmp_path):
    path = tmp_path / "rne.txt"
    path.write_bytes("Titre du rapport\r\nCode\tPopulation\r\n01\t780,00\r\n".encode("cp1252"))
    data = read_table(path, skip_title_lines=1).data
    assert data.to_dict("records") == [{"Code": "01", "Population": "780,00", "_line": 3}]


def test_bytes_in_no_supported_encoding_name_the_line(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"a;b\n1;2\n3;\x81\x8d\n")  # undefined in Windows-1252, invalid in UTF-8
    with pytest.raises(InputError, match=r"export\.csv, line 3: byte 0x81 .* no supported encoding"):
        read_table(path)


def test_empty_file_is_an_error(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(b"  \n")
    with pytest.raises(InputError, match="the file is empty"):
        read_table(path)


def test_gzip_file_reads_as_its_content(tmp_path):
    text = "Titre du rapport\r\ncode\tnom\r\n01\tAin\r\n".encode("cp1252")
    plain, packed = tmp_path / "rne.txt", tmp_path / "rne.txt.gz"
    plain.write_bytes(text)
    packed.write_bytes(gzip.compress(text))
    read = [read_table(path, skip_title_lines=1) for path in (plain, packed)]
    assert read[1].data.equals(read[0].data) and read[1].encoding == read[0].encoding


def test_gz_file_that_is_not_gzip_is_an_error(tmp_path):
    path = tmp_path / "rne.txt.gz"
    path.write_bytes(b"code;nom\n01;Ain\n")
    with pytest.raises(InputError, match=r"rne\.txt\.gz: cannot be decompressed: expected a gzip file"):
        read_table(path)


def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        read_table(tmp_path / "absent.csv")


@pytest.mark.parametrize("text, message", [
    ('a;b\n1;"open quote\n', "truncated"),
    ("a;b\n1;2\n1;2;3\n", r"line 3: 3 fields where the header has 2"),
    ("a;a\n1;2\n", "appear twice"),
], ids=["truncated-file", "record-with-too-many-fields", "duplicated-header"])
def test_malformed_file_is_an_error(tmp_path, text, message):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_table(path)


def test_blank_records_are_skipped(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a;b;c\n1;2;3\n;;\n4;5;6\n", encoding="utf-8")
    data = read_table(path).data
    assert data[["a", "b", "c"]].values.tolist() == [["1", "2", "3"], ["4", "5", "6"]]


def test_a_file_cut_in_its_last_record_is_an_error_naming_the_line(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a;b;c\n1;2;3\n4;5", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3: 2 fields where the header has 3; is the file cut short\?"):
        read_table(path)


def test_short_records_can_be_dropped_and_listed(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a;b;c\n1;2\n4;5;6\n", encoding="utf-8")
    table = read_table(path, drop_short=True)
    assert table.data[["a", "b", "c"]].values.tolist() == [["4", "5", "6"]]
    assert [(r.line, r.fields, r.text) for r in table.rejected] == [(2, 2, "1;2")]


def test_parse_decimal_accepts_both_marks_and_thousands_separators(tmp_path):
    values = pd.Series(["12,5", "3.25", "1 234,5", "1\u202f000", "1.234,5", "1,234.5", "", "7"])
    parsed = parse_decimal(values, tmp_path / "f.csv", "n", pd.Series(range(2, 10)))
    assert parsed.tolist()[:6] == [12.5, 3.25, 1234.5, 1000.0, 1234.5, 1234.5]
    assert pd.isna(parsed[6]) and parsed[7] == 7.0


def test_parse_decimal_names_line_column_and_value(tmp_path):
    values = pd.Series(["1", "douze"])
    with pytest.raises(InputError, match=r"line 3, column 'n': 'douze' is not a number"):
        parse_decimal(values, tmp_path / "f.csv", "n", pd.Series([2, 3]))
