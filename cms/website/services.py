"""Writes of the website app."""

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from erp.core.models import LanguageChoices

from .models import PublicLead


def country_from_phone(phone: str | None) -> str | None:
    """The country of a phone number (French numbers by default), or None when it can't be told."""
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, getattr(settings, "DEFAULT_COUNTRY_CODE", "FR"))
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.region_code_for_number(number) or None


@transaction.atomic
def public_lead_create(
    *,
    lead_type: str,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    message: str | None = None,
    language: str | None = None,
    consent_text: str = "",
    spam_reason: str = "",
    page_url: str = "",
    source: str = "website",
) -> PublicLead:
    """Store a lead from the public site; a suspected bot's lead is kept with status spam."""
    language = language or translation.get_language()
    lead = PublicLead(
        type=lead_type,
        name=name or None,
        email=email or None,
        phone=phone or None,
        message=message or None,
        preferred_language=language if language in LanguageChoices.values else None,
        country_code=country_from_phone(phone),
        source=source,
        status=PublicLead.Status.SPAM if spam_reason else PublicLead.Status.NEW,
        spam_reason=spam_reason,
        page_url=page_url[:500],
    )
    if consent_text:
        lead.newsletter_consent = True
        lead.consent_text = consent_text
        lead.consent_at = timezone.now()
    lead.full_clean()
    lead.save()
    return lead


@transaction.atomic
def public_lead_set_status(*, lead: PublicLead, status: str, actor) -> PublicLead:
    """Mark a lead handled, spam or new again; handled leads remember who and when."""
    from erp.ops.audit import audit_record

    lead = PublicLead.objects.select_for_update().get(pk=lead.pk)
    if lead.status == status:
        return lead
    previous = lead.status
    lead.status = status
    if status == PublicLead.Status.HANDLED:
        lead.handled_at, lead.handled_by = timezone.now(), actor
    lead.save(update_fields=["status", "handled_at", "handled_by", "updated_at"])
    audit_record(actor=actor, action="update", entity=lead, metadata={"status": [previous, status]})
    return lead
