"""Transliterated patient search: ``name_transliterated`` keeps the Latin form of a name written in
another script (``Иванова`` -> ``ivanova``, ``Հակոբյան`` -> ``hakobyan``), filled here for the
patients already there, and the stored full-text vector ``name_search`` (0005) now holds both forms,
so "Ivanova" finds "Иванова" and "Петров" (searched as ``петров | petrov``) finds "Petrov" with the
same GIN index, in one query.

A generated column's expression cannot be altered: the column and its index are built again
(PostgreSQL computes it once per row, as 0005 did).
"""

from django.db import migrations, models

from erp.core.migration_ops import postgresql_only

NAME_SEARCH_WITH_LATIN = """
DROP INDEX IF EXISTS clinical_patient_name_search;
ALTER TABLE clinical_patient DROP COLUMN IF EXISTS name_search;
ALTER TABLE clinical_patient ADD COLUMN name_search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig,
        coalesce(full_name_normalized, '') || ' ' || coalesce(name_transliterated, ''))) STORED;
CREATE INDEX clinical_patient_name_search ON clinical_patient USING gin (name_search);
"""
NAME_SEARCH_ALONE = """
DROP INDEX IF EXISTS clinical_patient_name_search;
ALTER TABLE clinical_patient DROP COLUMN IF EXISTS name_search;
ALTER TABLE clinical_patient ADD COLUMN name_search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(full_name_normalized, ''))) STORED;
CREATE INDEX clinical_patient_name_search ON clinical_patient USING gin (name_search);
"""
BATCH = 2000


def backfill(apps, schema_editor):
    """The Latin form of every name with a letter outside ASCII (the others need none)."""
    from erp.clinical.models import latin_form

    Patient = apps.get_model("clinical", "Patient")
    rows = Patient._base_manager.filter(full_name_normalized__regex=r"[^\x01-\x7f]").only("pk", "full_name_normalized")
    batch = []
    for patient in rows.iterator(chunk_size=BATCH):
        patient.name_transliterated = latin_form(patient.full_name_normalized)
        if patient.name_transliterated:
            batch.append(patient)
        if len(batch) >= BATCH:
            Patient._base_manager.bulk_update(batch, ["name_transliterated"])
            batch = []
    if batch:
        Patient._base_manager.bulk_update(batch, ["name_transliterated"])


class Migration(migrations.Migration):
    dependencies = [("clinical", "0014_agenda_appointment_encounter_type")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="name_transliterated",
            field=models.CharField(
                blank=True, editable=False, max_length=400, null=True, verbose_name="name in Latin letters"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        postgresql_only(NAME_SEARCH_WITH_LATIN, NAME_SEARCH_ALONE),
    ]
