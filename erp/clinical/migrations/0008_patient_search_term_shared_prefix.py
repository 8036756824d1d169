"""PostgreSQL only: each search term says whether its patient was found already (``shared_prefix``).

A prefix that is the start of a common first name (``mar``, ``lea``) matches some 14,000 name words
and 12,000 e-mails, mostly of the same patients (``marie.martin@``). The search's total was their
distinct count: 26,000 ids sorted to count 19,000 patients, 5 of the 9 ms the count took.

A patient's name words starting with a prefix are neighbours in byte order, and an e-mail starting
with it has a name word starting with it exactly when the two share that many characters. So each
row keeps the length of a common prefix: a name word with the patient's previous name word (byte
order), an e-mail with the closest of the patient's name words, a phone 0. A row whose
``shared_prefix`` is shorter than the searched word is a patient no row before it found: the
distinct count is a plain count of those rows (``selectors.patient_search_page``).
"""

from importlib import import_module

from django.db import migrations

from erp.core.migration_ops import postgresql_only, postgresql_vacuum

terms = import_module("erp.clinical.migrations.0006_patient_search_terms")
TERMS = terms.TERMS

# Characters ``a`` and ``b`` have in common from their start.
SHARED_PREFIX_FUNCTION = """
CREATE FUNCTION clinical_shared_prefix(a text, b text) RETURNS integer AS $$
DECLARE
    shared integer := 0;
    shortest integer := least(length(a), length(b));
BEGIN
    WHILE shared < shortest AND substr(a, shared + 1, 1) = substr(b, shared + 1, 1) LOOP
        shared := shared + 1;
    END LOOP;
    RETURN shared;
END;
$$ LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE;
"""

# The rows of the patients of ``{source}`` (an alias ``p`` over clinical_patient rows).
INSERT_TERMS = f"""
INSERT INTO {TERMS} (patient_id, kind, term, sort_last, sort_first, live, shared_prefix)
SELECT p.id, t.kind, t.term, lower(p.last_name), lower(p.first_name), NOT p.is_deleted AND NOT p.is_merged, t.shared
FROM {{source}}
CROSS JOIN LATERAL (SELECT to_tsvector('simple'::regconfig, coalesce(p.full_name_normalized, '')) AS words) AS n
CROSS JOIN LATERAL (
    SELECT 'n'::"char", lexeme, coalesce(clinical_shared_prefix(lag(lexeme) OVER (ORDER BY lexeme COLLATE "C"), lexeme), 0)
        FROM unnest(n.words)
    UNION ALL SELECT 'e'::"char", p.email, coalesce((SELECT max(clinical_shared_prefix(p.email, lexeme)) FROM unnest(n.words)), 0)
        WHERE p.email IS NOT NULL
    UNION ALL SELECT 'p'::"char", p.phone_e164, 0 WHERE p.phone_e164 IS NOT NULL
) AS t (kind, term, shared)"""  # noqa: S608

PREFIX_INDEX = f"CREATE INDEX {TERMS}_prefix ON {TERMS} (kind, term text_pattern_ops) INCLUDE ({{columns}})"

FORWARDS = f"""
{SHARED_PREFIX_FUNCTION}
ALTER TABLE {TERMS} ADD COLUMN shared_prefix integer NOT NULL DEFAULT 0;
ALTER TABLE {TERMS} ALTER COLUMN shared_prefix DROP DEFAULT;
{terms.sync_function(INSERT_TERMS, replace=True)}
-- Every row again, the index built once over them.
TRUNCATE {TERMS};
DROP INDEX {TERMS}_prefix;
{INSERT_TERMS.format(source="clinical_patient AS p")};
{PREFIX_INDEX.format(columns="sort_last, sort_first, patient_id, live, shared_prefix")};
"""
BACKWARDS = f"""
DROP INDEX {TERMS}_prefix;
{terms.sync_function(terms.INSERT_TERMS, replace=True)}
ALTER TABLE {TERMS} DROP COLUMN shared_prefix;
{PREFIX_INDEX.format(columns="sort_last, sort_first, patient_id, live")};
DROP FUNCTION clinical_shared_prefix(text, text);
"""


class Migration(migrations.Migration):
    # The rewrite commits on its own (one statement list), then the vacuum, outside a transaction.
    atomic = False
    dependencies = [("clinical", "0007_patient_search_phone_order")]

    operations = [postgresql_only(FORWARDS, BACKWARDS), postgresql_vacuum(TERMS)]
