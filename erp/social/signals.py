"""Reacts to the clinical consent history: a revoked marketing_photos consent starts a takedown."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from erp.clinical.models import Consent, ConsentStatus, ConsentType


@receiver(post_save, sender=Consent, dispatch_uid="social_takedown_on_marketing_revoke")
def takedown_on_marketing_revoke(sender, instance: Consent, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    if instance.consent_type != ConsentType.MARKETING_PHOTOS or instance.status != ConsentStatus.REVOKED:
        return
    from erp.social.services import assets_takedown_for_patient

    # Runs inside the revocation's transaction: the revocation and the takedown commit together.
    assets_takedown_for_patient(patient=instance.patient, consent=instance, actor=instance.created_by)
