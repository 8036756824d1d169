from django.core.management.base import BaseCommand, CommandError

from erp.commerce.inventory.selectors import stock_ledger_differences


class Command(BaseCommand):
    help = (
        "Recompute every stock balance from the stock_move ledger and report the differences. "
        "Exits with a non-zero status when a balance disagrees with its ledger."
    )

    def handle(self, *args, **options):
        differences = stock_ledger_differences()
        for diff in differences:
            self.stdout.write(
                f"product={diff.product_id} lot={diff.lot_id or '-'} location={diff.location_id or '-'}: "
                f"ledger {diff.ledger_quantity}, balance {diff.balance_quantity}"
            )
        if differences:
            raise CommandError(f"{len(differences)} stock balance(s) disagree with the ledger.")
        self.stdout.write(self.style.SUCCESS("Every stock balance matches the ledger."))
