"""Money of the clinic and of the distribution orders: ``Decimal``, two places, rounded half up (never
float); the currencies, the ``Money`` value (an amount in a currency) and how each language writes it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _

from erp.core.exceptions import CurrencyMismatch, InvalidValue

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class Currency(models.TextChoices):
    """Spec 004's currencies, in its order; ISO 4217 codes as their own labels (else Django shows "Usd")."""

    USD = "USD", "USD"
    EUR = "EUR", "EUR"
    UYU = "UYU", "UYU"


def quantize_money(value: Decimal | int | str) -> Decimal:
    """Round an amount to the cent, halves away from zero (``2.345`` -> ``2.35``)."""
    if isinstance(value, float):
        raise TypeError("Money is never a float; pass a Decimal, an int or a string.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_quantity(value: Decimal | int | str) -> Decimal:
    """Stock quantities are ``decimal(10,2)`` as well, rounded the same way."""
    return quantize_money(value)


@dataclass(frozen=True)
class Money:
    """An amount >= 0 in one of the ``Currency`` values; two places, half up."""

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
        if self.currency not in Currency.values:
            raise InvalidValue(
                _("Currency must be one of %(currencies)s.") % {"currencies": ", ".join(Currency.values)},
                code="currency_invalid",
                field="currency",
            )
        object.__setattr__(self, "amount", quantize_money(amount))

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(ZERO, currency)

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


def _locale(language: str | None) -> str:
    from django.utils.translation import get_language, to_locale

    return to_locale(language or get_language() or "fr")


def format_money(value: Decimal | int | str, currency: str = "EUR", *, language: str | None = None) -> str:
    """An amount as the language writes it (``60,00 €`` in French, ``€60.00`` in English), by
    Babel's CLDR data; the active language when none is given."""
    from babel.numbers import format_currency

    return format_currency(quantize_money(value), currency, locale=_locale(language))


def format_percent(value: Decimal | int | str, *, language: str | None = None) -> str:
    """A rate given in percent (``5.50`` -> ``5,5 %`` in French)."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(Decimal(value) / 100, locale=_locale(language), decimal_quantization=False)


def format_number(value: Decimal | int | str, *, language: str | None = None) -> str:
    """A count or a quantity (``2.50`` -> ``2,5`` in French)."""
    from babel.numbers import format_decimal

    return format_decimal(Decimal(value), locale=_locale(language))
