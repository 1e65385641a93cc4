"""Reading and validating the sampling frame."""

import pytest

from helpers.errors import InputError
from helpers.frame.reader import read_frame

from minidata import FRAME_ROWS, write_frame


def test_reads_a_valid_frame(tmp_path):
    frame = read_frame(write_frame(tmp_path))
    assert len(frame) == len(FRAME_ROWS)
    assert frame.index.name == "unit_id"
    assert frame.at["210000003", "prefecture"]
    assert frame.at["210000003", "population"] == 51000
    assert frame.at["210000003", "size_class"] == "50k-100k"
    assert frame.at["210000007", "size_class"] == "unknown"


def test_duplicated_identifiers_name_their_lines(tmp_path):
    rows = FRAME_ROWS + [FRAME_ROWS[1]]
    with pytest.raises(InputError, match=r"identifier 200000002 appears on lines \[3, 9\]"):
        read_frame(write_frame(tmp_path, rows))


@pytest.mark.parametrize("position, value, message", [
    (0, "20000001", "not a 9-digit identifier"),
    (3, "syndicat", "'syndicat' is not one of"),
    (4, "oui", "'oui' is not one of"),
    (7, "51 000,5", "not a whole number"),
    (7, "beaucoup", "'beaucoup' is not a number"),
    (10, "sent", "'sent' is not one of"),
])
def test_bad_values_name_line_and_column(tmp_path, position, value, message):
    rows = [list(row) for row in FRAME_ROWS]
    rows[2][position] = value
    with pytest.raises(InputError, match=rf"line 4, column '\w+': .*{message}"):
        read_frame(write_frame(tmp_path, rows))


def test_every_bad_value_of_a_frame_is_listed_at_once(tmp_path):
    rows = [list(row) for row in FRAME_ROWS] + [list(FRAME_ROWS[1])]
    rows[0][0] = "20000001"
    rows[2][3] = "syndicat"
    rows[4][3] = "mairie"
    rows[5][10] = "sent"
    with pytest.raises(InputError) as refused:
        read_frame(write_frame(tmp_path, rows))
    message = str(refused.value)
    assert "5 problems:" in message
    for text in ("line 2, column 'unit_id': '20000001' is not a 9-digit identifier",
                 "line 4, column 'type': 'syndicat' is not one of", "line 6, column 'type': 'mairie' is not one of",
                 "line 7, column 'invitation': 'sent' is not one of",
                 "column 'unit_id': identifier 200000002 appears on lines [3, 9]"):
        assert text in message


def test_missing_column_is_named(tmp_path):
    path = write_frame(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("invitation", "invitations"), encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column\(s\) \['invitation'\]"):
        read_frame(path)
