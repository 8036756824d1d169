"""Background work of the social app (huey)."""

from huey import crontab

from erp.ops.queue import clinic_periodic_task


@clinic_periodic_task(crontab(minute="*/5"))
def remind_due_posts() -> int:
    """Every 5 minutes: remind marketing of scheduled posts past their time, once per post."""
    from erp.social.services import post_reminders_send

    return len(post_reminders_send())
