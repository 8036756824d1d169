"""Issue 26's sweep of the commerce screens and documents: labels, never codes; money as French
writes it; dates and times at the location's clock; date inputs that are real pickers."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from erp.commerce.exceptions import PaymentMethodUnavailable, PaymentsInsufficient
from erp.commerce.models import PaymentMethod
from erp.commerce.sales import invoice_pdf
from erp.commerce.sales import services as billing
from erp.commerce.templatetags.commerce_format import at_location
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule

pytestmark = pytest.mark.django_db


def _login(make_user, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role, f"{role}-sweep@clinic.test"))
    return client


@pytest.fixture
def paid_sale(location):
    payment_methods()
    sumup_rule()
    service = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    billing.sale_pay(sale=sale, payments=[billing.PaymentInput("cash", Decimal("60"))], actor=None)
    return sale


def test_sales_list_shows_totals_in_euros_and_status_labels(make_user, paid_sale):
    html = _login(make_user, "reception").get(reverse("commerce_sale:index")).content.decode()
    assert "60,00\u00a0€" in html and "Payée" in html
    assert ">60.00<" not in html and ">paid<" not in html


def test_payments_list_shows_amounts_in_euros_and_kind_labels(make_user, paid_sale):
    html = _login(make_user, "accounting").get(reverse("commerce_payment:index")).content.decode()
    assert "60,00\u00a0€" in html and "Encaissement" in html
    assert ">60.00<" not in html and ">payment<" not in html


def test_products_list_shows_prices_in_euros(make_user):
    ProductFactory(name="Crème", unit_price_excl_tax=Decimal("18.50"))
    html = _login(make_user, "accounting").get(reverse("commerce_product:index")).content.decode()
    assert "18,50\u00a0€" in html and ">18.50<" not in html


def test_stock_valuation_shows_euros(make_user, location):
    stock_plain(ProductFactory(name="Crème"), location, 4, cost="5.50")
    html = _login(make_user, "accounting").get(reverse("commerce_stock_valuation:index")).content.decode()
    assert "22,00\u00a0€" in html and "5,50\u00a0€" in html
    assert ">22.00<" not in html


@pytest.mark.parametrize(
    ("url_name", "fields"),
    [("commerce_fec_export:index", ["date_from", "date_to"]), ("commerce_sales_reports:index", ["since", "until"])],
)
def test_date_inputs_are_real_pickers(make_user, url_name, fields):
    html = _login(make_user, "admin").get(reverse(url_name)).content.decode()
    for name in fields:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'type="date"' in tag


def test_a_picked_date_is_read_as_iso_never_month_first(make_user):
    from erp.commerce.sales.admin.reports import ReportFilterForm

    form = ReportFilterForm({"since": "2026-12-09", "until": "2026-12-09"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["since"].month == 12 and form.cleaned_data["since"].day == 9


def test_payment_refusals_name_the_method_and_write_money_in_french(location):
    payment_methods()
    PaymentMethod.objects.filter(code="bank_transfer").update(is_active=False)
    service = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    with pytest.raises(PaymentMethodUnavailable) as unavailable:
        billing.sale_pay(sale=sale, payments=[billing.PaymentInput("bank_transfer", Decimal("60"))], actor=None)
    assert "Virement bancaire" in unavailable.value.message and "bank_transfer" not in unavailable.value.message
    with pytest.raises(PaymentsInsufficient) as short:
        billing.sale_pay(sale=sale, payments=[billing.PaymentInput("cash", Decimal("50"))], actor=None)
    assert "50,00\u00a0€" in short.value.message and "60,00\u00a0€" in short.value.message


def test_moments_are_shown_at_the_locations_clock():
    montevideo = ClinicLocationFactory(name="Montevideo", timezone="America/Montevideo")
    paris = ClinicLocationFactory(name="Paris", timezone="Europe/Paris")
    moment = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    assert at_location(moment, paris) == "07/12/2026 03:30"
    assert at_location(moment, montevideo) == "06/12/2026 23:30"
    assert at_location(moment, None) == "07/12/2026 03:30"  # the clinic's default


def test_invoice_pdf_is_dated_with_the_locations_calendar_day(settings):
    from erp.commerce.tests.sales_fixtures import seller_complete

    seller_complete(settings)
    payment_methods()
    montevideo = ClinicLocationFactory(name="Montevideo", timezone="America/Montevideo", country_code="FR")
    service = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=montevideo, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[billing.PaymentInput("cash", Decimal("60"))], actor=None)
    invoice.issued_at = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)  # 23:30 on the 6th in Montevideo
    context = invoice_pdf._context(
        kind="invoice", number=invoice.invoice_number, document=invoice, sale=sale, lines=sale.lines.all(),
        totals=(sale.subtotal_excl_tax, sale.tax_total, sale.total_incl_tax),
    )  # fmt: skip
    assert context["issued_display"] == "06/12/2026"


def test_invoice_page_shows_times_at_the_locations_clock(make_user):
    payment_methods()
    montevideo = ClinicLocationFactory(name="Montevideo", timezone="America/Montevideo", country_code="FR")
    service = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=montevideo, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[billing.PaymentInput("cash", Decimal("60"))], actor=None)
    html = _login(make_user, "reception").get(reverse("commerce_invoice:page", args=[invoice.pk])).content.decode()
    assert at_location(invoice.issued_at, montevideo) in html
    assert "Espèces" in html and ">cash<" not in html
