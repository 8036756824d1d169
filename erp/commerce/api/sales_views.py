"""Commerce II API: sales and their operations (lines, lots, pay, cancel, refund), payments,
invoices and credit notes (read-only, signed downloads), card fee rules, the fiscal journal and
its verification, batch recall and reports (CSV export audited)."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.commerce import billing, fiscal, invoice_pdf, sales_selectors
from erp.commerce.models import (
    CardFeeRule,
    CreditNote,
    FiscalClosing,
    FiscalJournalEntry,
    Invoice,
    Payment,
    PaymentMethod,
    Sale,
    SaleLine,
    SaleLineLot,
)
from erp.core.api.fields import attach_lists, joined_columns, prefetch_list
from erp.core.api.mixins import AuditedViewSetMixin, ReadAuditMixin, VersionedViewSetMixin
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.csv import csv_response
from erp.core.exceptions import InvalidInput
from erp.core.storage import signed_url
from erp.ops.audit import audit_record

from . import sales_serializers as s

# The related columns the sale serializers show are read with the rows (``JoinedColumn``) rather
# than loaded as related instances: a lot, a payment method and an invoice per row were a third of
# the instances a page of sales built.


def _line_lots():
    return prefetch_list("lots", SaleLineLot.objects.annotate(**joined_columns(s.SaleLineLotSerializer)))


def _payments():
    return Payment.objects.annotate(**joined_columns(s.PaymentSerializer))


def _sales():
    # A subquery rather than a join: the list's count stays the kept count of live sales.
    invoice = Invoice.objects.filter(sale_id=OuterRef("pk")).values("invoice_number")
    return Sale.objects.annotate(invoice_number=Subquery(invoice))


def _sale_queryset():
    """A sale as its own document shows it: lines with their lots, payments."""
    return _sales().prefetch_related(
        prefetch_list("lines", SaleLine.objects.prefetch_related(_line_lots())),
        prefetch_list("payments", _payments()),
    )


def _attach_list_lines_and_payments(sales: list) -> None:
    """What the list shows of each sale of a page: its lines without their lots, its payments."""
    attach_lists(sales, "lines", SaleLine.objects.all(), key="sale_id")
    attach_lists(sales, "payments", _payments(), key="sale_id")


@extend_schema_view(
    list=extend_schema(
        description="Sales with their lines and payments; the lots each line took are on the sale itself (GET by id)."
    )
)
class SaleViewSet(
    VersionedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Sales. A draft is edited (If-Match with its ETag), then paid or cancelled; a paid sale is
    never edited or deleted, only refunded with a credit note. Drafts and cancelled sales may be
    deleted (soft delete, If-Match)."""

    serializer_class = s.SaleSerializer
    queryset = _sale_queryset()
    filterset_fields = ["status", "location", "sold_to_patient", "referral_source", "currency"]
    ordering_fields = ["created_at", "sold_at", "total_incl_tax", "status"]

    # Operations that hand the sale to a service which reads it again under lock (and answer with
    # their own document): the lines, lots and payments the detail shows would be read for nothing.
    RELOCKING_ACTIONS = frozenset({"pay", "cancel", "refund"})

    def get_queryset(self):
        if self.action in self.RELOCKING_ACTIONS:
            return Sale.objects.all()
        if self.action == "list":
            return _sales()  # the page's lines and payments are attached to it (paginate_queryset)
        return super().get_queryset()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action == "list" and page is not None:
            _attach_list_lines_and_payments(page)
        return page

    def get_serializer_class(self):
        return s.ListedSaleSerializer if self.action == "list" else s.SaleSerializer

    def perform_create(self, serializer):
        serializer.instance = billing.sale_create(**serializer.validated_data, actor=self.request.user)
        self._etag_instance = serializer.instance

    def perform_update(self, serializer):
        serializer.instance = billing.sale_update(
            sale=serializer.instance, changes=serializer.validated_data, actor=self.request.user
        )

    def perform_destroy(self, instance):
        billing.sale_delete(sale=instance, actor=self.request.user, request=self.request)

    def _respond(self, sale, code=status.HTTP_200_OK):
        sale = _sale_queryset().get(pk=sale.pk)
        self._etag_instance = sale
        return Response(s.SaleSerializer(sale).data, status=code)

    @extend_schema(request=s.SaleLineInputSerializer, responses={201: s.SaleSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.change_sale")])
    def lines(self, request, pk=None):
        """Add a line; its product's type, description, price and tax rate are copied, and lots
        are proposed first-expiry-first-out for a lot-tracked product."""
        body = s.SaleLineInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sale = self.get_object()
        billing.sale_line_add(sale=sale, **body.validated_data, actor=request.user)
        return self._respond(sale, status.HTTP_201_CREATED)

    @extend_schema(request=s.PayInputSerializer, responses={200: s.InvoiceSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.pay_sale")])
    def pay(self, request, pk=None):
        """Pay the draft (mixed payments, cash may exceed with change): stock out, invoice with
        the next number, fiscal journal entries, all or nothing. The PDF follows."""
        body = s.PayInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payments = [billing.PaymentInput(**p) for p in body.validated_data["payments"]]
        invoice = billing.sale_pay(sale=self.get_object(), payments=payments, actor=request.user, request=request)
        self._etag_instance = invoice.sale  # the sale as paid (its version moved on), not as it was read
        return Response(s.InvoiceSerializer(invoice).data)

    @extend_schema(request=None, responses={200: s.SaleSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.cancel_sale")])
    def cancel(self, request, pk=None):
        """Cancel a draft."""
        return self._respond(billing.sale_cancel(sale=self.get_object(), actor=request.user))

    @extend_schema(request=s.RefundInputSerializer, responses={201: s.CreditNoteSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.refund_sale")])
    def refund(self, request, pk=None):
        """Refund a paid sale: credit note, negative refund payments, returned stock."""
        body = s.RefundInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credit = billing.sale_refund(
            sale=self.get_object(),
            reason=body.validated_data["reason"],
            returned_line_ids=body.validated_data.get("returned_lines"),
            actor=request.user,
            request=request,
        )
        return Response(s.CreditNoteSerializer(credit).data, status=status.HTTP_201_CREATED)


class SaleLineViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Lines of sales; changed or removed while their sale is a draft."""

    serializer_class = s.SaleLineSerializer
    queryset = SaleLine.objects.select_related("sale").prefetch_related(_line_lots())
    filterset_fields = ["sale", "product", "product_type_snapshot"]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "patch", "delete", "put", "head", "options"]

    @extend_schema(request=s.SaleLineUpdateSerializer, responses={200: s.SaleLineSerializer})
    def partial_update(self, request, *args, **kwargs):
        body = s.SaleLineUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = billing.sale_line_update(line=self.get_object(), **body.validated_data, actor=request.user)
        return Response(s.SaleLineSerializer(self.get_queryset().get(pk=line.pk)).data)

    @extend_schema(request=s.SaleLineUpdateSerializer, responses={200: s.SaleLineSerializer})
    def update(self, request, *args, **kwargs):
        """The same as PATCH: the fields sent are changed."""
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        billing.sale_line_remove(line=instance, actor=self.request.user)

    @extend_schema(request=s.LotAllocationsInputSerializer, responses={200: s.SaleLineSerializer})
    @action(detail=True, methods=["put"], permission_classes=[RoleAccess, has_perms("commerce.change_sale")])
    def lots(self, request, pk=None):
        """Replace the proposed lots; they must cover the line's quantity."""
        body = s.LotAllocationsInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = self.get_object()
        billing.sale_line_lots_set(
            line=line,
            allocations=[(a["lot"], a["quantity"]) for a in body.validated_data["lots"]],
            actor=request.user,
        )
        return Response(s.SaleLineSerializer(self.get_queryset().get(pk=line.pk)).data)


class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    """Payments and refund payments (read-only: they are made by paying or refunding a sale)."""

    serializer_class = s.PaymentSerializer
    queryset = Payment.objects.select_related("payment_method")
    filterset_fields = ["sale", "payment_method", "kind", "currency", "provider", "credit_note"]
    ordering_fields = ["paid_at", "amount_gross", "created_at"]


def _download(request, obj, number: str):
    if obj.document_id is None:
        if isinstance(obj, Invoice):
            invoice_pdf.invoice_pdf_store(invoice=obj, actor=request.user)
        else:
            invoice_pdf.credit_note_pdf_store(credit_note=obj, actor=request.user)
        obj.refresh_from_db()
    ttl = getattr(settings, "SIGNED_URL_TTL", 300)
    url = signed_url("documents", obj.document.object_key, expires_in=ttl)
    audit_record(actor=request.user, action="view", entity=obj, request=request, metadata={"download": number})
    return Response({"url": url, "expires_in": ttl, "filename": f"{number}.pdf"})


def _with_patient(queryset):
    """Invoices or credit notes with their sale's patient read in the same query: the read audit
    (``patient_of``) takes it from the row instead of one query per row."""
    return queryset.annotate(sold_to_patient_id=F("sale__sold_to_patient_id"))


class InvoiceViewSet(ReadAuditMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices (never edited; a refund issues a credit note)."""

    # Reads are audited (ReadAuditMixin): an invoice carries its buyer's name and address.
    serializer_class = s.InvoiceSerializer
    queryset = _with_patient(Invoice.objects.all())
    filterset_fields = ["sale", "billing_country_code", "invoice_number"]
    ordering_fields = ["issued_at", "sequence_number", "invoice_number"]

    @extend_schema(request=None, responses={200: s.DownloadSerializer})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[RoleAccess, has_perms("commerce.view_invoice", "commerce.download_invoice")],
    )
    def download(self, request, pk=None):
        """A short-lived signed URL to the Factur-X PDF (rendered now if still pending); audited."""
        invoice = self.get_object()
        return _download(request, invoice, invoice.invoice_number)


class CreditNoteViewSet(ReadAuditMixin, viewsets.ReadOnlyModelViewSet):
    """Credit notes (read-only)."""

    # Reads are audited, as invoices' are.
    serializer_class = s.CreditNoteSerializer
    queryset = _with_patient(CreditNote.objects.select_related("invoice"))
    filterset_fields = ["sale", "invoice", "credit_note_number"]
    ordering_fields = ["issued_at", "sequence_number"]

    @extend_schema(request=None, responses={200: s.DownloadSerializer})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[RoleAccess, has_perms("commerce.view_creditnote", "commerce.download_invoice")],
    )
    def download(self, request, pk=None):
        """A short-lived signed URL to the credit note PDF; audited."""
        credit = self.get_object()
        return _download(request, credit, credit.credit_note_number)


class PaymentMethodViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Payment methods (cash, card, bank transfer, other)."""

    serializer_class = s.PaymentMethodSerializer
    queryset = PaymentMethod.objects.all()
    filterset_fields = ["code", "is_active"]
    ordering_fields = ["code", "name"]


class CardFeeRuleViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """What card providers keep, by country and period."""

    serializer_class = s.CardFeeRuleSerializer
    queryset = CardFeeRule.objects.all()
    filterset_fields = ["provider", "country_code", "is_active", "currency"]
    ordering_fields = ["provider", "effective_from", "created_at"]


class FiscalJournalViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only fiscal journal."""

    serializer_class = s.FiscalJournalEntrySerializer
    queryset = FiscalJournalEntry.objects.all()
    filterset_fields = ["event_type", "entity_type", "document_number"]
    ordering_fields = ["sequence", "occurred_at"]

    @extend_schema(request=None, responses={200: s.ChainReportSerializer})
    @action(detail=False, methods=["get"], permission_classes=[RoleAccess, has_perms("commerce.verify_fiscal_journal")])
    def verify(self, request):
        """Recompute the hash chain; names the first broken entry (admin only)."""
        report = fiscal.fiscal_journal_verify()
        audit_record(
            actor=request.user,
            action="view",
            entity_type="commerce.fiscaljournalentry",
            entity_id=FiscalJournalEntry.objects.order_by("-sequence").values_list("id", flat=True).first()
            or request.user.pk,
            request=request,
            metadata={"verify": report.as_dict()},
        )
        return Response(report.as_dict())


class FiscalClosingViewSet(viewsets.ReadOnlyModelViewSet):
    """Daily, monthly and yearly closings with the running grand total."""

    serializer_class = s.FiscalClosingSerializer
    queryset = FiscalClosing.objects.all()
    filterset_fields = ["period_type", "period_start"]
    ordering_fields = ["period_start", "period_type"]


LOT = OpenApiParameter("lot", OpenApiTypes.UUID, required=True, description="The recalled lot.")
PATIENT = OpenApiParameter("patient", OpenApiTypes.UUID, required=True, description="The patient.")


def _uuid_param(request, name):
    import uuid

    try:
        return uuid.UUID(request.query_params.get(name, ""))
    except ValueError as exc:
        raise InvalidInput(_("Give a valid `%(name)s` id.") % {"name": name}, field=name) from exc


class RecallViewSet(viewsets.GenericViewSet):
    """Batch recall: who received a lot, and which lots a patient received."""

    serializer_class = s.RecallRowSerializer
    queryset = sales_selectors.lot_recall(lot=None)
    pagination_class = None

    @extend_schema(parameters=[LOT], responses={200: s.RecallRowSerializer(many=True)})
    @action(
        detail=False,
        methods=["get"],
        url_path="by-lot",
        permission_classes=[RoleAccess, has_perms("commerce.view_sale", "commerce.view_inventorylot")],
    )
    def by_lot(self, request):
        rows = sales_selectors.lot_recall(lot=_uuid_param(request, "lot"))
        return Response(s.RecallRowSerializer(rows, many=True).data)

    @extend_schema(parameters=[PATIENT], responses={200: s.RecallRowSerializer(many=True)})
    @action(
        detail=False,
        methods=["get"],
        url_path="by-patient",
        permission_classes=[RoleAccess, has_perms("commerce.view_sale", "commerce.view_inventorylot")],
    )
    def by_patient(self, request):
        rows = sales_selectors.patient_lots(patient=_uuid_param(request, "patient"))
        return Response(s.RecallRowSerializer(rows, many=True).data)


REPORT_PARAMS = [
    OpenApiParameter("since", OpenApiTypes.DATE, required=False),
    OpenApiParameter("until", OpenApiTypes.DATE, required=False),
    OpenApiParameter("period", OpenApiTypes.STR, required=False, enum=["day", "month"], description="payments"),
    OpenApiParameter("export", OpenApiTypes.STR, required=False, enum=["csv"], description="CSV download"),
]


def _date_param(request, name) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(_("`%(name)s` is a date (YYYY-MM-DD).") % {"name": name}, field=name) from exc


class SalesReportViewSet(viewsets.GenericViewSet):
    """Sales reports: payments per day/month and method (gross, fees, net), VAT per rate, top
    products and services, revenue by referral source. ``?export=csv`` downloads (audited)."""

    serializer_class = s.ReportSerializer
    pagination_class = None
    permission_classes = [RoleAccess, has_perms("commerce.view_sales_reports")]

    def get_queryset(self):
        return Sale.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(sales_selectors.REPORTS)),
            *REPORT_PARAMS,
        ],
        responses={
            (200, "application/json"): s.ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="With `?export=csv`."),
        },
    )
    @action(detail=False, methods=["get"], url_path=r"(?P<name>[a-z-]+)")
    def report(self, request, name=None):
        builder = sales_selectors.REPORTS.get(name)
        if builder is None:
            raise InvalidInput(_("Unknown report “%(name)s”.") % {"name": name}, field="name", code="unknown_report")
        kwargs = {"since": _date_param(request, "since"), "until": _date_param(request, "until")}
        if name == "payments":
            period = request.query_params.get("period", "day")
            if period not in ("day", "month"):
                raise InvalidInput(_("`period` is day or month."), field="period")
            kwargs["period"] = period
        rows = list(builder(**kwargs))
        if request.query_params.get("export") == "csv":
            audit_record(
                actor=request.user,
                action="export",
                entity_type="commerce.sale",
                entity_id=request.user.pk,
                request=request,
                metadata={"report": name, "rows": len(rows), **{k: str(v) for k, v in kwargs.items() if v}},
            )
            # Amounts stay numbers (a refund's -12.50 sums in a spreadsheet); text is neutralised.
            header = list(rows[0]) if rows else []
            return csv_response(
                header=header,
                rows=([row[column] for column in header] for row in rows),
                filename=f"sales-{name}.csv",
            )
        # Money as strings (never floats), like every decimal of the API.
        rows = [{k: str(v) if isinstance(v, Decimal) else v for k, v in row.items()} for row in rows]
        return Response({"report": name, "rows": rows})
