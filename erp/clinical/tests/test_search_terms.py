"""The search terms' table (migration 0006) follows the patients, and the search ranked on it
(``patient_search_page``) answers exactly what ``patient_search`` answers."""

import re

import pytest
from django.db import connection, transaction
from django.db.models import Count, Window

from erp.clinical.models import Patient, normalize_name
from erp.clinical.selectors import (
    KEPT_PREFIX_LENGTH,
    order_search_results,
    patient_search,
    patient_search_page,
)

from .factories import PatientFactory

pytestmark = pytest.mark.django_db


def terms_of(patient) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, term, sort_last, sort_first, live FROM clinical_patient_search_term WHERE patient_id = %s",
            [patient.pk],
        )
        return set(cursor.fetchall())


def all_terms() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clinical_patient_search_term")
        return cursor.fetchone()[0]


def test_a_patient_has_a_term_for_each_name_word_its_email_and_its_phone():
    patient = PatientFactory(
        first_name="Jean-Pierre", last_name="Lefèvre", email="JP@Example.com", phone="06 12 34 56 78"
    )
    key = ("lefèvre", "jean-pierre")
    assert terms_of(patient) == {
        ("n", "jean-pierre", *key, True),  # the full-text parser's words: the compound and its parts
        ("n", "jean", *key, True),
        ("n", "pierre", *key, True),
        ("n", "lefevre", *key, True),
        ("e", "jp@example.com", *key, True),
        ("p", "+33612345678", *key, True),
    }
    assert terms_of(PatientFactory(first_name="Արամ", last_name="Петров")) == {
        ("n", "արամ", "петров", "արամ", True),
        ("n", "петров", "петров", "արամ", True),
    }


def test_each_term_says_how_much_it_shares_with_the_patients_name_words_before_it():
    """A name word: its common prefix with the patient's previous word in byte order; an e-mail:
    with the closest name word; a phone: nothing (migration 0008)."""
    patient = PatientFactory(
        first_name="Jean-Pierre", last_name="Jeanneau", email="jeanne.p@example.com", phone="06 12 34 56 78"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, term, shared_prefix FROM clinical_patient_search_term WHERE patient_id = %s", [patient.pk]
        )
        assert set(cursor.fetchall()) == {
            ("n", "jean", 0),
            ("n", "jean-pierre", 4),
            ("n", "jeanneau", 4),  # "jean-pierre" < "jeanneau": "-" comes before "n"
            ("n", "pierre", 0),
            ("e", "jeanne.p@example.com", 6),  # "jeanne" with "jeanneau"
            ("p", "+33612345678", 0),
        }


def test_the_terms_follow_every_change_and_only_changes_rewrite_them(admin_user):
    patient = PatientFactory(first_name="Marie", last_name="Dupont", email="marie@example.com")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(xmin::text) FROM clinical_patient_search_term WHERE patient_id = %s", [patient.pk])
        written = cursor.fetchone()[0]
    with transaction.atomic():  # another transaction id than the insert's
        patient.notes = "Allergic to latex"
        patient.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(xmin::text) FROM clinical_patient_search_term WHERE patient_id = %s", [patient.pk])
        assert cursor.fetchone()[0] == written  # nothing searched changed: the rows stay

    patient.last_name, patient.email, patient.phone = "Durand", None, "+44 20 7946 0958"
    patient.save()
    assert terms_of(patient) == {
        ("n", "marie", "durand", "marie", True),
        ("n", "durand", "durand", "marie", True),
        ("p", "+442079460958", "durand", "marie", True),
    }
    patient.delete(actor=admin_user)
    assert {live for *_, live in terms_of(patient)} == {False}
    Patient.all_objects.filter(pk=patient.pk).update(is_deleted=False)  # a bulk update too
    assert {live for *_, live in terms_of(patient)} == {True}
    survivor = PatientFactory()
    Patient.all_objects.filter(pk=patient.pk).update(is_merged=True, merged_into_patient=survivor)
    assert {live for *_, live in terms_of(patient)} == {False}
    with connection.cursor() as cursor:  # a hard delete (the models only ever soft-delete)
        cursor.execute("DELETE FROM clinical_patient WHERE id = %s", [patient.pk])
    assert terms_of(patient) == set()


def test_a_bulk_insert_writes_every_patients_terms_and_truncate_empties_them():
    before = all_terms()
    Patient.objects.bulk_create(
        Patient(first_name="Anna", last_name=f"Bulk{i}", full_name_normalized=f"anna bulk{i}") for i in range(20)
    )
    assert all_terms() == before + 40
    assert kept_counts()[("n", "anna")] == 20 == kept_counts()[("n", "bulk")]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL session_replication_role = replica")  # how the test suite flushes
        cursor.execute("TRUNCATE clinical_patient CASCADE")
        cursor.execute("SET LOCAL session_replication_role = origin")
    assert all_terms() == 0
    assert kept_counts() == {}


def window_ranked(q: str, *, contact: bool, bottom: int, top: int):
    """What the API ranks for a search it does not rank on the terms (the reference)."""
    searched = order_search_results(patient_search(Patient.objects.filter(is_merged=False), q, contact=contact))
    ranked = list(searched.annotate(matching=Window(Count("pk"))).values_list("pk", "matching")[bottom:top])
    return [pk for pk, _ in ranked], (ranked[0][1] if ranked else None)


@pytest.fixture
def crowd(admin_user):
    people = [
        ("Marie", "Martin", "marie.martin@example.com", "06 10 00 00 01"),
        ("Marc", "Marchand", "marc@example.com", "06 10 00 00 02"),  # two words matching "mar"
        ("Mara", "Marb", "0610@example.com", "06 10 00 00 03"),  # e-mail and phone matching "0610"
        ("Jean-Marie", "Dupont", "jm@example.com", "06 20 00 00 01"),
        ("Hélène", "Lefèvre", "helene@example.com", "+44 20 7946 0958"),
        ("Иван", "Петров", "ivan@example.ru", "+7 912 345 67 89"),
        ("Արամ", "Պետրոսյան", "aram@example.am", "+374 10 123456"),
        ("Anne_Sophie", "Mar%tin", "a_s@example.com", None),  # LIKE's wildcards are plain letters
        ("Zoé", "martin", None, "06 10 00 00 04"),  # the order ignores case
        ("Ab123x", "Ab123y", None, None),  # "ab123": two name words and a phone prefix (+123)
        ("Léa", "Lemaire", "léa.lemaire@example.com", None),  # "léa": the e-mail cannot tell the name found her
        ("Léandre", "Marlow", "leandre@example.com", None),  # "lea": the e-mail shares more than the word
    ]
    made = [PatientFactory(first_name=f, last_name=last, email=email, phone=phone) for f, last, email, phone in people]
    for n in range(130):  # more duplicates than a page: the page is read again longer
        PatientFactory(first_name=f"Marion{n:03d}", last_name=f"Marais{n % 7}", phone=f"06 30 00 {n:04d}")
    merged = PatientFactory(first_name="Marine", last_name="Martin")
    merged.is_merged, merged.merged_into_patient = True, made[0]
    merged.save()
    PatientFactory(first_name="Marthe", last_name="Martin").delete(actor=admin_user)
    return made


QUERIES = [
    "mar", "MAR", "ma", "m", "marie", "jean", "pierre", "dupont", "hele", "HÉLÈNE", "иван", "петр", "Արամ", "պետ",
    "0610", "06 10", "06 10 00 00 0", "+33 6 10", "0033610", "+44 20", "+3741", "0610@", "jm@",
    "mar%", "mar_", "anne_", "\\", "%", "_", "zzz", "06", "marion12", "marais3",
    "06 30", "0630 00", "06 30 00 01",  # 130, 130 and 30 of the crowd's 142 patients: phones walked
    "ab123", "ab12", "mar0610",
    "marie.", "marc@", "léa", "Léa", "lea", "lea.", "leandre@", "le",  # name words and e-mails of the same patients
]  # fmt: skip


@pytest.mark.parametrize("contact", [True, False])
def test_the_ranked_search_answers_what_the_search_answers(crowd, contact):
    compared = 0
    for q in QUERIES:
        for bottom, top in [(0, 50), (50, 100), (100, 150), (0, 3), (3, 6), (0, 200)]:
            ranked = patient_search_page(q, contact=contact, bottom=bottom, top=top)
            assert ranked is not None, q
            keys, total = window_ranked(q, contact=contact, bottom=bottom, top=top)
            assert ranked[0] == keys, (q, bottom, top)
            if keys:
                assert ranked[1] == total, (q, bottom, top)
            compared += len(keys)
    assert compared > 1000  # the crowd makes long pages, not only empty ones


def test_several_name_words_are_left_to_the_full_text_index(crowd):
    assert patient_search_page("marie martin", contact=True, bottom=0, top=50) is None
    assert patient_search_page("marie.d", contact=True, bottom=0, top=50) is None  # "marie" and "d"
    assert patient_search_page("", contact=True, bottom=0, top=50) is None
    assert window_ranked("martin marie", contact=True, bottom=0, top=50)[1] == 1


def test_a_word_that_starts_another_word_of_the_search_asks_nothing_more(crowd):
    """A search's name words each start some word of the name (the same one may serve two): the
    reference below is that rule in Python, over every live patient's name words."""
    live = Patient.objects.filter(is_merged=False)
    name_words = {p.pk: re.split(r"[\W_]+", normalize_name(f"{p.first_name} {p.last_name}")) for p in live}

    def by_rule(q: str) -> set:
        asked = [w for w in re.split(r"[\W_]+", normalize_name(q)) if w]
        return {pk for pk, words in name_words.items() if all(any(w.startswith(a) for w in words) for a in asked)}

    for q in ["Mar Ma", "ma MAR", "marie ma", "mar mar", "m marais3", "ma du", "mar tin", "jean marie"]:
        found = set(patient_search(live, q, contact=False).values_list("pk", flat=True))
        assert found == by_rule(q) and found, q
    # Reduced to one word, such a search is ranked on the terms, as that word alone would be.
    assert (
        patient_search_page("Mar Ma", contact=True, bottom=0, top=50)
        == patient_search_page("mar", contact=True, bottom=0, top=50)
        != ([], 0)
    )
    assert patient_search_page("ma du", contact=True, bottom=0, top=50) is None  # two words: the full-text index


def range_count(kind: str, prefix: str) -> int:
    """The live patients a prefix finds, counted over the terms (what the kept count keeps)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM clinical_patient_search_term"
            " WHERE live AND kind = %s AND left(term, %s) = %s AND shared_prefix < %s",
            [kind, len(prefix), prefix, len(prefix)],
        )
        return cursor.fetchone()[0]


def kept_counts() -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, prefix, sum(patients) FROM clinical_patient_search_count"
            " GROUP BY 1, 2 HAVING sum(patients) <> 0"
        )
        return {(kind, prefix): total for kind, prefix, total in cursor.fetchall()}


def every_short_prefix() -> dict[tuple[str, str], int]:
    """What the kept counts must be: every prefix of up to the kept length of every live term."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT kind, term FROM clinical_patient_search_term WHERE live")
        prefixes = {
            (kind, term[:n]) for kind, term in cursor.fetchall() for n in range(1, KEPT_PREFIX_LENGTH[kind] + 1)
        }
    return {key: count for key in sorted(prefixes) if (count := range_count(*key))}


def test_the_short_prefixes_counts_follow_every_change_and_survive_a_fold(crowd, admin_user):
    from erp.clinical.services import patient_merge, search_counts_fold

    assert kept_counts() == every_short_prefix()
    marie, marc = crowd[0], crowd[1]
    marc.first_name, marc.email = "Luc", "luc@example.com"
    marc.save()
    crowd[3].delete(actor=admin_user)
    patient_merge(survivor=marie, merged=crowd[8], reason="same person", actor=admin_user)
    PatientFactory(first_name="Marie", last_name="Marais", email="marie.marais@example.com", phone="06 10 99 99 99")
    expected = every_short_prefix()
    assert kept_counts() == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM clinical_patient_search_count")
        deltas = cursor.fetchone()[0]
    assert search_counts_fold() < deltas
    assert kept_counts() == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) = count(DISTINCT (kind, prefix)) FROM clinical_patient_search_count")
        assert cursor.fetchone()[0]  # one row a prefix


def test_a_short_prefix_is_counted_from_the_kept_counts_and_a_longer_one_over_the_terms(crowd):
    from django.test.utils import CaptureQueriesContext

    def counted_from_kept(q: str) -> bool:
        with CaptureQueriesContext(connection) as queries:
            patient_search_page(q, contact=True, bottom=0, top=50)
        return any("clinical_patient_search_count" in x["sql"] for x in queries.captured_queries)

    assert counted_from_kept("mar") and counted_from_kept("06 10") and counted_from_kept("marie")
    assert not counted_from_kept("marion") and not counted_from_kept("06 10 00 00 0")
