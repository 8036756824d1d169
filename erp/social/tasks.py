"""Background work of the social app (huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from erp.ops.audit import audited_task


@db_periodic_task(crontab(minute="*/5"))
@audited_task
def remind_due_posts() -> int:
    """Every 5 minutes: remind marketing of scheduled posts past their time, once per post."""
    from .services import post_reminders_send

    return len(post_reminders_send())
