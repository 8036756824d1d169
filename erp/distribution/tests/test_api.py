from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from erp.distribution import services
from erp.distribution.models import DistributorMember, Order, OrderStatus, PointOfSaleDistributor
from erp.distribution.tests.factories import DistributorFactory, PointOfSaleFactory, ProductFactory
from erp.distribution.values import Quantity

BASE = "/api/v1/distribution"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def member(make_user, distributor):
    user = make_user("distributor", "norte@distribution.test")
    DistributorMember.objects.create(user=user, distributor=distributor)
    return user


@pytest.fixture
def foreign_order(other_distributor, other_shop, milk, manager):
    return services.order_create(
        distributor=other_distributor, point_of_sale=other_shop, lines=[(milk, Quantity(1, "unit"))], actor=manager
    )


# --- Orders ------------------------------------------------------------------------------------


def test_manager_creates_order_with_lines_by_external_id(manager, distributor, shop, milk, butter):
    response = client_for(manager).post(f"{BASE}/orders/", {
        "distributor": str(distributor.pk),
        "point_of_sale": str(shop.pk),
        "lines": [
            {"external_product_id": "MILK-1L", "quantity": {"value": 4, "unit": "unit"}},
            {"product": str(butter.pk), "quantity": {"value": 3, "unit": "box"}},
        ],
    }, format="json")
    assert response.status_code == 201, response.data
    body = response.data
    assert body["status"] == "created"
    assert body["price"] == {"amount": "14.30", "currency": "EUR"}
    assert body["delivery_address"]["street"] == "1 place Bellecour"
    assert sorted(body["allowed_transitions"]) == ["confirmed", "rejected"]
    assert sorted(line["sub_total"]["amount"] for line in body["lines"]) == ["5.00", "9.30"]


def test_create_refuses_point_of_sale_not_served(manager, distributor, other_shop):
    response = client_for(manager).post(
        f"{BASE}/orders/", {"distributor": str(distributor.pk), "point_of_sale": str(other_shop.pk)}, format="json"
    )
    assert response.status_code == 422
    assert response.data["code"] == "point_of_sale_not_served"


def test_create_refuses_currency_mixing(manager, distributor, shop, milk):
    ProductFactory(external_product_id="DULCE-USD", currency="USD")
    response = client_for(manager).post(f"{BASE}/orders/", {
        "distributor": str(distributor.pk), "point_of_sale": str(shop.pk),
        "lines": [
            {"external_product_id": "MILK-1L", "quantity": {"value": 1, "unit": "unit"}},
            {"external_product_id": "DULCE-USD", "quantity": {"value": 1, "unit": "unit"}},
        ],
    }, format="json")
    assert response.status_code == 422
    assert response.data["code"] == "currency_mismatch"
    assert not Order.objects.exists()


@pytest.mark.parametrize(("quantity", "field"), [({"value": 0, "unit": "box"}, "quantity_value"),
                                                  ({"value": 2, "unit": " "}, "unit")])
def test_create_refuses_invalid_quantity(manager, distributor, shop, milk, quantity, field):
    response = client_for(manager).post(f"{BASE}/orders/", {
        "distributor": str(distributor.pk), "point_of_sale": str(shop.pk),
        "lines": [{"product": str(milk.pk), "quantity": quantity}],
    }, format="json")
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_create_refuses_address_without_city(manager, distributor, shop):
    response = client_for(manager).post(f"{BASE}/orders/", {
        "distributor": str(distributor.pk), "point_of_sale": str(shop.pk),
        "delivery_address": {"street": "1 rue X", "city": "  "},
    }, format="json")
    assert response.status_code == 400


def test_lifecycle_through_the_api(manager, order):
    client = client_for(manager)
    url = f"{BASE}/orders/{order.pk}"
    assert client.post(f"{url}/confirm/").status_code == 200
    response = client.post(f"{url}/ship/")
    assert response.status_code == 200
    assert response.data["status"] == "in_transit"
    assert response.data["delivery_on_utc"] is not None
    response = client.post(f"{url}/deliver/")
    assert response.data["status"] == "delivered"
    assert response.data["delivered_on_utc"] is not None
    assert response.data["allowed_transitions"] == []


def test_illegal_move_is_409_with_allowed_moves(manager, order):
    response = client_for(manager).post(f"{BASE}/orders/{order.pk}/deliver/")
    assert response.status_code == 409
    assert response.data["code"] == "order_transition_not_allowed"
    assert sorted(response.data["allowed"]) == ["confirmed", "rejected"]
    assert "Confirmée, Refusée" in response.data["detail"]  # labels for people, codes in ``allowed``


def test_lines_add_and_remove_only_while_created(manager, order, butter):
    client = client_for(manager)
    response = client.post(
        f"{BASE}/orders/{order.pk}/lines/", {"product": str(butter.pk), "quantity": {"value": 1, "unit": "box"}},
        format="json",
    )
    assert response.status_code == 201
    assert response.data["price"]["amount"] == "8.10"
    butter_line = next(line for line in response.data["lines"] if line["product"] == butter.pk)
    response = client.delete(f"{BASE}/orders/{order.pk}/lines/{butter_line['id']}/")
    assert response.status_code == 200
    assert response.data["price"]["amount"] == "5.00"
    client.post(f"{BASE}/orders/{order.pk}/confirm/")
    response = client.post(
        f"{BASE}/orders/{order.pk}/lines/", {"product": str(butter.pk), "quantity": {"value": 1, "unit": "box"}},
        format="json",
    )
    assert response.status_code == 409
    assert response.data["code"] == "order_not_editable"
    line_id = order.lines.get().pk
    assert client.delete(f"{BASE}/orders/{order.pk}/lines/{line_id}/").status_code == 409


def test_orders_are_filtered(manager, order, foreign_order, distributor, other_distributor):
    client = client_for(manager)
    services.order_confirm(order=order, actor=manager)
    ids = lambda r: {row["id"] for row in r.data["results"]}  # noqa: E731
    assert ids(client.get(f"{BASE}/orders/", {"status": "confirmed"})) == {str(order.pk)}
    assert ids(client.get(f"{BASE}/orders/", {"status": ["confirmed", "created"]})) == {
        str(order.pk), str(foreign_order.pk)}
    assert ids(client.get(f"{BASE}/orders/", {"distributor": str(other_distributor.pk)})) == {str(foreign_order.pk)}
    assert ids(client.get(f"{BASE}/orders/", {"point_of_sale": str(order.point_of_sale_id)})) == {str(order.pk)}
    Order.objects.filter(pk=foreign_order.pk).update(created_on_utc="2024-03-01T10:00:00Z")
    assert ids(client.get(f"{BASE}/orders/", {"created_from": "2024-01-01T00:00:00Z",
                                              "created_to": "2024-12-31T00:00:00Z"})) == {str(foreign_order.pk)}
    assert ids(client.get(f"{BASE}/orders/", {"created_from": "2025-01-01T00:00:00Z"})) == {str(order.pk)}


# --- The distributor role: its own distributor only ---------------------------------------------


def test_distributor_user_lists_only_its_orders(member, order, foreign_order):
    response = client_for(member).get(f"{BASE}/orders/")
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [str(order.pk)]
    response = client_for(member).get(f"{BASE}/orders/", {"distributor": str(foreign_order.distributor_id)})
    assert response.status_code == 200
    assert response.data["results"] == []


@pytest.mark.parametrize(("method", "suffix"), [
    ("get", ""), ("post", "confirm/"), ("post", "reject/"), ("post", "ship/"), ("post", "deliver/"),
    ("post", "cancel/"), ("post", "lines/"),
])
def test_distributor_user_gets_404_on_another_distributors_order(member, foreign_order, milk, method, suffix):
    client = client_for(member)
    payload = {"product": str(milk.pk), "quantity": {"value": 1, "unit": "unit"}}
    response = getattr(client, method)(f"{BASE}/orders/{foreign_order.pk}/{suffix}", payload, format="json")
    # Operations its role allows: not found. Confirm/reject: refused by the role before any lookup.
    assert response.status_code == (403 if suffix in ("confirm/", "reject/") else 404)
    foreign_order.refresh_from_db()
    assert foreign_order.status == OrderStatus.CREATED
    assert foreign_order.lines.count() == 1


def test_distributor_user_cannot_remove_another_distributors_line(member, foreign_order):
    line = foreign_order.lines.get()
    response = client_for(member).delete(f"{BASE}/orders/{foreign_order.pk}/lines/{line.pk}/")
    assert response.status_code == 404
    assert foreign_order.lines.count() == 1


def test_distributor_user_creates_for_its_own_distributor(member, distributor, shop, milk):
    response = client_for(member).post(f"{BASE}/orders/", {
        "point_of_sale": str(shop.pk), "lines": [{"product": str(milk.pk), "quantity": {"value": 2, "unit": "unit"}}],
    }, format="json")
    assert response.status_code == 201, response.data
    assert response.data["distributor"] == distributor.pk


def test_distributor_user_cannot_order_for_another_distributor(member, other_distributor, other_shop, shop):
    client = client_for(member)
    response = client.post(
        f"{BASE}/orders/", {"distributor": str(other_distributor.pk), "point_of_sale": str(other_shop.pk)},
        format="json",
    )
    assert response.status_code == 404
    response = client.post(f"{BASE}/orders/", {"point_of_sale": str(other_shop.pk)}, format="json")
    assert response.status_code == 404
    assert not Order.objects.exists()


def test_distributor_user_cannot_confirm_its_own_order(member, order):
    response = client_for(member).post(f"{BASE}/orders/{order.pk}/confirm/")
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.CREATED


def test_distributor_user_ships_and_cancels_its_own_order(member, manager, order):
    services.order_confirm(order=order, actor=manager)
    client = client_for(member)
    assert client.post(f"{BASE}/orders/{order.pk}/ship/").status_code == 200
    assert client.post(f"{BASE}/orders/{order.pk}/cancel/").data["status"] == "cancelled"


def test_distributor_user_sees_only_its_distributor_and_points_of_sale(member, distributor, other_distributor, shop,
                                                                       other_shop):
    client = client_for(member)
    response = client.get(f"{BASE}/distributors/")
    assert [row["id"] for row in response.data["results"]] == [str(distributor.pk)]
    assert client.get(f"{BASE}/distributors/{other_distributor.pk}/").status_code == 404
    response = client.get(f"{BASE}/points-of-sale/")
    assert [row["id"] for row in response.data["results"]] == [str(shop.pk)]
    assert client.get(f"{BASE}/points-of-sale/{other_shop.pk}/").status_code == 404


def test_shared_point_of_sale_shows_only_the_members_distributor(member, distributor, other_distributor, shop):
    PointOfSaleDistributor.objects.create(point_of_sale=shop, distributor=other_distributor)
    response = client_for(member).get(f"{BASE}/points-of-sale/{shop.pk}/")
    assert response.data["distributors"] == [str(distributor.pk)]


def test_distributor_user_cannot_write_distributors(member, distributor):
    client = client_for(member)
    assert client.patch(f"{BASE}/distributors/{distributor.pk}/", {"name": "X"}, format="json").status_code == 403
    assert client.post(f"{BASE}/points-of-sale/", {}, format="json").status_code == 403
    assert client.get(f"{BASE}/members/").status_code == 403


def test_user_without_membership_or_role_sees_nothing(make_user, order):
    stranger = make_user("reception", "reception@distribution.test")
    assert client_for(stranger).get(f"{BASE}/orders/").status_code == 403
    assert client_for(stranger).get(f"{BASE}/orders/{order.pk}/").status_code == 403


def test_distributor_role_without_membership_sees_no_order(make_user, order):
    unlinked = make_user("distributor", "unlinked@distribution.test")
    response = client_for(unlinked).get(f"{BASE}/orders/")
    assert response.status_code == 200
    assert response.data["results"] == []
    assert client_for(unlinked).get(f"{BASE}/orders/{order.pk}/").status_code == 404


# --- Distributors, points of sale, links, members ----------------------------------------------------


def test_manager_manages_distributors_and_links(manager):
    client = client_for(manager)
    response = client.post(f"{BASE}/distributors/", {
        "name": "Este", "phone_number": "+598 2 000 0000",
        "address": {"street": "Av. 18 de Julio 1000", "city": "Montevideo", "postal_code": "11100"},
        "contact_email": "este@distribution.test",
    }, format="json")
    assert response.status_code == 201, response.data
    distributor_id = response.data["id"]
    response = client.post(f"{BASE}/points-of-sale/", {
        "name": "Kiosko", "address": {"street": "Rambla 1", "city": "Montevideo"},
    }, format="json")
    assert response.status_code == 201, response.data
    pos_id = response.data["id"]
    response = client.post(f"{BASE}/distributors/{distributor_id}/points-of-sale/", {"point_of_sale": pos_id},
                           format="json")
    assert response.status_code == 200
    assert [str(p) for p in response.data["points_of_sale"]] == [pos_id]
    response = client.delete(f"{BASE}/distributors/{distributor_id}/points-of-sale/{pos_id}/")
    assert response.status_code == 204
    assert not PointOfSaleDistributor.objects.filter(distributor_id=distributor_id).exists()


def test_distributor_address_requires_city(manager):
    response = client_for(manager).post(f"{BASE}/distributors/", {
        "name": "Oeste", "address": {"street": "Calle 1", "city": ""},
    }, format="json")
    assert response.status_code == 400


def test_distributor_with_orders_cannot_be_deleted(manager, order):
    response = client_for(manager).delete(f"{BASE}/distributors/{order.distributor_id}/")
    assert response.status_code == 409


def test_manager_links_a_user_to_a_distributor(manager, make_user, distributor):
    user = make_user("distributor", "new@distribution.test")
    response = client_for(manager).post(
        f"{BASE}/members/", {"user": str(user.pk), "distributor": str(distributor.pk)}, format="json"
    )
    assert response.status_code == 201
    assert DistributorMember.objects.get(user=user).distributor == distributor


# --- Products by external id ----------------------------------------------------------------------


def test_products_by_external_id(member, milk):
    client = client_for(member)
    response = client.get(f"{BASE}/products/by-external-id/MILK-1L/")
    assert response.status_code == 200
    assert response.data == {
        **response.data,
        "name": "Milk 1L", "external_product_id": "MILK-1L", "category": "Dairy", "price": "1.25",
        "currency": "EUR", "is_active": True,
    }
    assert client.get(f"{BASE}/products/by-external-id/NOPE/").status_code == 404
    response = client.get(f"{BASE}/products/", {"external_product_id": "MILK-1L"})
    assert [row["id"] for row in response.data["results"]] == [str(milk.pk)]


def test_products_filtered_by_category_and_active(manager, milk):
    ProductFactory(external_product_id="OFF", is_active=False)
    response = client_for(manager).get(f"{BASE}/products/", {"category": "dairy", "is_active": "false"})
    assert [row["external_product_id"] for row in response.data["results"]] == ["OFF"]


def test_products_are_read_only_here(manager, milk):
    response = client_for(manager).patch(f"{BASE}/products/{milk.pk}/", {"name": "X"}, format="json")
    assert response.status_code == 405
    milk.refresh_from_db()
    assert milk.unit_price_excl_tax == Decimal("1.25")


def test_unused_factories_build(db):
    assert DistributorFactory().points_of_sale.count() == 0
    assert PointOfSaleFactory().distributors.count() == 0


def test_patch_distributor_address_is_validated_as_a_whole(manager, distributor):
    client = client_for(manager)
    url = f"{BASE}/distributors/{distributor.pk}/"
    response = client.patch(url, {"address": {"city": "Nantes"}}, format="json")
    assert response.status_code == 400
    response = client.patch(url, {"address": {"street": "5 quai de la Fosse", "city": "Nantes"}}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["address"] == {"street": "5 quai de la Fosse", "city": "Nantes", "postal_code": ""}
    response = client.patch(url, {"name": "Norte Ouest"}, format="json")
    assert response.status_code == 200
    distributor.refresh_from_db()
    assert (distributor.name, distributor.address_city) == ("Norte Ouest", "Nantes")


# --- Portal operations (issue 27): reorder, summary PDF, invitation, the B2B catalogue -----------


def test_reorder_makes_a_new_created_order_at_todays_prices(member, order, milk):
    milk.unit_price_excl_tax = Decimal("2.00")
    milk.save()
    response = client_for(member).post(f"{BASE}/orders/{order.pk}/reorder/")
    assert response.status_code == 201, response.content
    assert response.data["status"] == "created" and response.data["id"] != str(order.pk)
    assert response.data["price"] == {"amount": "8.00", "currency": "EUR"}


def test_reorder_of_another_distributors_order_is_404(member, foreign_order):
    assert client_for(member).post(f"{BASE}/orders/{foreign_order.pk}/reorder/").status_code == 404


def test_reorder_with_nothing_left_to_order_is_422(member, order, milk):
    milk.for_distribution = False
    milk.save()
    response = client_for(member).post(f"{BASE}/orders/{order.pk}/reorder/")
    assert response.status_code == 422 and response.data["code"] == "order_nothing_to_reorder"
    assert Order.objects.count() == 1


def test_summary_pdf(member, order, foreign_order):
    response = client_for(member).get(f"{BASE}/orders/{order.pk}/summary-pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client_for(member).get(f"{BASE}/orders/{foreign_order.pk}/summary-pdf/").status_code == 404


def test_manager_invites_a_distributor_user(manager, distributor, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            f"{BASE}/members/invite/", {"distributor": str(distributor.pk), "email": "ana@norte.test"}, format="json"
        )
    assert response.status_code == 201, response.content
    member = DistributorMember.objects.get(pk=response.data["id"])
    assert member.user.email == "ana@norte.test" and member.user.role_names == ["distributor"]
    assert len(mail.outbox) == 1 and "/portal/welcome/" in mail.outbox[0].body


def test_invite_refuses_an_address_of_another_distributor(manager, other_distributor, member):
    response = client_for(manager).post(
        f"{BASE}/members/invite/", {"distributor": str(other_distributor.pk), "email": member.email}, format="json"
    )
    assert response.status_code == 409 and response.data["code"] == "member_already_linked"
    assert DistributorMember.objects.get(user=member).distributor_id != other_distributor.pk


def test_invite_is_for_managers_only(member, distributor):
    response = client_for(member).post(
        f"{BASE}/members/invite/", {"distributor": str(distributor.pk), "email": "x@norte.test"}, format="json"
    )
    assert response.status_code == 403


def test_distributor_sees_only_the_b2b_catalogue(member, manager, milk):
    ProductFactory(name="Consultation", for_distribution=False)
    names = {row["name"] for row in client_for(member).get(f"{BASE}/products/").data["results"]}
    assert names == {"Milk 1L"}
    assert "Consultation" in {row["name"] for row in client_for(manager).get(f"{BASE}/products/").data["results"]}


def test_a_product_not_for_distribution_cannot_be_ordered(member, order):
    consultation = ProductFactory(name="Consultation", for_distribution=False)
    response = client_for(member).post(
        f"{BASE}/orders/{order.pk}/lines/", {"product": str(consultation.pk), "quantity": {"value": 1, "unit": "u"}},
        format="json",
    )
    assert response.status_code == 422 and response.data["code"] == "product_not_for_distribution"
    assert order.lines.count() == 1
