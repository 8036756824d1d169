"""The accountant's desk in a browser: export the FEC, read the sales reports with filters and
download one as XLSX, close yesterday and download its Z-report. Each download is parsed and
checked against the sales. Screenshots go to ``test-artifacts/desk/``."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from erp.commerce.models import FiscalClosing
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, browser_page, skip_without_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "desk"
PASSWORD = "browser-Pass-2026"

skip_without_chromium()


@pytest.fixture
def page(browser):
    viewport = {"width": 1280, "height": 900}
    with browser_page(browser, timeout_ms=30_000, locale="fr-FR", viewport=viewport, accept_downloads=True) as page:
        yield page


@pytest.fixture
def books(transactional_db):
    """An accountant, and today's sales: Paris a cream and a consultation (72.00: 50 card + 22 cash),
    Lyon a consultation (60.00 cash)."""
    user = UserFactory(role="accounting", email="books-browser@clinic.test", password=PASSWORD)
    payment_methods()
    sumup_rule()
    paris, lyon = ClinicLocationFactory(name="Paris"), ClinicLocationFactory(name="Lyon")
    cream = ProductFactory(name="Crème apaisante", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, paris, 5)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    for location, lines, payments in (
        (paris, [cream, consult], [("card", "50"), ("cash", "22")]),
        (lyon, [consult], [("cash", "60")]),
    ):
        sale = billing.sale_create(location=location, sold_to_name="Client de passage", actor=None)
        for product in lines:
            billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=None)
        billing.sale_pay(sale=sale, payments=[PaymentInput(m, Decimal(a)) for m, a in payments], actor=None)
    return {"user": user, "paris": paris, "lyon": lyon}


def _download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def test_accountant_exports_fec_reads_reports_closes_yesterday_and_prints_the_z_report(page, live_server, books):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    today = timezone.localdate()
    admin_sign_in(page, live_server.url, books["user"], PASSWORD)

    # The FEC of today's range: parsed, balanced.
    page.goto(f"{live_server.url}/admin/commerce/fec/")
    page.fill("input[name=date_from]", today.isoformat())
    page.fill("input[name=date_to]", today.isoformat())
    fec = _download(page, lambda: page.click("main form button[type=submit]")).decode("iso-8859-15")
    lines = [line.split("\t") for line in fec.strip("\r\n").split("\r\n")]
    assert lines[0][0] == "JournalCode" and all(len(line) == 18 for line in lines)
    debit = sum(Decimal(line[11].replace(",", ".")) for line in lines[1:])
    credit = sum(Decimal(line[12].replace(",", ".")) for line in lines[1:])
    assert debit == credit > 0

    # The reports for Paris only: amounts in French, methods by name; the XLSX holds the same.
    page.goto(f"{live_server.url}/admin/commerce/sales-reports/")
    page.select_option("select[name=location]", label="Paris")
    page.click("form.report-filters button[type=submit]")
    page.wait_for_url(re.compile(r".*location=.*"))
    payments = page.locator("section[aria-labelledby=report-payments]")
    assert "Carte bancaire" in payments.inner_text() and "50,00\u00a0€" in payments.inner_text()
    assert "22,00\u00a0€" in payments.inner_text()  # Paris's cash only: with Lyon's it would be 82,00 €
    page.screenshot(path=str(ARTIFACTS / "sales-reports.png"), full_page=True)
    workbook = _download(page, lambda: payments.get_by_role("link", name="Télécharger en XLSX").click())
    sheet = load_workbook(io.BytesIO(workbook)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[1]: Decimal(str(row[3])) for row in rows} == {"Carte bancaire": Decimal("50"), "Espèces": Decimal("22")}

    # Tomorrow morning the nightly closing has not run: the accountant closes yesterday.
    with mock.patch("erp.commerce.sales.fiscal.timezone.localdate", return_value=today + timedelta(days=1)):
        page.goto(f"{live_server.url}/admin/commerce/fiscal-closings/")
        page.get_by_role("link", name="Clôturer la veille").click()
        page.screenshot(path=str(ARTIFACTS / "close-yesterday.png"), full_page=True)
        page.get_by_role("button", name="Clôturer cette période").click()
        page.wait_for_url(re.compile(r".*/admin/commerce/fiscal-closings/$"))
    assert "Clôturé" in page.locator(".messages").inner_text()
    closing = FiscalClosing.objects.get(period_type="day")
    assert closing.period_start == today and closing.period_total_incl_tax == Decimal("132.00")
    row = page.locator("tbody tr").first
    assert "132,00\u00a0€" in row.inner_text() and closing.hash[:12] in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "fiscal-closings.png"), full_page=True)
    pdf = _download(page, lambda: row.get_by_role("link", name="PDF").click())
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ticket Z" in text and "132,00" in text and closing.hash[:32] in text
