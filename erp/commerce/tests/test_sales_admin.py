"""Wagtail admin of Commerce II: screens open for the right roles; the till sells and pays."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.commerce.models import Invoice, Sale, SaleStatus
from erp.commerce.sales import services as billing
from erp.commerce.tests.factories import ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

INDEXES = [
    "commerce_new_sale:index",
    "commerce_sale:index",
    "commerce_invoice:index",
    "commerce_creditnote:index",
    "commerce_payment:index",
    "commerce_cardfeerule:index",
    "commerce_fiscaljournalentry:index",
    "commerce_fiscalclosing:index",
    "commerce_fiscal_check:index",
    "commerce_sales_reports:index",
]


def login(make_user, role):
    client = Client()
    client.force_login(make_user(role, f"{role}-sales-admin@clinic.test"))
    return client


@pytest.mark.parametrize("url_name", INDEXES)
def test_admin_opens_every_screen(make_user, url_name):
    assert login(make_user, "admin").get(reverse(url_name)).status_code == 200


def test_marketing_is_refused(make_user):
    client = login(make_user, "marketing")
    for url_name in ("commerce_sale:index", "commerce_new_sale:index", "commerce_sales_reports:index"):
        assert client.get(reverse(url_name)).status_code in (302, 403)


def test_reception_cannot_verify_the_journal_or_edit_invoices(make_user):
    client = login(make_user, "reception")
    assert client.get(reverse("commerce_fiscal_check:index")).status_code in (302, 403)
    assert client.get(reverse("commerce_sale:index")).status_code == 200


def test_till_sells_pays_and_downloads(make_user, location):
    payment_methods()
    sumup_rule()
    service = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    client = login(make_user, "reception")
    response = client.post(reverse("commerce_new_sale:index"), {"location": location.pk, "sold_to_name": "Walk-in"})
    sale = Sale.objects.get()
    assert response.status_code == 302 and response.url == reverse("commerce_sale:till", args=[sale.pk])
    till = reverse("commerce_sale:till", args=[sale.pk])
    client.post(till, {"operation": "add_line", "product": service.pk, "quantity": "1"})
    assert client.get(till).status_code == 200
    form = {
        "operation": "pay",
        "pay-TOTAL_FORMS": "3",
        "pay-INITIAL_FORMS": "0",
        "pay-MIN_NUM_FORMS": "0",
        "pay-MAX_NUM_FORMS": "6",
        "pay-0-method": "card",
        "pay-0-amount": "40",
        "pay-1-method": "cash",
        "pay-1-amount": "30",
    }
    client.post(till, form)
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert sale.payments.get(payment_method__code="cash").change_given == Decimal("10.00")
    page = client.get(till)
    assert Invoice.objects.get(sale=sale).invoice_number.encode() in page.content
    invoice = Invoice.objects.get(sale=sale)
    download = client.get(reverse("commerce_invoice:download", args=[invoice.pk]))
    assert download.status_code == 302
    assert AuditLog.objects.filter(entity_id=invoice.pk, action="view").exists()
    # Reception cannot refund.
    client.post(till, {"operation": "refund", "reason": "x"})
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID


def test_till_shows_the_service_error(make_user, location):
    payment_methods()
    service = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    client = login(make_user, "reception")
    client.post(reverse("commerce_new_sale:index"), {"location": location.pk, "sold_to_name": "Walk-in"})
    sale = Sale.objects.get()
    till = reverse("commerce_sale:till", args=[sale.pk])
    client.post(till, {"operation": "add_line", "product": service.pk, "quantity": "1"})
    form = {"operation": "pay", "pay-TOTAL_FORMS": "1", "pay-INITIAL_FORMS": "0", "pay-0-method": "cash",
            "pay-0-amount": "10"}  # fmt: skip
    response = client.post(till, form, follow=True)
    assert "ne couvrent pas" in response.content.decode()
    sale.refresh_from_db()
    assert sale.status == SaleStatus.DRAFT


def test_invoice_page_credits_part_of_the_sale_and_the_sales_list_opens_it(make_user, location):
    from erp.commerce.models import CreditNote

    payment_methods()
    cream = ProductFactory(name="Crème test", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    sale = billing.sale_create(location=location, sold_to_name="Zoé", actor=None)
    line = billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("3"), actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[billing.PaymentInput("cash", Decimal("36"))], actor=None)
    accountant = Client()
    accountant.force_login(make_user("accounting", "books-admin@clinic.test"))
    page_url = reverse("commerce_invoice:page", args=[invoice.pk])

    listing = accountant.get(reverse("commerce_sale:index")).content.decode()
    assert page_url in listing  # the row opens the invoice page
    page = accountant.get(page_url)
    assert page.status_code == 200
    content = page.content.decode()
    assert invoice.invoice_number in content and reverse("commerce_invoice:credit", args=[invoice.pk]) in content
    assert "36,00" in content  # amounts written the French way

    credit_url = reverse("commerce_invoice:credit", args=[invoice.pk])
    form = accountant.get(credit_url)
    assert form.status_code == 200 and f'name="quantity_{line.pk}"' in form.content.decode()
    response = accountant.post(
        credit_url, {"reason": "Pot rendu", f"quantity_{line.pk}": "1", f"returned_{line.pk}": "on"}
    )
    assert response.status_code == 302 and response["Location"] == page_url
    credit = CreditNote.objects.get()
    assert credit.total_incl_tax == Decimal("12.00") and credit.lines.get().quantity_returned == 1
    assert page_url in accountant.get(reverse("commerce_creditnote:index")).content.decode()  # its row opens it
    refused = accountant.post(credit_url, {"reason": "Encore", f"quantity_{line.pk}": "3"})
    assert refused.status_code == 200 and "already credited" in refused.content.decode()
    assert CreditNote.objects.count() == 1
    # Reception sees the invoice but cannot credit it.
    desk = Client()
    desk.force_login(make_user("reception", "desk-admin@clinic.test"))
    assert desk.get(page_url).status_code == 200
    assert credit_url not in desk.get(page_url).content.decode()
    assert desk.get(credit_url).status_code == 403
