"""The accountant's sales reports: date range and location filters, labels instead of codes,
amounts written as French writes them, CSV and XLSX exports parsed back and checked against the
sales, audited."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from erp.commerce.models import Payment, Sale
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ClinicLocationFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule
from erp.core.money import format_money
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def _sell(location, lines, payments, *, days_ago=0, name="Walk-in"):
    sale = billing.sale_create(location=location, sold_to_name=name, actor=None)
    for product, quantity in lines:
        billing.sale_line_add(sale=sale, product=product, quantity=Decimal(quantity), actor=None)
    billing.sale_pay(sale=sale, payments=[PaymentInput(m, Decimal(a)) for m, a in payments], actor=None)
    if days_ago:
        moment = timezone.now() - timedelta(days=days_ago)
        Sale.objects.filter(pk=sale.pk).update(sold_at=moment)
        Payment.objects.filter(sale=sale).update(paid_at=moment)
    return sale


@pytest.fixture
def sales(location):
    """Paris today: 2 creams (2 × 10.00 + 20 % VAT) and a consultation (60.00, no VAT) paid 50.00
    by card (1.75 % fee: 0.88) and 34.00 cash. Lyon today: a consultation paid cash. Paris 40 days
    ago: a consultation paid by card."""
    payment_methods()
    sumup_rule(start=timezone.localdate() - timedelta(days=60))
    lyon = ClinicLocationFactory(name="Lyon")
    cream = ProductFactory(name="=Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    _sell(location, [(cream, 2), (consult, 1)], [("card", "50"), ("cash", "34")])
    _sell(lyon, [(consult, 1)], [("cash", "60")])
    _sell(location, [(consult, 1)], [("card", "60")], days_ago=40)
    return {"paris": location, "lyon": lyon, "cream": cream, "consult": consult}


@pytest.fixture
def accountant(make_user):
    client = APIClient()
    client.force_authenticate(make_user("accounting", "books@clinic.test"))
    return client


def _today() -> str:
    return timezone.localdate().isoformat()


def test_payments_report_filters_by_range_and_location_and_labels_methods(accountant, sales):
    base = f"/api/v1/sales-reports/payments/?since={_today()}&until={_today()}"
    rows = accountant.get(base).json()["rows"]
    assert {(r["method"], r["method_label"], r["gross"], r["fees"], r["net"], r["count"]) for r in rows} == {
        ("card", "Carte bancaire", "50.00", "0.88", "49.12", 1),
        ("cash", "Espèces", "94.00", "0.00", "94.00", 2),
    }
    paris = accountant.get(f"{base}&location={sales['paris'].pk}").json()
    assert {(r["method"], r["gross"]) for r in paris["rows"]} == {("card", "50.00"), ("cash", "34.00")}
    assert paris["filters"]["location"] == str(sales["paris"].pk)
    # The sale of 40 days ago only counts when the range holds it; by month it is its own row.
    everything = accountant.get("/api/v1/sales-reports/payments/?period=month").json()["rows"]
    assert sum(Decimal(r["gross"]) for r in everything) == Decimal("204.00")
    assert all(r["period"].endswith("-01") for r in everything)


def test_vat_and_category_reports_read_the_lines(accountant, sales):
    vat = accountant.get(f"/api/v1/sales-reports/vat/?since={_today()}&location={sales['paris'].pk}").json()
    assert {(r["rate"], r["base"], r["vat"]) for r in vat["rows"]} == {
        ("0.00", "60.00", "0.00"),
        ("20.00", "20.00", "4.00"),
    }
    assert [c["kind"] for c in vat["columns"]] == ["percent", "bool", "money", "money"]
    categories = accountant.get(f"/api/v1/sales-reports/categories/?since={_today()}").json()["rows"]
    assert sum(Decimal(r["revenue_incl_tax"]) for r in categories) == Decimal("144.00")


def test_report_refusals(make_user, accountant, sales):
    wrong = accountant.get("/api/v1/sales-reports/payments/?since=2026-02-01&until=2026-01-01")
    assert wrong.status_code == 400 and wrong.json()["code"] == "report_filters_invalid"
    assert accountant.get("/api/v1/sales-reports/nope/").json()["code"] == "unknown_report"
    assert accountant.get("/api/v1/sales-reports/vat/?location=nope").status_code == 400
    assert accountant.get("/api/v1/sales-reports/vat/?export=pdf").status_code == 400
    assert accountant.get("/api/v1/sales-reports/vat/?colour=red").status_code == 400
    desk = APIClient()
    desk.force_authenticate(make_user("reception", "desk@clinic.test"))
    assert desk.get("/api/v1/sales-reports/vat/").status_code == 403


def test_csv_export_has_labels_and_numbers_that_match_the_sales(accountant, sales):
    response = accountant.get(f"/api/v1/sales-reports/payments/?since={_today()}&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="sales-payments_{_today()}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["Période", "Mode de paiement", "Paiements", "Brut", "Frais de carte", "Net"]
    assert sorted(rows[1:]) == [
        [_today(), "Carte bancaire", "1", "50.00", "0.88", "49.12"],
        [_today(), "Espèces", "2", "94.00", "0.00", "94.00"],
    ]
    entry = AuditLog.objects.get(action="export", metadata_json__report="payments")
    assert entry.metadata_json["format"] == "csv" and entry.metadata_json["since"] == _today()


def test_csv_export_neutralises_formulas_and_keeps_a_refund_negative(accountant, sales):
    top = accountant.get("/api/v1/sales-reports/top-products/?export=csv")
    rows = list(csv.DictReader(io.StringIO(top.content.decode("utf-8"))))
    types = {row["Produit ou prestation"]: row["Type"] for row in rows}
    assert types == {"'=Cream": "Produit", "Consultation": "Prestation"}
    sale = Sale.objects.filter(location=sales["lyon"]).get()
    Payment.objects.filter(sale=sale).update(paid_at=timezone.now() - timedelta(days=1))
    billing.sale_refund(sale=sale, reason="Returned", actor=None)
    lyon = sales["lyon"].pk
    exported = accountant.get(f"/api/v1/sales-reports/payments/?export=csv&since={_today()}&location={lyon}")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8"))))
    assert [(row[1], row[3]) for row in rows[1:]] == [("Espèces", "-60.00")]


def test_xlsx_export_keeps_amounts_as_numbers_and_text_as_text(accountant, sales):
    response = accountant.get("/api/v1/sales-reports/payments/?export=xlsx&period=month")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == ("Période", "Mode de paiement", "Paiements", "Brut", "Frais de carte", "Net")
    assert sum(Decimal(str(row[3])) for row in rows) == Decimal("204.00")
    assert {row[1] for row in rows} == {"Carte bancaire", "Espèces"}
    assert all(row[0].day == 1 for row in rows)  # a month is its first day, formatted MM/YYYY
    assert sheet["D2"].number_format.startswith("#,##0.00")
    top = load_workbook(io.BytesIO(accountant.get("/api/v1/sales-reports/top-products/?export=xlsx").content)).active
    cells = {row[0].value: row[0] for row in top.iter_rows(min_row=2)}
    assert cells["=Cream"].data_type == "s"  # text, never a formula the spreadsheet would run
    assert AuditLog.objects.filter(action="export", metadata_json__format="xlsx").count() == 2


def _admin(make_user) -> Client:
    client = Client()
    client.force_login(make_user("accounting", "desk-reports@clinic.test"))
    return client


def test_admin_screen_shows_formatted_amounts_labels_and_filters(make_user, sales):
    client = _admin(make_user)
    url = reverse("commerce_sales_reports:index")
    page = client.get(url, {"since": _today(), "until": _today(), "location": sales["paris"].pk}).content.decode()
    assert format_money(Decimal("84.00"), language="fr") in page  # 50 + 34 as "84,00 €"
    assert "49,12\xa0€" in page and "Carte bancaire" in page and "Espèces" in page
    assert "49.12" not in page and ">card<" not in page
    assert "Lyon" in page  # the location filter offers it
    lyon = client.get(url, {"since": _today(), "location": sales["lyon"].pk}).content.decode()
    assert "60,00\xa0€" in lyon and "84,00\xa0€" not in lyon
    wrong = client.get(url, {"since": _today(), "until": "2000-01-01"}).content.decode()
    assert "La date de début est après la date de fin." in wrong


def test_admin_export_downloads_the_filtered_report(make_user, sales):
    client = _admin(make_user)
    export = reverse("commerce_sales_reports:export", args=["vat", "xlsx"])
    response = client.get(export, {"since": _today(), "location": sales["paris"].pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = sorted(sheet.iter_rows(min_row=2, values_only=True))
    assert [(Decimal(str(r[0])), r[1], Decimal(str(r[2])), Decimal(str(r[3]))) for r in rows] == [
        (Decimal("0"), "Oui", Decimal("60"), Decimal("0")),
        (Decimal("20"), "Non", Decimal("20"), Decimal("4")),
    ]
    assert AuditLog.objects.get(action="export", metadata_json__channel="admin").metadata_json["report"] == "vat"
    assert client.get(reverse("commerce_sales_reports:export", args=["vat", "pdf"])).status_code == 404


def test_admin_screen_reads_each_report_in_one_query(make_user, sales):
    client = _admin(make_user)
    url = reverse("commerce_sales_reports:index")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"since": _today()})
    for index in range(5):
        _sell(sales["paris"], [(sales["consult"], 1)], [("cash", "60")], name=f"More {index}")
    with CaptureQueriesContext(connection) as more:
        client.get(url, {"since": _today()})
    assert len(more) == len(few)


def test_reception_does_not_see_the_reports(make_user):
    client = Client()
    client.force_login(make_user("reception", "desk-no-reports@clinic.test"))
    assert client.get(reverse("commerce_sales_reports:index")).status_code in (302, 403)
    assert client.get(reverse("commerce_sales_reports:export", args=["vat", "csv"])).status_code in (302, 403)
