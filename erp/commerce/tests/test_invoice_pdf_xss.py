"""Stored XSS in the invoice PDF: markup typed in a buyer's name, address, product name or sale line
label comes out of weasyprint as literal text, with no injected element, image or link."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from erp.commerce.sales import invoice_pdf
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ProductFactory
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods, stock_plain
from erp.testing.xss import PAYLOADS

pytestmark = pytest.mark.django_db

# weasyprint would fetch these if they became markup; the text must stay as typed.
NAME = '<b>Anna</b><img src="file:///etc/passwd">'
ADDRESS = '"><a href="javascript:alert(1)">5 avenue Foch</a>'
PRODUCT = "<script>window.__xss=1</script>Crème"
LABEL = '<a href="https://evil.example/">cliquez</a> {{7*7}}'


def test_invoice_pdf_prints_markup_in_free_text_literally(location):
    payment_methods()
    patient = make_patient(NAME, "<i>Petrosyan</i>", "fr", address_line1=ADDRESS, city=PAYLOADS[2])
    cream = ProductFactory(name=PRODUCT, unit_price_excl_tax=Decimal("10.00"))
    stock_plain(cream, location, 5)
    sale = billing.sale_create(location=location, sold_to_patient=patient, actor=None)
    billing.sale_line_add(sale=sale, product=cream, quantity=Decimal("1"), description=LABEL, actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("12.00"))], actor=None)

    reader = PdfReader(io.BytesIO(invoice_pdf.invoice_render(invoice).pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    # The line's label replaces the product's name on the invoice.
    for typed in (NAME, "<i>Petrosyan</i>", ADDRESS, LABEL, PAYLOADS[2]):
        assert " ".join(typed.split()) in flat, f"{typed!r} is not printed literally"
    # No element came out of the markup: no link annotation, no embedded image.
    for page in reader.pages:
        annotations = [annot.get_object() for annot in page.get("/Annots", []) or []]
        assert not [a for a in annotations if a.get("/Subtype") == "/Link"], "the PDF has a link"
        resources = page["/Resources"]
        xobjects = resources.get("/XObject", {}) if resources else {}
        assert not xobjects, "the PDF embeds an image"
