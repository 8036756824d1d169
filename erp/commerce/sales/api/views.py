"""Commerce II API: sales and their operations (lines, lots, pay, cancel, refund), payments,
invoices and credit notes (read-only, signed downloads), card fee rules, the fiscal journal and
its verification and batch recall (the reports: ``reports``; the closings: ``fiscal``; the FEC:
``fec``)."""


from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from erp.commerce.models import (
    CardFeeRule,
    CreditNote,
    FiscalJournalEntry,
    Invoice,
    Payment,
    PaymentMethod,
    Sale,
    SaleLine,
    SaleLineLot,
)
from erp.commerce.sales import fiscal, invoice_pdf, invoice_selectors
from erp.commerce.sales import selectors as sales_selectors
from erp.commerce.sales import services as billing
from erp.commerce.sales.api import serializers as s
from erp.core.api.fields import attach_lists, joined_columns, prefetch_list
from erp.core.api.mixins import AuditedViewSetMixin, ReadAuditMixin, VersionedViewSetMixin
from erp.core.api.permissions import RoleAccess, has_perms
from erp.core.exceptions import InvalidInput
from erp.ops.audit import audit_record

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
        billing.sale_delete(sale=instance, actor=self.request.user)

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

    @extend_schema(request=s.SaleScanInputSerializer, responses={201: s.SaleSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.change_sale")])
    def scan(self, request, pk=None):
        """A barcode scanned at the till: one more of that product (services and retail items sold
        at the counter only), on its line when the sale has one. An unknown barcode is refused with
        ``barcode_unknown`` (422)."""
        body = s.SaleScanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sale = self.get_object()
        billing.sale_scan(sale=sale, **body.validated_data, actor=request.user)
        return self._respond(sale, status.HTTP_201_CREATED)

    @extend_schema(request=s.PayInputSerializer, responses={200: s.InvoiceSerializer})
    @action(detail=True, methods=["post"], permission_classes=[RoleAccess, has_perms("commerce.pay_sale")])
    def pay(self, request, pk=None):
        """Pay the draft (mixed payments, cash may exceed with change): stock out, invoice with
        the next number, fiscal journal entries, all or nothing. The PDF follows."""
        body = s.PayInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payments = [billing.PaymentInput(**p) for p in body.validated_data["payments"]]
        invoice = billing.sale_pay(sale=self.get_object(), payments=payments, actor=request.user)
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
        """Refund what is left of a paid sale (every line not yet credited): credit note, negative
        refund payments, returned stock. To credit some lines only: ``POST /invoices/{id}/credit/``."""
        body = s.RefundInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        credit = billing.sale_refund(
            sale=self.get_object(),
            reason=body.validated_data["reason"],
            returned_line_ids=body.validated_data.get("returned_lines"),
            actor=request.user,
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
    ttl = getattr(settings, "SIGNED_URL_TTL", 300)
    url = invoice_pdf.billed_download_url(obj, actor=request.user, expires_in=ttl)
    audit_record(actor=request.user, action="view", entity=obj, metadata={"download": number})
    return Response({"url": url, "expires_in": ttl, "filename": f"{number}.pdf"})


def _with_patient(queryset):
    """Invoices or credit notes with their sale's patient read in the same query: the read audit
    (``patient_of``) takes it from the row instead of one query per row."""
    return queryset.annotate(sold_to_patient_id=F("sale__sold_to_patient_id"))


class InvoiceViewSet(ReadAuditMixin, viewsets.ReadOnlyModelViewSet):
    """Invoices (never edited; a refund issues a credit note). The detail is the invoice page:
    lines with what is credited of them, payments and refunds, credit notes."""

    # Reads are audited (ReadAuditMixin): an invoice carries its buyer's name and address.
    serializer_class = s.InvoiceSerializer
    queryset = _with_patient(Invoice.objects.all())
    filterset_fields = ["sale", "billing_country_code", "invoice_number"]
    ordering_fields = ["issued_at", "sequence_number", "invoice_number"]

    def get_serializer_class(self):
        return s.InvoiceDetailSerializer if self.action == "retrieve" else s.InvoiceSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.select_related("sale") if self.action == "retrieve" else queryset

    def get_object(self):
        invoice = super().get_object()
        if self.action == "retrieve":
            invoice_selectors.invoice_detail(
                invoice, with_credit_notes=self.request.user.has_perm("commerce.view_creditnote")
            )
        return invoice

    @extend_schema(request=s.CreditInputSerializer, responses={201: s.CreditNoteSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[RoleAccess, has_perms("commerce.view_invoice", "commerce.refund_sale")],
    )
    def credit(self, request, pk=None):
        """Credit some lines of the invoice (quantities; returned products go back to their lots)
        with a credit note; several may follow until every line is credited, never more than
        sold (``credit_exceeds_sold``). Refund payments follow the methods paid, the last first."""
        body = s.CreditInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invoice = self.get_object()
        credit = billing.sale_refund(
            sale=invoice.sale,
            reason=body.validated_data["reason"],
            lines=[
                billing.CreditLineInput(
                    sale_line_id=line["sale_line"], quantity=line["quantity"], return_to_stock=line["return_to_stock"]
                )
                for line in body.validated_data["lines"]
            ],
            actor=request.user,
        )
        credit = invoice_selectors.credit_notes_of(invoice.pk).get(pk=credit.pk)
        return Response(s.CreditNoteSerializer(credit).data, status=status.HTTP_201_CREATED)

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
    queryset = _with_patient(CreditNote.objects.select_related("invoice").prefetch_related("lines"))
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
            metadata={"verify": report.as_dict()},
        )
        return Response(report.as_dict())


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
