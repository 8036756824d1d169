from django.core.management.base import BaseCommand, CommandError

from erp.ops.models import FailedTask
from erp.ops.queue import failed_task_retry


class Command(BaseCommand):
    help = "Put failed background tasks (retries used up) back on the queue: all waiting ones, or those named."

    def add_arguments(self, parser):
        parser.add_argument("task_ids", nargs="*", help="Huey task ids (default: every failed task not yet retried).")
        parser.add_argument("--task", help="Only tasks of this name (e.g. erp.clinical.tasks.make_photo_thumbnail).")
        parser.add_argument("--list", action="store_true", help="List the waiting failed tasks without retrying.")

    def handle(self, *args, task_ids, task, list, **options):
        waiting = FailedTask.objects.filter(retried_at__isnull=True).order_by("failed_at")
        if task_ids:
            waiting = waiting.filter(task_id__in=task_ids)
            missing = set(task_ids) - set(waiting.values_list("task_id", flat=True))
            if missing:
                raise CommandError(f"No waiting failed task with id {', '.join(sorted(missing))}.")
        if task:
            waiting = waiting.filter(task_name=task)
        for failed in waiting:
            if list:
                self.stdout.write(f"{failed.task_id} {failed.task_name} {failed.args_json} {failed.error}")
                continue
            new_id = failed_task_retry(failed=failed)
            self.stdout.write(f"{failed.task_id} {failed.task_name}: re-enqueued as {new_id}")
