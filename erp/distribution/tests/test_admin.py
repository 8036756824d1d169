import pytest
from django.test import Client
from django.urls import reverse

from erp.distribution.models import DistributorMember, Order, OrderStatus
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

INDEXES = [
    "distribution_order:index",
    "distribution_distributor:index",
    "distribution_pointofsale:index",
    "distribution_distributormember:index",
]


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.mark.parametrize("url_name", INDEXES)
def test_distribution_screens_open_for_the_manager(url_name, manager_client, order):
    assert manager_client.get(reverse(url_name)).status_code == 200
    assert manager_client.get(reverse(url_name), {"q": "Norte"}).status_code == 200


def test_distribution_menu_is_shown(manager_client):
    response = manager_client.get(reverse("wagtailadmin_home"))
    assert b"Distribution" in response.content


def test_distributor_role_has_no_admin(make_user, distributor):
    user = make_user("distributor", "d@distribution.test")
    DistributorMember.objects.create(user=user, distributor=distributor)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("distribution_order:index"))
    assert response.status_code in (302, 403)


def test_admin_creates_order_then_adds_line_and_moves_it(manager_client, distributor, shop, milk):
    response = manager_client.post(
        reverse("distribution_order:add"),
        {"distributor": distributor.pk, "point_of_sale": shop.pk, "price_currency": "EUR"},
    )
    assert response.status_code == 302, response.content[:3000]
    order = Order.objects.get()
    manage = reverse("distribution_order:manage", args=[order.pk])
    assert response.url == manage
    assert order.delivery_address_street == shop.address_street

    manager_client.post(manage, {"operation": "add_line", "product": milk.pk, "quantity_value": 4,
                                 "quantity_unit": "unit"})
    order.refresh_from_db()
    assert str(order.price_amount) == "5.00"
    page = manager_client.get(manage)
    assert page.status_code == 200
    assert b"Milk 1L" in page.content

    manager_client.post(manage, {"operation": "confirmed"})
    manager_client.post(manage, {"operation": "in_transit"})
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    assert order.delivery_on_utc is not None

    # An illegal move is shown as an error and changes nothing.
    response = manager_client.post(manage, {"operation": "rejected"}, follow=True)
    assert "ne peut pas passer au statut « Refusée »" in response.content.decode()  # the admin speaks French
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT
    assert AuditLog.objects.filter(entity_id=order.pk).count() >= 4


def test_admin_refuses_point_of_sale_not_served(manager_client, distributor, other_shop):
    response = manager_client.post(
        reverse("distribution_order:add"),
        {"distributor": distributor.pk, "point_of_sale": other_shop.pk, "price_currency": "EUR"},
    )
    assert response.status_code == 200
    assert "ne dessert pas" in response.content.decode()
    assert not Order.objects.exists()


def test_orders_have_no_edit_or_delete_screen(manager_client, order):
    assert manager_client.get(reverse("distribution_order:edit", args=[order.pk])).status_code in (302, 403)
    assert manager_client.get(reverse("distribution_order:delete", args=[order.pk])).status_code in (302, 403)


def test_distributor_with_orders_is_not_deleted_from_admin(manager_client, order):
    response = manager_client.post(reverse("distribution_distributor:delete", args=[order.distributor_id]))
    assert response.status_code == 302
    assert Order.objects.filter(pk=order.pk).exists()
    order.distributor.refresh_from_db()


def test_admin_edits_a_distributor_with_audit(manager_client, distributor):
    response = manager_client.post(reverse("distribution_distributor:edit", args=[distributor.pk]), {
        "name": "Norte SA", "phone_number": "1", "address_street": distributor.address_street,
        "address_city": "Lille", "address_postal_code": "59000", "contact_email": "", "contact_phone": "",
    })
    assert response.status_code == 302, response.content[:3000]
    distributor.refresh_from_db()
    assert (distributor.name, distributor.address_city) == ("Norte SA", "Lille")
    assert AuditLog.objects.filter(entity_id=distributor.pk, action="update").exists()


def test_admin_links_points_of_sale_on_the_distributor_form(manager_client, distributor, shop, other_shop):
    response = manager_client.post(reverse("distribution_distributor:edit", args=[distributor.pk]), {
        "name": distributor.name, "phone_number": "", "address_street": distributor.address_street,
        "address_city": distributor.address_city, "address_postal_code": "", "contact_email": "",
        "contact_phone": "", "points_of_sale": [str(shop.pk), str(other_shop.pk)],
    })
    assert response.status_code == 302, response.content[:3000]
    assert set(distributor.points_of_sale.all()) == {shop, other_shop}


def test_manage_screen_of_another_role_is_refused(make_user, order):
    client = Client()
    client.force_login(make_user("reception", "reception-admin@distribution.test"))
    response = client.get(reverse("distribution_order:manage", args=[order.pk]))
    assert response.status_code in (302, 403)


def test_queue_lists_orders_to_confirm_with_their_lines_and_confirms(manager_client, order, manager):
    from erp.distribution import services as distribution_services

    confirmed = distribution_services.order_create(
        distributor=order.distributor, point_of_sale=order.point_of_sale, actor=manager
    )
    distribution_services.order_confirm(order=confirmed, actor=manager)
    queue = reverse("distribution_queue:index")
    page = manager_client.get(queue)
    assert page.status_code == 200
    assert [o.pk for o in page.context["page"].object_list] == [order.pk]
    assert b"Milk 1L" in page.content
    response = manager_client.post(
        reverse("distribution_order:manage", args=[order.pk]), {"operation": "confirmed", "next": queue}
    )
    assert response.status_code == 302 and response.url == queue
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_order_title_opens_its_lines_and_operations(manager_client, order):
    page = manager_client.get(reverse("distribution_order:index")).content.decode()
    assert f'href="{reverse("distribution_order:manage", args=[order.pk])}"' in page


def test_order_amounts_are_written_as_the_language_writes_them(manager_client, order):
    page = manager_client.get(reverse("distribution_order:manage", args=[order.pk])).content.decode()
    assert "5,00\xa0€" in page and "5.00 EUR" not in page


def test_manager_invites_a_user_from_the_admin(manager_client, distributor, django_capture_on_commit_callbacks):
    from django.core import mail

    invite = reverse("distribution_distributormember:invite")
    assert manager_client.get(invite, {"distributor": distributor.pk}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(invite, {
            "distributor": distributor.pk, "email": "luz@norte.test", "first_name": "Luz", "last_name": "Paz",
            "language": "es",
        })
    assert response.status_code == 302, response.content[:2000]
    assert distributor.members.get().user.email == "luz@norte.test"
    assert "Hola Luz" in mail.outbox[0].body or "Hola, Luz" in mail.outbox[0].body


def test_manager_sees_no_users_menu_it_cannot_open(manager_client):
    page = manager_client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailusers_users:index") not in page
    assert reverse("distribution_distributormember:index") in page


def test_currency_labels_are_iso_codes(manager_client):
    page = manager_client.get(reverse("distribution_order:add")).content.decode()
    assert ">USD<" in page and ">UYU<" in page and "Usd" not in page
