from erp.clinical.imports.command import ImportCommand
from erp.clinical.models import ImportKind


class Command(ImportCommand):
    help = "Import appointments from the old software's CSV or XLSX export (a dry run unless --commit)."
    kind = ImportKind.APPOINTMENTS
