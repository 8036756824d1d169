"""Patient search must stay on its indexes at scale (it is benchmarked at 200,000 patients)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from erp.clinical.models import Patient, normalize_name
from erp.clinical.selectors import order_search_results, patient_search, patient_search_page

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_search_uses_the_search_indexes_not_a_scan_of_the_name_order():
    names = [("Marie", "Dupont"), ("Иван", "Петров"), ("Արամ", "Պետրոսյան"), ("Hélène", "Lefèvre")]
    Patient.objects.bulk_create(
        (
            Patient(
                first_name=first,
                last_name=f"{last}{i}",
                full_name_normalized=normalize_name(f"{first} {last}{i}"),
                email=f"user{i}@example.com",
                phone_e164=f"+336{i:08d}",
            )
            for i in range(30_000)
            for first, last in [names[i % len(names)]]
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clinical_patient")
        cursor.execute("ANALYZE clinical_patient_search_term")
        # At this test's 30,000 rows reading the whole table is the cheapest plan (at 200,000 it is
        # not); what is checked is that every branch can use its index, never the name order.
        cursor.execute("SET LOCAL enable_seqscan = off")
    for q in ("петров1999", "user1234@", "06 00 01 23", "lef hel"):
        page = order_search_results(patient_search(Patient.objects.filter(is_merged=False), q))[:50]
        plan = plan_of(page)
        assert "Seq Scan" not in plan and "Bitmap Index Scan" in plan, plan
        assert "clinical_patient_name_idx" not in plan, plan
        if q == "06 00 01 23":
            # No word of it has a letter: a phone (or e-mail) prefix, never tested against the names.
            assert "clinical_patient_phone_idx" in plan and "name_search" not in plan, plan
        else:
            assert "clinical_patient_name_search" in plan, plan
    found = order_search_results(patient_search(Patient.objects.all(), "петров1999"))
    assert [p.last_name for p in found] == ["Петров19993", "Петров19997"]  # word-prefix match
    by_phone = patient_search(Patient.objects.all(), "06 00 01 23")
    assert sorted(p.phone_e164 for p in by_phone) == [f"+336000123{d:02d}" for d in range(100)]
    # Ranked on the search terms: ranges of their prefix index, never the patients' rows.
    for q in ("петров1999", "user1234@", "06 00 01 23", "lef", "06 00"):
        with CaptureQueriesContext(connection) as queries:
            ids, total = patient_search_page(q, contact=True, bottom=0, top=50)
        assert ids and total >= len(ids)
        ranking = [x["sql"] for x in queries.captured_queries if "clinical_patient_search_term" in x["sql"]]
        assert ranking, q
        plans = [plan_of_sql(sql) for sql in ranking]
        for plan in plans:
            assert "Seq Scan" not in plan and "clinical_patient_search_term_prefix" in plan, plan
            assert "clinical_patient " not in plan, plan  # no scan of the patients
        # A phone prefix that all 30,000 match walks the phones in name order for its page; one
        # that 100 match sorts them.
        walked = any("clinical_patient_search_term_phone_order" in plan for plan in plans)
        assert walked == (q == "06 00"), plans


def plan_of_sql(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
