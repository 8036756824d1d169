from decimal import Decimal

import pytest

from erp.core.exceptions import CurrencyMismatch, InvalidValue
from erp.core.money import Money
from erp.distribution.values import Address, Quantity


def test_money_rounds_to_cents_half_up():
    assert Money(Decimal("1.005"), "EUR").amount == Decimal("1.01")
    assert Money("2", "USD").amount == Decimal("2.00")


def test_money_refuses_negative_amount():
    with pytest.raises(InvalidValue) as exc:
        Money(Decimal("-0.01"), "EUR")
    assert exc.value.code == "money_negative"


@pytest.mark.parametrize("currency", ["GBP", "eur", "", None])
def test_money_refuses_unknown_currency(currency):
    with pytest.raises(InvalidValue) as exc:
        Money(Decimal("1"), currency)
    assert exc.value.code == "currency_invalid"


@pytest.mark.parametrize("currency", ["USD", "EUR", "UYU"])
def test_money_accepts_the_three_currencies(currency):
    assert Money(Decimal("0"), currency).currency == currency


def test_money_adds_same_currency():
    assert Money(Decimal("1.10"), "UYU") + Money(Decimal("2.20"), "UYU") == Money(Decimal("3.30"), "UYU")


def test_money_refuses_adding_different_currencies():
    with pytest.raises(CurrencyMismatch) as exc:
        Money(Decimal("1"), "EUR") + Money(Decimal("1"), "USD")
    assert exc.value.code == "currency_mismatch"
    assert exc.value.status_code == 422


def test_money_is_immutable_and_compared_by_value():
    money = Money(Decimal("5"), "EUR")
    with pytest.raises(AttributeError):
        money.amount = Decimal("6")
    assert money == Money(Decimal("5.00"), "EUR")
    assert money != Money(Decimal("5.00"), "USD")


def test_money_times_quantity():
    assert Money(Decimal("1.25"), "EUR").times(3) == Money(Decimal("3.75"), "EUR")


@pytest.mark.parametrize(("street", "city", "code"), [
    ("", "Paris", "address_street_required"),
    ("   ", "Paris", "address_street_required"),
    (None, "Paris", "address_street_required"),
    ("1 rue X", "", "address_city_required"),
    ("1 rue X", " ", "address_city_required"),
])
def test_address_requires_street_and_city(street, city, code):
    with pytest.raises(InvalidValue) as exc:
        Address(street, city, "75001")
    assert exc.value.code == code


def test_address_postal_code_is_optional_and_equality_ignores_missing_code():
    assert Address("1 rue X", "Paris") == Address(" 1 rue X ", "Paris", None)
    assert Address("1 rue X", "Paris", "75001") != Address("1 rue X", "Paris")


@pytest.mark.parametrize("value", [0, -1])
def test_quantity_must_be_positive(value):
    with pytest.raises(InvalidValue) as exc:
        Quantity(value, "box")
    assert exc.value.code == "quantity_not_positive"


@pytest.mark.parametrize("value", [1.5, "2", True])
def test_quantity_must_be_whole(value):
    with pytest.raises(InvalidValue):
        Quantity(value, "box")


@pytest.mark.parametrize("unit", ["", "  ", None])
def test_quantity_requires_unit(unit):
    with pytest.raises(InvalidValue) as exc:
        Quantity(3, unit)
    assert exc.value.code == "quantity_unit_required"


def test_quantity_equality():
    assert Quantity(3, "box") == Quantity(3, "box")
    assert Quantity(3, "box") != Quantity(3, "unit")
