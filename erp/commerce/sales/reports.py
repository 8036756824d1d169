"""The accountant's sales reports: which exist, their columns and how each is labelled, their
filters (a date range, a location, days or months) and their CSV and XLSX exports (audited).

The figures come from ``sales_selectors``; this module only names and formats them. On screen an
amount is written as the active language writes it (``343,88 €``), a payment method or a product
type by its label, never its code; in an export an amount stays a number (it sums in a
spreadsheet) and a code becomes its label.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.commerce.exceptions import ReportFiltersInvalid, ReportUnknown
from erp.commerce.models import PaymentMethodCode, ProductType
from erp.commerce.sales import selectors as sales_selectors
from erp.core.csv import csv_response
from erp.core.money import format_money, format_number, format_percent
from erp.core.zones import location_zone
from erp.ops.audit import audit_record

PERIODS = ("day", "month")
FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats of the XLSX cells (the spreadsheet writes them with the reader's separators).
_XLSX_FORMATS = {
    "money": '#,##0.00 "€";-#,##0.00 "€"',
    "percent": '0.00" %"',
    "number": "#,##0.##",
    "count": "0",
    "day": "DD/MM/YYYY",
    "month": "MM/YYYY",
}


@dataclass(frozen=True)
class Column:
    """One column of a report: its key in the selector's rows, its heading and what it holds
    (``text``, ``money``, ``percent``, ``number``, ``count``, ``bool``, ``choice``, ``period``)."""

    key: str
    label: Promise
    kind: str = "text"
    choices: type[models.TextChoices] | None = None
    empty: Promise | None = None  # what a missing value means (a sale without a referral source)

    def label_of(self, value: Any) -> Any:
        """A code as its label, a yes/no as words, a missing value as what it means."""
        if value is None or value == "":
            return str(self.empty) if self.empty is not None else ""
        if self.kind == "choice" and self.choices is not None:
            return str(dict(self.choices.choices).get(value, value))
        if self.kind == "bool":
            return gettext("Yes") if value else gettext("No")
        return value

    def display(self, value: Any, *, period: str) -> str:
        """The cell as the screen shows it, in the active language."""
        if value is None:
            return self.label_of(value)
        if self.kind == "money":
            return format_money(value)
        if self.kind == "percent":
            return format_percent(value)
        if self.kind in ("number", "count"):
            return format_number(value)
        if self.kind == "period":
            return date_format(value, "YEAR_MONTH_FORMAT" if period == "month" else "SHORT_DATE_FORMAT")
        return str(self.label_of(value))

    def export_value(self, value: Any, *, period: str, typed: bool) -> Any:
        """The cell as a file holds it: numbers stay numbers, codes become labels; a month is
        its first day in a spreadsheet (``typed``), ``YYYY-MM`` in a CSV."""
        if self.kind in ("money", "percent", "number", "count") and value is not None:
            return value
        if self.kind == "period":
            return value if typed or period == "day" else value.strftime("%Y-%m")
        return self.label_of(value)

    def xlsx_format(self, *, period: str) -> str | None:
        if self.kind == "period":
            return _XLSX_FORMATS[period]
        return _XLSX_FORMATS.get(self.kind)


@dataclass(frozen=True)
class ReportFilters:
    """What the accountant asked for: the days ``since``..``until`` (inclusive, each optional), one
    location or all, and for the payments report days or months."""

    since: date | None = None
    until: date | None = None
    location: Any = None  # a ClinicLocation
    period: str = "day"

    def as_metadata(self) -> dict[str, str]:
        data = {"since": self.since, "until": self.until, "location": self.location and self.location.pk}
        return {key: str(value) for key, value in data.items() if value} | {"period": self.period}

    def time_zone(self):
        """Days are the location's calendar days; for all locations, the clinic's time zone."""
        return location_zone(self.location)


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: Promise
    columns: tuple[Column, ...]
    selector: Callable[..., list[dict]]
    chart: str  # the column whose size the bars draw
    by_period: bool = False  # takes the day/month choice
    totals: tuple[str, ...] = ()  # the columns summed under the table

    def build(self, filters: ReportFilters) -> Report:
        kwargs: dict[str, Any] = {
            "since": filters.since,
            "until": filters.until,
            "location": filters.location.pk if filters.location is not None else None,
        }
        if self.by_period:
            kwargs["period"] = filters.period
        with timezone.override(filters.time_zone()):
            rows = list(self.selector(**kwargs))
        return Report(definition=self, filters=filters, rows=rows)


@dataclass
class Report:
    definition: ReportDefinition
    filters: ReportFilters
    rows: list[dict] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def period(self) -> str:
        return self.filters.period if self.definition.by_period else "day"

    def display_rows(self) -> list[dict[str, Any]]:
        """Each row's cells as the screen writes them, with the width of its bar (0-100)."""
        chart = self.definition.chart
        top = max((abs(row[chart]) for row in self.rows), default=Decimal("0")) or Decimal("1")
        return [
            {
                "cells": [
                    {"text": column.display(row[column.key], period=self.period), "kind": column.kind}
                    for column in self.definition.columns
                ],
                "width": int(abs(row[chart]) * 100 / top),
            }
            for row in self.rows
        ]

    def display_totals(self) -> list[str] | None:
        """The summed columns under the table (blank cells elsewhere), or None."""
        if not self.definition.totals or not self.rows:
            return None
        return [
            format_money(sum((row[column.key] for row in self.rows), Decimal("0")))
            if column.key in self.definition.totals
            else ""
            for column in self.definition.columns
        ]

    def header(self) -> list[str]:
        return [str(column.label) for column in self.definition.columns]

    def export_rows(self, *, typed: bool = False) -> Iterator[list[Any]]:
        columns = self.definition.columns
        for row in self.rows:
            yield [column.export_value(row[column.key], period=self.period, typed=typed) for column in columns]

    def filename(self, file_format: str) -> str:
        days = "_".join(str(day) for day in (self.filters.since, self.filters.until) if day)
        return f"sales-{self.name}{'_' + days if days else ''}.{file_format}"


REPORTS: dict[str, ReportDefinition] = {
    definition.name: definition
    for definition in (
        ReportDefinition(
            name="payments",
            title=_("Payments per method"),
            columns=(
                Column("period", _("Period"), "period"),
                Column("method", _("Payment method"), "choice", choices=PaymentMethodCode),
                Column("count", _("Payments"), "count"),
                Column("gross", _("Gross"), "money"),
                Column("fees", _("Card fees"), "money"),
                Column("net", _("Net"), "money"),
            ),
            selector=sales_selectors.payments_by_method,
            chart="gross",
            by_period=True,
            totals=("gross", "fees", "net"),
        ),
        ReportDefinition(
            name="vat",
            title=_("VAT per rate"),
            columns=(
                Column("rate", _("VAT rate"), "percent"),
                Column("exempt", _("Exempt (therapeutic act)"), "bool"),
                Column("base", _("Base excl. VAT"), "money"),
                Column("vat", _("VAT"), "money"),
            ),
            selector=sales_selectors.vat_by_rate,
            chart="base",
            totals=("base", "vat"),
        ),
        ReportDefinition(
            name="categories",
            title=_("Revenue per product category"),
            columns=(
                Column("category", _("Category"), empty=_("No category")),
                Column("quantity", _("Quantity"), "number"),
                Column("revenue_excl_tax", _("Revenue excl. VAT"), "money"),
                Column("revenue_incl_tax", _("Revenue incl. VAT"), "money"),
            ),
            selector=sales_selectors.revenue_by_category,
            chart="revenue_excl_tax",
            totals=("revenue_excl_tax", "revenue_incl_tax"),
        ),
        ReportDefinition(
            name="top-products",
            title=_("Top products and services"),
            columns=(
                Column("name", _("Product or service")),
                Column("type", _("Type"), "choice", choices=ProductType),
                Column("quantity", _("Quantity"), "number"),
                Column("revenue_excl_tax", _("Revenue excl. VAT"), "money"),
            ),
            selector=sales_selectors.top_products,
            chart="revenue_excl_tax",
        ),
        ReportDefinition(
            name="referral-sources",
            title=_("Revenue by referral source"),
            columns=(
                Column("source", _("Referral source"), empty=_("No referral source")),
                Column("sales", _("Sales"), "count"),
                Column("revenue_incl_tax", _("Revenue incl. VAT"), "money"),
            ),
            selector=sales_selectors.revenue_by_referral_source,
            chart="revenue_incl_tax",
            totals=("revenue_incl_tax",),
        ),
    )
}


def report_filters(
    *, since: date | None = None, until: date | None = None, location=None, period: str | None = None
) -> ReportFilters:
    """The filters, checked: a range that ends before it starts, or a period other than days or
    months, is refused (``report_filters_invalid``)."""
    if since and until and since > until:
        raise ReportFiltersInvalid(gettext("The start date is after the end date."), field="since")
    period = period or "day"
    if period not in PERIODS:
        raise ReportFiltersInvalid(gettext("Group payments by day or by month."), field="period")
    return ReportFilters(since=since, until=until, location=location, period=period)


def report_build(*, name: str, filters: ReportFilters) -> Report:
    definition = REPORTS.get(name)
    if definition is None:
        raise ReportUnknown(gettext("There is no report “%(name)s”.") % {"name": name}, field="name")
    return definition.build(filters)


def report_export_audit(*, report: Report, file_format: str, actor, channel: str) -> None:
    """Record who exported which report with which filters (sales figures leave the system)."""
    key = f"sales-report:{report.name}:{sorted(report.filters.as_metadata().items())}"
    audit_record(
        actor=actor,
        action="export",
        entity_type="commerce.sale",
        # No single record is exported: the entry names the report and its filters.
        entity_id=uuid.uuid5(uuid.NAMESPACE_URL, key),
        metadata={
            "report": report.name,
            "format": file_format,
            "rows": len(report.rows),
            "channel": channel,
            **report.filters.as_metadata(),
        },
    )


def report_xlsx(report: Report) -> bytes:
    """One sheet: the headings, then one row per line; amounts and dates keep their type."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.definition.title)[:31]
    sheet.append(report.header())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    columns = report.definition.columns
    for values in report.export_rows(typed=True):
        sheet.append(values)
        for cell, column in zip(sheet[sheet.max_row], columns, strict=True):
            if isinstance(cell.value, str):
                # Staff type product names: text is text, never a formula the spreadsheet runs.
                cell.data_type = "s"
            elif number_format := column.xlsx_format(period=report.period):
                cell.number_format = number_format
    for index, heading in enumerate(report.header(), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(heading) + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_download(report: Report, file_format: str) -> HttpResponse:
    """The report as a CSV (``erp.core.csv``: formulas neutralised) or XLSX download."""
    if file_format == "csv":
        return csv_response(header=report.header(), rows=report.export_rows(), filename=report.filename("csv"))
    if file_format == "xlsx":
        response = HttpResponse(report_xlsx(report), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{report.filename("xlsx")}"'
        return response
    raise ReportFiltersInvalid(gettext("Export as csv or xlsx."), field="export")
