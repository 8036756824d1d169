"""Fiscal closings at the accountant's desk: "Close yesterday" closes every period left open in
order, a skipped day is refused, the Z-report of a day matches the journal and its closing, the
admin and API screens, roles, and two closers at once."""

import io
import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from erp.commerce import exceptions
from erp.commerce.models import ClosingPeriod, FiscalClosing, FiscalJournalEntry
from erp.commerce.sales import fiscal, zreport
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def tomorrow():
    """Run the block as if it were tomorrow: today has ended and can be closed."""
    return mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=TODAY + timedelta(days=1))


@pytest.fixture
def day_of_sales(location):
    """Today: a cream (10.00 + 20 % VAT) and a consultation (60.00, exempt) paid 50 card + 22 cash,
    then a consultation paid 60 cash and refunded."""
    payment_methods()
    sumup_rule()
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 5)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    first = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=first, product=cream, quantity=Decimal("1"), actor=None)
    billing.sale_line_add(sale=first, product=consult, quantity=Decimal("1"), actor=None)
    mixed = [PaymentInput("card", Decimal("50")), PaymentInput("cash", Decimal("22"))]
    one = billing.sale_pay(sale=first, payments=mixed, actor=None)
    second = billing.sale_create(location=location, sold_to_name="Other", actor=None)
    billing.sale_line_add(sale=second, product=consult, quantity=Decimal("1"), actor=None)
    two = billing.sale_pay(sale=second, payments=[PaymentInput("cash", Decimal("60"))], actor=None)
    credit = billing.sale_refund(sale=second, reason="Cancelled visit", actor=None)
    return {"invoices": [one, two], "credit": credit}


def test_close_due_catches_up_every_missed_day_in_order(day_of_sales):
    in_three_days = TODAY + timedelta(days=3)
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=in_three_days):
        assert [start for _kind, start, _end in fiscal.fiscal_periods_due()][:3] == [
            TODAY,
            TODAY + timedelta(days=1),
            TODAY + timedelta(days=2),
        ]
        closed = fiscal.fiscal_close_due()
        days = [c for c in closed if c.period_type == ClosingPeriod.DAY]
        assert [c.period_start for c in days] == [TODAY + timedelta(days=n) for n in range(3)]
        assert days[1].previous_hash == days[0].hash and days[2].previous_hash == days[1].hash
        assert [c.grand_total_incl_tax for c in days] == [Decimal("72.00")] * 3
        assert fiscal.fiscal_close_due() == []


def test_a_skipped_day_is_refused_with_the_day_to_close_first(day_of_sales):
    with tomorrow():
        fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=TODAY)
    later = mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=TODAY + timedelta(days=5))
    with later, pytest.raises(exceptions.ClosingRefused) as gap:
        fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=TODAY + timedelta(days=3))
    assert gap.value.code == "period_gap"
    missing = TODAY + timedelta(days=1)
    assert f"{missing.day} " in gap.value.message and "sans en sauter" in gap.value.message
    assert not FiscalClosing.objects.filter(period_start=TODAY + timedelta(days=3)).exists()


def test_z_report_matches_the_journal_and_the_closing(day_of_sales):
    with tomorrow():
        closing = fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=TODAY)
    report = zreport.z_report(closing)
    by_method = {row["label"]: (row["count"], row["takings"], row["refunds"], row["net"]) for row in report.payments}
    assert by_method == {
        "Carte bancaire": (1, Decimal("50.00"), Decimal("0.00"), Decimal("50.00")),
        "Espèces": (3, Decimal("82.00"), Decimal("-60.00"), Decimal("22.00")),
    }
    assert report.payments_total["net"] == closing.payments_total == Decimal("72.00")
    # The refunded consultation's VAT base comes back off the exempt rate; the cream's 20 % stays.
    assert [(row["rate"], row["base"], row["tax"]) for row in report.vat] == [
        (Decimal("0.00"), Decimal("60.00"), Decimal("0.00")),
        (Decimal("20.00"), Decimal("10.00"), Decimal("2.00")),
    ]
    assert report.vat_total["tax"] == closing.tax_total
    numbers = [invoice.invoice_number for invoice in day_of_sales["invoices"]]
    assert (report.invoices_count, report.first_invoice, report.last_invoice) == (2, numbers[0], numbers[1])
    credit = day_of_sales["credit"]
    assert report.credit_notes == [
        {
            "number": credit.credit_note_number,
            "invoice": numbers[1],
            "amount": Decimal("-60.00"),
            "reason": "Cancelled visit",
        }
    ]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(zreport.z_report_pdf(report))).pages)
    for expected in ("Ticket Z", "Encaissements par moyen de paiement", "Carte bancaire", "50,00", "72,00", numbers[0],
                     numbers[1], credit.credit_note_number, "Cancelled visit", closing.hash[:32]):  # fmt: skip
        assert expected in text, expected


def test_a_month_closing_has_no_z_report(day_of_sales):
    month_end = TODAY.replace(day=28) + timedelta(days=4)
    next_month = month_end.replace(day=1)
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=next_month):
        month = fiscal.fiscal_period_close(period_type=ClosingPeriod.MONTH, day=TODAY)
    with pytest.raises(exceptions.ClosingInvalid):
        zreport.z_report(month)


def _api(make_user, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(role, f"{role}-closings@clinic.test"))
    return client


def test_api_closes_a_day_lists_it_and_downloads_its_z_report(make_user, day_of_sales):
    books = _api(make_user, "accounting")
    with tomorrow():
        closed = books.post("/api/v1/fiscal-closings/close/", {"day": TODAY.isoformat()}, format="json")
        assert closed.status_code == 201, closed.json()
        again = books.post("/api/v1/fiscal-closings/close/", {"day": TODAY.isoformat()}, format="json")
        assert again.status_code == 409 and again.json()["code"] == "period_already_closed"
        assert books.post("/api/v1/fiscal-closings/close-due/").json() == []
    month = {"day": TODAY.isoformat(), "period_type": "month"}
    not_ended = books.post("/api/v1/fiscal-closings/close/", month, format="json")
    assert not_ended.status_code == 409 and not_ended.json()["code"] == "period_not_ended"
    listed = books.get("/api/v1/fiscal-closings/?period_type=day").json()["results"]
    assert [(c["period_start"], c["grand_total_incl_tax"], c["hash"]) for c in listed] == [
        (TODAY.isoformat(), "72.00", closed.json()["hash"])
    ]
    pdf = books.get(f"/api/v1/fiscal-closings/{closed.json()['id']}/z-report/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and f"Z-{TODAY.isoformat()}.pdf" in pdf["Content-Disposition"]
    assert AuditLog.objects.filter(action="export", entity_id=closed.json()["id"]).exists()
    desk = _api(make_user, "reception")
    assert desk.post("/api/v1/fiscal-closings/close-due/").status_code == 403
    assert desk.get(f"/api/v1/fiscal-closings/{closed.json()['id']}/z-report/").status_code == 403


def _admin(make_user, role="accounting") -> Client:
    client = Client()
    client.force_login(make_user(role, f"{role}-closings-admin@clinic.test"))
    return client


def test_admin_close_yesterday_lists_then_closes_and_says_what(make_user, day_of_sales):
    client = _admin(make_user)
    index = client.get(reverse("commerce_fiscalclosing:index")).content.decode()
    assert "Clôturer la veille" in index
    url = reverse("commerce_fiscalclosing:close_due")
    with tomorrow():
        page = client.get(url).content.decode()
        assert TODAY.strftime("%Y") in page and "Clôturer cette période" in page
        response = client.post(url, follow=True)
    closing = FiscalClosing.objects.get(period_type=ClosingPeriod.DAY)
    page = response.content.decode()
    assert "Clôturé :" in page and "72,00\xa0€" in page and closing.hash[:12] in page
    assert reverse("commerce_fiscalclosing:z_report", args=[closing.pk]) in page
    with tomorrow():
        assert "Rien à clôturer" in client.post(url, follow=True).content.decode()
    inspect = client.get(reverse("commerce_fiscalclosing:inspect", args=[closing.pk])).content.decode()
    assert "Grand total perpétuel TTC" in inspect and "72,00\xa0€" in inspect and closing.hash in inspect
    assert "Ticket Z (PDF)" in inspect
    pdf = client.get(reverse("commerce_fiscalclosing:z_report", args=[closing.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_front_desk_cannot_close(make_user):
    client = _admin(make_user, "reception")
    assert client.get(reverse("commerce_fiscalclosing:close_due")).status_code in (302, 403)
    assert client.post(reverse("commerce_fiscalclosing:close_due")).status_code in (302, 403)
    assert not FiscalClosing.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_closers_at_once_close_each_period_once(location):
    """The nightly task and an accountant's click at the same moment: one closes, the other finds
    nothing left to close (what is due is read under the journal lock)."""
    payment_methods()
    service = ServiceFactory(unit_price_excl_tax=Decimal("30.00"))
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("30"))], actor=None)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def close():
        try:
            barrier.wait()
            results.append(fiscal.fiscal_close_due(today=TODAY + timedelta(days=1)))
        except Exception as error:  # noqa: BLE001 - the test reports any failure of a thread
            errors.append(error)
        finally:
            connection.close()

    with tomorrow():
        threads = [threading.Thread(target=close) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert sorted(len(closed) for closed in results) == [0, 1]
    assert FiscalClosing.objects.filter(period_type=ClosingPeriod.DAY).count() == 1
    assert FiscalJournalEntry.objects.count() == 2


def test_z_report_reads_a_day_in_three_queries_whatever_its_credit_notes(location):
    from django.test.utils import CaptureQueriesContext

    payment_methods()
    service = ServiceFactory(unit_price_excl_tax=Decimal("40.00"))
    for index in range(3):
        sale = billing.sale_create(location=location, sold_to_name=f"Buyer {index}", actor=None)
        billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
        billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("40"))], actor=None)
        billing.sale_refund(sale=sale, reason="Cancelled", actor=None)
    with tomorrow():
        closing = fiscal.fiscal_period_close(period_type=ClosingPeriod.DAY, day=TODAY)
    zreport.z_report(closing)  # the clinic's settings row exists from here on, as in production
    with CaptureQueriesContext(connection) as queries:
        report = zreport.z_report(closing)
    assert len(report.credit_notes) == 3 and report.vat_total["base"] == Decimal("0.00")
    # The entries, then the seller: the website's settings and the clinic's default country. The
    # credit notes carry their VAT per rate in their journal entries, so none of them costs a query.
    assert len(queries) == 3, [q["sql"][:80] for q in queries.captured_queries]
