"""Helpers shared by the Commerce II tests: payment methods, a card fee rule, stock in lots."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from erp.commerce.inventory import services
from erp.commerce.inventory.services import StockMoveInput
from erp.commerce.models import CardFeeRule, InventoryLot, PaymentMethod, PaymentMethodCode, StockMoveType


def payment_methods() -> dict[str, PaymentMethod]:
    return {
        code: PaymentMethod.objects.get_or_create(code=code, defaults={"name": label})[0]
        for code, label in PaymentMethodCode.choices
    }


def sumup_rule(
    *, percent="1.75", fixed="0.00", start: date | None = None, end: date | None = None, country="FR"
) -> CardFeeRule:
    return CardFeeRule.objects.create(
        provider="SumUp",
        country_code=country,
        fee_percent=Decimal(percent),
        fee_fixed_amount=Decimal(fixed),
        effective_from=start or timezone.localdate() - timedelta(days=30),
        effective_to=end,
        is_active=True,
    )


def stock_lot(product, location, code: str, quantity, expires_at: date | None = None, cost="10.00") -> InventoryLot:
    lot = InventoryLot.objects.create(product=product, lot_code=code, expires_at=expires_at)
    services.stock_move_record(
        move=StockMoveInput(
            product=product,
            lot=lot,
            location=location,
            move_type=StockMoveType.IN,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
        ),
        actor=None,
    )
    return lot


def stock_plain(product, location, quantity, cost="5.00") -> None:
    services.stock_move_record(
        move=StockMoveInput(
            product=product,
            location=location,
            move_type=StockMoveType.IN,
            quantity=Decimal(quantity),
            unit_cost=Decimal(cost),
        ),
        actor=None,
    )


def make_patient(first_name="Anna", last_name="Petrosyan", language="fr", **extra):
    from erp.clinical.models import Patient

    return Patient.objects.create(first_name=first_name, last_name=last_name, preferred_language=language, **extra)


def seller_complete(settings, *, name="Clinique Derma Test", address="12 rue de la Paix", city="Paris") -> None:
    """The seller of a real deployment: the website's name and address, the legal identifiers."""
    from wagtail.models import Site

    from cms.website.models import WebsiteSettings
    settings.SELLER_SIREN = "123456789"
    settings.SELLER_SIRET = "12345678900012"
    settings.SELLER_VAT_NUMBER = "FR12123456789"
    site = Site.objects.get(is_default_site=True)
    WebsiteSettings.objects.update_or_create(
        site=site,
        defaults={"clinic_name": name, "address_line1": address, "postal_code": "75002", "city": city,
                  "country_code": "FR"},
    )  # fmt: skip
