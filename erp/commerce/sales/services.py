"""Commerce II services: draft sales, lot allocation, paying, cancelling and refunding.

Lock order (extends Commerce I's): sale -> stock balances sorted by (product, lot, location),
through ``stock_moves_record`` -> document sequence -> fiscal journal (advisory lock). Paying
and refunding are each one transaction: any failure leaves no payment, no move, no invoice and
no consumed number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from erp.commerce.exceptions import (
    CardFeeRuleMissing,
    ChangeNotAllowed,
    CreditExceedsSold,
    CreditLineInvalid,
    InvalidQuantity,
    LotAllocationInvalid,
    LotExpired,
    LotsDoNotCoverLine,
    PaymentInvalid,
    PaymentMethodUnavailable,
    PaymentsInsufficient,
    PriceFromCatalog,
    ProductNotAtCounter,
    SaleBuyerRequired,
    SaleEmpty,
    SaleNotDraft,
    SaleNotPaid,
    SaleOriginMismatch,
)
from erp.commerce.inventory.services import StockMoveInput, stock_moves_record
from erp.commerce.models import (
    CardFeeRule,
    CreditNote,
    CreditNoteLine,
    CreditNoteLineLot,
    DocumentSequence,
    DocumentType,
    FiscalEventType,
    InventoryLot,
    Invoice,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentMethodCode,
    Product,
    ProductType,
    Sale,
    SaleLine,
    SaleLineLot,
    SaleStatus,
    StockBalance,
    StockMove,
    StockMoveType,
    StockReferenceType,
)
from erp.commerce.sales.fiscal import JournalEvent, journal_append_many
from erp.commerce.sales.seller import seller_for_issuing
from erp.core.locking import lock_row
from erp.core.models import AppSettings, ClinicLocation
from erp.core.money import ZERO, format_money, quantize_money, quantize_quantity
from erp.ops.audit import audit_record

HUNDRED = Decimal("100")
# A sale line takes the catalog price; selling at another one needs the right to change prices.
PRICE_EDITOR_PERM = "commerce.change_product"


# --- Totals -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineTotals:
    subtotal_excl_tax: Decimal
    tax_amount: Decimal
    total_incl_tax: Decimal


def line_totals(*, unit_price_excl_tax: Decimal, quantity: Decimal, tax_rate_percent: Decimal) -> LineTotals:
    """A line's figures, each rounded half up to the cent: the net amount, its VAT, their sum."""
    subtotal = quantize_money(Decimal(unit_price_excl_tax) * Decimal(quantity))
    tax = quantize_money(subtotal * Decimal(tax_rate_percent) / HUNDRED)
    return LineTotals(subtotal, tax, subtotal + tax)


def _sale_recompute(sale: Sale) -> None:
    """Sum the lines' rounded figures onto the sale (per line, then summed)."""
    subtotal = tax = ZERO
    for line in sale.lines.all():
        subtotal += line.line_subtotal_excl_tax
        tax += line.line_tax_amount
    sale.subtotal_excl_tax = subtotal
    sale.tax_total = tax
    sale.total_incl_tax = subtotal + tax
    sale.save(update_fields=["subtotal_excl_tax", "tax_total", "total_incl_tax", "updated_at"])


def sale_country(sale: Sale) -> str:
    if sale.location_id and sale.location.country_code:
        return sale.location.country_code.upper()
    return (AppSettings.load().default_country_code or "FR").upper()


# --- Draft sales --------------------------------------------------------------------------------


def _check_buyer(patient, name: str | None) -> str | None:
    name = (name or "").strip() or None
    if patient is None and name is None:
        raise SaleBuyerRequired(_("Pick a patient or type the buyer's name."), field="sold_to_name")
    return name


def _sale_origin(*, appointment, encounter, patient, location) -> tuple:
    """The visit a sale comes from, made whole: an appointment brings its encounter, patient and
    location when they are not given; what is given must be the same visit and the same patient."""
    if appointment is not None:
        if encounter is None:
            encounter = appointment.encounter
        elif appointment.encounter_id and appointment.encounter_id != encounter.pk:
            raise SaleOriginMismatch(_("This encounter is not the one of the appointment."), field="encounter")
    visit_patient_id = None
    for origin, field in ((appointment, "appointment"), (encounter, "encounter")):
        if origin is None or origin.patient_id is None:
            continue
        if visit_patient_id is not None and origin.patient_id != visit_patient_id:
            raise SaleOriginMismatch(_("The appointment and the encounter are not the same patient's."), field=field)
        visit_patient_id = origin.patient_id
        if patient is not None and origin.patient_id != patient.pk:
            message = (
                _("This appointment is another patient's: pick the buyer of this visit.")
                if field == "appointment"
                else _("This encounter is another patient's: pick the buyer of this visit.")
            )
            raise SaleOriginMismatch(message, field=field)
        if patient is None:
            patient = origin.patient
        if location is None:
            location = origin.location
    return appointment, encounter, patient, location


def sale_create(
    *,
    location: ClinicLocation | None = None,
    sold_to_patient=None,
    sold_to_name: str | None = None,
    referral_source=None,
    currency: str = "EUR",
    appointment=None,
    encounter=None,
    actor,
) -> Sale:
    """Open a draft; from an appointment or encounter, the sale is linked to that visit and takes
    its patient and location when none is given."""
    appointment, encounter, sold_to_patient, location = _sale_origin(
        appointment=appointment, encounter=encounter, patient=sold_to_patient, location=location
    )
    name = _check_buyer(sold_to_patient, sold_to_name)
    if referral_source is None and sold_to_patient is not None:
        referral_source = sold_to_patient.referral_source
    with transaction.atomic():
        sale = Sale(
            location=location,
            sold_to_patient=sold_to_patient,
            sold_to_name=name,
            referral_source=referral_source,
            currency=currency,
            appointment=appointment,
            encounter=encounter,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        sale.full_clean(
            exclude=["sold_to_patient", "location", "referral_source", "created_by", "appointment", "encounter"]
        )
        sale.save()
        audit_record(actor=actor, action="create", entity=sale)
        return sale


SALE_EDITABLE_FIELDS = {"location", "sold_to_patient", "sold_to_name", "referral_source", "currency"}


def _lock_draft(sale: Sale) -> Sale:
    locked = lock_row(Sale.objects, pk=sale.pk)
    if locked.status != SaleStatus.DRAFT:
        raise SaleNotDraft(
            _("This sale is %(status)s: it can no longer be edited.") % {"status": locked.get_status_display().lower()}
        )
    return locked


def sale_update(*, sale: Sale, changes: dict, actor) -> Sale:
    """Change the buyer, location or referral of a draft (``sale`` carries the caller's
    ``row_version``: a stale copy raises ``stale_version``)."""
    unknown = set(changes) - SALE_EDITABLE_FIELDS
    if unknown:
        raise SaleNotDraft(
            _("Not editable: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}, code="field_not_editable"
        )
    with transaction.atomic():
        locked = _lock_draft(sale)
        for field, value in changes.items():
            setattr(sale, field, value)
        sale.sold_to_name = _check_buyer(sale.sold_to_patient, sale.sold_to_name)
        sale.status = locked.status
        sale.save()
        if "location" in changes:
            for line in sale.lines.filter(product__track_lots=True):
                _allocate_fefo(line)
        audit_record(actor=actor, action="update", entity=sale, metadata={"fields_changed": sorted(changes)})
        return sale


def sale_line_add(
    *,
    sale: Sale,
    product: Product,
    quantity: Decimal,
    unit_price_excl_tax: Decimal | None = None,
    description: str | None = None,
    consumed_on_patient: bool = False,
    actor,
) -> SaleLine:
    """Add a line copying the product's type, description, price and tax rate; a lot-tracked
    product gets a first-expiry-first-out lot proposal at once."""
    quantity = quantize_quantity(quantity)
    if quantity <= 0:
        raise InvalidQuantity(_("The quantity must be greater than zero."), field="quantity")
    if not product.is_active:
        raise PaymentInvalid(
            _("“%(product)s” is no longer sold.") % {"product": product}, field="product", code="product_inactive"
        )
    if not product.sold_at_counter:
        raise ProductNotAtCounter(
            _("“%(product)s” is not sold at the counter (wholesale or distributors only).") % {"product": product},
            field="product",
        )
    price = quantize_money(product.unit_price_excl_tax if unit_price_excl_tax is None else unit_price_excl_tax)
    if price != quantize_money(product.unit_price_excl_tax) and not (
        actor is not None and actor.has_perm(PRICE_EDITOR_PERM)
    ):
        raise PriceFromCatalog(
            _("The price comes from the catalog: only those who may change product prices sell at another price."),
            field="unit_price_excl_tax",
        )
    if price < 0:
        raise InvalidQuantity(_("A price cannot be negative."), field="unit_price_excl_tax")
    rate = ZERO if product.vat_exempt else product.tax_rate.rate_percent
    totals = line_totals(unit_price_excl_tax=price, quantity=quantity, tax_rate_percent=rate)
    with transaction.atomic():
        sale = _lock_draft(sale)
        line = SaleLine.objects.create(
            sale=sale,
            product=product,
            product_type_snapshot=product.type,
            description_snapshot=description or product.name,
            unit_price_excl_tax_snapshot=price,
            tax_rate_percent_snapshot=rate,
            quantity=quantity,
            line_subtotal_excl_tax=totals.subtotal_excl_tax,
            line_tax_amount=totals.tax_amount,
            line_total_incl_tax=totals.total_incl_tax,
            vat_exempt_snapshot=product.vat_exempt,
            vat_exemption_mention_snapshot=product.vat_exemption_mention if product.vat_exempt else "",
            consumed_on_patient=consumed_on_patient and product.type == ProductType.PRODUCT,
        )
        if product.track_lots:
            _allocate_fefo(line)
        _sale_recompute(sale)
        audit_record(actor=actor, action="update", entity=sale, metadata={"line_added": str(line.pk)})
        return line


def sale_line_update(
    *, line: SaleLine, quantity: Decimal | None = None, consumed_on_patient: bool | None = None, actor
) -> SaleLine:
    with transaction.atomic():
        sale = _lock_draft(line.sale)
        line = lock_row(SaleLine.objects, pk=line.pk)
        if quantity is not None:
            quantity = quantize_quantity(quantity)
            if quantity <= 0:
                raise InvalidQuantity(_("The quantity must be greater than zero."), field="quantity")
            totals = line_totals(
                unit_price_excl_tax=line.unit_price_excl_tax_snapshot,
                quantity=quantity,
                tax_rate_percent=line.tax_rate_percent_snapshot,
            )
            line.quantity = quantity
            line.line_subtotal_excl_tax = totals.subtotal_excl_tax
            line.line_tax_amount = totals.tax_amount
            line.line_total_incl_tax = totals.total_incl_tax
        if consumed_on_patient is not None:
            line.consumed_on_patient = consumed_on_patient and line.product_type_snapshot == ProductType.PRODUCT
        line.save()
        if quantity is not None and line.product.track_lots:
            _allocate_fefo(line)
        _sale_recompute(sale)
        audit_record(actor=actor, action="update", entity=sale, metadata={"line_changed": str(line.pk)})
        return line


def sale_line_remove(*, line: SaleLine, actor) -> None:
    with transaction.atomic():
        sale = _lock_draft(line.sale)
        line_id = line.pk
        SaleLine.objects.filter(pk=line_id).delete()
        _sale_recompute(sale)
        audit_record(actor=actor, action="update", entity=sale, metadata={"line_removed": str(line_id)})


def sale_scan(*, sale: Sale, barcode: str, quantity: Decimal = Decimal("1"), actor) -> SaleLine:
    """A scanned (or typed) barcode at the till: one more of the product, on its existing line at
    the catalog price when the sale has one, else on a new line."""
    from erp.commerce.sales.selectors import counter_product_by_barcode

    product = counter_product_by_barcode(barcode)
    line = (
        sale.lines.filter(product=product, unit_price_excl_tax_snapshot=product.unit_price_excl_tax)
        .order_by("created_at", "id")
        .first()
    )
    if line is None:
        return sale_line_add(sale=sale, product=product, quantity=quantity, actor=actor)
    return sale_line_update(line=line, quantity=line.quantity + quantize_quantity(quantity), actor=actor)


# --- Lots: first-expiry-first-out proposal and override ------------------------------------------


def lots_fefo_proposal(
    *,
    product: Product,
    quantity: Decimal,
    location: ClinicLocation | None,
    today: date | None = None,
    reserved: dict | None = None,
) -> list[tuple[InventoryLot, Decimal]]:
    """Allocate ``quantity`` over the product's non-expired lots in stock at ``location``, the
    soonest expiry first (lots without a date last). May cover less than asked when stock is
    short; paying then refuses the sale. ``reserved`` (lot id -> quantity) is what other lines
    of the same sale already take."""
    reserved = reserved or {}
    today = today or timezone.localdate()
    balances = (
        StockBalance.objects.filter(product=product, location=location, lot__isnull=False, quantity__gt=0)
        .filter(Q(lot__expires_at__isnull=True) | Q(lot__expires_at__gte=today))
        .select_related("lot")
        .order_by("lot__expires_at", "lot__lot_code")
    )
    remaining = quantize_quantity(quantity)
    proposal = []
    for balance in balances:
        if remaining <= 0:
            break
        free = balance.quantity - reserved.get(balance.lot_id, ZERO)
        if free <= 0:
            continue
        take = min(free, remaining)
        proposal.append((balance.lot, take))
        remaining -= take
    return proposal


def _allocate_fefo(line: SaleLine) -> list[SaleLineLot]:
    SaleLineLot.objects.filter(sale_line=line).delete()
    reserved: dict = {}
    for lot_id, quantity in SaleLineLot.objects.filter(sale_line__sale_id=line.sale_id).values_list(
        "lot_id", "quantity"
    ):
        reserved[lot_id] = reserved.get(lot_id, ZERO) + quantity
    proposal = lots_fefo_proposal(
        product=line.product, quantity=line.quantity, location=line.sale.location, reserved=reserved
    )
    return [SaleLineLot.objects.create(sale_line=line, lot=lot, quantity=qty) for lot, qty in proposal]


def sale_line_lots_set(
    *, line: SaleLine, allocations: Sequence[tuple[InventoryLot, Decimal]], actor
) -> list[SaleLineLot]:
    """Staff override of the proposal: the lots given replace it and must cover the quantity."""
    with transaction.atomic():
        sale = _lock_draft(line.sale)
        line = lock_row(SaleLine.objects.select_related("product"), pk=line.pk)
        if not line.product.track_lots:
            raise LotAllocationInvalid(
                _("“%(product)s” is not tracked by lot.") % {"product": line.product}, field="lots"
            )
        seen = set()
        total = ZERO
        for lot, quantity in allocations:
            if lot.product_id != line.product_id:
                raise LotAllocationInvalid(
                    _("Lot %(lot_code)s belongs to another product.") % {"lot_code": lot.lot_code}, field="lots"
                )
            if lot.pk in seen:
                raise LotAllocationInvalid(
                    _("Lot %(lot_code)s is listed twice.") % {"lot_code": lot.lot_code}, field="lots"
                )
            if lot.is_expired():
                raise LotExpired(
                    _("Lot %(lot_code)s has expired: it cannot be sold.") % {"lot_code": lot.lot_code}, field="lots"
                )
            if quantize_quantity(quantity) <= 0:
                raise LotAllocationInvalid(_("Each lot takes a quantity greater than zero."), field="lots")
            seen.add(lot.pk)
            total += quantize_quantity(quantity)
        if total != line.quantity:
            raise LotsDoNotCoverLine(
                _("The lots add up to %(total)s, the line sells %(quantity)s.")
                % {"total": total, "quantity": line.quantity},
                field="lots",
            )
        SaleLineLot.objects.filter(sale_line=line).delete()
        rows = [
            SaleLineLot.objects.create(sale_line=line, lot=lot, quantity=quantize_quantity(quantity))
            for lot, quantity in allocations
        ]
        audit_record(actor=actor, action="update", entity=sale, metadata={"line_lots_set": str(line.pk)})
        return rows


def sale_cancel(*, sale: Sale, actor) -> Sale:
    with transaction.atomic():
        locked = _lock_draft(sale)
        locked.status = SaleStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="update", entity=locked, metadata={"status": "cancelled"})
        return locked


def sale_delete(*, sale: Sale, actor) -> None:
    """Soft-delete a draft or cancelled sale (a paid or refunded sale is never deleted)."""
    with transaction.atomic():
        locked = lock_row(Sale.objects, pk=sale.pk)
        if locked.status not in (SaleStatus.DRAFT, SaleStatus.CANCELLED):
            raise SaleNotDraft(
                _("This sale is %(status)s: it is kept for good (refund it instead).")
                % {"status": locked.get_status_display().lower()},
                code="sale_not_deletable",
            )
        audit_record(actor=actor, action="delete", entity=locked)
        sale.delete(actor=actor)


# --- Paying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    """One payment offered at the till. For cash, ``amount`` is what the buyer handed over."""

    method: str
    amount: Decimal
    provider: str | None = None
    provider_reference: str | None = None


def card_provider_default() -> str:
    return getattr(settings, "CARD_PAYMENT_PROVIDER", "SumUp")


def card_fee_rule_in_force(*, provider: str, country_code: str | None, day: date) -> CardFeeRule | None:
    """The active rule of ``provider`` for the country (a country-less rule as fallback) whose
    period contains ``day``; the latest start wins."""
    rules = CardFeeRule.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        provider__iexact=provider,
        is_active=True,
        effective_from__lte=day,
    ).filter(Q(country_code__iexact=country_code) | Q(country_code__isnull=True) | Q(country_code=""))
    exact = [
        rule for rule in rules.order_by("-effective_from") if (rule.country_code or "").upper() == (country_code or "")
    ]
    if exact:
        return exact[0]
    return rules.order_by("-effective_from").first()


@dataclass
class _PlannedPayment:
    method: PaymentMethod
    gross: Decimal
    tendered: Decimal | None
    change: Decimal
    provider: str | None
    provider_reference: str | None


def _plan_payments(total: Decimal, payments: Sequence[PaymentInput]) -> list[_PlannedPayment]:
    """Check the offered payments cover ``total`` and work out the change (cash only)."""
    methods = {m.code: m for m in PaymentMethod.objects.filter(is_active=True)}
    planned = []
    for index, offered in enumerate(payments):
        method = methods.get(offered.method)
        if method is None:
            known = offered.method in PaymentMethodCode.values
            raise PaymentMethodUnavailable(
                _("Payment method “%(method)s” is not available.")
                % {"method": PaymentMethodCode(offered.method).label if known else offered.method},
                field=f"payments[{index}].method",
            )
        amount = quantize_money(offered.amount)
        if amount <= 0:
            raise PaymentInvalid(_("A payment is greater than zero."), field=f"payments[{index}].amount")
        planned.append(
            _PlannedPayment(
                method=method,
                gross=amount,
                tendered=amount if method.code == PaymentMethodCode.CASH else None,
                change=ZERO,
                provider=offered.provider,
                provider_reference=offered.provider_reference,
            )
        )
    offered_total = sum((p.gross for p in planned), ZERO)
    if offered_total < total:
        raise PaymentsInsufficient(
            _("The payments (%(offered_total)s) do not cover the total (%(total)s).")
            % {"offered_total": format_money(offered_total), "total": format_money(total)},
            field="payments",
            extra={"total": str(total), "offered": str(offered_total)},
        )
    change = offered_total - total
    non_cash = sum((p.gross for p in planned if p.method.code != PaymentMethodCode.CASH), ZERO)
    if change and non_cash > total:
        raise ChangeNotAllowed(
            _("Only cash may exceed what is due: card, transfer and other payments must not add up to more "
            "than the total."),
            field="payments",
        )
    # The change comes out of the cash payments, the last one first.
    for payment in reversed([p for p in planned if p.method.code == PaymentMethodCode.CASH]):
        if not change:
            break
        taken = min(change, payment.gross)
        payment.change += taken
        payment.gross -= taken
        change -= taken
    return planned


def _payments_create(*, sale: Sale, planned: Sequence[_PlannedPayment], paid_at, country: str, actor) -> list[Payment]:
    created = []
    rules: dict[str, CardFeeRule | None] = {}
    for item in planned:
        fee = ZERO
        fee_percent = None
        rule = None
        provider = item.provider
        if item.method.code == PaymentMethodCode.CARD:
            provider = provider or card_provider_default()
            if provider not in rules:
                day = timezone.localdate(paid_at)
                rules[provider] = card_fee_rule_in_force(provider=provider, country_code=country, day=day)
            rule = rules[provider]
            if rule is None:
                raise CardFeeRuleMissing(
                    _("No %(provider)s card fee rule is in force for %(country)s on %(date)s.")
                    % {"provider": provider, "country": country, "date": timezone.localdate(paid_at)},
                    field="payments",
                )
            fee_percent = rule.fee_percent
            fee = quantize_money(item.gross * rule.fee_percent / HUNDRED + rule.fee_fixed_amount)
        if item.gross <= 0:
            # Cash handed over and fully given back as change (another payment covered the total).
            continue
        created.append(
            Payment(
                sale=sale,
                payment_method=item.method,
                kind=PaymentKind.PAYMENT,
                amount_gross=item.gross,
                fee_amount=fee,
                fee_percent=fee_percent,
                amount_net=item.gross - fee,
                amount_tendered=item.tendered,
                change_given=item.change,
                paid_at=paid_at,
                currency=sale.currency,
                provider=provider,
                provider_reference=item.provider_reference,
                card_fee_rule=rule,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
    return Payment.objects.bulk_create(created)


def _sale_out_moves(sale: Sale, lines: Sequence[SaleLine]) -> list[StockMoveInput]:
    moves = []
    for line in lines:
        product = line.product
        if product.type != ProductType.PRODUCT:
            continue
        if product.track_lots:
            allocations = list(line.lots.all())
            covered = sum((a.quantity for a in allocations), ZERO)
            if covered != line.quantity:
                raise LotsDoNotCoverLine(
                    _(
                        "The lots of “%(product)s” cover %(covered)s of %(quantity)s: "
                        "pick lots for the rest (or there is not enough stock)."
                    )
                    % {
                        "product": line.description_snapshot,
                        "covered": covered,
                        "quantity": line.quantity,
                    },
                    field="lots",
                    extra={"line": str(line.pk)},
                )
            for allocation in allocations:
                moves.append(
                    StockMoveInput(
                        product=product,
                        lot=allocation.lot,
                        location=sale.location,
                        move_type=StockMoveType.OUT,
                        quantity=-allocation.quantity,
                        reference_type=StockReferenceType.SALE,
                        reference_id=sale.pk,
                    )
                )
        else:
            moves.append(
                StockMoveInput(
                    product=product,
                    location=sale.location,
                    move_type=StockMoveType.OUT,
                    quantity=-line.quantity,
                    reference_type=StockReferenceType.SALE,
                    reference_id=sale.pk,
                )
            )
    return moves


def _sequence_take(lookup: dict) -> int | None:
    """Move the series on by one and return the number taken, in one statement: the UPDATE locks
    the row until the transaction ends, and a concurrent taker waits, then reads the moved row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commerce_documentsequence SET next_number = next_number + 1, updated_at = %s "
            "WHERE document_type = %s AND country_code = %s AND prefix = %s RETURNING next_number - 1",
            [timezone.now(), lookup["document_type"], lookup["country_code"], lookup["prefix"]],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def document_number_next(*, document_type: str, country_code: str, prefix: str) -> tuple[int, str]:
    """Take the next number of a series, locking its row until the transaction ends (a rollback
    gives the number back)."""
    lookup = {"document_type": document_type, "country_code": country_code, "prefix": prefix}
    number = _sequence_take(lookup)
    if number is None:
        DocumentSequence.objects.bulk_create([DocumentSequence(**lookup, next_number=1)], ignore_conflicts=True)
        number = _sequence_take(lookup)
    return number, f"{prefix}-{number:06d}"


def invoice_prefix() -> str:
    return getattr(settings, "INVOICE_NUMBER_PREFIX", "FA")


def credit_note_prefix() -> str:
    return getattr(settings, "CREDIT_NOTE_NUMBER_PREFIX", "AV")


def _billing_fields(sale: Sale, country: str) -> dict:
    patient = sale.sold_to_patient
    if patient is not None:
        return {
            "billing_name": f"{patient.first_name} {patient.last_name}".strip(),
            "billing_address_line1": patient.address_line1,
            "billing_city": patient.city,
            "billing_postal_code": patient.postal_code,
            "billing_country_code": (patient.country_code or country).upper(),
            "language": patient.preferred_language or "fr",
        }
    return {"billing_name": sale.sold_to_name, "billing_country_code": country, "language": "fr"}


def _invoice_create(*, sale: Sale, country: str, number: tuple[int, str], issued_at, seller: dict) -> Invoice:
    number, label = number
    return Invoice.objects.create(
        sale=sale,
        invoice_number=label,
        sequence_number=number,
        issued_at=issued_at,
        seller=seller,
        **_billing_fields(sale, country),
    )


def _journal_payments(payments: Sequence[Payment], document_number: str) -> list[JournalEvent]:
    return [
        JournalEvent(
            event_type=FiscalEventType.PAYMENT_RECORDED,
            entity=payment,
            amount_incl_tax=payment.amount_gross,
            currency=payment.currency,
            document_number=document_number,
            occurred_at=payment.paid_at,
            data={
                "sale_id": str(payment.sale_id),
                "method": payment.payment_method.code,
                "fee_amount": str(payment.fee_amount),
                "amount_net": str(payment.amount_net),
            },
        )
        for payment in payments
    ]


def _vat_breakdown(lines: Sequence[SaleLine]) -> dict[str, dict[str, str]]:
    rates: dict[str, list[Decimal]] = {}
    for line in lines:
        key = str(line.tax_rate_percent_snapshot)
        base, tax = rates.get(key, [ZERO, ZERO])
        rates[key] = [base + line.line_subtotal_excl_tax, tax + line.line_tax_amount]
    return {rate: {"base": str(base), "tax": str(tax)} for rate, (base, tax) in sorted(rates.items())}


def _schedule_pdf(kind: str, pk) -> None:
    if not getattr(settings, "COMMERCE_RENDER_PDF_ON_COMMIT", True):
        return

    def render():
        from erp.commerce import tasks

        if kind == "invoice":
            tasks.invoice_pdf_task(str(pk))
        else:
            tasks.credit_note_pdf_task(str(pk))

    transaction.on_commit(render)


def _sale_lines_with_lots(sale: Sale) -> list[SaleLine]:
    """The lines with their product, lot allocations and lots (two queries)."""
    lots = Prefetch("lots", queryset=SaleLineLot.objects.select_related("lot"))
    return list(sale.lines.select_related("product").prefetch_related(lots))


def sale_pay(*, sale: Sale, payments: Sequence[PaymentInput], actor) -> Invoice:
    """Pay a draft sale (spec's atomic rule): stock out, payments with card fees, invoice with the
    next number, fiscal journal entries; all or nothing. The PDF is rendered after commit."""
    with transaction.atomic():
        sale = lock_row(Sale.objects.select_related("location", "sold_to_patient"), of=("self",), pk=sale.pk)
        if sale.status != SaleStatus.DRAFT:
            raise SaleNotDraft(
                _("This sale is %(status)s: it cannot be paid.") % {"status": sale.get_status_display().lower()}
            )
        lines = _sale_lines_with_lots(sale)
        if not lines:
            raise SaleEmpty(_("Add at least one line before taking payment."))
        country = sale_country(sale)
        seller = seller_for_issuing(country=country)
        planned = _plan_payments(sale.total_incl_tax, payments)
        moves = _sale_out_moves(sale, lines)
        stock_moves_record(moves=moves, actor=actor, savepoint=False)
        # The number first, then the clock: whoever holds the series lock reads the time, so
        # numbers and issue dates go up together.
        number = document_number_next(document_type=DocumentType.INVOICE, country_code=country, prefix=invoice_prefix())
        now = timezone.now().replace(microsecond=0)
        created = _payments_create(sale=sale, planned=planned, paid_at=now, country=country, actor=actor)
        sale.update_locked(status=SaleStatus.PAID, sold_at=now)  # Sale has no save receivers
        invoice = _invoice_create(sale=sale, country=country, number=number, issued_at=now, seller=seller)
        invoice_issued = JournalEvent(
            event_type=FiscalEventType.INVOICE_ISSUED,
            entity=invoice,
            amount_incl_tax=sale.total_incl_tax,
            tax_total=sale.tax_total,
            currency=sale.currency,
            document_number=invoice.invoice_number,
            occurred_at=now,
            data={
                "sale_id": str(sale.pk),
                "subtotal_excl_tax": str(sale.subtotal_excl_tax),
                "vat": _vat_breakdown(lines),
                "buyer": invoice.billing_name,
            },
        )
        journal_append_many([invoice_issued, *_journal_payments(created, invoice.invoice_number)])
        audit_record(
            actor=actor,
            action="update",
            entity=sale,
            metadata={"status": "paid", "invoice": invoice.invoice_number, "total": str(sale.total_incl_tax)},
        )
        _schedule_pdf("invoice", invoice.pk)
        return invoice


# --- Refunds: credit notes ------------------------------------------------------------------------


@dataclass(frozen=True)
class CreditLineInput:
    """A quantity of one sale line to credit. ``return_to_stock`` says whether the units came
    back (``None``: they do for a product not used on the patient, never for a service)."""

    sale_line_id: uuid.UUID | str
    quantity: Decimal
    return_to_stock: bool | None = None


@dataclass
class _CreditPlan:
    line: SaleLine
    quantity: Decimal
    returned: Decimal
    totals: LineTotals


@dataclass(frozen=True)
class LineCredited:
    """What was already credited of a sale line, over every credit note of its invoice."""

    quantity: Decimal = ZERO
    subtotal_excl_tax: Decimal = ZERO
    tax_amount: Decimal = ZERO
    returned: Decimal = ZERO


def sale_lines_credited(sale_id) -> dict[uuid.UUID, LineCredited]:
    """Per sale line id: the quantities and amounts its credit notes took (one query)."""
    rows = (
        CreditNoteLine.objects.filter(sale_line__sale_id=sale_id)
        .values("sale_line_id")
        .annotate(
            quantity=Sum("quantity"),
            subtotal=Sum("line_subtotal_excl_tax"),
            tax=Sum("line_tax_amount"),
            returned=Sum("quantity_returned"),
        )
    )
    return {
        row["sale_line_id"]: LineCredited(row["quantity"], row["subtotal"], row["tax"], row["returned"])
        for row in rows
    }


def line_returnable(line: SaleLine) -> bool:
    """Whether a line's goods may come back to stock: a product not used on the patient."""
    return line.product_type_snapshot == ProductType.PRODUCT and not line.consumed_on_patient


def _return_cost(line: SaleLine, lot: InventoryLot | None) -> Decimal:
    """Unit cost of a returned unit: that of the last receipt of the same product (and lot)."""
    moves = StockMove.objects.filter(product=line.product, move_type=StockMoveType.IN)
    if lot is not None:
        moves = moves.filter(lot=lot)
    cost = moves.exclude(unit_cost__isnull=True).order_by("-occurred_at").values_list("unit_cost", flat=True).first()
    return cost if cost is not None else ZERO


def _credit_requests(
    lines: Sequence[SaleLine],
    credited: dict[uuid.UUID, LineCredited],
    asked: Sequence[CreditLineInput] | None,
    returned_line_ids: Sequence | None,
) -> list[CreditLineInput]:
    """What to credit: the lines asked, or (``asked`` is None) what is left of every line, the
    goods of ``returned_line_ids`` coming back (default: every returnable line)."""
    if asked is not None:
        if returned_line_ids is not None:
            raise CreditLineInvalid("Say on each line whether its goods came back.", field="returned_lines")
        if not asked:
            raise CreditLineInvalid("Pick at least one line to credit.", field="lines", code="credit_note_empty")
        return list(asked)
    returned = None if returned_line_ids is None else {str(pk) for pk in returned_line_ids}
    requests = []
    for line in lines:
        left = line.quantity - credited.get(line.pk, LineCredited()).quantity
        if left > 0:
            back = None if returned is None else (str(line.pk) in returned)
            requests.append(CreditLineInput(sale_line_id=line.pk, quantity=left, return_to_stock=back))
    if returned is not None and not returned <= {str(line.pk) for line in lines if line_returnable(line)}:
        raise CreditLineInvalid(
            "Only product lines of this sale that were not used on the patient can come back to stock.",
            field="returned_lines",
            code="line_not_returnable",
        )
    return requests


def _credit_plan(
    lines: Sequence[SaleLine], credited: dict[uuid.UUID, LineCredited], requests: Sequence[CreditLineInput]
) -> list[_CreditPlan]:
    """Check each request against what is left of its line and work out its figures: a line's
    last credit takes what is left of its amounts, so its credits add up to it to the cent."""
    by_id = {str(line.pk): line for line in lines}
    plan: list[_CreditPlan] = []
    seen = set()
    for index, request in enumerate(requests):
        field = f"lines[{index}]"
        line = by_id.get(str(request.sale_line_id))
        if line is None:
            raise CreditLineInvalid(
                "This line is not a line of the invoice.", field=f"{field}.sale_line", code="credit_line_unknown"
            )
        if line.pk in seen:
            raise CreditLineInvalid(
                f"“{line.description_snapshot}” is listed twice.", field=f"{field}.sale_line", code="credit_line_twice"
            )
        seen.add(line.pk)
        quantity = quantize_quantity(request.quantity)
        if quantity <= 0:
            raise InvalidQuantity("A credited quantity is greater than zero.", field=f"{field}.quantity")
        done = credited.get(line.pk, LineCredited())
        left = line.quantity - done.quantity
        if quantity > left:
            raise CreditExceedsSold(
                f"“{line.description_snapshot}”: {line.quantity} sold, {done.quantity} already credited; "
                f"at most {left} can still be credited.",
                field=f"{field}.quantity",
                extra={"sale_line": str(line.pk), "sold": str(line.quantity), "credited": str(done.quantity)},
            )
        back = line_returnable(line) if request.return_to_stock is None else bool(request.return_to_stock)
        if back and not line_returnable(line):
            raise CreditLineInvalid(
                f"“{line.description_snapshot}” cannot come back to stock (a service or a product used on the "
                "patient).",
                field=f"{field}.return_to_stock",
                code="line_not_returnable",
            )
        if quantity == left:
            subtotal = line.line_subtotal_excl_tax - done.subtotal_excl_tax
            tax = line.line_tax_amount - done.tax_amount
            totals = LineTotals(subtotal, tax, subtotal + tax)
        else:
            totals = line_totals(
                unit_price_excl_tax=line.unit_price_excl_tax_snapshot,
                quantity=quantity,
                tax_rate_percent=line.tax_rate_percent_snapshot,
            )
        plan.append(_CreditPlan(line=line, quantity=quantity, returned=quantity if back else ZERO, totals=totals))
    return plan


def _returned_lots(plan: Sequence[_CreditPlan]) -> dict[uuid.UUID, list[tuple[InventoryLot, Decimal]]]:
    """The lots each returned quantity goes back to: those its line left from, first expiry first,
    less what earlier credit notes already brought back to them."""
    tracked = [item for item in plan if item.returned and item.line.product.track_lots]
    back: dict[tuple, Decimal] = {}
    for line_id, lot_id, quantity in CreditNoteLineLot.objects.filter(
        credit_note_line__sale_line__in=[item.line.pk for item in tracked]
    ).values_list("credit_note_line__sale_line_id", "lot_id", "quantity"):
        back[(line_id, lot_id)] = back.get((line_id, lot_id), ZERO) + quantity
    result = {}
    for item in tracked:
        left = item.returned
        parts = []
        for allocation in item.line.lots.all():
            free = allocation.quantity - back.get((item.line.pk, allocation.lot_id), ZERO)
            take = min(free, left)
            if take > 0:
                parts.append((allocation.lot, take))
                left -= take
        result[item.line.pk] = parts
    return result


def _return_moves(sale: Sale, plan: Sequence[_CreditPlan], lots, label: str) -> list[StockMoveInput]:
    moves = []
    for item in plan:
        if not item.returned:
            continue
        parts = lots[item.line.pk] if item.line.product.track_lots else [(None, item.returned)]
        for lot, quantity in parts:
            moves.append(
                StockMoveInput(
                    product=item.line.product,
                    lot=lot,
                    location=sale.location,
                    move_type=StockMoveType.IN,
                    quantity=quantity,
                    unit_cost=_return_cost(item.line, lot),
                    reason=f"Refund of {label}",
                    reference_type=StockReferenceType.SALE,
                    reference_id=sale.pk,
                )
            )
    return moves


def _refund_split(sale: Sale, amount: Decimal) -> list[tuple[Payment, Decimal]]:
    """Give ``amount`` back the way it was paid: per method (and card provider), what is left of
    it after earlier refunds, the last method paid first."""
    kept: dict[tuple, list] = {}
    for payment in sale.payments.select_related("payment_method").order_by("paid_at", "created_at", "pk"):
        key = (payment.payment_method_id, payment.provider or "")
        entry = kept.setdefault(key, [payment, ZERO])
        entry[1] += payment.amount_gross
    split = []
    left = amount
    for original, paid in reversed(list(kept.values())):
        take = min(paid, left)
        if take > 0:
            split.append((original, take))
            left -= take
    return split


def _refunds_create(*, sale: Sale, credit_note: CreditNote, paid_at, actor) -> list[Payment]:
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    return Payment.objects.bulk_create(
        [
            Payment(
                sale=sale,
                payment_method=original.payment_method,
                kind=PaymentKind.REFUND,
                amount_gross=-amount,
                fee_amount=ZERO,
                fee_percent=None,
                amount_net=-amount,
                paid_at=paid_at,
                currency=original.currency,
                provider=original.provider,
                credit_note=credit_note,
                created_by=created_by,
            )
            for original, amount in _refund_split(sale, credit_note.total_incl_tax)
        ]
    )


BILLING_FIELDS = (
    "billing_name",
    "billing_address_line1",
    "billing_city",
    "billing_postal_code",
    "billing_country_code",
    "language",
)


def _credit_lines_create(credit_note: CreditNote, plan: Sequence[_CreditPlan], lots) -> list[CreditNoteLine]:
    rows = CreditNoteLine.objects.bulk_create(
        [
            CreditNoteLine(
                credit_note=credit_note,
                sale_line=item.line,
                product_type_snapshot=item.line.product_type_snapshot,
                description_snapshot=item.line.description_snapshot,
                unit_price_excl_tax_snapshot=item.line.unit_price_excl_tax_snapshot,
                tax_rate_percent_snapshot=item.line.tax_rate_percent_snapshot,
                quantity=item.quantity,
                line_subtotal_excl_tax=item.totals.subtotal_excl_tax,
                line_tax_amount=item.totals.tax_amount,
                line_total_incl_tax=item.totals.total_incl_tax,
                vat_exempt_snapshot=item.line.vat_exempt_snapshot,
                vat_exemption_mention_snapshot=item.line.vat_exemption_mention_snapshot,
                quantity_returned=item.returned,
            )
            for item in plan
        ]
    )
    CreditNoteLineLot.objects.bulk_create(
        [
            CreditNoteLineLot(credit_note_line=row, lot=lot, quantity=quantity)
            for row, item in zip(rows, plan, strict=True)
            for lot, quantity in lots.get(item.line.pk, ())
        ]
    )
    return rows


def sale_refund(
    *,
    sale: Sale,
    reason: str,
    lines: Sequence[CreditLineInput] | None = None,
    returned_line_ids: Sequence | None = None,
    actor,
) -> CreditNote:
    """Credit a paid sale with a credit note from its own gapless series: the ``lines`` given
    (quantities of sale lines), or everything not yet credited (the whole refund). Never more
    than was sold: a quantity credited twice is refused (``credit_exceeds_sold``). Refund
    payments give the amount back the way it was paid; returned products go back to the lots
    they left from (not services, not products used on the patient). The sale is ``refunded``
    once every line is fully credited.

    ``returned_line_ids`` (whole refund only) names the product lines whose goods came back
    (default: every product line not used on the patient)."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid(_("Say why the sale is refunded."), field="reason", code="refund_reason_required")
    with transaction.atomic():
        # The sale's lock serialises every credit of its lines: what is left is read under it.
        sale = lock_row(Sale.objects.select_related("location", "sold_to_patient"), of=("self",), pk=sale.pk)
        if sale.status != SaleStatus.PAID:
            raise SaleNotPaid(
                _("Only a paid sale can be refunded (this one is %(status)s).")
                % {"status": sale.get_status_display().lower()}
            )
        country = sale_country(sale)
        seller = seller_for_issuing(country=country)
        invoice = Invoice.objects.get(sale=sale)
        sale_lines = _sale_lines_with_lots(sale)
        credited = sale_lines_credited(sale.pk)
        requests = _credit_requests(sale_lines, credited, lines, returned_line_ids)
        if not requests:
            raise CreditExceedsSold("Every line of this sale is already credited.", field="lines")
        plan = _credit_plan(sale_lines, credited, requests)
        lots = _returned_lots(plan)
        stock_moves_record(moves=_return_moves(sale, plan, lots, invoice.invoice_number), actor=actor, savepoint=False)
        number, label = document_number_next(
            document_type=DocumentType.CREDIT_NOTE, country_code=country, prefix=credit_note_prefix()
        )
        now = timezone.now().replace(microsecond=0)
        subtotal = sum((item.totals.subtotal_excl_tax for item in plan), ZERO)
        tax = sum((item.totals.tax_amount for item in plan), ZERO)
        credit_note = CreditNote.objects.create(
            sale=sale,
            invoice=invoice,
            credit_note_number=label,
            sequence_number=number,
            issued_at=now,
            reason=reason,
            subtotal_excl_tax=subtotal,
            tax_total=tax,
            total_incl_tax=subtotal + tax,
            seller=seller,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **{field: getattr(invoice, field) for field in BILLING_FIELDS},
        )
        credit_lines = _credit_lines_create(credit_note, plan, lots)
        refunds = _refunds_create(sale=sale, credit_note=credit_note, paid_at=now, actor=actor)
        planned = {item.line.pk: item.quantity for item in plan}
        fully = all(
            credited.get(line.pk, LineCredited()).quantity + planned.get(line.pk, ZERO) == line.quantity
            for line in sale_lines
        )
        if fully:
            sale.update_locked(status=SaleStatus.REFUNDED)
        credit_note_issued = JournalEvent(
            event_type=FiscalEventType.CREDIT_NOTE_ISSUED,
            entity=credit_note,
            amount_incl_tax=-credit_note.total_incl_tax,
            tax_total=-credit_note.tax_total,
            currency=sale.currency,
            document_number=label,
            occurred_at=now,
            data={
                "sale_id": str(sale.pk),
                "invoice": invoice.invoice_number,
                "reason": reason,
                "subtotal_excl_tax": str(subtotal),
                "vat": _vat_breakdown(credit_lines),
                "lines": {str(item.line.pk): str(item.quantity) for item in plan},
            },
        )
        journal_append_many([credit_note_issued, *_journal_payments(refunds, label)])
        audit_record(
            actor=actor,
            action="create",
            entity=credit_note,
            metadata={
                "sale": str(sale.pk),
                "invoice": invoice.invoice_number,
                "total": str(credit_note.total_incl_tax),
                "reason": reason,
                "lines": {str(item.line.pk): str(item.quantity) for item in plan},
                "returned": {str(item.line.pk): str(item.returned) for item in plan if item.returned},
                "sale_refunded": fully,
            },
        )
        _schedule_pdf("credit_note", credit_note.pk)
        return credit_note
