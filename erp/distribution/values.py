"""Value objects of spec 004: Money, Address and Quantity (immutable, validated on creation)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .exceptions import CurrencyMismatch, InvalidValue

CURRENCIES = ("USD", "EUR", "UYU")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Money:
    """An amount >= 0 in one of USD, EUR, UYU; two places, half up."""

    amount: Decimal
    currency: str

    def __post_init__(self):
        try:
            amount = Decimal(str(self.amount)) if not isinstance(self.amount, Decimal) else self.amount
        except ArithmeticError as exc:
            raise InvalidValue(_("Amount is not a number."), code="money_invalid", field="amount") from exc
        if not amount.is_finite():
            raise InvalidValue(_("Amount is not a number."), code="money_invalid", field="amount")
        if amount < 0:
            raise InvalidValue(_("Amount cannot be negative."), code="money_negative", field="amount")
        if self.currency not in CURRENCIES:
            raise InvalidValue(
                _("Currency must be one of %(currencies)s.") % {"currencies": ", ".join(CURRENCIES)},
                code="currency_invalid",
                field="currency",
            )
        object.__setattr__(self, "amount", amount.quantize(CENT, rounding=ROUND_HALF_UP))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal("0"), currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(
                _("Cannot add money with different currencies (%(currency)s and %(currency2)s).")
                % {"currency": self.currency, "currency2": other.currency},
            )
        return Money(self.amount + other.amount, self.currency)

    def times(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


@dataclass(frozen=True)
class Address:
    """A postal address: street and city required, postal code optional."""

    street: str
    city: str
    postal_code: str = ""

    def __post_init__(self):
        street = (self.street or "").strip()
        city = (self.city or "").strip()
        if not street:
            raise InvalidValue(_("Street cannot be empty."), code="address_street_required", field="street")
        if not city:
            raise InvalidValue(_("City cannot be empty."), code="address_city_required", field="city")
        object.__setattr__(self, "street", street)
        object.__setattr__(self, "city", city)
        object.__setattr__(self, "postal_code", (self.postal_code or "").strip())

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)


@dataclass(frozen=True)
class Quantity:
    """A positive whole quantity with its unit (e.g. 12 "unit", 3 "box")."""

    value: int
    unit: str

    def __post_init__(self):
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise InvalidValue(_("Quantity must be a whole number."), code="quantity_invalid", field="quantity_value")
        if self.value <= 0:
            raise InvalidValue(_("Quantity must be positive."), code="quantity_not_positive", field="quantity_value")
        unit = (self.unit or "").strip()
        if not unit:
            raise InvalidValue(_("Unit cannot be empty."), code="quantity_unit_required", field="quantity_unit")
        object.__setattr__(self, "unit", unit)

    def __str__(self) -> str:
        return f"{self.value} {self.unit}"
