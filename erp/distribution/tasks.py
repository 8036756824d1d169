"""Background work of the distribution orders: the portal invitation e-mail."""

from erp.ops.queue import clinic_task


@clinic_task()
def distributor_invitation_task(user_id: str, language: str) -> None:
    from erp.core.models import User
    from erp.distribution.services import distributor_invitation_send

    distributor_invitation_send(user=User.objects.get(pk=user_id), language=language)
