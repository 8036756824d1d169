"""The invoice PDF lands in the real (moto) documents bucket and the signed URL serves it."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from erp.commerce.sales import invoice_pdf
from erp.commerce.sales import services as billing
from erp.commerce.sales.services import PaymentInput
from erp.commerce.tests.factories import ServiceFactory
from erp.commerce.tests.sales_fixtures import make_patient, payment_methods
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_invoice_pdf_in_the_documents_bucket(s3_buckets, location):
    payment_methods()
    patient = make_patient("Արամ", "Պետրոսյան", "hy")
    service = ServiceFactory(unit_price_excl_tax=Decimal("60.00"))
    sale = billing.sale_create(location=location, sold_to_patient=patient, actor=None)
    billing.sale_line_add(sale=sale, product=service, quantity=Decimal("1"), actor=None)
    invoice = billing.sale_pay(sale=sale, payments=[PaymentInput("cash", Decimal("60"))], actor=None)
    document = invoice_pdf.invoice_pdf_store(invoice=invoice)
    stored = s3_buckets.client.get_object(Bucket=s3_buckets.names["documents"], Key=document.object_key)
    body = stored["Body"].read()
    assert body == invoice_pdf.invoice_render(invoice).pdf
    for alias in ("clinical", "marketing"):
        listing = s3_buckets.client.list_objects_v2(Bucket=s3_buckets.names[alias])
        assert listing.get("KeyCount", 0) == 0
    accountant = UserFactory(role="accounting", email="books-s3@clinic.test")
    client = APIClient()
    client.force_authenticate(accountant)
    response = client.get(f"/api/v1/invoices/{invoice.pk}/download/")
    assert response.status_code == 200
    assert s3_buckets.names["documents"] in response.json()["url"] or "X-Amz" in response.json()["url"]
