"""Patient search: one query on the patients' indexes finds the first ``MAX_COUNT + 1`` patients
(``selectors.first_found``), sorted and paged without asking the database again, and every list's
count capped at ``MAX_COUNT`` (``erp.core.api.pagination``), in the API, the admin's list and its
chooser alike."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp.clinical.models import Patient, normalize_name
from erp.clinical.selectors import first_found, patient_search
from erp.clinical.tests.factories import PatientFactory
from erp.core.api.pagination import MAX_COUNT
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CROWD = MAX_COUNT + 100


def bulk_patients(count: int, *, first: str = "Léa", last: str = "Marchal", phone_from: int = 0) -> None:
    Patient.objects.bulk_create(
        (
            Patient(
                first_name=f"{first}{n:04d}",
                last_name=f"{last}{n % 13}",
                full_name_normalized=normalize_name(f"{first}{n:04d} {last}{n % 13}"),
                phone_e164=f"+336{phone_from + n:08d}",
                country_code="FR",
            )
            for n in range(count)
        ),
        batch_size=2000,
    )


def api_for(role: str | None = None, **fields) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(role=role, **fields))
    return client


def name_key(row: dict) -> tuple:
    return row["last_name"].lower(), row["first_name"].lower(), row["id"]


def test_a_search_past_the_cap_lists_its_first_patients_found_in_name_order_and_says_so():
    bulk_patients(CROWD)
    PatientFactory(first_name="Paul", last_name="Other")
    api = api_for("reception")
    rows, page = [], 1
    while True:
        body = api.get("/api/v1/patients/", {"q": "marc", "page_size": 200, "page": page}).json()
        assert (body["count"], body["count_capped"]) == (MAX_COUNT, True)
        rows += body["results"]
        if not body["next"]:
            break
        page += 1
    assert len(rows) == len({row["id"] for row in rows}) == MAX_COUNT + 1
    assert all(row["last_name"].startswith("Marchal") for row in rows)
    by_page = [rows[n : n + 200] for n in range(0, len(rows), 200)]
    assert all(chunk == sorted(chunk, key=name_key) for chunk in by_page)  # each page in name order
    assert rows == sorted(rows, key=name_key)  # and the pages follow each other
    assert api.get("/api/v1/patients/", {"q": "marc", "page_size": 200, "page": page + 1}).status_code == 404
    # Another order is of the same patients found.
    newest = api.get("/api/v1/patients/", {"q": "marc", "page_size": 200, "ordering": "-first_name"}).json()
    assert newest["count_capped"] and [r["first_name"] for r in newest["results"]] == sorted(
        (r["first_name"] for r in rows), reverse=True
    )[:200]


def test_a_list_past_the_cap_counts_as_far_as_the_page_asked_so_next_is_always_right():
    bulk_patients(CROWD)
    api = api_for("reception")

    def page(number: int) -> tuple:
        body = api.get("/api/v1/patients/", {"page_size": 200, "page": number}).json()
        return body["count"], body["count_capped"], len(body["results"]), bool(body["next"])

    assert page(1) == (MAX_COUNT, True, 200, True)
    assert page(5) == (MAX_COUNT, True, 200, True)
    assert page(6) == (MAX_COUNT, True, CROWD - MAX_COUNT, False)
    assert api.get("/api/v1/patients/", {"page": "last"}).status_code == 404  # no last page to jump to


def test_a_narrow_search_has_its_exact_count():
    PatientFactory.create_batch(3, last_name="Martin")
    PatientFactory(last_name="Petit")
    body = api_for("reception").get("/api/v1/patients/", {"q": "mart"}).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, False, 3)


@pytest.mark.parametrize("url", ["/api/v1/patients/", "/api/v1/sales/"])
def test_a_list_counts_one_row_past_the_cap_at_most(url):
    PatientFactory.create_batch(3, last_name="Martin")
    api = api_for(is_superuser=True)
    with CaptureQueriesContext(connection) as captured:
        body = api.get(url).json()
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and f"LIMIT {MAX_COUNT + 1}" in counts[0], counts
    assert counts[0].upper().count("SELECT") == 2, counts  # keys only: no annotation is read to count
    assert body["count_capped"] is False


def test_a_search_reads_the_patients_once_to_find_them_and_once_for_its_page():
    bulk_patients(CROWD)
    api = api_for(is_superuser=True)
    with CaptureQueriesContext(connection) as captured:
        body = api.get("/api/v1/patients/", {"q": "marc", "page": 2}).json()
    reads = [q["sql"] for q in captured if 'FROM "clinical_patient"' in q["sql"]]
    assert len(reads) == 2, reads
    assert f"LIMIT {MAX_COUNT + 1}" in reads[0] and "ORDER BY" not in reads[0]  # the first found, unsorted
    assert "COUNT(" not in " ".join(reads).upper()  # counted as they were found
    assert (body["count"], body["count_capped"], len(body["results"])) == (MAX_COUNT, True, 50)


def test_a_search_in_another_order_is_in_the_database_order_of_the_patients_found():
    for n in range(30):
        PatientFactory(
            first_name=("Zoé", "anne", "Bruno")[n % 3],
            last_name=("martin", "Martel", "MARCHAL")[n % 4 % 3],
            birth_date=None if n % 5 == 0 else date(1980 + n % 7, 1 + n % 12, 1),
        )
    found = patient_search(Patient.objects.filter(is_merged=False), "mar")
    for ordering in (["-birth_date"], ["birth_date", "-first_name"], ["last_name", "-id"]):
        ordered = found.order_by(*ordering, "id")
        expected = list(ordered.values_list("pk", flat=True))
        assert [p.pk for p in first_found(ordered, by_name=False)[:50]] == expected, ordering
    by_name = sorted(found, key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk))
    assert first_found(found)[:50] == by_name
    assert first_found(found)[0] == by_name[0] and first_found(found)[-1] == by_name[-1]


def test_the_admin_list_and_chooser_say_more_than_the_cap():
    bulk_patients(CROWD)
    client = Client()
    client.force_login(UserFactory(role="reception", email="desk@search.example"))
    listing = client.get("/admin/clinical/patients/", {"q": "marc"})
    html = listing.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    paginator = listing.context["paginator"]
    assert (paginator.shown_count, paginator.count_capped) == (MAX_COUNT, True)
    assert "Plus de 1 000 résultats" in html and "Plus de 1 000 patients" in html
    shown = [p.last_name.lower() for p in listing.context["object_list"]]
    assert shown == sorted(shown) and len(shown) == 20
    chooser = client.get("/admin/clinical/patient-chooser/results/", {"q": "marc"})
    assert "Plus de 1 000 résultats" in chooser.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    narrow = client.get("/admin/clinical/patients/", {"q": "léa0007"})
    assert narrow.context["paginator"].count == 1 and "Plus de" not in narrow.content.decode()


def test_a_word_that_starts_another_word_of_the_search_asks_nothing_more():
    """A search's name words each start some word of the name (the same one may serve two): the
    reference below is that rule in Python, over every patient's name words."""
    for first, last in [
        ("Marie", "Martin"), ("Marc", "Marchand"), ("Jean-Marie", "Dupont"), ("Marion", "Marais3"),
        ("Anne_Sophie", "Mar%tin"),  # "_" and "%" part words, as PostgreSQL's parser does
    ]:  # fmt: skip
        PatientFactory(first_name=first, last_name=last)
    live = Patient.objects.filter(is_merged=False)
    name_words = {p.pk: re.split(r"[\W_]+", normalize_name(f"{p.first_name} {p.last_name}")) for p in live}

    def by_rule(q: str) -> set:
        asked = [w for w in re.split(r"[\W_]+", normalize_name(q)) if w]
        return {pk for pk, words in name_words.items() if all(any(w.startswith(a) for w in words) for a in asked)}

    for q in ["Mar Ma", "ma MAR", "marie ma", "mar mar", "m marais3", "ma du", "mar tin", "jean marie"]:
        found = set(patient_search(live, q, contact=False).values_list("pk", flat=True))
        assert found == by_rule(q) and found, q


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_search_is_one_query_on_the_name_gin_index_and_the_contact_b_trees():
    bulk_patients(5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clinical_patient")
        # At this test's size reading the whole table (or the whole of any index) is the cheapest
        # plan; what is checked is that every branch can use its index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    live = Patient.objects.filter(is_merged=False)
    for q, index in [("marchal1", "clinical_patient_name_search"), ("06 00 00 12", "clinical_patient_phone_idx")]:
        plan = plan_of(patient_search(live, q).values_list("pk")[: MAX_COUNT + 1])  # what first_found reads
        assert "Seq Scan" not in plan and index in plan, plan
    phone_only = plan_of(patient_search(live, "06 00 00 12"))
    assert "name_search" not in phone_only, phone_only  # no letter: never tested against the names
