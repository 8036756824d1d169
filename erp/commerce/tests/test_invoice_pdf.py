"""Invoice PDF: legal mentions, Armenian and Russian names, Factur-X XML, deterministic bytes."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from erp.commerce.models import Invoice
from erp.commerce.sales import invoice_pdf
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ProductFactory, ServiceFactory
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods, seller_complete, stock_plain, sumup_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_invoice(location, settings):
    seller_complete(settings)

    def make(first_name, last_name, language):
        payment_methods()
        if not sumup_rule.__dict__.get("made"):
            sumup_rule()
            sumup_rule.__dict__["made"] = True
        patient = make_patient(first_name, last_name, language, address_line1="5 avenue Foch", city="Lyon")
        cream = ProductFactory(name="Crème apaisante", unit_price_excl_tax=Decimal("10.00"))
        stock_plain(cream, location, 5)
        consult = ServiceFactory(name="Consultation dermatologique", unit_price_excl_tax=Decimal("60.00"))
        sale = billing.sale_create(location=location, sold_to_patient=patient, actor=None)
        billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("2"), actor=None)
        billing.sale_line_add(sale=sale, product=consult, quantity=Decimal("1"), actor=None)
        return billing.sale_pay(
            sale=sale,
            payments=[PaymentInput("card", Decimal("50.00")), PaymentInput("cash", Decimal("40.00"))],
            actor=None,
        )

    yield make
    sumup_rule.__dict__.pop("made", None)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_has_the_legal_mentions_and_an_armenian_name(paid_invoice):
    invoice = paid_invoice("Արամ", "Պետրոսյան", "hy")
    rendered = invoice_pdf.invoice_render(invoice)
    text = _text(rendered.pdf)
    for mention in (
        "Clinique Derma Test",  # the seller: the website's name and address
        "12 rue de la Paix",
        "123456789",
        "12345678900012",
        "FR12123456789",
        invoice.invoice_number,
        timezone.localtime(invoice.issued_at).strftime("%d/%m/%Y"),
        "Crème apaisante",
        "Consultation dermatologique",
        "article 261-4-1° du CGI",
        "20 %",  # the rate, under the bilingual "TVA" label
        "4,00\xa0€",  # VAT of the 20 % rate, written the French way
        "84,00\xa0€",  # total incl. VAT
        "Պետրոսյան",
        "Facture",  # French first, the legal language of the document...
        "Հաշիվ-ապրանքագիր",  # ... with the buyer's language under it
        "Carte bancaire",
        "Քարտ",  # card, in Armenian
    ):
        assert mention in text, mention


def test_pdf_renders_a_russian_name_and_is_deterministic(paid_invoice):
    invoice = paid_invoice("Анна", "Иванова", "ru")
    first = invoice_pdf.invoice_render(invoice)
    second = invoice_pdf.invoice_render(Invoice.objects.get(pk=invoice.pk))
    assert first.pdf == second.pdf
    text = _text(first.pdf)
    assert "Иванова" in text and "Анна" in text and "Счёт-фактура" in text


def test_factur_x_xml_is_embedded_and_valid(paid_invoice):
    import facturx

    invoice = paid_invoice("Marie", "Curie", "fr")
    rendered = invoice_pdf.invoice_render(invoice)
    assert facturx.xml_check_xsd(rendered.xml, flavor="factur-x", level="en16931")
    filename, xml = facturx.get_xml_from_pdf(rendered.pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    assert invoice.invoice_number.encode() in xml
    assert b"<ram:GrandTotalAmount>84.00</ram:GrandTotalAmount>" in xml
    assert b"<ram:CategoryCode>E</ram:CategoryCode>" in xml


def test_stored_once_in_the_documents_bucket(paid_invoice):
    from erp.clinical.models import Document
    from erp.core.storage import bucket

    invoice = paid_invoice("Marie", "Curie", "fr")
    document = invoice_pdf.invoice_pdf_store(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.document == document
    assert document.storage_bucket == "documents" and document.patient == invoice.sale.sold_to_patient
    with bucket("documents").open(document.object_key) as handle:
        assert handle.read()[:5] == b"%PDF-"
    assert invoice_pdf.invoice_pdf_store(invoice=invoice) == document
    assert Document.objects.count() == 1


def test_credit_note_pdf(paid_invoice):
    invoice = paid_invoice("Marie", "Curie", "fr")
    credit = billing.sale_refund(sale=invoice.sale, reason="Erreur de caisse", actor=None)
    text = _text(invoice_pdf.credit_note_render(credit).pdf)
    assert "Avoir" in text and credit.credit_note_number in text and invoice.invoice_number in text
    assert "Erreur de caisse" in text


def test_paying_renders_the_pdf_after_commit(location, django_capture_on_commit_callbacks):
    payment_methods()
    consult = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_name="Walk-in", actor=None)
    billing.sale_line_add(sale=sale, product=consult, quantity=Decimal("1"), actor=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("60"))], actor=None)
    assert len(callbacks) == 1
    invoice.refresh_from_db()
    assert invoice.document is not None and invoice.document.size_bytes > 1000
