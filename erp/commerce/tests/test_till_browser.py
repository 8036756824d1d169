"""The counter sale in a real browser (issue 26): reception opens the till from an appointment,
scans a barcode, picks a service from the chooser, pays part card part cash with the change shown,
and the invoice PDF downloads as ``FA-000001.pdf`` (parsed, its total checked). Screenshots:
``till-fr``, ``till-hy`` and ``invoice-page-fr``."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from erp.clinical.tests.factories import AppointmentFactory, EncounterFactory, PatientFactory, PractitionerFactory
from erp.commerce.models import Invoice, Sale, SaleStatus
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, browser_page, skip_without_chromium
from erp.testing.screens import WIDTH, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.screens,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "till-Browser-2026"
BARCODE = "3401234567890"

skip_without_chromium()


@pytest.fixture
def counter(transactional_db):
    """Reception at Paris; a cream with a barcode (5 in stock, 12,00 € incl. VAT), a consultation
    (60,00 €, VAT exempt), a wholesale carton; a patient's appointment of this morning with its
    encounter."""
    user = UserFactory(role="reception", email="till-browser@clinic.test", password=PASSWORD)
    payment_methods()
    sumup_rule()
    paris = ClinicLocationFactory(name="Paris")
    cream = ProductFactory(name="Crème apaisante", barcode=BARCODE, unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, paris, 5)
    ServiceFactory(name="Consultation dermatologique", unit_price_excl_tax=Decimal("60.00"))
    ProductFactory(name="Carton 24 crèmes", sold_at_counter=False, for_distribution=True)
    patient = PatientFactory(first_name="Anna", last_name="Petrosyan")
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    encounter = EncounterFactory(patient=patient, location=paris, occurred_at=start)
    appointment = AppointmentFactory(
        patient=patient, location=paris, encounter=encounter, practitioner=PractitionerFactory(),
        scheduled_start=start, scheduled_end=start + timedelta(minutes=30),
    )  # fmt: skip
    return {"user": user, "appointment": appointment, "patient": patient}


def _open_till_from_the_appointment(page, base_url, appointment):
    page.goto(f"{base_url}/admin/commerce/new-sale/?appointment={appointment.pk}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/admin/commerce/sales/till/.*"))


def _scan(page, code: str) -> None:
    barcode = page.locator("#till-barcode")
    assert page.evaluate("document.activeElement.id") == "till-barcode"  # focus is back on it
    barcode.fill(code)
    barcode.press("Enter")
    page.wait_for_load_state("load")


def _fill_split_payment(page, card: str, cash: str) -> None:
    rows = page.locator("#till-pay tr.till-payment")
    rows.nth(0).locator("select").select_option("card")
    rows.nth(0).locator("input[name$='-amount']").fill(card)
    rows.nth(1).locator("select").select_option("cash")
    rows.nth(1).locator("input[name$='-amount']").fill(cash)


def test_reception_sells_at_the_till_from_an_appointment_and_prints_the_invoice(browser, live_server, counter):
    viewport = {"width": WIDTH, "height": 900}
    with browser_page(browser, timeout_ms=30_000, locale="fr-FR", viewport=viewport, accept_downloads=True) as page:
        admin_sign_in(page, live_server.url, counter["user"], PASSWORD)
        _open_till_from_the_appointment(page, live_server.url, counter["appointment"])
        sale = Sale.objects.get()
        assert sale.appointment == counter["appointment"] and sale.encounter == counter["appointment"].encounter
        assert "Du rendez-vous" in page.locator(".till-origin").inner_text()

        # The chooser: prices incl. VAT and stock, never the wholesale carton.
        chooser = page.locator(".till-products")
        assert "12,00\u00a0€" in chooser.inner_text() and "5 en stock" in chooser.inner_text()
        assert "Carton 24 crèmes" not in chooser.inner_text()

        # An unknown barcode: a clear French message, nothing added.
        _scan(page, "0000000")
        message = page.locator(".messages").inner_text()
        assert "Aucun produit vendu au comptoir n’a le code-barres « 0000000 »" in message
        # The cream scanned twice: one line of two.
        _scan(page, BARCODE)
        _scan(page, BARCODE)
        assert page.locator(".till-lines tbody tr").count() == 1
        assert page.locator(".till-qty__value").first.inner_text() == "2"

        # A service from the chooser, found by typing in the filter.
        page.fill("#till-filter", "consult")
        assert page.locator(".till-products li:not([hidden])").count() == 1
        page.locator(".till-products li:not([hidden]) button").click()
        page.wait_for_load_state("load")
        assert page.locator(".till-lines tbody tr").count() == 2
        assert "84,00\u00a0€" in page.locator(".till-total").inner_text()

        # Part card, part cash: what remains, then the change to give back, live.
        rows = page.locator("#till-pay tr.till-payment")
        rows.nth(0).locator("select").select_option("card")
        assert rows.nth(0).locator("input[name$='-amount']").input_value() == "84.00"  # takes what remains
        rows.nth(0).locator("input[name$='-amount']").fill("50")
        assert page.locator("#till-remaining").inner_text() == "34,00\u00a0€"
        _fill_split_payment(page, "50", "40")
        assert page.locator("#till-remaining").inner_text() == "0,00\u00a0€"
        assert page.locator("#till-change").inner_text() == "6,00\u00a0€"
        screenshot(page, "till-fr")

        # Pay: the invoice page opens and its PDF downloads under its number.
        with page.expect_download() as info:
            page.locator("#till-pay-button").click()
        download = info.value
        assert re.fullmatch(r"FA-\d{6}\.pdf", download.suggested_filename)
        pdf = Path(download.path()).read_bytes()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        invoice = Invoice.objects.get(sale=sale)
        assert download.suggested_filename == f"{invoice.invoice_number}.pdf"
        assert invoice.invoice_number in text and "84,00" in text
        sale.refresh_from_db()
        assert sale.status == SaleStatus.PAID
        assert sorted(sale.payments.values_list("change_given", flat=True)) == [Decimal("0.00"), Decimal("6.00")]

        page.wait_for_url(re.compile(rf".*/admin/commerce/invoices/page/{invoice.pk}/$"))
        assert "Du rendez-vous" in page.locator(".till-origin").inner_text()
        assert "Espèces" in page.locator("main").inner_text() and "cash" not in page.locator("table").last.inner_text()
        screenshot(page, "invoice-page-fr")


def test_till_in_armenian_with_lines_and_change(browser, live_server, counter):
    viewport = {"width": WIDTH, "height": 900}
    with browser_page(browser, timeout_ms=30_000, locale="hy-AM", viewport=viewport) as page:
        admin_sign_in(page, live_server.url, counter["user"], PASSWORD)
        _open_till_from_the_appointment(page, live_server.url, counter["appointment"])
        assert page.locator("html").get_attribute("lang") == "hy"
        _scan(page, BARCODE)
        page.locator(".till-products button", has_text="Consultation dermatologique").click()
        page.wait_for_load_state("load")
        _fill_split_payment(page, "50", "30")
        assert page.locator("#till-remaining").inner_text() == "0,00\u00a0€"
        assert page.locator("#till-change").inner_text() == "8,00\u00a0€"  # 80 − 72
        assert "Վերադարձվող մանր" in page.locator(".till-summary").inner_text()
        screenshot(page, "till-hy")
