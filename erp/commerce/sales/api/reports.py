"""The accountant's sales reports (``GET /api/v1/sales-reports/<name>/``), filtered by date range
and location, as JSON or as a CSV or XLSX download (audited)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.commerce.models import Sale
from erp.commerce.sales import reports
from erp.commerce.sales.api.report_serializers import ReportQuerySerializer, ReportSerializer
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.api.schema import error_responses


def _json_value(value):
    # Money as strings (never floats), like every decimal of the API.
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def report_json(report: reports.Report) -> dict:
    columns = report.definition.columns
    rows = []
    for row in report.rows:
        item = {key: _json_value(value) for key, value in row.items()}
        for column in columns:
            if column.kind in ("choice", "bool"):
                item[f"{column.key}_label"] = column.label_of(row[column.key])
        rows.append(item)
    return {
        "report": report.name,
        "title": str(report.definition.title),
        "filters": report.filters.as_metadata(),
        "columns": [{"key": column.key, "label": str(column.label), "kind": column.kind} for column in columns],
        "rows": rows,
    }


class SalesReportViewSet(viewsets.GenericViewSet):
    """Sales reports: payments per day/month and method (gross, card fees, net), VAT per rate,
    revenue per product category, top products and services, revenue by referral source; each
    for a date range and a location. ``?export=csv`` or ``?export=xlsx`` downloads (audited)."""

    serializer_class = ReportSerializer
    pagination_class = None
    filter_backends: list = []  # the report's own filters (ReportQuerySerializer), not a list's
    permission_classes = [RoleAccess, has_perms("commerce.view_sales_reports")]

    def get_queryset(self):
        return Sale.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(reports.REPORTS)),
            ReportQuerySerializer,
        ],
        responses={
            (200, "application/json"): ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="With `?export=csv`."),
            (200, reports.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="With `?export=xlsx`."),
            **error_responses({
                400: "An unknown report (`unknown_report`), a range that ends before it starts "
                "(`report_filters_invalid`) or an invalid parameter.",
            }),
        },
    )
    @action(detail=False, methods=["get"], url_path=r"(?P<name>[a-z-]+)")
    def report(self, request, name=None):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        file_format = params.pop("export", None)
        report = reports.report_build(name=name, filters=reports.report_filters(**params))
        if file_format:
            reports.report_export_audit(report=report, file_format=file_format, actor=request.user, channel="api")
            return reports.report_download(report, file_format)
        return Response(report_json(report))
