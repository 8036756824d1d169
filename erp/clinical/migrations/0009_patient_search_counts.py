"""PostgreSQL only: how many patients each short prefix finds, kept as balances.

A prefix a few characters long is where a search's total costs most: ``06 10`` counts 25,000
phones, ``mar`` 19,000 name words and e-mails, an index entry each (4-7 ms). For every prefix of
up to 5 characters of a name word or an e-mail, and up to 7 of a phone (``+33610``), the triggers
keep how many live patients it finds: the terms whose ``shared_prefix`` (migration 0008) is shorter
than the prefix. A search asks that number instead of counting (``selectors.patient_search_page``).

The number is kept as signed deltas appended by each statement, never as a row updated in
place: two transactions writing patients never wait on, nor deadlock over, a counter. A search
sums a prefix's deltas; ``services.search_counts_fold`` (an hourly task, and the scale seed) folds them
into one row per prefix.
"""

from importlib import import_module

from django.db import migrations

from erp.core.migration_ops import postgresql_only, postgresql_vacuum

terms = import_module("erp.clinical.migrations.0006_patient_search_terms")
shared = import_module("erp.clinical.migrations.0008_patient_search_term_shared_prefix")
TERMS, CHANGED = terms.TERMS, terms.CHANGED
COUNTS = "clinical_patient_search_count"
RETURNED = "RETURNING kind, term, shared_prefix, live"
BOTH = "old_rows AS o JOIN new_rows AS p ON p.id = o.id"
INSERT_CHANGED = shared.INSERT_TERMS.format(source="new_rows AS p JOIN old_rows AS o ON o.id = p.id")

# The deltas of the term rows of ``{source}`` (kind, term, shared_prefix, live): one for each kept
# prefix of a live term that is its patient's first for that prefix (``{sign}``: "-" for rows gone).
DELTAS = f"""
INSERT INTO {COUNTS} (kind, prefix, patients)
SELECT t.kind, left(t.term, l), {{sign}}count(*)
FROM {{source}} AS t
CROSS JOIN LATERAL generate_series(1, least(length(t.term), CASE t.kind WHEN 'p' THEN 7 ELSE 5 END)) AS l
WHERE t.live AND t.shared_prefix < l
GROUP BY 1, 2"""  # noqa: S608

GONE = (
    f"DELETE FROM {TERMS} AS s USING {{source}} WHERE {{condition}} RETURNING s.kind, s.term, s.shared_prefix, s.live"  # noqa: S608
)

SYNC_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TERMS}_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {TERMS};
        TRUNCATE {COUNTS};
    ELSIF TG_OP = 'INSERT' THEN
        WITH added AS ({shared.INSERT_TERMS.format(source="new_rows AS p")} {RETURNED})
        {DELTAS.format(source="added", sign="")};
    ELSIF TG_OP = 'UPDATE' THEN
        WITH gone AS ({GONE.format(source=BOTH, condition=f"s.patient_id = o.id AND {CHANGED}")})
        {DELTAS.format(source="gone", sign="-")};
        WITH added AS ({INSERT_CHANGED} WHERE {CHANGED} {RETURNED})
        {DELTAS.format(source="added", sign="")};
    ELSE
        WITH gone AS ({GONE.format(source="old_rows AS o", condition="s.patient_id = o.id")})
        {DELTAS.format(source="gone", sign="-")};
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;"""

FORWARDS = f"""
CREATE TABLE {COUNTS} (
    kind "char" NOT NULL,
    prefix text NOT NULL,
    patients integer NOT NULL
);
COMMENT ON TABLE {COUNTS} IS
    'Kept by triggers on clinical_patient (migration clinical 0009): deltas of the live patients a short prefix finds.';
{DELTAS.format(source=TERMS, sign="")};
CREATE INDEX {COUNTS}_prefix ON {COUNTS} (kind, prefix) INCLUDE (patients);
{SYNC_FUNCTION}
"""
BACKWARDS = f"""
{terms.sync_function(shared.INSERT_TERMS, replace=True)}
DROP TABLE {COUNTS};
"""


class Migration(migrations.Migration):
    atomic = False  # the vacuum runs outside a transaction
    dependencies = [("clinical", "0008_patient_search_term_shared_prefix")]

    operations = [postgresql_only(FORWARDS, BACKWARDS), postgresql_vacuum(COUNTS)]
