"""A distributor orders from a phone, the distribution manager confirms from the admin (Chromium).

Screenshots of each screen at 390 px and 1366 px go to /tmp/shots_portal/ to be looked at.
"""

import os
import re
from decimal import Decimal

import pytest

from erp.core.tests.factories import UserFactory
from erp.distribution.models import DistributorMember, Order, OrderStatus, PointOfSaleDistributor
from erp.distribution.tests.factories import DistributorFactory, PointOfSaleFactory, ProductFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

skip_without_chromium()

PASSWORD = "Portail-demo-2026"
SHOTS = "/tmp/shots_portal"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def world(transactional_db):
    distributor = DistributorFactory(name="Pharma Distribution Île-de-France")
    shop = PointOfSaleFactory(name="Pharmacie Saint-Germain", address_street="40 boulevard Saint-Germain",
                              address_city="Paris", address_postal_code="75005")
    PointOfSaleDistributor.objects.create(point_of_sale=shop, distributor=distributor)
    ProductFactory(name="Crème solaire SPF 50+ (carton de 12)", unit_price_excl_tax=Decimal("180.00"))
    ProductFactory(name="Sérum vitamine C (carton de 6)", unit_price_excl_tax=Decimal("150.00"))
    ProductFactory(name="Consultation dermatologique", for_distribution=False)
    member = UserFactory(role="distributor", email="marc@pdidf.test", first_name="Marc", password=PASSWORD)
    DistributorMember.objects.create(user=member, distributor=distributor)
    manager = UserFactory(
        role="distribution_manager", email="ines@clinic.test", first_name="Marc", password=PASSWORD
    )
    return {"member": member, "manager": manager, "shop": shop}


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_distributor_orders_from_a_phone_and_the_manager_confirms(browser, live_server, world):
    phone = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.wait_for_url(re.compile(r".*/portal/login/.*"))
    shot(page, "01_login_390")
    page.fill("input[name=username]", world["member"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Consultation" not in page.content()
    shot(page, "02_home_390")

    page.click("text=Commander pour ce point de vente")
    page.wait_for_selector(".product-row")
    assert page.locator(".product-row").count() == 2  # the consultation is not in the catalogue
    sunscreen = page.locator(".product-row", has_text="Crème solaire")
    sunscreen.locator("button[data-step='1']").click()
    sunscreen.locator("button[data-step='1']").click()
    serum = page.locator(".product-row", has_text="Sérum")
    serum.locator("button[data-step='1']").click()
    serum.locator("button[data-step='1']").click()
    serum.locator("button[data-step='-1']").click()
    assert sunscreen.locator("input").input_value() == "2" and serum.locator("input").input_value() == "1"
    assert page.locator("#order-total").inner_text().replace("\u202f", " ").replace("\xa0", " ") == "510,00 €"
    shot(page, "03_new_order_390")
    page.click("text=Envoyer la commande")
    page.wait_for_url(re.compile(r".*/portal/orders/[0-9a-f-]{36}/$"))
    assert "Créée" in page.content()
    shot(page, "04_order_390")

    order = Order.objects.get()
    assert (order.price_amount, order.status) == (Decimal("510.00"), OrderStatus.CREATED)
    assert sorted(order.lines.values_list("quantity_value", flat=True)) == [1, 2]

    page.goto(f"{live_server.url}/portal/orders/")
    shot(page, "05_history_390")
    phone.close()

    desktop = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    manager_page = desktop.new_page()
    admin_sign_in(manager_page, live_server.url, world["manager"], PASSWORD)
    manager_page.goto(f"{live_server.url}/admin/distribution/to-confirm/")
    assert "Crème solaire" in manager_page.content()  # the lines are on the queue, not behind "…"
    shot(manager_page, "06_queue_1366")
    manager_page.click("section.distribution-queue-order button:has-text('Confirmer')")
    manager_page.wait_for_url(re.compile(r".*/admin/distribution/to-confirm/.*"))
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    manager_page.goto(f"{live_server.url}/admin/distribution/orders/")
    manager_page.click(f"a[href$='/manage/{order.pk}/']")
    manager_page.wait_for_url(re.compile(rf".*/manage/{order.pk}/$"))
    manager_page.wait_for_selector("text=Crème solaire")  # the lines are on the order's own page
    shot(manager_page, "07_order_manage_1366")
    desktop.close()

    # The distributor sees the confirmation; the wide screens are photographed too.
    wide = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    page = wide.new_page()
    page.goto(f"{live_server.url}/portal/login/")
    page.fill("input[name=username]", world["member"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live_server.url}/portal/")
    shot(page, "08_home_1366")
    page.goto(f"{live_server.url}/portal/orders/{order.pk}/")
    assert "Confirmée" in page.content()
    shot(page, "09_order_1366")
    page.goto(f"{live_server.url}/portal/orders/new/?from={order.pk}")
    shot(page, "10_order_again_1366")
    wide.close()
