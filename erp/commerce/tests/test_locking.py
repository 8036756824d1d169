"""The one locking helper (erp.core.locking): a row another transaction holds makes a request fail
after ``DATABASE_LOCK_TIMEOUT`` with 409 ``record_busy`` and nothing written; rows lock in key order."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp.commerce.inventory import services
from erp.commerce.models import PurchaseOrder, Supplier
from erp.commerce.tests.factories import SupplierFactory
from erp.core.exceptions import RecordBusy
from erp.core.locking import advisory_xact_lock, lock_rows
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def held_elsewhere(lock):
    """Run ``lock()`` in another thread's transaction and hold it until the block ends."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                lock()
                taken.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert taken.wait(30)
        yield
    finally:
        release.set()
        thread.join()


def short_lock_timeout():
    """This connection waits 0.2 s for a lock instead of the configured seconds."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")


def _order(buyer, location):
    return services.purchase_order_create(supplier=SupplierFactory(), location=location, actor=buyer)


def test_a_held_row_makes_the_service_fail_after_the_timeout_and_nothing_is_written(buyer, location):
    short_lock_timeout()
    order = _order(buyer, location)
    audits = AuditLog.objects.count()

    holder = held_elsewhere(lambda: PurchaseOrder.objects.select_for_update().get(pk=order.pk))
    with holder, pytest.raises(RecordBusy) as refused:
        services.purchase_order_update(purchase_order=order, changes={"notes": "Livraison matin"}, actor=buyer)

    assert refused.value.code == "record_busy" and refused.value.status_code == 409
    order.refresh_from_db()
    assert not order.notes and AuditLog.objects.count() == audits
    # Once the other transaction ends the same call goes through.
    services.purchase_order_update(purchase_order=order, changes={"notes": "Livraison matin"}, actor=buyer)
    order.refresh_from_db()
    assert order.notes == "Livraison matin"


def test_a_held_row_answers_409_record_busy_through_the_api(buyer, location):
    short_lock_timeout()
    order = _order(buyer, location)
    client = APIClient()
    client.force_authenticate(buyer)

    with held_elsewhere(lambda: PurchaseOrder.objects.select_for_update().get(pk=order.pk)):
        response = client.patch(f"/api/v1/purchase-orders/{order.pk}/", {"notes": "Livraison matin"})

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "record_busy"
    order.refresh_from_db()
    assert not order.notes


def test_a_held_advisory_lock_times_out_the_same_way():
    short_lock_timeout()
    holder = held_elsewhere(lambda: advisory_xact_lock(4242, "someone"))
    with holder, pytest.raises(RecordBusy), transaction.atomic():
        advisory_xact_lock(4242, "someone")


def test_rows_lock_in_primary_key_order_whatever_the_queryset_order(db):
    suppliers = sorted((SupplierFactory() for _ in range(3)), key=lambda supplier: supplier.pk)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = lock_rows(Supplier.objects.filter(pk__in=[s.pk for s in suppliers]).order_by("-pk"))
    assert [s.pk for s in locked] == [s.pk for s in suppliers]
    [select] = [query["sql"] for query in queries.captured_queries if "FOR UPDATE" in query["sql"]]
    assert select.index("ORDER BY") < select.index("FOR UPDATE") and '"id" ASC' in select


def test_every_connection_waits_at_most_the_configured_lock_timeout(settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'lock_timeout'")  # milliseconds
        assert int(cursor.fetchone()[0]) == round(settings.DATABASE_LOCK_TIMEOUT * 1000) > 0
