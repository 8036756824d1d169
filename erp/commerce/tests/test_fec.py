"""FEC export: sales, mixed payments (cash + card with its fee), a credit note, through the
services; the file is parsed back and checked column by column, balanced and numbered."""

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from erp.commerce.models import CreditNote, Invoice, Payment, Sale
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ProductFactory, ServiceFactory, TaxRateFactory
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods, stock_plain, sumup_rule
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db

# Written out here, not imported: the test holds the norm (LPF art. A47 A-1), not the code.
HEADER = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
    "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
    "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip
MANDATORY = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
    "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate",
]  # fmt: skip
AMOUNT = re.compile(r"^\d+,\d{2}$")
YEAR = timezone.localdate().year
LAST_YEAR = YEAR - 1


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _ymd(text: str) -> date:
    assert re.fullmatch(r"\d{8}", text), text
    return datetime.strptime(text, "%Y%m%d").date()


def parse(content: bytes) -> list[dict]:
    text = content.decode("iso-8859-15")
    assert text.endswith("\r\n")
    lines = text[: -len("\r\n")].split("\r\n")
    header = lines[0].split("\t")
    assert header == HEADER
    rows = []
    for line in lines[1:]:
        values = line.split("\t")
        assert len(values) == 18, line
        rows.append(dict(zip(header, values, strict=True)))
    return rows


def check_rows(rows: list[dict]) -> None:
    """Every column's format, balance per piece and overall, numbering in date order."""
    per_piece = defaultdict(lambda: [Decimal(0), Decimal(0)])
    previous = (0, date.min)
    for row in rows:
        for name in MANDATORY:
            assert row[name], (name, row)
        for name in ("EcritureDate", "PieceDate", "ValidDate"):
            _ymd(row[name])
        assert row["DateLet"] == "" or _ymd(row["DateLet"])
        assert bool(row["EcritureLet"]) == bool(row["DateLet"])
        assert bool(row["CompAuxNum"]) == bool(row["CompAuxLib"])
        assert AMOUNT.match(row["Debit"]) and AMOUNT.match(row["Credit"]), row
        debit, credit = _money(row["Debit"]), _money(row["Credit"])
        assert (debit == 0) != (credit == 0), row  # one side per line, never both, never none
        assert re.fullmatch(r"\d+", row["CompteNum"])
        assert row["Montantdevise"] == row["Idevise"] == ""  # everything in euros
        number = int(row["EcritureNum"])
        day = _ymd(row["EcritureDate"])
        assert number in (previous[0], previous[0] + 1), "EcritureNum jumps"
        assert day >= previous[1], "out of date order"
        previous = (number, day)
        per_piece[number][0] += debit
        per_piece[number][1] += credit
    assert sorted(per_piece) == list(range(1, len(per_piece) + 1))
    for number, (debit, credit) in per_piece.items():
        assert debit == credit, f"piece {number} does not balance: {debit} / {credit}"
    assert sum(d for d, _ in per_piece.values()) == sum(c for _, c in per_piece.values())


def _backdate(invoice: Invoice, when: datetime) -> None:
    """Move a paid sale's documents to another day (the services stamp 'now'; no clock library
    here), the way they would have been issued then."""
    Invoice.objects.filter(pk=invoice.pk).update(issued_at=when)
    Payment.objects.filter(sale_id=invoice.sale_id).update(paid_at=when)
    Sale.objects.filter(pk=invoice.sale_id).update(sold_at=when)


@pytest.fixture
def clerk(make_user):
    return make_user("reception", "desk-fec@clinic.test")


@pytest.fixture
def books(db, clerk, location):
    """Last year: an invoice of a cream (20 %), an exempt consultation and a 10 % product, paid
    50.00 cash + the rest by card (1.75 % fee); a walk-in's cream paid by card; a cream paid in
    cash with change, then refunded by a credit note. One sale of this year, outside the range."""
    payment_methods()
    sumup_rule(percent="1.75", start=date(LAST_YEAR - 1, 1, 1))
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 50)
    reduced = ProductFactory(
        name="Sun care", unit_price_excl_tax=Decimal("15.00"), tax_rate=TaxRateFactory(name="TVA 10", rate_percent=10)
    )
    stock_plain(reduced, location, 50)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    patient = make_patient(first_name="Анна", last_name="Петросян", language="ru")

    def sell(*, buyer, lines, payments):
        sale = billing.sale_create(location=location, actor=clerk, **buyer)
        for product, quantity in lines:
            billing.sale_line_add(sale=sale, product=product, quantity=Decimal(quantity), actor=clerk)
        return billing.sale_pay(
            sale=sale, payments=[PaymentInput(method=m, amount=Decimal(a)) for m, a in payments], actor=clerk
        )

    tz = timezone.get_current_timezone()
    first = sell(
        buyer={"sold_to_patient": patient},
        lines=[(cream, 2), (consult, 1), (reduced, 1)],  # 24.00 + 60.00 + 16.50 = 100.50
        payments=[("cash", "50.00"), ("card", "50.50")],
    )
    _backdate(first, datetime(LAST_YEAR, 3, 10, 10, 0, tzinfo=tz))
    second = sell(buyer={"sold_to_name": "Walk-in\tbuyer"}, lines=[(cream, 1)], payments=[("card", "12.00")])
    _backdate(second, datetime(LAST_YEAR, 3, 10, 11, 0, tzinfo=tz))
    refunded = sell(buyer={"sold_to_name": "Zoé Martin"}, lines=[(cream, 1)], payments=[("cash", "20.00")])
    _backdate(refunded, datetime(LAST_YEAR, 6, 1, 9, 0, tzinfo=tz))
    credit_note = billing.sale_refund(sale=refunded.sale, reason="Allergy", actor=clerk)
    refund_day = datetime(LAST_YEAR, 6, 2, 9, 0, tzinfo=tz)
    CreditNote.objects.filter(pk=credit_note.pk).update(issued_at=refund_day)
    Payment.objects.filter(credit_note=credit_note).update(paid_at=refund_day)
    outside = sell(buyer={"sold_to_name": "Next year"}, lines=[(cream, 1)], payments=[("cash", "12.00")])
    return {
        "first": first,
        "second": second,
        "refunded": refunded,
        "credit_note": CreditNote.objects.get(pk=credit_note.pk),
        "outside": outside,
    }


def export(tmp_path, *args) -> tuple[Path, list[dict]]:
    call_command("export_fec", *args, "--output-dir", str(tmp_path))
    (path,) = tmp_path.iterdir()
    return path, parse(path.read_bytes())


@override_settings(SELLER_SIREN="123 456 789")
def test_export_fec_year_file_is_well_formed_and_balanced(books, tmp_path):
    path, rows = export(tmp_path, "--year", str(LAST_YEAR))
    assert path.name == f"123456789FEC{LAST_YEAR}1231.txt"
    check_rows(rows)
    pieces = {row["PieceRef"] for row in rows}
    assert books["outside"].invoice_number not in pieces  # this year's sale is not in last year's file
    journals = {(row["JournalCode"], row["PieceRef"]) for row in rows}
    first, second, refunded = books["first"], books["second"], books["refunded"]
    credit_note = books["credit_note"]
    assert {code for code, _ in journals} == {"VT", "AV", "CA", "CB"}
    assert {piece for code, piece in journals if code == "VT"} == {
        first.invoice_number,
        second.invoice_number,
        refunded.invoice_number,
    }
    assert {piece for code, piece in journals if code == "AV"} == {credit_note.credit_note_number}
    # Pieces: 3 invoices, 2 + 1 + 1 payments, 1 credit note, 1 refund.
    assert int(rows[-1]["EcritureNum"]) == 9
    assert rows[0]["PieceRef"] == first.invoice_number and rows[0]["EcritureDate"] == f"{LAST_YEAR}0310"


def _balance(rows, account_prefix, *, journal=None, piece=None) -> Decimal:
    """Credit minus debit of the accounts starting with ``account_prefix``."""
    return sum(
        (
            _money(row["Credit"]) - _money(row["Debit"])
            for row in rows
            if row["CompteNum"].startswith(account_prefix)
            and (journal is None or row["JournalCode"] == journal)
            and (piece is None or row["PieceRef"] == piece)
        ),
        Decimal(0),
    )


def test_export_fec_vat_per_rate_matches_the_invoices(books, tmp_path):
    _, rows = export(tmp_path, "--year", str(LAST_YEAR))
    invoices = [books["first"], books["second"], books["refunded"]]
    expected = defaultdict(Decimal)
    for invoice in invoices:
        for line in invoice.sale.lines.all():
            expected[line.tax_rate_percent_snapshot] += line.line_tax_amount
    assert expected[Decimal("20.00")] == Decimal("4.00") + Decimal("2.00") + Decimal("2.00")
    assert _balance(rows, "445713", journal="VT") == expected[Decimal("20.00")]
    assert _balance(rows, "445712", journal="VT") == expected[Decimal("10.00")] == Decimal("1.50")
    # No VAT line for the exempt consultation (0 %): only the two rates sold.
    assert {row["CompteNum"] for row in rows if row["CompteNum"].startswith("4457")} == {"445713", "445712"}
    # Revenue per kind: services on 706, goods on 707 (excl. VAT).
    assert _balance(rows, "706", journal="VT") == Decimal("60.00")
    assert _balance(rows, "707", journal="VT") == Decimal("20.00") + Decimal("15.00") + Decimal("10.00") * 2
    # The credit note reverses its invoice's VAT and revenue.
    credit_note = books["credit_note"].credit_note_number
    assert _balance(rows, "445713", journal="AV", piece=credit_note) == Decimal("-2.00")
    assert _balance(rows, "707", journal="AV", piece=credit_note) == Decimal("-10.00")
    assert _balance(rows, "411", journal="AV") == Decimal("12.00")


def test_export_fec_payments_card_fee_and_lettering(books, tmp_path):
    _, rows = export(tmp_path, "--year", str(LAST_YEAR))
    fees = sum((p.fee_amount for p in Payment.objects.filter(payment_method__code="card")), Decimal(0))
    assert fees == Decimal("0.88") + Decimal("0.21")  # 1.75 % of 50.50 and of 12.00
    assert -_balance(rows, "627") == fees
    provider = [row for row in rows if row["CompteNum"].startswith("467")]
    assert {row["CompAuxNum"] for row in provider} == {"SUMUP"} and {r["JournalCode"] for r in provider} == {"CB"}
    assert -_balance(rows, "467") == Decimal("50.50") + Decimal("12.00") - fees  # what the provider pays out
    # Cash: 50.00 + 12.00 (20.00 handed, 8.00 change) in, 12.00 refunded.
    assert -_balance(rows, "530") == Decimal("50.00")
    # Each customer's account is settled: lettered lines balance per letter, and overall.
    customers = [row for row in rows if row["CompteNum"].startswith("411")]
    assert all(row["EcritureLet"] and row["CompAuxNum"] for row in customers)
    per_letter = defaultdict(Decimal)
    for row in customers:
        per_letter[row["EcritureLet"]] += _money(row["Debit"]) - _money(row["Credit"])
    assert set(per_letter.values()) == {Decimal(0)} and len(per_letter) == 4
    assert _balance(rows, "411") == 0
    # The patient is the auxiliary account, the walk-in buyers share "clients divers".
    patient = books["first"].sale.sold_to_patient
    assert {row["CompAuxNum"] for row in customers if row["PieceRef"] == books["first"].invoice_number} == {
        f"P{patient.pk.hex[:16].upper()}"
    }
    assert {row["CompAuxNum"] for row in customers if row["PieceRef"] == books["second"].invoice_number} == {
        "CDIVERS"
    }


def test_export_fec_text_is_latin9_with_no_separator_inside(books, tmp_path):
    path, rows = export(tmp_path, "--year", str(LAST_YEAR))
    raw = path.read_bytes()
    assert "TVA collectée".encode("iso-8859-15") in raw  # Latin-9, not UTF-8
    assert "Zoé Martin".encode("iso-8859-15") in raw
    labels = {row["CompAuxLib"] for row in rows}
    assert "Petrosyan Anna" in labels  # transliterated from Cyrillic
    assert any("Walk-in buyer" in row["EcritureLib"] for row in rows)  # the tab became a space


def test_export_fec_date_range_excludes_outside_documents(books, tmp_path):
    _, rows = export(tmp_path, "--from", f"{LAST_YEAR}-03-10", "--to", f"{LAST_YEAR}-06-01")
    check_rows(rows)
    pieces = {row["PieceRef"] for row in rows}
    assert pieces == {books["first"].invoice_number, books["second"].invoice_number, books["refunded"].invoice_number}
    assert int(rows[-1]["EcritureNum"]) == 7  # renumbered from 1 in the file
    (path,) = tmp_path.iterdir()
    assert path.name.endswith(f"FEC{LAST_YEAR}0601.txt")


def test_export_fec_of_an_empty_year_is_the_header_only(db, tmp_path):
    _, rows = export(tmp_path, "--year", "2001")
    assert rows == []


def test_export_fec_command_refuses_a_bad_period(db, tmp_path):
    for args in (["--year", "20x6"], ["--from", "2026-02-01"], ["--from", "2026-02-01", "--to", "2026-01-01"]):
        with pytest.raises(CommandError):
            call_command("export_fec", *args, "--output-dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_export_fec_refuses_a_document_in_another_currency(books, tmp_path):
    Sale.objects.filter(pk=books["second"].sale_id).update(currency="USD")
    with pytest.raises(CommandError, match=books["second"].invoice_number):
        call_command("export_fec", "--year", str(LAST_YEAR), "--output-dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


# --- API and admin ----------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_fec_download_for_accounting_audited(books, make_user):
    accountant = make_user("accounting", "books-fec@clinic.test")
    response = api(accountant).get(f"/api/v1/accounting/fec/?year={LAST_YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    rows = parse(b"".join(response.streaming_content))
    check_rows(rows)
    assert AuditLog.objects.filter(actor=accountant, action="export", metadata_json__channel="api").exists()
    ranged = api(accountant).get(f"/api/v1/accounting/fec/?from={LAST_YEAR}-06-02&to={LAST_YEAR}-06-30")
    assert {row["PieceRef"] for row in parse(b"".join(ranged.streaming_content))} == {
        books["credit_note"].credit_note_number
    }


def test_api_fec_refusals(books, make_user):
    url = f"/api/v1/accounting/fec/?year={LAST_YEAR}"
    assert api(make_user("reception", "desk2-fec@clinic.test")).get(url).status_code == 403
    assert api(make_user("marketing", "mk-fec@clinic.test")).get(url).status_code == 403
    accountant = api(make_user("accounting", "books2-fec@clinic.test"))
    for query in ("", "?year=abc", "?from=2026-01-01", "?from=2026-02-01&to=2026-01-01", "?year=2026&from=2026-01-01"):
        response = accountant.get(f"/api/v1/accounting/fec/{query}")
        assert response.status_code == 400, query
        assert response.json()["code"] == "fec_period_invalid"
    Sale.objects.filter(pk=books["first"].sale_id).update(currency="USD")
    response = accountant.get(f"/api/v1/accounting/fec/?year={LAST_YEAR}")
    assert response.status_code == 422 and response.json()["code"] == "fec_foreign_currency"
    assert not AuditLog.objects.filter(action="export", metadata_json__channel="api").exists()


def test_admin_fec_screen_downloads_for_accounting(books, make_user):
    client = Client()
    client.force_login(make_user("accounting", "books3-fec@clinic.test"))
    url = reverse("commerce_fec_export:index")
    assert client.get(url).status_code == 200
    response = client.post(url, {"year": str(LAST_YEAR)})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'FEC{LAST_YEAR}1231.txt"')
    check_rows(parse(b"".join(response.streaming_content)))
    assert AuditLog.objects.filter(action="export", metadata_json__channel="admin").exists()
    invalid = client.post(url, {"date_from": f"{LAST_YEAR}-02-01", "date_to": f"{LAST_YEAR}-01-01"})
    assert invalid.status_code == 200 and "La période commence après sa fin.".encode() in invalid.content


def test_admin_fec_screen_refused_to_reception(make_user):
    client = Client()
    client.force_login(make_user("reception", "desk3-fec@clinic.test"))
    assert client.get(reverse("commerce_fec_export:index")).status_code in (302, 403)


def test_export_fec_partial_credit_notes_reverse_only_their_lines(db, clerk, location, tmp_path):
    """Two credit notes of one invoice (a cream of three, then the consultation): each AV piece
    reverses only its own lines, per kind and VAT rate, and balances."""
    payment_methods()
    cream = ProductFactory(name="Cream", unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 10)
    consult = ServiceFactory(name="Consultation", unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_name="Zoé Martin", actor=clerk)
    cream_line = billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("3"), actor=clerk)
    consult_line = billing.sale_line_add(sale=sale, product=consult, quantity=Decimal("1"), actor=clerk)
    invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("96.00"))], actor=clerk)
    tz = timezone.get_current_timezone()
    _backdate(invoice, datetime(LAST_YEAR, 5, 1, 10, 0, tzinfo=tz))
    credits = []
    for day, line in ((2, cream_line), (3, consult_line)):
        credit = billing.sale_refund(
            sale=sale, reason="Partial", lines=[billing.CreditLineInput(line.pk, Decimal("1"))], actor=clerk
        )
        when = datetime(LAST_YEAR, 5, day, 10, 0, tzinfo=tz)
        CreditNote.objects.filter(pk=credit.pk).update(issued_at=when)
        Payment.objects.filter(credit_note=credit).update(paid_at=when)
        credits.append(credit.credit_note_number)

    _, rows = export(tmp_path, "--from", f"{LAST_YEAR}-05-01", "--to", f"{LAST_YEAR}-05-31")
    check_rows(rows)
    first, second = credits
    assert _balance(rows, "707", journal="AV", piece=first) == Decimal("-10.00")
    assert _balance(rows, "445713", journal="AV", piece=first) == Decimal("-2.00")
    assert _balance(rows, "706", journal="AV", piece=first) == Decimal("0")
    assert _balance(rows, "411", journal="AV", piece=first) == Decimal("12.00")
    assert _balance(rows, "706", journal="AV", piece=second) == Decimal("-60.00")
    assert _balance(rows, "707", journal="AV", piece=second) == Decimal("0")
    assert _balance(rows, "411", journal="AV", piece=second) == Decimal("60.00")
    # The invoice's revenue is reversed only for what was credited: 20.00 of cream stays.
    assert _balance(rows, "707") == Decimal("20.00") and _balance(rows, "706") == Decimal("0")
    assert -_balance(rows, "530") == Decimal("96.00") - Decimal("72.00")  # cash in, two refunds out
