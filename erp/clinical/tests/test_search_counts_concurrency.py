"""The short prefixes' kept counts (migration 0009) with a writer and a fold at once: the writer's
deltas are appended rows, so the fold neither waits on them nor loses them."""

import threading

import pytest
from django.db import connection, transaction

from erp.clinical.services import search_counts_fold
from erp.clinical.tests.test_search_terms import every_short_prefix, kept_counts

from .factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fold_during_a_write_neither_waits_nor_loses_a_patient():
    PatientFactory(first_name="Zélie", last_name="Zola", phone="06 44 00 00 00")
    written, fold_done, errors = threading.Event(), threading.Event(), []

    def create(first: str, phone: str) -> None:
        try:
            with transaction.atomic():
                PatientFactory(first_name=first, last_name="Zorn", phone=phone)
                written.set()
                # Still uncommitted: the fold must not wait on this one.
                assert fold_done.wait(10), "the fold waited on an uncommitted writer"
        except Exception as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    def fold() -> None:
        try:
            assert written.wait(10)
            search_counts_fold()
            fold_done.set()
        except Exception as error:  # noqa: BLE001
            errors.append(error)
            fold_done.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=("Zora", "06 44 00 00 01")), threading.Thread(target=fold)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    assert kept_counts() == every_short_prefix()
    assert kept_counts()[("n", "zorn")] == 1 and kept_counts()[("p", "+33644")] == 2
