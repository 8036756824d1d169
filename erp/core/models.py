"""Base mixins, identity, app settings and clinic locations (spec 000 §0-2)."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.core.exceptions import ConcurrencyConflict

# --- Mixins -------------------------------------------------------------------------------------


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id"))

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


class BaseModel(UUIDModel, TimestampedModel):
    """UUID primary key and timestamps: every main entity of the spec."""

    class Meta:
        abstract = True


class CreatedByModel(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="created_by_user_id",
        editable=False,
        verbose_name=_("created by"),
    )

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def delete(self, *, actor=None):
        """Soft-delete every row of the queryset; nothing leaves the table."""
        return self.update(is_deleted=True, deleted_at=timezone.now(), deleted_by=actor)

    def hard_delete(self):
        return super().delete()


class SoftDeleteManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """The default manager: deleted rows are hidden."""

    def get_queryset(self):
        return super().get_queryset().filter(is_deleted=False)


class SoftDeleteModel(models.Model):
    """Critical records are never removed: ``delete()`` marks them, with who did it."""

    is_deleted = models.BooleanField(default=False, editable=False, verbose_name=_("is deleted"))
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("deleted at"))
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_column="deleted_by_user_id",
        editable=False,
        verbose_name=_("deleted by"),
    )

    objects = SoftDeleteManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    def delete(self, using=None, keep_parents=False, *, actor=None):
        self.is_deleted = True
        self.deleted_at = timezone.now()
        self.deleted_by = actor
        type(self).all_objects.filter(pk=self.pk).update(
            is_deleted=True, deleted_at=self.deleted_at, deleted_by=actor
        )
        return 1, {self._meta.label: 1}

    def hard_delete(self):
        return super().delete()


class VersionedModel(models.Model):
    """Optimistic concurrency: every save increments ``row_version``; a stale copy cannot win."""

    row_version = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("row version"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        expected = self.row_version
        with transaction.atomic(using=kwargs.get("using")):
            # The conditional UPDATE takes the row lock, so concurrent savers serialise here and
            # the loser finds the version already moved on.
            bumped = type(self)._base_manager.filter(pk=self.pk, row_version=expected).update(
                row_version=expected + 1
            )
            if not bumped:
                raise ConcurrencyConflict(
                    _("%(verbose_name)s was changed by someone else (version %(expected)s is stale).")
                    % {"verbose_name": self._meta.verbose_name, "expected": expected},
                    code="stale_version",
                )
            self.row_version = expected + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "row_version"}
            super().save(*args, **kwargs)

    def update_locked(self, **values) -> None:
        """Set ``values`` on a row this transaction already holds (``select_for_update``) and move
        its version on, in one UPDATE: under the lock nobody can have moved the version, so
        ``save()``'s savepoint and separate version UPDATE are not needed. Like ``QuerySet.update``
        it sends no save signal; ``auto_now`` fields are set as ``save()`` would."""
        expected = self.row_version
        for field in self._meta.concrete_fields:
            if getattr(field, "auto_now", False):
                values.setdefault(field.attname, timezone.now())
        bumped = type(self)._base_manager.filter(pk=self.pk, row_version=expected).update(
            **values, row_version=expected + 1
        )
        if not bumped:
            raise ConcurrencyConflict(
                _("%(verbose_name)s was changed by someone else (version %(expected)s is stale).")
                % {"verbose_name": self._meta.verbose_name, "expected": expected},
                code="stale_version",
            )
        for name, value in values.items():
            setattr(self, name, value)
        self.row_version = expected + 1

    @property
    def etag(self) -> str:
        return f'"{self.row_version}"'


# --- Identity -----------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_superuser=True, is_staff=True)
        return self._create(email, password, **fields)


class User(UUIDModel, TimestampedModel, AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address (spec 000 §2, spec 004 User)."""

    email = models.EmailField(_("email"), max_length=255, unique=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email_confirmed = models.BooleanField(default=False, verbose_name=_("email confirmed"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    is_staff = models.BooleanField(
        default=False,
        help_text=_("Technical flag kept for Django tools; access comes from roles."),
        verbose_name=_("is staff"),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    @property
    def role_names(self) -> list[str]:
        known = self.__dict__.get("known_role_names")  # read with the API token (erp.core.api.authentication)
        if known is not None:
            return list(known)
        return sorted(group.name for group in self.groups.all())

    def has_permission(self, name: str) -> bool:
        """Spec 004's ``User.HasPermission``: does one of the user's roles grant ``app_label.codename``?"""
        return self.is_active and self.has_perm(name)

    def has_role(self, *names: str) -> bool:
        if self.is_superuser and "admin" in names:
            return True
        return any(name in names for name in self.role_names)


class Practitioner(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="practitioner", verbose_name=_("user")
    )
    display_name = models.CharField(max_length=200, verbose_name=_("display name"))
    specialty = models.CharField(max_length=200, default="Dermatology", verbose_name=_("specialty"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self) -> str:
        return self.display_name


# --- Settings and locations ---------------------------------------------------------------------


class LanguageChoices(models.TextChoices):
    FR = "fr", "Français"
    EN = "en", "English"
    RU = "ru", "Русский"
    UK = "uk", "Українська"
    HY = "hy", "Հայերեն"
    ES = "es", "Español"


def all_language_codes() -> list[str]:
    return list(LanguageChoices.values)


class AppSettings(BaseModel, VersionedModel):
    """The clinic-wide settings: one row, enforced by the database."""

    singleton = models.BooleanField(default=True, editable=False, unique=True, verbose_name=_("singleton"))
    default_country_code = models.CharField(max_length=2, default="FR", verbose_name=_("default country code"))
    default_currency = models.CharField(max_length=3, default="EUR", verbose_name=_("default currency"))
    default_language = models.CharField(
        max_length=2, choices=LanguageChoices.choices, default=LanguageChoices.FR, verbose_name=_("default language")
    )
    enabled_languages = models.JSONField(default=all_language_codes, verbose_name=_("enabled languages"))
    timezone = models.CharField(max_length=64, default="Europe/Paris", verbose_name=_("timezone"))
    # Where bookings that name no site (e.g. from Calendly) take place.
    default_location = models.ForeignKey(
        "core.ClinicLocation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default location"),
    )

    class Meta:
        verbose_name = _("app settings")
        verbose_name_plural = _("app settings")
        constraints = [models.CheckConstraint(condition=models.Q(singleton=True), name="core_appsettings_single_row")]

    def __str__(self) -> str:
        return str(_("App settings"))

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        kept = _request_settings.get()
        if kept is not None:
            kept[:] = [self]  # what the rest of the request reads

    @classmethod
    def load(cls) -> "AppSettings":
        """The settings; read once a request (``settings_read_once``), each call elsewhere."""
        kept = _request_settings.get()
        if kept:
            return kept[0]
        obj, _created = cls.objects.get_or_create(singleton=True)
        if kept is not None:
            kept.append(obj)
        return obj


# The settings as the request being served read them: a phone search read them twice (its filter
# and its ranking), a query each.
_request_settings: ContextVar[list | None] = ContextVar("request_app_settings", default=None)


@contextmanager
def settings_read_once():
    """Inside the block, ``AppSettings.load()`` reads the row once and then answers from memory."""
    token = _request_settings.set([])
    try:
        yield
    finally:
        _request_settings.reset(token)


class ClinicLocation(BaseModel, VersionedModel):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    address_line1 = models.CharField(max_length=255, blank=True, null=True, verbose_name=_("address line1"))
    city = models.CharField(max_length=120, blank=True, null=True, verbose_name=_("city"))
    postal_code = models.CharField(max_length=20, blank=True, null=True, verbose_name=_("postal code"))
    country_code = models.CharField(max_length=2, blank=True, null=True, verbose_name=_("country code"))
    timezone = models.CharField(max_length=64, default="Europe/Paris", verbose_name=_("timezone"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("clinic location")
        verbose_name_plural = _("clinic locations")

    def __str__(self) -> str:
        return self.name


class UserSession(AbstractBaseSession):
    """A signed-in session, with its user: disabling the user deletes their rows (see sessions.py)."""

    user_id = models.UUIDField(null=True, blank=True, db_index=True, verbose_name=_("user id"))

    class Meta:
        db_table = "core_user_session"
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        from erp.core.sessions import SessionStore

        return SessionStore
