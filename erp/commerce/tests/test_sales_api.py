"""Commerce II API: sales with ETag/If-Match, lines, lots, pay, cancel, refund, invoices, roles,
journal verify, recall and reports."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from erp.commerce.models import CreditNote, Invoice, Sale, SaleStatus
from erp.commerce.tests.factories import InjectableFactory, ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods, stock_lot, stock_plain, sumup_rule
from erp.core.models import User
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def desk(make_user):
    return client_for(make_user("reception", "desk@clinic.test"))


@pytest.fixture
def accountant(make_user):
    return client_for(make_user("accounting", "books@clinic.test"))


@pytest.fixture
def stocked(location):
    payment_methods()
    sumup_rule()
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    filler = InjectableFactory(name="Filler", unit_price_excl_tax=Decimal("100.00"))
    soon = stock_lot(filler, location, "SOON", 1, timezone.localdate() + timedelta(days=10))
    late = stock_lot(filler, location, "LATE", 5, timezone.localdate() + timedelta(days=200))
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    return {"cream": cream, "filler": filler, "soon": soon, "late": late, "consult": consult}


def _new_sale(client, location, **body):
    response = client.post(
        "/api/v1/sales/", {"location": str(location.pk), "sold_to_name": "Walk-in", **body}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response


def test_front_desk_sells_and_pays(desk, location, stocked):
    created = _new_sale(desk, location)
    sale_id = created.json()["id"]
    assert created["ETag"] == '"1"'
    lines = desk.post(
        f"/api/v1/sales/{sale_id}/lines/",
        {"product": str(stocked["filler"].pk), "quantity": "2"},
        format="json",
    )
    assert lines.status_code == 201, lines.json()
    line = lines.json()["lines"][0]
    assert [(a["lot_code"], a["quantity"]) for a in line["lots"]] == [("SOON", "1.00"), ("LATE", "1.00")]
    desk.post(
        f"/api/v1/sales/{sale_id}/lines/", {"product": str(stocked["consult"].pk), "quantity": "1"}, format="json"
    )
    # Override: both units from LATE.
    override = desk.put(
        f"/api/v1/sale-lines/{line['id']}/lots/",
        {"lots": [{"lot": str(stocked["late"].pk), "quantity": "2"}]},
        format="json",
    )
    assert override.status_code == 200, override.json()
    sale = desk.get(f"/api/v1/sales/{sale_id}/").json()
    assert sale["total_incl_tax"] == "300.00"
    short = desk.post(
        f"/api/v1/sales/{sale_id}/pay/", {"payments": [{"method": "card", "amount": "299.99"}]}, format="json"
    )
    assert short.status_code == 422 and short.json()["code"] == "payments_do_not_cover_total"
    paid = desk.post(
        f"/api/v1/sales/{sale_id}/pay/",
        {"payments": [{"method": "card", "amount": "200"}, {"method": "cash", "amount": "110"}]},
        format="json",
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["invoice_number"] == "FA-000001"
    assert paid["ETag"] == desk.get(f"/api/v1/sales/{sale_id}/")["ETag"]  # the paid sale's version
    sale = desk.get(f"/api/v1/sales/{sale_id}/").json()
    assert sale["status"] == "paid" and sale["invoice_number"] == "FA-000001"
    cash = next(p for p in sale["payments"] if p["method"] == "cash")
    assert cash["change_given"] == "10.00" and cash["amount_gross"] == "100.00"
    # Paid: no more edits.
    edit = desk.patch(f"/api/v1/sales/{sale_id}/", {"sold_to_name": "X"}, format="json", HTTP_IF_MATCH=sale and '"2"')
    assert edit.status_code in (409, 412)
    # The front desk does not refund.
    assert desk.post(f"/api/v1/sales/{sale_id}/refund/", {"reason": "x"}, format="json").status_code == 403


def test_draft_edit_needs_the_current_etag(desk, location):
    sale_id = _new_sale(desk, location).json()["id"]
    assert desk.patch(f"/api/v1/sales/{sale_id}/", {"sold_to_name": "Marie"}, format="json").status_code == 428
    stale = desk.patch(f"/api/v1/sales/{sale_id}/", {"sold_to_name": "Marie"}, format="json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412
    ok = desk.patch(f"/api/v1/sales/{sale_id}/", {"sold_to_name": "Marie"}, format="json", HTTP_IF_MATCH='"1"')
    assert ok.status_code == 200, ok.json()
    assert ok.json()["sold_to_name"] == "Marie" and ok["ETag"] == '"2"'


def test_sale_without_buyer_is_refused(desk, location):
    response = desk.post("/api/v1/sales/", {"location": str(location.pk)}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "sale_buyer_required"


def test_cancel_a_draft(desk, location):
    sale_id = _new_sale(desk, location).json()["id"]
    response = desk.post(f"/api/v1/sales/{sale_id}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_accounting_refunds_and_downloads_with_audit(desk, accountant, location, stocked):
    sale_id = _new_sale(desk, location).json()["id"]
    desk.post(f"/api/v1/sales/{sale_id}/lines/", {"product": str(stocked["cream"].pk), "quantity": "3"}, format="json")
    desk.post(f"/api/v1/sales/{sale_id}/pay/", {"payments": [{"method": "cash", "amount": "36"}]}, format="json")
    invoice = Invoice.objects.get(sale_id=sale_id)
    download = accountant.get(f"/api/v1/invoices/{invoice.pk}/download/")
    assert download.status_code == 200, download.json()
    assert download.json()["filename"] == f"{invoice.invoice_number}.pdf"
    assert AuditLog.objects.filter(entity_id=invoice.pk, action="view").exists()
    refund = accountant.post(f"/api/v1/sales/{sale_id}/refund/", {"reason": "Returned unopened"}, format="json")
    assert refund.status_code == 201, refund.json()
    assert refund.json()["credit_note_number"] == "AV-000001"
    assert Sale.objects.get(pk=sale_id).status == SaleStatus.REFUNDED
    assert CreditNote.objects.count() == 1
    payments = accountant.get(f"/api/v1/payments/?sale={sale_id}").json()["results"]
    assert sorted(p["amount_gross"] for p in payments) == ["-36.00", "36.00"]
    # Accounting reads but does not sell.
    assert accountant.post("/api/v1/sales/", {"sold_to_name": "X"}, format="json").status_code == 403


def test_marketing_sees_nothing_commercial(make_user, location):
    marketing = client_for(make_user("marketing", "mk@clinic.test"))
    for url in ("/api/v1/sales/", "/api/v1/invoices/", "/api/v1/payments/", "/api/v1/fiscal-journal/"):
        assert marketing.get(url).status_code == 403, url
    assert marketing.get("/api/v1/sales-reports/payments/").status_code == 403


def test_journal_verify_is_admin_only(accountant, make_user, location, stocked, desk):
    sale_id = _new_sale(desk, location).json()["id"]
    desk.post(
        f"/api/v1/sales/{sale_id}/lines/", {"product": str(stocked["consult"].pk), "quantity": "1"}, format="json"
    )
    desk.post(f"/api/v1/sales/{sale_id}/pay/", {"payments": [{"method": "cash", "amount": "60"}]}, format="json")
    assert accountant.get("/api/v1/fiscal-journal/verify/").status_code == 403
    assert accountant.get("/api/v1/fiscal-journal/").status_code == 200
    admin = client_for(make_user("admin", "root@clinic.test"))
    report = admin.get("/api/v1/fiscal-journal/verify/")
    assert report.status_code == 200
    assert report.json()["ok"] is True and report.json()["entries_checked"] == 2


def test_recall_by_lot_and_by_patient(desk, accountant, location, stocked):
    patient = make_patient("Анна", "Иванова", "ru")
    sale_id = _new_sale(desk, location, sold_to_patient=str(patient.pk)).json()["id"]
    desk.post(f"/api/v1/sales/{sale_id}/lines/", {"product": str(stocked["filler"].pk), "quantity": "1"}, format="json")
    desk.post(f"/api/v1/sales/{sale_id}/pay/", {"payments": [{"method": "cash", "amount": "120"}]}, format="json")
    # A draft with the same lot is not a delivery.
    draft_id = _new_sale(desk, location).json()["id"]
    desk.post(
        f"/api/v1/sales/{draft_id}/lines/", {"product": str(stocked["filler"].pk), "quantity": "1"}, format="json"
    )
    rows = accountant.get(f"/api/v1/recall/by-lot/?lot={stocked['soon'].pk}").json()
    assert [(r["sale"], r["patient"], r["quantity"]) for r in rows] == [(sale_id, str(patient.pk), "1.00")]
    assert rows[0]["buyer_name"] == "Анна Иванова"
    lots = accountant.get(f"/api/v1/recall/by-patient/?patient={patient.pk}").json()
    assert [r["lot_code"] for r in lots] == ["SOON"]
    assert accountant.get("/api/v1/recall/by-lot/?lot=nope").status_code == 400


def test_draft_can_be_deleted_but_not_a_paid_sale(desk, location, stocked):
    draft_id = _new_sale(desk, location).json()["id"]
    assert desk.delete(f"/api/v1/sales/{draft_id}/").status_code == 428
    assert desk.delete(f"/api/v1/sales/{draft_id}/", HTTP_IF_MATCH='"1"').status_code == 204
    assert not Sale.objects.filter(pk=draft_id).exists()
    assert Sale.all_objects.get(pk=draft_id).is_deleted
    paid_id = _new_sale(desk, location).json()["id"]
    desk.post(
        f"/api/v1/sales/{paid_id}/lines/", {"product": str(stocked["consult"].pk), "quantity": "1"}, format="json"
    )
    desk.post(f"/api/v1/sales/{paid_id}/pay/", {"payments": [{"method": "cash", "amount": "60"}]}, format="json")
    etag = desk.get(f"/api/v1/sales/{paid_id}/")["ETag"]
    refused = desk.delete(f"/api/v1/sales/{paid_id}/", HTTP_IF_MATCH=etag)
    assert refused.status_code == 409 and refused.json()["code"] == "sale_not_deletable"
    assert Sale.objects.filter(pk=paid_id).exists()


def test_invoice_and_credit_note_reads_are_audited(desk, accountant, location, stocked):
    """An invoice names its buyer: listing or reading one is a read of the patient's data."""
    patient = make_patient()
    sale_id = _new_sale(desk, location, sold_to_patient=str(patient.pk)).json()["id"]
    walk_in = _new_sale(desk, location).json()["id"]
    line = {"product": str(stocked["consult"].pk), "quantity": "1"}
    for sale in (sale_id, walk_in):
        desk.post(f"/api/v1/sales/{sale}/lines/", line, format="json")
        desk.post(f"/api/v1/sales/{sale}/pay/", {"payments": [{"method": "cash", "amount": "60"}]}, format="json")
    accountant.post(f"/api/v1/sales/{sale_id}/refund/", {"reason": "Returned"}, format="json")
    books = User.objects.get(email="books@clinic.test")
    for route, model in (("/api/v1/invoices/", Invoice), ("/api/v1/credit-notes/", CreditNote)):
        before = AuditLog.objects.count()
        listed = accountant.get(route)
        assert listed.status_code == 200
        expected = {(row.pk, row.sale.sold_to_patient_id) for row in model.objects.all()}
        rows = AuditLog.objects.order_by("sequence")[before:]
        assert {(r.entity_id, r.patient_id) for r in rows} == expected
        assert {(r.actor_id, r.action) for r in rows} == {(books.pk, "view")}
        one = model.objects.get(sale_id=sale_id)
        assert accountant.get(f"{route}{one.pk}/").status_code == 200
        assert AuditLog.objects.filter(entity_id=one.pk, action="view", patient_id=patient.pk).count() == 2


def test_accounting_credits_some_lines_through_the_invoice_and_reads_its_page(desk, accountant, location, stocked):
    from django.test import Client

    sale_id = _new_sale(desk, location).json()["id"]
    desk.post(f"/api/v1/sales/{sale_id}/lines/", {"product": str(stocked["cream"].pk), "quantity": "3"}, format="json")
    consult = {"product": str(stocked["consult"].pk), "quantity": "1"}
    desk.post(f"/api/v1/sales/{sale_id}/lines/", consult, format="json")
    desk.post(f"/api/v1/sales/{sale_id}/pay/", {"payments": [{"method": "cash", "amount": "96"}]}, format="json")
    invoice = Invoice.objects.get(sale_id=sale_id)
    cream_line = invoice.sale.lines.get(product=stocked["cream"])
    url = f"/api/v1/invoices/{invoice.pk}/credit/"
    body = {"reason": "One pot returned", "lines": [{"sale_line": str(cream_line.pk), "quantity": "2"}]}

    assert desk.post(url, body, format="json").status_code == 403  # reception does not credit
    credit = accountant.post(url, body, format="json")
    assert credit.status_code == 201, credit.json()
    data = credit.json()
    assert data["credit_note_number"] == "AV-000001" and data["total_incl_tax"] == "24.00"
    assert [(line["sale_line"], line["quantity"], line["quantity_returned"]) for line in data["lines"]] == [
        (str(cream_line.pk), "2.00", "2.00")
    ]
    again = accountant.post(url, body, format="json")
    assert again.status_code == 422 and again.json()["code"] == "credit_exceeds_sold", again.json()
    unknown = accountant.post(url, {**body, "extra": 1}, format="json")
    assert unknown.status_code == 400  # unknown fields are refused
    assert CreditNote.objects.count() == 1

    page = accountant.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert page["credited_total_incl_tax"] == "24.00" and page["total_incl_tax"] == "96.00"
    lines = {line["id"]: line for line in page["lines"]}
    assert lines[str(cream_line.pk)]["credited_quantity"] == "2.00"
    assert lines[str(cream_line.pk)]["creditable_quantity"] == "1.00"
    assert [c["credit_note_number"] for c in page["credit_notes"]] == ["AV-000001"]
    assert sorted(p["amount_gross"] for p in page["payments"]) == ["-24.00", "96.00"]
    # Reception reads the invoice, not its credit notes.
    assert desk.get(f"/api/v1/invoices/{invoice.pk}/").json()["credit_notes"] == []

    # The PDF downloads under the credit note's number.
    link = accountant.get(f"/api/v1/credit-notes/{data['id']}/download/").json()
    response = Client().get(link["url"])
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="AV-000001.pdf"'
