"""PostgreSQL only: ``clinical_patient_search_term``, what a patient search matches, kept by triggers.

One row per searched term of a patient: each word of the normalized name (the lexemes of
``name_search``), the e-mail and the E.164 phone, with the patient's sort key (``lower`` of the
last and first names, the search's order) and whether the patient is live. Its index is read
alone: a search's matches and their sort keys come from an index-only scan, not from the patients'
rows spread over thousands of pages (a common prefix matches 25,000 patients).

``erp.clinical.selectors.patient_search_page`` ranks the plain search of live patients on it;
``patient_search`` (the rule, on the patients' own columns) stays what every other search uses.
A test checks that the two agree.

Statement-level triggers (transition tables, so a bulk insert or COPY costs one set-based insert)
keep the rows in the same transaction as the patients; an UPDATE rewrites only the patients whose
name, e-mail, phone or liveness changed; TRUNCATE empties it. They fire ``ALWAYS`` (also under
``session_replication_role = replica``, how the test suite flushes).
"""

from django.db import migrations

from erp.core.migration_ops import postgresql_only

TERMS = "clinical_patient_search_term"

# The rows of the patients of ``{source}`` (an alias ``p`` over clinical_patient rows).
INSERT_TERMS = f"""
INSERT INTO {TERMS} (patient_id, kind, term, sort_last, sort_first, live)
SELECT p.id, t.kind, t.term, lower(p.last_name), lower(p.first_name), NOT p.is_deleted AND NOT p.is_merged
FROM {{source}} CROSS JOIN LATERAL (
    SELECT 'n'::"char", lexeme FROM unnest(to_tsvector('simple'::regconfig, coalesce(p.full_name_normalized, '')))
    UNION ALL SELECT 'e'::"char", p.email WHERE p.email IS NOT NULL
    UNION ALL SELECT 'p'::"char", p.phone_e164 WHERE p.phone_e164 IS NOT NULL
) AS t (kind, term)"""  # noqa: S608

CHANGED = """(o.full_name_normalized, o.email, o.phone_e164, o.last_name, o.first_name, o.is_deleted, o.is_merged)
    IS DISTINCT FROM
    (p.full_name_normalized, p.email, p.phone_e164, p.last_name, p.first_name, p.is_deleted, p.is_merged)"""


def sync_function(insert_terms: str, *, replace: bool = False) -> str:
    """The trigger function writing the terms with ``insert_terms`` (a ``{source}`` template)."""
    return f"""
CREATE {'OR REPLACE ' if replace else ''}FUNCTION {TERMS}_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {TERMS};
    ELSIF TG_OP = 'INSERT' THEN
        {insert_terms.format(source="new_rows AS p")};
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM {TERMS} AS s USING old_rows AS o JOIN new_rows AS p ON p.id = o.id
            WHERE s.patient_id = o.id AND {CHANGED};
        {insert_terms.format(source="new_rows AS p JOIN old_rows AS o ON o.id = p.id")} WHERE {CHANGED};
    ELSE
        DELETE FROM {TERMS} AS s USING old_rows AS o WHERE s.patient_id = o.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;"""


FORWARDS = f"""
CREATE TABLE {TERMS} (
    patient_id uuid NOT NULL,
    kind "char" NOT NULL,
    term text NOT NULL,
    sort_last text NOT NULL,
    sort_first text NOT NULL,
    live boolean NOT NULL
);
COMMENT ON TABLE {TERMS} IS
    'Kept by triggers on clinical_patient (migration clinical 0006): n = a name word, e = e-mail, p = E.164 phone.';
{sync_function(INSERT_TERMS)}
CREATE TRIGGER {TERMS}_insert AFTER INSERT ON clinical_patient
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TERMS}_sync();
CREATE TRIGGER {TERMS}_update AFTER UPDATE ON clinical_patient
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {TERMS}_sync();
CREATE TRIGGER {TERMS}_delete AFTER DELETE ON clinical_patient
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {TERMS}_sync();
CREATE TRIGGER {TERMS}_truncate AFTER TRUNCATE ON clinical_patient
    FOR EACH STATEMENT EXECUTE FUNCTION {TERMS}_sync();
ALTER TABLE clinical_patient ENABLE ALWAYS TRIGGER {TERMS}_insert;
ALTER TABLE clinical_patient ENABLE ALWAYS TRIGGER {TERMS}_update;
ALTER TABLE clinical_patient ENABLE ALWAYS TRIGGER {TERMS}_delete;
ALTER TABLE clinical_patient ENABLE ALWAYS TRIGGER {TERMS}_truncate;
{INSERT_TERMS.format(source="clinical_patient AS p")};
-- A prefix is a range of (kind, term); the sort key, the patient and liveness are read from the
-- index itself (index-only scan).
CREATE INDEX {TERMS}_prefix ON {TERMS} (kind, term text_pattern_ops) INCLUDE (sort_last, sort_first, patient_id, live);
-- A patient's own terms: the triggers' deletes.
CREATE INDEX {TERMS}_patient ON {TERMS} (patient_id);
-- Index-only scans need the visibility map current: vacuum after 2 percent of the rows changed, not 20.
ALTER TABLE {TERMS} SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_insert_scale_factor = 0.02);
ANALYZE {TERMS};
"""
BACKWARDS = f"""
DROP TRIGGER IF EXISTS {TERMS}_insert ON clinical_patient;
DROP TRIGGER IF EXISTS {TERMS}_update ON clinical_patient;
DROP TRIGGER IF EXISTS {TERMS}_delete ON clinical_patient;
DROP TRIGGER IF EXISTS {TERMS}_truncate ON clinical_patient;
DROP FUNCTION IF EXISTS {TERMS}_sync();
DROP TABLE IF EXISTS {TERMS};
"""


class Migration(migrations.Migration):
    dependencies = [("clinical", "0005_patient_name_search_column")]

    operations = [postgresql_only(FORWARDS, BACKWARDS)]
