import pytest

from erp.clinical.selectors import has_trigram, patient_duplicate_candidates
from erp.clinical.tests.factories import PatientFactory


@pytest.mark.django_db
def test_full_text_index_exists_and_trigram_similarity_when_the_server_has_pg_trgm():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'clinical_patient'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "clinical_patient_name_search" in indexes
    patient = PatientFactory(first_name="Hélène", last_name="Lefèvre")
    with connection.cursor() as cursor:  # the stored vector follows the name (a generated column)
        cursor.execute("SELECT name_search::text FROM clinical_patient WHERE id = %s", [patient.pk])
        assert cursor.fetchone()[0] == "'helene':1 'lefevre':2"
    if not has_trigram():
        pytest.skip("This PostgreSQL server does not offer pg_trgm; similar names use the same-birth-date fallback.")
    assert "clinical_patient_name_trgm" in indexes
    patient = PatientFactory(first_name="Alexandre", last_name="Dumas")
    similar = PatientFactory(first_name="Alexandre", last_name="Dumass")
    reasons = {c.patient.pk: c.reasons for c in patient_duplicate_candidates(patient)}
    assert reasons[similar.pk] == ["similar_name"]
