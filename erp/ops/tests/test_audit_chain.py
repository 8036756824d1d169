"""The audit log is append-only (application and PostgreSQL) and chained by hash."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.db.models import ProtectedError
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from erp.core.chain import GENESIS_HASH
from erp.core.tests.factories import UserFactory
from erp.ops.audit import audit_chain_verify, audit_record, entry_hash
from erp.ops.models import AuditLog, AuditLogImmutable
from erp.testing.models import Specimen


def record(n: int, actor=None) -> list[AuditLog]:
    specimen = Specimen.objects.create(name="audited")
    return [audit_record(actor=actor, action="view", entity=specimen, metadata={"n": i}) for i in range(n)]


@pytest.mark.django_db
def test_entries_are_chained_in_order_and_the_chain_verifies():
    entries = record(4, actor=UserFactory())
    first_sequence = entries[0].sequence
    previous = AuditLog.objects.filter(sequence=first_sequence - 1).values_list("hash", flat=True).first()
    assert entries[0].prev_hash == (previous or GENESIS_HASH)
    for before, entry in zip(entries, entries[1:], strict=False):
        assert entry.sequence == before.sequence + 1
        assert entry.prev_hash == before.hash
    for entry in AuditLog.objects.filter(pk__in=[e.pk for e in entries]):
        assert entry.hash == entry_hash(entry)  # what is stored is what was hashed
    report = audit_chain_verify()
    assert report.ok and report.entries_checked == AuditLog.objects.count()


@pytest.mark.django_db
def test_what_an_entry_holds_is_stored_as_given_whatever_its_characters():
    """Entries go to PostgreSQL as one JSON document: quotes, backslashes, other scripts and
    nested metadata come back as they were hashed, and the chain still verifies."""
    from erp.ops.audit import audit_client, audit_record_many

    specimens = [Specimen.objects.create(name=f"s{n}") for n in range(3)]
    agent = 'Mozilla/5.0 "quoted" back\\slash \u0416\u0531 \U0001f600 \t tab'
    metadata = {"via": "тест", "fields_changed": ["a", "b\\c"], "nested": {"n": 1, "x": None, "f": 1.5}}
    with audit_client(ip="2001:db8::1", user_agent=agent):
        made = audit_record_many(actor=UserFactory(), action="view", entities=specimens, metadata=metadata)
    stored = {e.pk: e for e in AuditLog.objects.filter(pk__in=[e.pk for e in made])}
    assert len(stored) == 3
    for entry in made:
        kept = stored[entry.pk]
        assert (kept.user_agent, kept.ip, kept.metadata_json) == (agent, "2001:db8::1", metadata)
        assert (kept.sequence, kept.timestamp, kept.hash) == (entry.sequence, entry.timestamp, entry.hash)
        assert kept.hash == entry_hash(kept)
    assert audit_chain_verify(last=3).ok


@pytest.mark.django_db
def test_the_application_has_no_update_or_delete_path():
    entry = record(1)[0]
    entry.action = "delete"
    with pytest.raises(AuditLogImmutable):
        entry.save()
    with pytest.raises(AuditLogImmutable):
        entry.delete()
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.filter(pk=entry.pk).update(action="delete")
    with pytest.raises(AuditLogImmutable):
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "view"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ops_auditlog SET action = 'delete' WHERE id = %s",
        "DELETE FROM ops_auditlog WHERE id = %s",
        "TRUNCATE ops_auditlog CASCADE",
    ],
    ids=["update", "delete", "truncate"],
)
def test_postgresql_refuses_to_rewrite_the_log(sql):
    entry = record(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
        cursor.execute(sql, [entry.pk] if "%s" in sql else None)
    assert AuditLog.objects.get(pk=entry.pk).action == "view"


@pytest.mark.django_db
def test_a_user_named_in_the_trail_cannot_be_deleted():
    actor = UserFactory()
    entry = record(1, actor=actor)[0]
    with pytest.raises(ProtectedError):
        actor.delete()
    assert AuditLog.objects.get(pk=entry.pk).actor_id == actor.pk


@pytest.mark.django_db
def test_appending_reads_only_the_chain_head():
    specimen = Specimen.objects.create(name="audited")
    counts = []
    for _ in range(2):
        record(20)
        with CaptureQueriesContext(connection) as queries:
            audit_record(actor=None, action="view", entity=specimen)
        counts.append(len(queries))
        head = [q["sql"] for q in queries if 'FROM "ops_auditlog"' in q["sql"]]
        assert len(head) == 1 and head[0].endswith("ORDER BY sequence DESC LIMIT 1"), head
    assert counts[0] == counts[1]


def tamper(sql: str, params: list) -> None:
    """What only the database owner can do: switch the trigger off, rewrite, switch it back on."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        cursor.execute("ALTER TABLE ops_auditlog DISABLE TRIGGER ops_auditlog_append_only")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE ops_auditlog ENABLE TRIGGER ops_auditlog_append_only")


@pytest.mark.django_db
def test_tampering_is_detected_by_the_command_and_diagnostics():
    entries = record(5)
    assert audit_chain_verify().ok
    target = entries[2]
    tamper("UPDATE ops_auditlog SET metadata_json = '{\"n\": 99}'::jsonb WHERE id = %s", [target.pk])

    report = audit_chain_verify()
    assert not report.ok
    assert report.first_broken_sequence == target.sequence and report.first_broken_id == str(target.pk)
    assert "altered" in report.reason

    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit_chain", stdout=io.StringIO(), stderr=stderr)
    assert exit_.value.code == 1
    assert f"#{target.sequence} ({target.pk})" in stderr.getvalue()

    client = APIClient()
    client.force_authenticate(UserFactory(roles=["admin"]))
    body = client.get("/ops/diagnostics").json()
    assert "audit_chain" in body["failing"]
    assert f"#{target.sequence}" in body["checks"]["audit_chain"]["error"]


@pytest.mark.django_db
def test_the_tail_check_recomputes_only_the_latest_entries_anchored_on_the_one_before():
    entries = record(6)
    first = entries[0].sequence
    tamper("UPDATE ops_auditlog SET metadata_json = '{\"n\": 99}'::jsonb WHERE id = %s", [entries[1].pk])

    tail = audit_chain_verify(last=3)  # the altered entry is older than the tail: not read
    assert tail.ok and tail.entries_checked == 3
    assert not audit_chain_verify().ok  # the end-to-end check (the command) finds it

    tamper("UPDATE ops_auditlog SET metadata_json = '{\"n\": 98}'::jsonb WHERE id = %s", [entries[4].pk])
    tail = audit_chain_verify(last=3)
    assert not tail.ok and tail.first_broken_sequence == entries[4].sequence
    # The anchor is the entry before the tail: a rewritten anchor hash breaks the tail's first link.
    tamper("UPDATE ops_auditlog SET hash = %s WHERE id = %s", ["0" * 64, entries[2].pk])
    assert audit_chain_verify(last=3).first_broken_sequence == first + 3


@pytest.mark.django_db
def test_a_removed_entry_breaks_the_chain_at_the_next_one():
    entries = record(4)
    tamper("DELETE FROM ops_auditlog WHERE id = %s", [entries[1].pk])
    report = audit_chain_verify()
    assert not report.ok and report.first_broken_sequence == entries[2].sequence
    assert "missing" in report.reason


@pytest.mark.django_db
def test_the_command_reports_an_intact_chain():
    record(3)
    out = io.StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert f"{AuditLog.objects.count()} entries checked" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_linear_chain():
    """Several threads, each its own connection and transactions, append at once: no fork."""
    specimen = Specimen.objects.create(name="shared")
    threads_count, per_thread = 6, 8
    barrier = threading.Barrier(threads_count)
    errors = []

    def writer(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, action="view", entity=specimen, metadata={"thread": index, "n": n})
                    # Hold the transaction open a moment so the others queue on the chain lock.
                    Specimen.objects.filter(pk=specimen.pk).exists()
        except Exception as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    rows = list(AuditLog.objects.order_by("sequence").values_list("sequence", "prev_hash", "hash"))
    assert len(rows) == threads_count * per_thread
    assert [s for s, _p, _h in rows] == list(range(1, len(rows) + 1))
    prevs = [p for _s, p, _h in rows]
    assert len(set(prevs)) == len(prevs)  # no two entries chain to the same predecessor
    assert audit_chain_verify().ok


@pytest.mark.django_db
def test_the_admin_user_screen_deactivates_instead_of_deleting():
    from django.test import Client

    admin = UserFactory(roles=["admin"])
    victim = UserFactory(roles=["reception"])
    record(1, actor=victim)
    client = Client()
    client.force_login(admin)
    from django.urls import reverse

    for method in (client.get, client.post):
        response = method(reverse("wagtailusers_users:delete", args=[victim.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailusers_users:edit", args=[victim.pk])
    assert type(victim).objects.filter(pk=victim.pk).exists()


@pytest.mark.django_db
def test_an_entry_rolls_back_with_its_failing_operation_and_leaves_no_gap():
    specimen = Specimen.objects.create(name="audited")
    before = record(1)[0]
    with pytest.raises(RuntimeError), transaction.atomic():
        specimen.name = "changed"
        specimen.save()
        audit_record(actor=None, action="update", entity=specimen)
        raise RuntimeError("the operation fails after its entry was written")
    assert not AuditLog.objects.filter(sequence__gt=before.sequence).exists()
    after = audit_record(actor=None, action="view", entity=specimen)
    assert (after.sequence, after.prev_hash) == (before.sequence + 1, before.hash)
    assert audit_chain_verify().ok
