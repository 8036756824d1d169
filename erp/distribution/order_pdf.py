"""The printable order summary: a Django template rendered to PDF by weasyprint, in the reader's
language, with the clinic (the supplier) as the invoices name it (``commerce.seller.seller_info``)."""

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from erp.commerce.sales.seller import seller_info
from erp.distribution.models import Distributor, Order, OrderLine


@dataclass(frozen=True)
class OrderSummary:
    pdf: bytes
    filename: str


def order_summary_pdf(order: Order, distributor: Distributor) -> OrderSummary:
    from weasyprint import HTML

    html = render_to_string(
        "distribution/order_summary_pdf.html",
        {
            "order": order,
            "distributor": distributor,
            "lines": OrderLine.objects.filter(order=order).select_related("product"),
            "seller": seller_info(),
            "printed_at": timezone.localtime(),
            "LANGUAGE_CODE": translation.get_language(),
        },
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return OrderSummary(pdf=pdf, filename=f"order-{str(order.pk)[:8]}.pdf")
