"""The kept numbers of live patients and sales (erp/core/counts.py) are always the real ones, and
the lists read them instead of counting the table."""

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp.clinical import services as clinical
from erp.clinical.models import Patient
from erp.clinical.tests.factories import PatientFactory
from erp.commerce import billing
from erp.commerce.models import Sale
from erp.core.counts import exact_count, kept_count
from erp.core.models import User

pytestmark = pytest.mark.django_db


def live_patients() -> int:
    return Patient.objects.filter(is_merged=False).count()


def kept_patients():
    return kept_count(Patient.objects.filter(is_merged=False))


@pytest.fixture
def admin():
    return User.objects.create_superuser("counts@clinic.test", password=None)


def test_every_way_a_patient_comes_or_goes_keeps_the_number_right(admin):
    start = kept_patients()
    assert start == live_patients()
    first, second, third, *_ = PatientFactory.create_batch(6)
    Patient.objects.bulk_create([Patient(first_name=f"B{n}", last_name="Bulk") for n in range(4)])
    assert kept_patients() == live_patients() == start + 10
    clinical.patient_merge(survivor=first, merged=second, reason="same person", actor=admin)
    assert kept_patients() == live_patients() == start + 9
    clinical.patient_delete(patient=third, actor=admin)
    assert kept_patients() == live_patients() == start + 8
    Patient.objects.filter(last_name="Bulk").update(is_deleted=True)  # a queryset soft delete
    assert kept_patients() == live_patients() == start + 4
    Patient.all_objects.filter(last_name="Bulk").update(is_deleted=False)
    Patient.objects.filter(first_name="B0").update(last_name="Renamed")  # a change that moves nothing
    assert kept_patients() == live_patients() == start + 8
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM clinical_patient WHERE last_name = 'Bulk'")  # plain SQL, 3 rows
    assert kept_patients() == live_patients() == start + 5


def test_a_rolled_back_write_leaves_the_number_as_it_was():
    before = kept_patients()
    with pytest.raises(RuntimeError), transaction.atomic():
        PatientFactory.create_batch(3)
        assert kept_patients() == before + 3  # the writer sees its own rows counted
        raise RuntimeError
    assert kept_patients() == live_patients() == before


def test_truncate_resets_the_number_even_in_replica_mode():
    PatientFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred foreign-key check pending
        cursor.execute("SET LOCAL session_replication_role = replica")  # how the test suite flushes
        cursor.execute("TRUNCATE clinical_patient CASCADE")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert kept_patients() == 0
    PatientFactory()
    assert kept_patients() == live_patients() == 1


def test_sales_are_counted_and_deleted_drafts_leave_the_count(admin):
    before = kept_count(Sale.objects.all())
    assert before == Sale.objects.count()
    sales = [billing.sale_create(sold_to_name=f"Client {n}", actor=admin) for n in range(3)]
    sales[0].delete(actor=admin)
    assert kept_count(Sale.objects.all()) == Sale.objects.count() == before + 2


def test_only_the_whole_live_list_reads_the_kept_number():
    PatientFactory.create_batch(3, last_name="Martin")
    PatientFactory.create_batch(2, last_name="Petit")
    assert kept_count(Patient.objects.filter(last_name="Martin")) is None  # a caller's filter
    assert kept_count(Patient.all_objects.all()) is None  # deleted rows too
    assert kept_count(Patient.objects.all()) is None  # merged ones too
    assert exact_count(Patient.objects.filter(last_name="Martin")) == 3
    assert exact_count(Patient.objects.filter(is_merged=False).select_related("referral_source")) == live_patients()


@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_are_all_counted():
    before = kept_patients()
    errors = []

    def create(n):
        try:
            with transaction.atomic():
                for k in range(5):
                    Patient.objects.create(first_name=f"T{n}-{k}", last_name="Thread")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert kept_patients() == live_patients() == before + 40


def test_the_patient_list_reads_the_kept_number_and_a_search_counts_with_its_page(admin):
    PatientFactory.create_batch(7, last_name="Martin")
    PatientFactory.create_batch(3, last_name="Petit")
    api = APIClient()
    api.force_authenticate(admin)
    with CaptureQueriesContext(connection) as captured:
        listed = api.get("/api/v1/patients/", {"page_size": 4}).json()
    assert listed["count"] == live_patients() and len(listed["results"]) == 4 and listed["next"]
    sql = [q["sql"] for q in captured]
    assert not any("COUNT(" in q and "clinical_patient" in q for q in sql), sql
    assert any("core_rowcount" in q for q in sql)

    with CaptureQueriesContext(connection) as captured:
        found = api.get("/api/v1/patients/", {"q": "mart", "page_size": 4}).json()
    assert found["count"] == 7 and len(found["results"]) == 4 and found["next"]
    # A plain search: keys and total from the search terms (one query), then the page's rows by key.
    ranking = [q["sql"] for q in captured if "clinical_patient_search_term" in q["sql"]]
    (rows,) = [q["sql"] for q in captured if 'FROM "clinical_patient"' in q["sql"]]
    assert len(ranking) == 1 and "OVER ()" not in rows and '"clinical_patient"."id" IN (' in rows, rows

    with CaptureQueriesContext(connection) as captured:
        filtered = api.get("/api/v1/patients/", {"q": "mart", "page_size": 4, "include_merged": "false"}).json()
    assert (filtered["count"], filtered["results"]) == (found["count"], found["results"])
    patient_queries = [q["sql"] for q in captured if 'FROM "clinical_patient"' in q["sql"]]
    # Any other search: the ranking query reads the keys and the total only (no window over whole
    # rows), then the page's rows by key: no COUNT query of its own.
    ranking, rows = patient_queries
    assert "OVER ()" in ranking and ranking.split(" FROM ")[0].count('"clinical_patient".') == 2, ranking
    assert "OVER ()" not in rows and '"clinical_patient"."id" IN (' in rows, rows
    second = api.get("/api/v1/patients/", {"q": "mart", "page_size": 4, "page": 2}).json()
    assert second["count"] == 7 and len(second["results"]) == 3 and second["next"] is None
    assert api.get("/api/v1/patients/", {"q": "mart", "page_size": 4, "page": 3}).status_code == 404
    assert api.get("/api/v1/patients/", {"q": "mart", "page": 0}).status_code == 404
    assert api.get("/api/v1/patients/", {"q": "zzz"}).json() == {
        "count": 0, "next": None, "previous": None, "results": []
    }  # fmt: skip
