"""Fiscal journal: chained hashes, refused rewrites, tampering found at its row, closings."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from erp.commerce import exceptions
from erp.commerce.models import ClosingPeriod, FiscalClosing, FiscalJournalEntry
from erp.commerce.sales import fiscal
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_sales(location):
    payment_methods()
    service = ServiceFactory(unit_price_excl_tax=Decimal("50.00"))
    sales = []
    for index in range(3):
        sale = billing.sale_create(location=location, sold_to_name=f"Buyer {index}", actor=None)
        billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("50"))], actor=None)
        sales.append(sale)
    return sales


def test_chain_links_each_entry_to_the_previous_one(paid_sales):
    entries = list(FiscalJournalEntry.objects.order_by("sequence"))
    assert [e.sequence for e in entries] == list(range(1, 7))
    assert entries[0].previous_hash == fiscal.GENESIS_HASH
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.previous_hash == previous.hash
        assert entry.hash == fiscal.entry_hash(entry)
    report = fiscal.fiscal_journal_verify()
    assert report.ok and report.entries_checked == 6


def test_application_and_database_refuse_rewrites(paid_sales):
    entry = FiscalJournalEntry.objects.first()
    entry.amount_incl_tax = Decimal("1.00")
    with pytest.raises(exceptions.FiscalJournalImmutable):
        entry.save()
    with pytest.raises(exceptions.FiscalJournalImmutable):
        FiscalJournalEntry.objects.all().delete()
    with pytest.raises(exceptions.FiscalJournalImmutable):
        FiscalJournalEntry.objects.update(amount_incl_tax=0)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE commerce_fiscaljournalentry SET amount_incl_tax = 1 WHERE sequence = 2")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM commerce_fiscaljournalentry WHERE sequence = 2")


def test_a_row_changed_by_sql_is_found_at_that_row(paid_sales):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE commerce_fiscaljournalentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE commerce_fiscaljournalentry SET amount_incl_tax = 5.00 WHERE sequence = 4")
        cursor.execute("ALTER TABLE commerce_fiscaljournalentry ENABLE TRIGGER USER")
    report = fiscal.fiscal_journal_verify()
    assert not report.ok
    assert report.first_broken_sequence == 4
    assert report.entries_checked == 3
    assert "altered" in report.reason
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("fiscal_journal_verify", stdout=out, stderr=out)
    assert "#4" in out.getvalue()


def test_a_deleted_row_is_found(paid_sales):
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE commerce_fiscaljournalentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM commerce_fiscaljournalentry WHERE sequence = 2")
        cursor.execute("ALTER TABLE commerce_fiscaljournalentry ENABLE TRIGGER USER")
    report = fiscal.fiscal_journal_verify()
    assert report.first_broken_sequence == 3


def test_verify_command_reports_an_intact_chain(paid_sales):
    out = StringIO()
    call_command("fiscal_journal_verify", stdout=out)
    assert "6 entries" in out.getvalue()


def test_closings_store_period_totals_and_the_running_grand_total(paid_sales):
    today = timezone.localdate()
    with pytest.raises(exceptions.ClosingRefused) as not_ended:
        fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=today)
    assert not_ended.value.code == "period_not_ended"
    # Move "today" forward: the sales' day has ended.
    tomorrow = today + timedelta(days=1)
    from unittest import mock

    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=tomorrow):
        day = fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=today)
        with pytest.raises(exceptions.ClosingRefused) as again:
            fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=today)
    assert again.value.code == "period_already_closed"
    assert day.sales_total_incl_tax == Decimal("150.00")
    assert day.period_total_incl_tax == Decimal("150.00")
    assert day.grand_total_incl_tax == Decimal("150.00")
    assert day.entries_count == 6
    billing.sale_refund(sale=paid_sales[0], reason="Mistake", actor=None)
    # The refund is dated today too; close the next day (empty) to see the grand total carry on.
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=today + timedelta(days=2)):
        next_day = fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=tomorrow)
    assert next_day.period_total_incl_tax == Decimal("0.00")
    assert next_day.grand_total_incl_tax == Decimal("150.00")
    assert next_day.previous_hash == day.hash
    with pytest.raises(exceptions.FiscalJournalImmutable):
        FiscalClosing.objects.all().delete()


def test_monthly_and_yearly_bounds():
    from datetime import date

    assert fiscal.period_bounds(ClosingPeriod.MONTH, date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert fiscal.period_bounds(ClosingPeriod.YEAR, date(2024, 2, 10)) == (date(2024, 1, 1), date(2024, 12, 31))


def test_close_due_closes_day_month_and_year_once(paid_sales):
    from datetime import date
    from unittest import mock

    today = timezone.localdate()
    new_year = date(today.year + 1, 1, 1)
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=new_year):
        closed = fiscal.fiscal_close_due()
        # Every day from the first entry's to New Year's Eve, in order, then the month and the year.
        days = [c for c in closed if c.period_type == "day"]
        assert [c.period_start for c in days] == [
            today + timedelta(days=n) for n in range((date(today.year, 12, 31) - today).days + 1)
        ]
        assert [c.period_type for c in closed[len(days) :]] == ["month", "year"]
        assert sum(c.sales_total_incl_tax for c in days) == Decimal("150.00")
        assert fiscal.fiscal_close_due() == []
        # The sales of today are in the yearly closing only when today is in that year.
        year = next(c for c in closed if c.period_type == "year")
        assert year.period_start == date(today.year, 1, 1)
        assert year.sales_total_incl_tax == Decimal("150.00")
        # Closings come in order: an earlier day cannot be closed after a later one.
        with pytest.raises(exceptions.ClosingRefused):
            fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=date(today.year, 1, 1) - timedelta(days=400))


def test_close_command(paid_sales):
    out = StringIO()
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    from unittest import mock

    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=tomorrow):
        call_command("fiscal_close", "--period", "day", "--day", today.isoformat(), stdout=out)
    assert "150.00" in out.getvalue()


def test_database_refuses_to_rewrite_a_closing(paid_sales):
    from unittest import mock

    today = timezone.localdate()
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=today + timedelta(days=1)):
        fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=today)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE commerce_fiscalclosing SET grand_total_incl_tax = 0")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM commerce_fiscalclosing")
    assert FiscalClosing.objects.get().grand_total_incl_tax == Decimal("150.00")
