"""Writes of the website app."""

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cms.website.models import Promotion, PublicLead
from erp.core.locking import lock_row, lock_rows
from erp.core.models import LanguageChoices


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

    lead = lock_row(PublicLead.objects, pk=lead.pk)
    if lead.status == status:
        return lead
    previous = lead.status
    lead.status = status
    if status == PublicLead.Status.HANDLED:
        lead.handled_at, lead.handled_by = timezone.now(), actor
    lead.save(update_fields=["status", "handled_at", "handled_by", "updated_at"])
    audit_record(actor=actor, action="update", entity=lead, metadata={"status": [previous, status]})
    return lead


def _split_name(name: str) -> tuple[str, str]:
    """First word as first name, the rest as last name; one word is taken as the last name."""
    words = name.split()
    if len(words) < 2:
        return "", " ".join(words)
    return words[0], " ".join(words[1:])


def public_lead_convert_to_patient(*, lead: PublicLead, actor):
    """Make a low-confidence patient from a lead, carrying a given newsletter consent (idempotent).

    The lead is locked, so two clicks make one patient; a spam lead is refused. The duplicate tools
    of the clinical app find the new record if the person was already known.
    """
    from erp.clinical.models import IdentityConfidence, ReferralSource
    from erp.clinical.services import consent_grant, patient_create
    from erp.core.exceptions import NotAllowed
    from erp.ops.audit import audit_record

    with transaction.atomic():
        lead = lock_row(PublicLead.objects, pk=lead.pk)
        if lead.patient_id:
            return lead.patient
        if lead.status == PublicLead.Status.SPAM:
            raise NotAllowed(_("A lead marked as spam cannot become a patient."), code="lead_is_spam")
        first_name, last_name = _split_name(lead.name or "")
        if not last_name:
            raise NotAllowed(_("The lead has no name to start a patient record with."), code="lead_without_name")
        source, _created = ReferralSource.objects.get_or_create(code="website", defaults={"label": "Website"})
        patient = patient_create(
            data={
                "first_name": first_name,
                "last_name": last_name,
                "email": lead.email or None,
                "phone": lead.phone or None,
                "country_code": lead.country_code or None,
                "preferred_language": lead.preferred_language or "fr",
                "identity_confidence": IdentityConfidence.LOW,
                "referral_source": source,
                "referral_details": f"Website lead ({lead.get_type_display()})",
            },
            actor=actor,
        )
        if lead.newsletter_consent:
            consent_grant(patient=patient, consent_type="newsletter", actor=actor)
        lead.patient = patient
        lead.status = PublicLead.Status.HANDLED
        lead.handled_at, lead.handled_by = timezone.now(), actor
        lead.save(update_fields=["patient", "status", "handled_at", "handled_by", "updated_at"])
        audit_record(
            actor=actor, action="update", entity=lead,
            metadata={"fields_changed": ["patient", "status"], "patient_id": str(patient.pk)},
        )
    return patient


def marketing_image_strip_metadata(*, image) -> bool:
    """Rewrite an image stored before uploads were stripped (``erp.core.image_metadata``): a new
    object, upright and without metadata, then the row, then the old object and the renditions
    made from it go. False when the stored file holds nothing to strip (a second run changes
    nothing)."""
    import io
    import os

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from wagtail.utils.file import hash_filelike

    from erp.core.image_metadata import strip_metadata

    with image.open_file() as handle:
        data = handle.read()
    clean = strip_metadata(data)
    if clean is data:
        return False
    storage, old_name = image.file.storage, image.file.name
    new_name = storage.save(image.get_upload_to(os.path.basename(old_name)), ContentFile(clean))
    with PILImage.open(io.BytesIO(clean)) as pixels:
        width, height = pixels.size
    try:
        with transaction.atomic():
            if (width, height) != (image.width, image.height):
                # The focal point was drawn on the picture as it was stored (sideways): draw it again.
                image.focal_point_x = image.focal_point_y = None
                image.focal_point_width = image.focal_point_height = None
            image.file.name = new_name
            image.width, image.height, image.file_size = width, height, len(clean)
            image.file_hash = hash_filelike(io.BytesIO(clean))
            image.save()
            image.renditions.all().delete()  # Wagtail removes their files after commit
    except BaseException:
        storage.delete(new_name)
        raise
    transaction.on_commit(lambda: storage.delete(old_name))
    return True


@transaction.atomic
def page_translation_hold_back(*, page) -> bool:
    """A translated page is live only through a publish of its own; True when it was taken offline.

    wagtail-localize turns an alias (which is live because its source is) into the translation in
    place, keeping the alias's live flag: the source language's text would then be served as the
    translation. Such a page has no live revision of its own, so it goes back to draft; publishing
    the translation in wagtail-localize's editor (after this, on commit) makes it live.
    """
    from wagtail.models import Page

    page = lock_row(Page.objects, pk=page.pk)
    own_live_revision = page.live_revision_id is not None and page.live_revision.object_id == str(page.pk)
    if not page.live or page.alias_of_id is not None or own_live_revision:
        return False
    page.unpublish(log_action=False)  # Wagtail's own: its signals purge the caches (``invalidation``)
    return True


@transaction.atomic
def promotion_schedule_share(*, promotion: Promotion) -> int:
    """Every language of a promotion has the original's slug, dates, link and picture
    (``Promotion.SHARED_FIELDS``): after any version is published, the others (and the published
    one, if it is a translation) are given them. Returns how many versions changed."""
    versions = lock_rows(Promotion.objects.filter(translation_key=promotion.translation_key))
    if not versions:
        return 0
    # The columns (``attname``: ``link_page_id``), so no linked row is loaded to compare.
    columns = [Promotion._meta.get_field(name).attname for name in Promotion.SHARED_FIELDS]
    original, changed = versions[0], 0
    shared = {column: getattr(original, column) for column in columns}
    for version in versions[1:]:
        differs = {column: value for column, value in shared.items() if getattr(version, column) != value}
        if differs:
            # update(): the version's row only, without a new revision (its text is unchanged).
            Promotion.objects.filter(pk=version.pk).update(**differs)
            changed += 1
    return changed
