"""Fiscal journal (French anti-fraud rules for till software: inalterability, security,
conservation, archiving). Append-only, each entry chained to the previous one by SHA-256; on
PostgreSQL a trigger refuses UPDATE and DELETE (migration 0005)."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from erp.commerce.exceptions import FiscalJournalImmutable
from erp.commerce.models.inventory import ZERO, money_field
from erp.core.chain import AppendOnlyModel as BaseAppendOnlyModel
from erp.core.models import BaseModel


class FiscalEventType(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    CREDIT_NOTE_ISSUED = "credit_note_issued", _("Credit note issued")
    PAYMENT_RECORDED = "payment_recorded", _("Payment recorded")


class AppendOnlyModel(BaseAppendOnlyModel):
    append_only_error = FiscalJournalImmutable
    append_only_message = "The fiscal journal is append-only."

    class Meta:
        abstract = True


class FiscalJournalEntry(BaseModel, AppendOnlyModel):
    """One fiscal event. ``hash`` = SHA-256(previous_hash + canonical JSON of the key data)."""

    sequence = models.PositiveBigIntegerField(unique=True, editable=False, verbose_name=_("sequence"))
    event_type = models.CharField(
        max_length=30, choices=FiscalEventType.choices, editable=False, verbose_name=_("event type")
    )
    occurred_at = models.DateTimeField(editable=False, verbose_name=_("occurred at"))
    entity_type = models.CharField(max_length=50, editable=False, verbose_name=_("entity type"))
    entity_id = models.UUIDField(editable=False, verbose_name=_("entity id"))
    document_number = models.CharField(
        max_length=40, null=True, blank=True, editable=False, verbose_name=_("document number")
    )
    # Signed: an invoice or a payment counts positive, a credit note or a refund negative.
    amount_incl_tax = money_field(editable=False, verbose_name=_("amount incl tax"))
    tax_total = money_field(default=ZERO, editable=False, verbose_name=_("tax total"))
    currency = models.CharField(max_length=3, default="EUR", editable=False, verbose_name=_("currency"))
    data = models.JSONField(default=dict, editable=False, verbose_name=_("data"))
    previous_hash = models.CharField(max_length=64, editable=False, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, editable=False, verbose_name=_("hash"))  # not indexed: see AuditLog.hash

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("fiscal journal entry")
        verbose_name_plural = _("fiscal journal entries")
        permissions = [("verify_fiscal_journal", "Can verify the fiscal journal chain")]
        indexes = [
            models.Index(fields=["event_type", "occurred_at"], name="commerce_fj_event_occurred"),
            models.Index(fields=["occurred_at"], name="commerce_fj_occurred"),
        ]
        constraints = [models.CheckConstraint(condition=Q(sequence__gte=1), name="commerce_fj_sequence_gte_1")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} {self.amount_incl_tax}"


class ClosingPeriod(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def period_label(period_type: str, start: date) -> str:
    """A period as staff say it: "5 December 2026", "December 2026", "2026" (in their language)."""
    if period_type == ClosingPeriod.DAY:
        return date_format(start, "DATE_FORMAT")
    if period_type == ClosingPeriod.MONTH:
        return date_format(start, "YEAR_MONTH_FORMAT")
    return str(start.year)


class FiscalClosing(BaseModel, AppendOnlyModel):
    """Totals of a closed day, month or year, and the running grand total of its kind."""

    period_type = models.CharField(
        max_length=5, choices=ClosingPeriod.choices, editable=False, verbose_name=_("period type")
    )
    period_start = models.DateField(editable=False, verbose_name=_("period start"))
    period_end = models.DateField(editable=False, verbose_name=_("period end"))
    entries_count = models.PositiveIntegerField(editable=False, verbose_name=_("entries count"))
    sales_total_incl_tax = money_field(editable=False, verbose_name=_("sales total incl tax"))
    credit_notes_total_incl_tax = money_field(editable=False, verbose_name=_("credit notes total incl tax"))
    payments_total = money_field(editable=False, verbose_name=_("payments total"))
    period_total_incl_tax = money_field(editable=False, verbose_name=_("period total incl tax"))
    tax_total = money_field(editable=False, verbose_name=_("tax total"))
    grand_total_incl_tax = money_field(editable=False, verbose_name=_("grand total incl tax"))
    last_entry_sequence = models.PositiveBigIntegerField(
        null=True, blank=True, editable=False, verbose_name=_("last entry sequence")
    )
    last_entry_hash = models.CharField(
        max_length=64, blank=True, default="", editable=False, verbose_name=_("last entry hash")
    )
    previous_hash = models.CharField(max_length=64, editable=False, verbose_name=_("previous hash"))
    hash = models.CharField(max_length=64, editable=False, verbose_name=_("hash"))  # not indexed: see AuditLog.hash

    class Meta:
        ordering = ["period_type", "-period_start"]
        verbose_name = _("fiscal closing")
        verbose_name_plural = _("fiscal closings")
        permissions = [("close_fiscal_period", "Can close a fiscal period (day, month, year)")]
        constraints = [
            models.UniqueConstraint(fields=["period_type", "period_start"], name="commerce_fiscalclosing_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="commerce_fiscalclosing_period_order"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Closing of %(period)s") % {"period": self.period_label}

    @property
    def period_label(self) -> str:
        return period_label(self.period_type, self.period_start)
