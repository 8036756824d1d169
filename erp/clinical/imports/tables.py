"""Reading an upload as a table (tablib): CSV in UTF-8 or Windows-1252, comma, semicolon or tab
separated (what French spreadsheets write), or the first sheet of an XLSX workbook. The first row
holds the column names."""

import csv
import datetime
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import tablib
from django.utils.translation import gettext as _

from erp.clinical.exceptions import ImportFileRefused

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
FORMATS = ("csv", "xlsx")
XLSX_MAGIC = b"PK\x03\x04"
CSV_DELIMITERS = ",;\t"


def file_format(filename: str, data: bytes) -> str:
    """``csv`` or ``xlsx``, from the name and checked against the bytes."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx" and data.startswith(XLSX_MAGIC):
        return "xlsx"
    if extension in ("csv", "txt") and not data.startswith(XLSX_MAGIC) and b"\x00" not in data[:4096]:
        return "csv"
    raise ImportFileRefused(_("Upload a CSV file or an Excel workbook (.xlsx)."), field="file")


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileRefused(_("The CSV file is neither UTF-8 nor Windows-1252 text."), field="file")


def read_table(data: bytes, fmt: str) -> tablib.Dataset:
    """The file's table; a file that is empty, unreadable or too long is refused."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileRefused(
            _("The file is larger than %(size)d MB: split it.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)},
            code="import_file_too_large",
            field="file",
        )
    dataset = tablib.Dataset()
    try:
        if fmt == "csv":
            text = _csv_text(data)
            try:
                delimiter = csv.Sniffer().sniff(text[:8192].split("\n", 1)[0], delimiters=CSV_DELIMITERS).delimiter
            except csv.Error:
                delimiter = ","
            dataset.load(io.StringIO(text, newline=""), format="csv", delimiter=delimiter)
        else:
            dataset.load(io.BytesIO(data), format="xlsx")
    except ImportFileRefused:
        raise
    except tablib.InvalidDimensions as exc:
        raise ImportFileRefused(
            _("A row has more cells than the header has columns: check the separators and quotes."), field="file"
        ) from exc
    except Exception as exc:  # openpyxl and csv raise many kinds of errors on a damaged file
        raise ImportFileRefused(_("The file could not be read as a table: %(error)s") % {"error": exc}) from exc
    headers = [str(header or "").strip() for header in (dataset.headers or [])]
    if not any(headers):
        raise ImportFileRefused(_("The first row must name the columns."), code="import_no_header", field="file")
    if len(set(filter(None, headers))) != len([h for h in headers if h]):
        raise ImportFileRefused(_("Two columns have the same name."), code="import_header_repeated", field="file")
    if dataset.height > MAX_IMPORT_ROWS:
        raise ImportFileRefused(
            _("The file has more than %(rows)d rows: split it.") % {"rows": MAX_IMPORT_ROWS},
            code="import_too_many_rows",
            field="file",
        )
    dataset.headers = headers
    return dataset


def cell_value(value: Any) -> Any:
    """A cell as the row forms read it: text trimmed, whole numbers without ``.0`` (a phone number
    typed in a spreadsheet), dates and date-times kept as they are."""
    if value is None:
        return ""
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    return str(value).strip()


def table_rows(dataset: tablib.Dataset) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, {column: value})`` for each data row; the header is row 1, as a spreadsheet
    numbers them."""
    headers = dataset.headers
    for index, row in enumerate(dataset, start=2):
        yield index, {header: cell_value(value) for header, value in zip(headers, row, strict=False) if header}


def json_safe(values: dict[str, Any]) -> dict[str, str]:
    """A row's values as text (what the report and the preview show)."""
    return {key: value.isoformat() if hasattr(value, "isoformat") else str(value) for key, value in values.items()}
