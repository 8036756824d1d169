"""Recompute the fiscal journal's hash chain and name the first broken entry (exit 1 if any)."""

import sys

from django.core.management.base import BaseCommand

from erp.commerce.sales.fiscal import fiscal_journal_verify


class Command(BaseCommand):
    help = "Verify the SHA-256 chain of the fiscal journal and name the first broken entry."

    def handle(self, *args, **options):
        report = fiscal_journal_verify()
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Fiscal journal intact: {report.entries_checked} entries checked."))
            return
        self.stderr.write(
            f"Fiscal journal broken at entry #{report.first_broken_sequence} ({report.first_broken_id}): "
            f"{report.reason}. {report.entries_checked} entries before it are intact."
        )
        sys.exit(1)
