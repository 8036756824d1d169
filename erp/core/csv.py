"""The one CSV writer every export uses (the audit log, the sales reports): cells that a spreadsheet
would run as a formula are neutralised (CSV injection, OWASP).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or a line feed (or
the full-width ``＝ ＋ － ＠`` some spreadsheets also read as formulas) is written with a leading
``'``: the spreadsheet shows the text, it does not evaluate it. Only text is neutralised: a number
the export itself computed (an ``int``, a finite ``Decimal`` or ``float``, e.g. a refund of
``-12.50``) stays a number, so the columns still sum; a number can be no formula. Anything else
(a UUID, a date, a translated label) is written as its text and neutralised like any text.
"""

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_cell(value: Any) -> Any:
    """``value`` as a safe cell: a finite number as it is, anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    """A file that hands back what is written to it: the writer formats one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV lines of ``header`` (none when empty) then each of ``rows`` (lazily: ``rows`` may be
    a query's iterator)."""
    writer = csv.writer(_Echo())
    if header:
        yield writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_response(
    *, header: Sequence[Any], rows: Iterable[Iterable[Any]], filename: str, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download (UTF-8): streamed line by line when ``stream`` (a long export read from the
    database as it is sent), else in one body."""
    lines = csv_lines(header, rows)
    if stream:
        response = StreamingHttpResponse(lines, content_type=CONTENT_TYPE)
    else:
        response = HttpResponse("".join(lines), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
