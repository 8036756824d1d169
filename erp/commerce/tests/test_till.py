"""The counter sale (issue 26): a sale linked to the visit it came from, what the till offers
(services and retail, never wholesale cartons), the barcode field, the steppers, the payment split
and the invoice opened after payment."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from erp.clinical.tests.factories import AppointmentFactory, EncounterFactory, PatientFactory
from erp.commerce.exceptions import BarcodeUnknown, ProductNotAtCounter, SaleOriginMismatch
from erp.commerce.models import Invoice, Sale, SaleLine, SaleStatus
from erp.commerce.sales import selectors as sales_selectors
from erp.commerce.sales import services as billing
from erp.commerce.tests.factories import ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import payment_methods, stock_plain, sumup_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def reception(make_user):
    return make_user("reception", "till-desk@clinic.test")


@pytest.fixture
def catalog(location):
    """A cream on the shelf (barcode, 4 in stock), a consultation, and a wholesale carton."""
    cream = ProductFactory(name="Crème apaisante", barcode="3401234567890", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 4)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    carton = ProductFactory(
        name="Carton 24 crèmes", barcode="3401234567999", for_distribution=True, sold_at_counter=False
    )
    return {"cream": cream, "consult": consult, "carton": carton}


@pytest.fixture
def visit(location):
    encounter = EncounterFactory(location=location)
    appointment = AppointmentFactory(patient=encounter.patient, location=location, encounter=encounter)
    return appointment


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Services -----------------------------------------------------------------------------------


def test_sale_create_from_an_appointment_takes_its_visit_patient_and_location(visit, reception):
    sale = billing.sale_create(appointment=visit, actor=reception)
    assert (sale.appointment, sale.encounter) == (visit, visit.encounter)
    assert (sale.sold_to_patient, sale.location) == (visit.patient, visit.location)


def test_sale_create_from_an_encounter_alone(visit, reception):
    sale = billing.sale_create(encounter=visit.encounter, actor=reception)
    assert sale.encounter == visit.encounter and sale.appointment is None
    assert sale.sold_to_patient == visit.patient


def test_sale_create_refuses_another_patients_appointment(visit, reception):
    with pytest.raises(SaleOriginMismatch) as error:
        billing.sale_create(appointment=visit, sold_to_patient=PatientFactory(), actor=reception)
    assert error.value.code == "sale_origin_mismatch" and error.value.field == "appointment"
    assert not Sale.objects.exists()


def test_sale_create_refuses_an_encounter_of_another_visit(visit, reception):
    other = EncounterFactory(patient=visit.patient)
    with pytest.raises(SaleOriginMismatch):
        billing.sale_create(appointment=visit, encounter=other, actor=reception)
    assert not Sale.objects.exists()


def test_counter_products_offer_services_and_retail_with_price_and_stock(
    catalog, location, django_assert_max_num_queries
):
    ProductFactory(name="Old cream", is_active=False)
    with django_assert_max_num_queries(1):
        products = sales_selectors.counter_products(location=location)
        rows = {p.name: (p.price_incl_tax, p.stock) for p in products}
    assert rows == {"Consultation": (Decimal("60.00"), None), "Crème apaisante": (Decimal("12.00"), Decimal("4.00"))}
    assert products[0].name == "Consultation"  # services first


def test_counter_products_query_count_does_not_grow_with_the_catalog(location, django_assert_max_num_queries):
    for n in range(30):
        stock_plain(ProductFactory(name=f"Cream {n}"), location, 2)
    with django_assert_max_num_queries(1):
        assert len(sales_selectors.counter_products(location=location)) == 30


def test_scan_adds_a_line_then_one_more_on_the_same_line(catalog, location, reception):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    billing.sale_scan(sale=sale, barcode=" 3401234567890 ", actor=reception)
    billing.sale_scan(sale=sale, barcode="3401234567890", actor=reception)
    line = SaleLine.objects.get(sale=sale)
    assert line.quantity == Decimal("2.00") and line.line_total_incl_tax == Decimal("24.00")
    sale.refresh_from_db()
    assert sale.total_incl_tax == Decimal("24.00")


def test_scan_finds_a_product_by_its_sku_when_typed(catalog, location, reception):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    billing.sale_scan(sale=sale, barcode=catalog["cream"].sku, actor=reception)
    assert sale.lines.get().product == catalog["cream"]


def test_scan_of_an_unknown_barcode_is_refused_and_adds_nothing(catalog, location, reception):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    with pytest.raises(BarcodeUnknown) as error:
        billing.sale_scan(sale=sale, barcode="0000", actor=reception)
    assert "0000" in error.value.message and error.value.code == "barcode_unknown"
    with pytest.raises(BarcodeUnknown):  # a wholesale carton is not sold at the counter
        billing.sale_scan(sale=sale, barcode="3401234567999", actor=reception)
    assert not sale.lines.exists()


def test_a_wholesale_carton_cannot_be_put_on_a_sale(catalog, location, reception):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    with pytest.raises(ProductNotAtCounter):
        billing.sale_line_add(sale=sale, product=catalog["carton"], quantity=Decimal("1"), actor=reception)
    assert not sale.lines.exists()


# --- API ----------------------------------------------------------------------------------------


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_creates_a_sale_from_an_appointment(visit, reception):
    response = _api(reception).post("/api/v1/sales/", {"appointment": str(visit.pk)}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["appointment"] == str(visit.pk) and body["encounter"] == str(visit.encounter_id)
    assert body["sold_to_patient"] == str(visit.patient_id)


def test_api_refuses_a_mismatched_origin_with_a_code(visit, reception):
    body = {"appointment": str(visit.pk), "sold_to_patient": str(PatientFactory().pk)}
    response = _api(reception).post("/api/v1/sales/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "sale_origin_mismatch"


def test_api_scan_adds_the_product_and_refuses_an_unknown_barcode(catalog, location, reception):
    client = _api(reception)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    response = client.post(f"/api/v1/sales/{sale.pk}/scan/", {"barcode": "3401234567890"}, format="json")
    assert response.status_code == 201, response.content
    assert [line["quantity"] for line in response.json()["lines"]] == ["1.00"]
    unknown = client.post(f"/api/v1/sales/{sale.pk}/scan/", {"barcode": "999"}, format="json")
    assert unknown.status_code == 422 and unknown.json()["code"] == "barcode_unknown"
    assert "999" in unknown.json()["detail"]


def test_api_scan_is_refused_to_marketing(catalog, location, reception, make_user):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    response = _api(make_user("marketing", "mk-till@clinic.test")).post(
        f"/api/v1/sales/{sale.pk}/scan/", {"barcode": "3401234567890"}, format="json"
    )
    assert response.status_code == 403 and not sale.lines.exists()


# --- Admin: the till ----------------------------------------------------------------------------


def test_new_sale_from_an_appointment_is_prefilled_and_linked(visit, reception):
    client = _login(reception)
    url = reverse("commerce_new_sale:index") + f"?appointment={visit.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert "il y sera rattachée" in page.content.decode() or "Vente pour le rendez-vous" in page.content.decode()
    response = client.post(
        url,
        {"sold_to_patient": visit.patient_id, "location": visit.location_id, "appointment": visit.pk,
         "encounter": visit.encounter_id},
    )  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    sale = Sale.objects.get()
    assert response.url == reverse("commerce_sale:till", args=[sale.pk])
    assert (sale.appointment, sale.encounter) == (visit, visit.encounter)
    till = client.get(response.url).content.decode()
    assert "Du rendez-vous" in till and "Consultation médicale" in till


def test_new_sale_from_an_appointment_refused_without_agenda_rights(visit, make_user):
    client = _login(make_user("accounting", "books-till@clinic.test"))
    assert client.get(reverse("commerce_new_sale:index") + f"?appointment={visit.pk}").status_code in (302, 403)


def test_new_sale_with_an_unknown_appointment_is_not_found(reception):
    client = _login(reception)
    assert client.get(reverse("commerce_new_sale:index") + "?appointment=nope").status_code == 404


def test_till_shows_the_chooser_with_prices_and_stock_never_the_carton(catalog, location, reception):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    html = _login(reception).get(reverse("commerce_sale:till", args=[sale.pk])).content.decode()
    assert "Crème apaisante" in html and "12,00\u00a0€" in html and "4 en stock" in html
    assert "Consultation" in html and "60,00\u00a0€" in html
    assert "Carton 24 crèmes" not in html
    assert 'id="till-barcode"' in html and "autofocus" in html


def test_till_query_count_does_not_grow_with_the_catalog_or_the_lines(
    location, reception, django_assert_max_num_queries
):
    client = _login(reception)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    for n in range(15):
        product = ProductFactory(name=f"Cream {n}")
        stock_plain(product, location, 2)
        billing.sale_line_add(sale=sale, product=product, quantity=Decimal("1"), actor=reception)
    url = reverse("commerce_sale:till", args=[sale.pk])
    client.get(url)  # warm the session and the admin's menus
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_till_scan_an_unknown_barcode_shows_a_french_message(catalog, location, reception):
    client = _login(reception)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    url = reverse("commerce_sale:till", args=[sale.pk])
    response = client.post(url, {"operation": "scan", "barcode": "12345"}, follow=True)
    assert "Aucun produit vendu au comptoir n’a le code-barres « 12345 »." in response.content.decode()
    client.post(url, {"operation": "scan", "barcode": "3401234567890"})
    client.post(url, {"operation": "add_product", "product": catalog["consult"].pk})
    assert sorted(sale.lines.values_list("description_snapshot", flat=True)) == ["Consultation", "Crème apaisante"]


def test_till_steppers_change_the_quantity(catalog, location, reception):
    client = _login(reception)
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    line = billing.sale_line_add(sale=sale, product=catalog["cream"], quantity=Decimal("1"), actor=reception)
    url = reverse("commerce_sale:till", args=[sale.pk])
    client.post(url, {"operation": "set_quantity", "line": line.pk, "quantity": "3.00"})
    line.refresh_from_db()
    assert line.quantity == Decimal("3.00")
    response = client.post(url, {"operation": "set_quantity", "line": line.pk, "quantity": "0.00"}, follow=True)
    line.refresh_from_db()
    assert line.quantity == Decimal("3.00") and "La quantité doit être supérieure à zéro." in response.content.decode()


def test_till_payment_methods_show_labels_not_codes(catalog, location, reception):
    payment_methods()
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    billing.sale_line_add(sale=sale, product=catalog["consult"], quantity=Decimal("1"), actor=reception)
    html = _login(reception).get(reverse("commerce_sale:till", args=[sale.pk])).content.decode()
    assert ">Virement bancaire<" in html and ">Espèces<" in html
    assert ">bank_transfer<" not in html and ">Bank transfer<" not in html
    assert 'data-total="60.00"' in html and 'data-cash="cash"' in html


def test_till_pay_opens_the_invoice_page_which_downloads_the_pdf(catalog, location, reception, visit):
    payment_methods()
    sumup_rule()
    client = _login(reception)
    sale = billing.sale_create(appointment=visit, actor=reception)
    billing.sale_line_add(sale=sale, product=catalog["consult"], quantity=Decimal("1"), actor=reception)
    response = client.post(
        reverse("commerce_sale:till", args=[sale.pk]),
        {
            "operation": "pay", "pay-TOTAL_FORMS": "3", "pay-INITIAL_FORMS": "0",
            "pay-0-method": "card", "pay-0-amount": "40", "pay-1-method": "cash", "pay-1-amount": "50",
        },
    )  # fmt: skip
    invoice = Invoice.objects.get(sale=sale)
    assert response.status_code == 302
    assert response.url == reverse("commerce_invoice:page", args=[invoice.pk]) + "?print=1"
    sale.refresh_from_db()
    assert sale.status == SaleStatus.PAID
    assert sorted(sale.payments.values_list("change_given", flat=True)) == [Decimal("0.00"), Decimal("30.00")]
    page = client.get(response.url).content.decode()
    assert 'data-print="1"' in page and "invoice_print.js" in page
    assert f"Télécharger {invoice.invoice_number}.pdf" in page and "Du rendez-vous" in page


def test_till_refused_to_marketing(location, reception, make_user):
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=reception)
    client = _login(make_user("marketing", "mk-till2@clinic.test"))
    assert client.get(reverse("commerce_sale:till", args=[sale.pk])).status_code in (302, 403)


def test_api_refuses_to_move_a_draft_to_another_visit(visit, reception):
    client = _api(reception)
    created = client.post("/api/v1/sales/", {"appointment": str(visit.pk)}, format="json")
    other = AppointmentFactory(patient=visit.patient)
    response = client.patch(
        f"/api/v1/sales/{created.json()['id']}/", {"appointment": str(other.pk)}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 409 and response.json()["code"] == "field_not_editable"
    assert Sale.objects.get().appointment == visit
