from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from erp.core.otp import confirmed_device


class Command(BaseCommand):
    help = "Development only (DEBUG=1): print the current two-factor code of a user's authenticator."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("totp_code is a development tool: it refuses to run with DEBUG off.")
        from erp.core.models import User

        user = User.objects.filter(email__iexact=email.strip()).first()
        device = confirmed_device(user) if user else None
        if device is None:
            raise CommandError(f"No confirmed authenticator for {email}.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
