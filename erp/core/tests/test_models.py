import threading

import pytest
from django.db import connection

from erp.core.exceptions import ConcurrencyConflict
from erp.core.models import AppSettings
from erp.core.tests.factories import UserFactory
from erp.testing.models import Specimen


@pytest.mark.django_db
def test_soft_delete_hides_the_row_and_keeps_it_with_the_actor():
    actor = UserFactory()
    specimen = Specimen.objects.create(name="kept")
    specimen.delete(actor=actor)

    assert not Specimen.objects.filter(pk=specimen.pk).exists()
    kept = Specimen.all_objects.get(pk=specimen.pk)
    assert kept.is_deleted and kept.deleted_at is not None and kept.deleted_by == actor


@pytest.mark.django_db
def test_queryset_delete_is_soft_too():
    Specimen.objects.create(name="a")
    Specimen.objects.create(name="b")
    Specimen.objects.all().delete()
    assert Specimen.objects.count() == 0
    assert Specimen.all_objects.count() == 2


@pytest.mark.django_db
def test_every_save_increments_row_version():
    specimen = Specimen.objects.create(name="v")
    assert specimen.row_version == 1
    specimen.name = "v2"
    specimen.save()
    specimen.save()
    specimen.refresh_from_db()
    assert specimen.row_version == 3


@pytest.mark.django_db
def test_saving_a_stale_copy_conflicts_instead_of_overwriting():
    specimen = Specimen.objects.create(name="original")
    first, second = Specimen.objects.get(pk=specimen.pk), Specimen.objects.get(pk=specimen.pk)
    first.name = "first writer"
    first.save()
    second.name = "second writer"
    with pytest.raises(ConcurrencyConflict):
        second.save()
    specimen.refresh_from_db()
    assert specimen.name == "first writer"
    assert specimen.row_version == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_the_same_version_let_exactly_one_win():
    specimen = Specimen.objects.create(name="race")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def writer(n: int) -> None:
        try:
            copy = Specimen.objects.get(pk=specimen.pk)
            copy.name = f"writer {n}"
            barrier.wait()
            copy.save()
            outcomes.append("saved")
        except ConcurrencyConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "saved"]
    specimen.refresh_from_db()
    assert specimen.row_version == 2


@pytest.mark.django_db
def test_app_settings_is_a_single_row_enforced_by_the_database():
    from django.db import IntegrityError, transaction

    AppSettings.load()
    with pytest.raises(IntegrityError), transaction.atomic():
        AppSettings.objects.create(singleton=True)
    assert AppSettings.objects.count() == 1
    assert AppSettings.load().default_country_code == "FR"
