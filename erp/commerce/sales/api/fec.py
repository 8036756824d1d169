"""The accountant's FEC download (``GET /api/v1/accounting/fec/?year=`` or ``?from=&to=``)."""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from erp.commerce.models import Invoice
from erp.commerce.sales import fec
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.api.schema import error_responses


def fec_response(period: fec.FecPeriod) -> StreamingHttpResponse:
    """The file as a download, written while it is sent."""
    response = StreamingHttpResponse(fec.fec_rows(period), content_type=f"text/plain; charset={fec.ENCODING}")
    response["Content-Disposition"] = f'attachment; filename="{period.filename}"'
    return response


class AccountingViewSet(viewsets.GenericViewSet):
    """The accountant's downloads: the Fichier des Écritures Comptables of a year or a date range
    (accounting and admins; audited). A download, not a list: no pagination, filters or ordering."""

    pagination_class = None
    filter_backends: list = []
    permission_classes = [RoleAccess, has_perms("commerce.view_sales_reports")]

    def get_queryset(self):
        return Invoice.objects.none()

    @extend_schema(
        operation_id="accounting_fec_export",
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=False, description="A calendar (fiscal) year."),
            OpenApiParameter("from", OpenApiTypes.DATE, required=False, description="First day, with `to`."),
            OpenApiParameter("to", OpenApiTypes.DATE, required=False, description="Last day (the closing date)."),
        ],
        responses={
            (200, "text/plain"): OpenApiResponse(
                OpenApiTypes.STR,
                description="`<SIREN>FEC<YYYYMMDD>.txt`: the 18 columns of LPF art. A47 A-1, tab-separated, "
                "ISO-8859-15, amounts with a decimal comma.",
            ),
            **error_responses({
                400: "No valid year or range (`fec_period_invalid`).",
                422: "A document is not in euros (`fec_foreign_currency`).",
            }),
        },
    )
    @action(detail=False, methods=["get"], url_path="fec", url_name="fec")
    def fec_export(self, request):
        params = request.query_params
        period = fec.fec_period(year=params.get("year"), date_from=params.get("from"), date_to=params.get("to"))
        fec.fec_check(period)
        fec.fec_export_audit(period=period, actor=request.user, channel="api")
        return fec_response(period)
