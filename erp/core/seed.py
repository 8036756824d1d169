"""Demo data of the core app: settings, two sites, one user per role. Idempotent."""

from django.contrib.auth.models import Group

from erp.core.models import AppSettings, ClinicLocation, Practitioner, User
from erp.core.roles import CLINIC_ROLES

LOCATIONS = [
    {"name": "Paris Saint-Germain", "address_line1": "12 rue de Rennes", "city": "Paris", "postal_code": "75006"},
    {"name": "Lyon Bellecour", "address_line1": "4 place Bellecour", "city": "Lyon", "postal_code": "69002"},
]

# Development-only credentials, printed by seed_demo; never used outside a demo database.
DEMO_USERS = {
    "admin": ("admin@clinic.test", "Alice", "Martin"),
    "practitioner": ("doctor@clinic.test", "Claire", "Dubois"),
    "reception": ("reception@clinic.test", "Hugo", "Bernard"),
    "marketing": ("marketing@clinic.test", "Léa", "Petit"),
    "accounting": ("accounting@clinic.test", "Paul", "Moreau"),
}
DEMO_PASSWORD = "demo-{role}-2026"
# The demo administrator's authenticator key (the admin role requires a second factor). Fixed and
# public: development only. Add it to an app, or print the current code with `manage.py totp_code`.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


def seed(out) -> None:
    for data in LOCATIONS:
        ClinicLocation.objects.update_or_create(name=data["name"], defaults={**data, "country_code": "FR"})
    app_settings = AppSettings.load()
    if app_settings.default_location_id is None:
        app_settings.default_location = ClinicLocation.objects.get(name=LOCATIONS[0]["name"])
        app_settings.save()

    for role in CLINIC_ROLES:
        email, first_name, last_name = DEMO_USERS[role]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
        user.first_name, user.last_name, user.is_active, user.email_confirmed = first_name, last_name, True, True
        user.set_password(DEMO_PASSWORD.format(role=role))
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        out(f"  {role:<13} {email:<26} password: {DEMO_PASSWORD.format(role=role)}")

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from erp.core.otp import base32_secret

    admin = User.objects.get(email=DEMO_USERS["admin"][0])
    device, _created = TOTPDevice.objects.update_or_create(
        user=admin, name="demo", defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True}
    )
    out(
        f"  admin second factor: TOTP key {base32_secret(device)} "
        f"(or run: manage.py totp_code {admin.email})"
    )

    doctor = User.objects.get(email=DEMO_USERS["practitioner"][0])
    Practitioner.objects.update_or_create(
        user=doctor, defaults={"display_name": "Dr Claire Dubois", "specialty": "Dermatology", "is_active": True}
    )
