"""The cleaning step's grammars for the typed fields of an export, handed to the export check.

:func:`helpers.inputs.exports.read_export` checks every column of an export in
one pass (:mod:`helpers.inputs.exportcheck`); the cleaning step owns how a
number (:func:`helpers.cleaning.numbers.read_number`), a submission time
(:func:`helpers.cleaning.times.reads_as_time`) and a response id are read, so
it hands those grammars over as :data:`TYPED_CHECKS` and a value none of them
reads is listed with every other problem of the file.
"""

from __future__ import annotations

import re

from helpers.cleaning.numbers import NUMBER_EXAMPLE, read_number
from helpers.cleaning.times import DATE_TIME_SHAPE, reads_as_time
from helpers.inputs.exportcheck import TypedCheck
from helpers.inputs.profiles import ColumnLayout, Layout

__all__ = ["RESPONSE_ID", "TYPED_CHECKS"]

# What the survey tool's response ids look like; any other value (an e-mail, a phone) is refused, masked.
RESPONSE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _unit(column: ColumnLayout, layout: Layout) -> str | None:
    return layout.codebook.questions[column.question].unit


def _reads_number(text: str, column: ColumnLayout, layout: Layout) -> bool:
    return not text.strip() or read_number(text, _unit(column, layout)) is not None


def _number_expected(column: ColumnLayout, layout: Layout) -> str:
    unit = _unit(column, layout)
    return f"a number such as {NUMBER_EXAMPLE}" + (f", optionally followed by {unit!r}" if unit else "") + ", or blank"


def _reads_time(text: str, column: ColumnLayout, layout: Layout) -> bool:
    # The export's own format, or (left as written by Layout.canonical) the codebook's, as the cleaning step reads it.
    return reads_as_time(text, layout.datetime_format) or reads_as_time(text, layout.codebook.export.datetime_format)


def _time_expected(column: ColumnLayout, layout: Layout) -> str:
    return f"a date and time as {layout.datetime_format!r} (seconds optional) or ISO 8601 with a time, or blank"


TYPED_CHECKS = {
    "numeric": TypedCheck(_reads_number, _number_expected),
    "submitted_at": TypedCheck(_reads_time, _time_expected, DATE_TIME_SHAPE),
    "response_id": TypedCheck(lambda text, column, layout: bool(RESPONSE_ID.fullmatch(text.strip())),
                              lambda column, layout: "a survey tool's id (letters, digits, '-' or '_')"),
}
"""Role or kind of a column -> the grammar its values follow (see :func:`helpers.inputs.exportcheck.export_schema`)."""
