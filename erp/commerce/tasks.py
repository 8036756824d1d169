"""Background work of commerce: invoice and credit note PDFs, fiscal closings."""

from huey import crontab

from erp.ops.queue import clinic_periodic_task, clinic_task


@clinic_task()
def invoice_pdf_task(invoice_id: str) -> None:
    from erp.commerce.models import Invoice
    from erp.commerce.sales.invoice_pdf import invoice_pdf_store

    invoice_pdf_store(invoice=Invoice.objects.get(pk=invoice_id))


@clinic_task()
def credit_note_pdf_task(credit_note_id: str) -> None:
    from erp.commerce.models import CreditNote
    from erp.commerce.sales.invoice_pdf import credit_note_pdf_store

    credit_note_pdf_store(credit_note=CreditNote.objects.get(pk=credit_note_id))


@clinic_periodic_task(crontab(hour="0", minute="15"))
def fiscal_closings_task() -> None:
    from erp.commerce.sales.fiscal import fiscal_close_due

    fiscal_close_due()
