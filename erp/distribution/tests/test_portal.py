"""The distributor portal (/portal/): every screen, scoped to the signed-in user's distributor."""

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from erp.core.services import email_confirmation_token
from erp.distribution import services
from erp.distribution.models import DistributorMember, Order, OrderStatus
from erp.distribution.tests.factories import ProductFactory
from erp.distribution.values import Quantity
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user, distributor):
    user = make_user("distributor", "buyer@norte.test", first_name="Ana")
    DistributorMember.objects.create(user=user, distributor=distributor)
    return user


@pytest.fixture
def portal(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def foreign_order(other_distributor, other_shop, milk, manager):
    return services.order_create(
        distributor=other_distributor, point_of_sale=other_shop, lines=[(milk, Quantity(1, "unit"))], actor=manager
    )


def url(name, *args):
    return reverse(f"distribution_portal:{name}", args=args)


def test_visitor_is_sent_to_the_portal_sign_in(client):
    response = client.get(url("orders"))
    assert response.status_code == 302
    assert response.url.startswith(url("login") + "?next=")


def test_sign_in_opens_the_portal(member, client):
    member.set_password("a-strong-pass-2026")
    member.save()
    response = client.post(url("login"), {"username": "buyer@norte.test", "password": "a-strong-pass-2026"})
    assert response.status_code == 302 and response.url == url("home")
    assert client.get(url("home")).status_code == 200


def test_sign_in_refuses_clinic_staff(manager, client):
    manager.set_password("a-strong-pass-2026")
    manager.save()
    response = client.post(url("login"), {"username": manager.email, "password": "a-strong-pass-2026"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_staff_cannot_open_portal_screens(manager):
    client = Client()
    client.force_login(manager)
    assert client.get(url("home")).status_code == 403


def test_distributor_at_the_admin_is_sent_to_the_portal(portal):
    response = portal.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302 and response.url == url("home")


def test_home_lists_own_points_of_sale_and_orders_only(portal, shop, other_shop, order, foreign_order):
    response = portal.get(url("home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert shop.name in content and other_shop.name not in content
    assert order.short_id in content and foreign_order.short_id not in content
    assert response["Cache-Control"].count("no-store") == 1


def test_catalogue_shows_only_products_for_distribution_in_the_currency(portal, milk):
    ProductFactory(name="Consultation", for_distribution=False)
    ProductFactory(name="Dollar cream", currency="USD", unit_price_excl_tax=Decimal("9.90"))
    content = portal.get(url("catalogue")).content.decode()
    assert "Milk 1L" in content and "Consultation" not in content and "Dollar cream" not in content
    assert "1,25\xa0€" in content  # French amounts
    content = portal.get(url("catalogue"), {"currency": "USD"}).content.decode()
    assert "Dollar cream" in content and "Milk 1L" not in content


def test_new_order_sends_lines_and_total(portal, distributor, shop, milk, butter):
    page = portal.get(url("order_new"), {"point_of_sale": shop.pk})
    assert page.status_code == 200 and b"Milk 1L" in page.content
    response = portal.post(url("order_new"), {
        "point_of_sale": shop.pk, "currency": "EUR", f"qty_{milk.pk}": "3", f"qty_{butter.pk}": "2",
    })
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == url("order", order.pk)
    assert (order.distributor, order.status, order.price_amount) == (distributor, OrderStatus.CREATED, Decimal("9.95"))
    assert sorted(order.lines.values_list("quantity_value", flat=True)) == [2, 3]
    detail = portal.get(response.url).content.decode()
    assert "9,95\xa0€" in detail


def test_new_order_needs_a_product(portal, shop, milk):
    response = portal.post(url("order_new"), {"point_of_sale": shop.pk, "currency": "EUR", f"qty_{milk.pk}": "0"})
    assert response.status_code == 200 and not Order.objects.exists()
    assert response.context["form"].non_field_errors()


def test_new_order_refuses_another_distributors_point_of_sale(portal, other_shop, milk):
    response = portal.post(url("order_new"), {
        "point_of_sale": other_shop.pk, "currency": "EUR", f"qty_{milk.pk}": "1",
    })
    assert response.status_code == 200 and "point_of_sale" in response.context["form"].errors
    assert not Order.objects.exists()


def test_changing_currency_shows_that_currency_without_ordering(portal, shop, milk):
    dollar = ProductFactory(name="Dollar cream", currency="USD")
    response = portal.post(url("order_new"), {"point_of_sale": shop.pk, "currency": "USD", "refresh": "1"})
    assert response.status_code == 200 and not Order.objects.exists()
    assert [product for product, _field in response.context["form"].rows()] == [dollar]


@pytest.mark.parametrize("name", ["order", "order_pdf"])
def test_another_distributors_order_is_404(portal, foreign_order, name):
    assert portal.get(url(name, foreign_order.pk)).status_code == 404


def test_reorder_from_another_distributors_order_is_404(portal, foreign_order):
    assert portal.get(url("order_new"), {"from": foreign_order.pk}).status_code == 404


def test_order_page_shows_lines_total_and_history(portal, order):
    content = portal.get(url("order", order.pk)).content.decode()
    assert "Milk 1L" in content and "5,00\xa0€" in content
    assert "Order again" in content or "Commander à nouveau" in content


def test_cancel_where_allowed(portal, order, manager):
    # Created: the portal offers no cancel (spec 004: cancel after confirmation).
    assert "cancelled" not in [target for target, _ in portal.get(url("order", order.pk)).context["moves"]]
    refused = portal.post(url("order", order.pk), {"operation": "cancelled"}, follow=True)
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED and list(refused.context["messages"])
    services.order_confirm(order=order, actor=manager)
    portal.post(url("order", order.pk), {"operation": "cancelled"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert AuditLog.objects.filter(entity_id=order.pk, metadata_json__status_to="cancelled").exists()


def test_distributor_cannot_confirm_its_own_order(portal, order):
    assert portal.post(url("order", order.pk), {"operation": "confirmed"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_order_again_fills_the_quantities_and_names_what_is_left_out(portal, order, butter, manager):
    services.order_line_add(order=order, product=butter, quantity=Quantity(2, "unit"), actor=manager)
    butter.for_distribution = False
    butter.save()
    response = portal.get(url("order_new"), {"from": order.pk})
    form = response.context["form"]
    assert form.initial[f"qty_{order.lines.get(product__name='Milk 1L').product_id}"] == 4
    assert response.context["left_out"] == ["Butter"]
    assert form.initial["point_of_sale"] == order.point_of_sale_id


def test_history_filters_by_status_point_of_sale_and_day(portal, order, manager, distributor, shop, milk):
    second = services.order_create(
        distributor=distributor, point_of_sale=shop, lines=[(milk, Quantity(1, "unit"))], actor=manager
    )
    services.order_confirm(order=second, actor=manager)
    page = portal.get(url("orders"), {"status": "confirmed"})
    assert [o.pk for o in page.context["page"].object_list] == [second.pk]
    page = portal.get(url("orders"), {"created_from": "2000-01-01", "created_to": "2000-01-02"})
    assert list(page.context["page"].object_list) == []
    assert portal.get(url("orders")).context["page"].paginator.count == 2


def test_history_query_count_does_not_grow_with_orders(portal, distributor, shop, milk, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert portal.get(url("orders")).status_code == 200
        return len(captured)

    services.order_create(distributor=distributor, point_of_sale=shop, lines=[(milk, Quantity(1, "u"))], actor=manager)
    few = count()
    for _ in range(5):
        services.order_create(
            distributor=distributor, point_of_sale=shop, lines=[(milk, Quantity(1, "u"))], actor=manager
        )
    assert count() == few


def test_summary_pdf(portal, order):
    response = portal.get(url("order_pdf", order.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Milk 1L" in text and order.short_id in text


def test_portal_in_each_language(portal):
    for code, word in {"fr": "Accueil", "en": "Home", "es": "Inicio", "ru": "Главная", "uk": "Головна",
                       "hy": "Գլխավոր"}.items():
        portal.post(url("language"), {"language": code, "next": url("home")})
        content = portal.get(url("home")).content.decode()
        assert f'<html lang="{code}">' in content and word in content, code


def test_invitation_link_confirms_and_sets_the_password(
    manager, distributor, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = services.distributor_member_invite(
            distributor=distributor, email="New.Buyer@Norte.test", first_name="Luz", language="es", actor=manager
        )
    user = member.user
    assert user.email == "new.buyer@norte.test" and not user.has_usable_password()
    assert len(mail.outbox) == 1 and "Norte" in mail.outbox[0].subject
    link = url("welcome", email_confirmation_token(user))
    assert link in mail.outbox[0].body and "Hola" in mail.outbox[0].body
    assert client.get(link).status_code == 200
    response = client.post(link, {"new_password1": "Lagos-azules-2026", "new_password2": "Lagos-azules-2026"})
    assert response.status_code == 302 and response.url == url("home")
    user.refresh_from_db()
    assert user.email_confirmed and user.check_password("Lagos-azules-2026")
    # The link sets a password once: afterwards it only sends to the sign-in.
    other = Client()
    assert other.get(link).url == url("login")
    with pytest.raises(services.InvitationUsed):
        services.distributor_member_password_choose(token=email_confirmation_token(user), password="x-Other-2026x")


def test_invitation_link_tampered_is_refused(client):
    assert client.get(url("welcome", "not-a-token")).status_code == 400


def test_portal_sign_in_is_guarded_by_the_brute_force_lock(member, client, settings):
    member.set_password("a-strong-pass-2026")
    member.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url("login"), {"username": member.email, "password": "wrong"})
    response = client.post(url("login"), {"username": member.email, "password": "a-strong-pass-2026"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
