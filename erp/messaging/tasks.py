"""Background work of the patient messages (huey): plan an appointment's messages after a change,
claim the due ones every minute, send each one (retried by the platform's policy)."""

from huey import crontab

from erp.ops.queue import clinic_periodic_task, clinic_task


@clinic_task()
def appointment_messages_plan_task(appointment_id: str, cancellation_notice: bool = True) -> None:
    from erp.messaging.services import appointment_messages_plan

    appointment_messages_plan(appointment_id=appointment_id, cancellation_notice=cancellation_notice)


@clinic_periodic_task(crontab(minute="*"))
def messages_dispatch_task() -> None:
    """Every minute: claim the messages that are due (each by one worker) and send them."""
    from erp.messaging.services import messages_claim_due

    messages_claim_due()


@clinic_task()
def messages_dispatch_for(appointment_id: str) -> None:
    """Right after a booking or a change: its messages due now go out without waiting a minute."""
    from erp.messaging.services import messages_claim_due

    messages_claim_due(appointment_id=appointment_id)


@clinic_task(context=True)
def message_send_task(message_id: str, task=None) -> None:
    from erp.messaging.exceptions import MessageDeliveryFailed
    from erp.messaging.services import message_send, message_send_failed

    try:
        message_send(message_id=message_id)
    except MessageDeliveryFailed as error:
        # The message keeps the attempt; huey tries again (10, 20, 40... s), the last failure is
        # a failed message and a FailedTask row in diagnostics.
        message_send_failed(message_id=message_id, error=str(error), final=task is None or not task.retries)
        raise


def appointment_changed(appointment_id, *, cancellation_notice: bool = True) -> None:
    """For the clinical services: after their commit, plan the appointment's messages."""
    from django.db import transaction

    transaction.on_commit(
        lambda: appointment_messages_plan_task(str(appointment_id), cancellation_notice=cancellation_notice)
    )
