"""seed_scale at a tiny scale: consistent (derived fields, balances, invoice numbers, the fiscal
chain), idempotent and resumable after an interruption."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from bench import scale
from bench.seed_scale import parse
from erp.clinical.models import Encounter, Patient, normalize_name, phone_to_e164
from erp.commerce.models import (
    FiscalJournalEntry,
    Invoice,
    Payment,
    Sale,
    SaleLine,
    StockBalance,
    StockMove,
)
from erp.commerce.sales.fiscal import fiscal_journal_verify

pytestmark = pytest.mark.django_db(transaction=False)

STAGES = ["base", "patients", "encounters", "catalog", "stock", "sales", "balances"]
SCALE = 0.0002  # 40 patients, 80 encounters, 10 products, 16 lots, 200 stock moves, 30 sales


def counts() -> dict[str, int]:
    return {
        model.__name__: model._base_manager.count()
        for model in (Patient, Encounter, StockMove, StockBalance, Sale, SaleLine, Payment, Invoice, FiscalJournalEntry)
    }


def run(**kwargs):
    return scale.seed_scale(scale=SCALE, stages=STAGES, out=lambda _line: None, **kwargs)


def assert_consistent():
    expected = scale.scaled(SCALE)
    assert (
        Patient.objects.filter(pk__in=[scale.uid("patient", i) for i in range(expected["patients"])]).count()
        == (expected["patients"])
    )
    # Derived fields exactly as Patient.save computes them.
    for patient in Patient.objects.all():
        assert patient.full_name_normalized == normalize_name(patient.full_name)
        assert patient.phone_e164 == phone_to_e164(patient.phone, "FR")
        assert patient.email == patient.email.lower()
    scripts = "".join(Patient.objects.values_list("last_name", flat=True))
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts) and any("\u0530" <= ch <= "\u058f" for ch in scripts)
    assert StockMove.objects.count() == expected["stock_moves"]
    # Balances are the sum of the moves (what stock_check verifies).
    sums = {
        (row["product_id"], row["lot_id"], row["location_id"]): row["total"]
        for row in StockMove.objects.values("product_id", "lot_id", "location_id").annotate(total=Sum("quantity"))
    }
    balances = {(b.product_id, b.lot_id, b.location_id): b.quantity for b in StockBalance.objects.all()}
    assert balances == sums
    out = io.StringIO()
    call_command("stock_check", stdout=out)
    assert "matches the ledger" in out.getvalue()
    # Paid sales: totals, payments and invoices agree; numbers are gapless; the chain verifies.
    sales = Sale.objects.filter(status="paid")
    assert sales.count() == expected["sales"]
    for sale in sales.prefetch_related("lines", "payments"):
        assert sale.total_incl_tax == sum(line.line_total_incl_tax for line in sale.lines.all())
        assert sum(p.amount_gross for p in sale.payments.all()) == sale.total_incl_tax
    numbers = sorted(Invoice.objects.values_list("sequence_number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    report = fiscal_journal_verify()
    assert report.ok, report
    assert report.entries_checked == 2 * expected["sales"]


def test_seed_scale_is_consistent_and_idempotent():
    run()
    assert_consistent()
    first = counts()
    run()
    assert counts() == first
    assert_consistent()


def test_seed_scale_resumes_after_an_interruption(monkeypatch):
    monkeypatch.setattr(scale, "SALES_BATCH", 10)
    monkeypatch.setattr(scale, "BATCH", 50)
    real_copy = scale.copy_rows
    calls = {"sales": 0}

    def failing_copy(model, rows):
        if model is Sale:
            calls["sales"] += 1
            if calls["sales"] == 2:  # the second batch of sales dies half-way (after its sale rows)
                real_copy(model, rows)
                raise RuntimeError("power cut")
        return real_copy(model, rows)

    monkeypatch.setattr(scale, "copy_rows", failing_copy)
    with pytest.raises(RuntimeError, match="power cut"):
        run()
    # The first batch is in, the broken one left nothing behind.
    assert Sale.objects.count() == 10
    assert Invoice.objects.count() == 10
    monkeypatch.setattr(scale, "copy_rows", real_copy)
    run()
    assert_consistent()


def test_the_script_refuses_unknown_stages_and_bad_scales(capsys):
    with pytest.raises(SystemExit):
        parse(["--stages", "patients,nope"])
    assert "Unknown stage(s): nope." in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--scale", "0"])
    assert "greater than zero" in capsys.readouterr().err
    assert parse(["--scale", "0.5", "--stages", "base, patients"]).stages == ["base", "patients"]
