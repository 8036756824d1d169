"""Recompute the audit log's hash chain and name the first broken entry (exit 1 if any)."""

import sys

from django.core.management.base import BaseCommand

from erp.ops.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the SHA-256 chain of the audit log and name the first broken entry."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit log intact: {report.entries_checked} entries checked."))
            return
        self.stderr.write(
            f"Audit log broken at entry #{report.first_broken_sequence} ({report.first_broken_id}): "
            f"{report.reason}. {report.entries_checked} entries before it are intact."
        )
        sys.exit(1)
