"""An accountant opens a sale from the sales list, lands on its invoice page, credits one pot of
cream with the "Credit" form and downloads the credit note's PDF (real Chromium)."""

from decimal import Decimal
from pathlib import Path

import pytest

from erp.commerce.sales import services as billing
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.core.tests.factories import PASSWORD, UserFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

skip_without_chromium()

SHOTS = Path("/tmp/shots_refunds")


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_accountant_credits_one_line_from_the_invoice_page_and_downloads_the_pdf(page, live_server, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    payment_methods()
    sumup_rule()
    location = ClinicLocationFactory(name="Paris")
    cream = ProductFactory(name="Crème apaisante", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    consult = ServiceFactory(name="Consultation dermatologique", unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_name="Zoé Martin", actor=None)
    line = billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("3"), actor=None)
    billing.sale_line_add(sale=sale, product=consult, quantity=Decimal("1"), actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[billing.PaymentInput("card", Decimal("96.00"))], actor=None)

    admin_sign_in(page, live_server.url, UserFactory(role="accounting"), PASSWORD)
    page.goto(f"{live_server.url}/admin/commerce/sales/")
    page.click(f"a[href$='/admin/commerce/invoices/page/{invoice.pk}/']")
    page.wait_for_url(f"**/invoices/page/{invoice.pk}/")
    assert invoice.invoice_number in page.locator("h1").inner_text()
    page.screenshot(path=str(SHOTS / "invoice-page.png"), full_page=True)

    page.click(f"a[href$='/admin/commerce/invoices/credit/{invoice.pk}/']")
    page.fill(f"input[name='quantity_{line.pk}']", "1")
    page.fill("input[name='reason']", "Pot rendu non ouvert")
    page.screenshot(path=str(SHOTS / "credit-form.png"), full_page=True)
    page.click("form button[type=submit].button:not(.button-secondary)")
    page.wait_for_url(f"**/invoices/page/{invoice.pk}/")
    assert "AV-000001" in page.locator(".messages").inner_text()
    assert "12,00" in page.locator(".messages").inner_text()
    page.screenshot(path=str(SHOTS / "invoice-credited.png"), full_page=True)

    with page.expect_download() as info:
        page.click("a[href*='/admin/commerce/credit-notes/download/']")
    download = info.value
    assert download.suggested_filename == "AV-000001.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-"
