"""Fiscal closings (``/api/v1/fiscal-closings/``): the day, month and year closings, closing a
period, closing every period the nightly task left open, and the Z-report PDF of a closed day."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.commerce.models import FiscalClosing
from erp.commerce.sales import fiscal, zreport
from erp.commerce.sales.api.report_serializers import ClosingInputSerializer
from erp.commerce.sales.api.serializers import FiscalClosingSerializer
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.api.schema import error_responses

CLOSE_PERMISSION = has_perms("commerce.close_fiscal_period")


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FiscalClosingViewSet(viewsets.ReadOnlyModelViewSet):
    """Daily, monthly and yearly closings with the running grand total and their hash; closed by
    the nightly task, or here by accounting when it missed a night."""

    serializer_class = FiscalClosingSerializer
    queryset = FiscalClosing.objects.all()
    filterset_fields = ["period_type", "period_start"]
    ordering_fields = ["period_start", "period_type"]

    @extend_schema(
        request=ClosingInputSerializer,
        responses={
            201: FiscalClosingSerializer,
            **error_responses({
                409: "The period has not ended (`period_not_ended`), is already closed (`period_already_closed`), "
                "a later one is (`period_out_of_order`) or an earlier one is still open (`period_gap`).",
            }),
        },
    )
    @action(detail=False, methods=["post"], permission_classes=[RoleAccess, CLOSE_PERMISSION])
    def close(self, request):
        """Close the day, month or year holding `day`: once, after it has ended, in order."""
        body = ClosingInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closing = fiscal.fiscal_period_close(**body.validated_data, actor=request.user)
        return Response(FiscalClosingSerializer(closing).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: FiscalClosingSerializer(many=True)})
    @action(
        detail=False,
        methods=["post"],
        url_path="close-due",
        permission_classes=[RoleAccess, CLOSE_PERMISSION],
        pagination_class=None,
        filter_backends=[],
    )
    def close_due(self, request):
        """Close every day, month and year that has ended and is still open, oldest first (what the
        nightly task does; "Close yesterday" in the admin). An empty list when all are closed."""
        closings = fiscal.fiscal_close_due(actor=request.user)
        return Response(FiscalClosingSerializer(closings, many=True).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="`Z-<YYYY-MM-DD>.pdf`: totals per payment method, VAT per rate, credit notes, the "
                "range of invoice numbers, the closing's totals and hash (in French). Audited.",
            ),
            **error_responses({400: "A month or year closing has no Z-report (`fiscal_closing_invalid`)."}),
        },
    )
    @action(detail=True, methods=["get"], url_path="z-report")
    def z_report(self, request, pk=None):
        """The Z-report PDF of a closed day."""
        report, pdf = zreport.z_report_download(closing=self.get_object(), actor=request.user, channel="api")
        return pdf_response(pdf, report.filename)
