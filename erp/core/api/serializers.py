from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import Group
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from erp.core.api.fields import DateTimeField, DecimalField, StrictCharField
from erp.core.models import AppSettings, ClinicLocation, Practitioner, User
from erp.core.roles import role_permissions

# Sent by the browsable API's HTML forms with every form post; never a field of a record.
FORM_TOKENS = frozenset({"csrfmiddlewaretoken"})


class KnownFieldsMixin:
    """A write names only fields the serializer accepts: any other key is a 400 ``unknown_field``.

    DRF ignores keys it does not know, so a client sending ``is_admin``, or ``id`` or
    ``row_version`` (read-only: decided by the server), would believe it set them. Each unknown key
    gets its own entry in ``errors`` (the exception handler names them all in ``detail``). Checked
    in ``to_internal_value``, which DRF calls for the body, for each nested serializer and for each
    item of a list, so every level is covered.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            accepted = {
                name for name, field in self.fields.items()
                if not field.read_only and not isinstance(field, serializers.HiddenField)
            }  # fmt: skip
            unknown = sorted(set(data) - accepted)
            if isinstance(data, QueryDict):
                unknown = [name for name in unknown if name not in FORM_TOKENS]
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [serializers.ErrorDetail(_("Unknown field: it cannot be written."), code="unknown_field")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class Serializer(KnownFieldsMixin, serializers.Serializer):
    """The base of the API's serializers: DRF's, refusing unknown fields."""


class ModelSerializer(KnownFieldsMixin, serializers.ModelSerializer):
    """The base of the API's model serializers: DRF's, refusing unknown fields."""

    # Model columns become the API's fields (fields.py): date-times in UTC, decimals written without
    # quantizing again, text that is text. (A comment: this docstring is the schema's description.)
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
        models.DecimalField: DecimalField,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }


class LoginSerializer(Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=8,
        write_only=True,
        help_text="The current code of the account's authenticator app (required once it has one).",
    )

    def validate(self, attrs):
        request = self.context.get("request")
        # django-axes needs Django's HttpRequest: it marks it, and its middleware answers a lockout.
        request = getattr(request, "_request", request)
        user = authenticate(request, email=attrs["email"].strip(), password=attrs["password"])
        if user is None:
            # One answer for a wrong password, an unknown e-mail and a disabled account alike.
            raise serializers.ValidationError(
                _("Unable to sign in with these credentials."), code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class EmailConfirmSerializer(Serializer):
    token = serializers.CharField(help_text="The token of the confirmation link.")


class EmailConfirmedSerializer(Serializer):
    email = serializers.EmailField(read_only=True)
    email_confirmed = serializers.BooleanField(read_only=True)


class TokenSerializer(Serializer):
    token = serializers.CharField(read_only=True, help_text="Send as `Authorization: Token <token>`; shown once.")
    expiry = serializers.DateTimeField(
        read_only=True,
        help_text="When the token ends unless used: each call moves it on, up to the absolute limit.",
    )


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()
    practitioner_id = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id", "email", "first_name", "last_name", "email_confirmed",
            "roles", "permissions", "practitioner_id", "last_login",
        ]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        return user.role_names

    def get_permissions(self, user) -> list[str]:
        return sorted(user.get_all_permissions())

    def get_practitioner_id(self, user) -> str | None:
        practitioner = getattr(user, "practitioner", None)
        return str(practitioner.pk) if practitioner else None


class RoleSerializer(ModelSerializer):
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "name", "permissions"]
        read_only_fields = fields

    def get_permissions(self, group) -> list[str]:
        return sorted(f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all())


class UserSerializer(ModelSerializer):
    roles = serializers.SlugRelatedField(
        source="groups",
        many=True,
        slug_field="name",
        queryset=Group.objects.all(),
        required=False,
        help_text="Role names, e.g. `reception`.",
    )
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = [
            "id", "email", "first_name", "last_name", "email_confirmed", "is_active",
            "roles", "password", "last_login", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "email_confirmed", "last_login", "created_at", "updated_at"]

    def validate_email(self, value: str) -> str:
        value = value.strip().lower()
        clash = User.objects.filter(email__iexact=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(_("A user with this e-mail already exists."), code="email_taken")
        return value

    def validate_roles(self, groups):
        unknown = [g.name for g in groups if g.name not in role_permissions()]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown role(s): %(unknown)s.") % {"unknown": ", ".join(unknown)}, code="unknown_role"
            )
        return groups

    def validate_password(self, value: str) -> str:
        password_validation.validate_password(value, self.instance)
        return value

    def create(self, validated_data):
        groups = validated_data.pop("groups", [])
        password = validated_data.pop("password", None)
        user = User.objects.create_user(password=password, **validated_data)
        user.groups.set(groups)
        return user

    def update(self, instance, validated_data):
        groups = validated_data.pop("groups", None)
        password = validated_data.pop("password", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if password:
            instance.set_password(password)
        instance.save()
        if groups is not None:
            instance.groups.set(groups)
        return instance


class ClinicLocationSerializer(ModelSerializer):
    class Meta:
        model = ClinicLocation
        fields = [
            "id", "name", "address_line1", "city", "postal_code", "country_code",
            "timezone", "is_active", "row_version", "created_at", "updated_at",
        ]
        read_only_fields = ["id", "row_version", "created_at", "updated_at"]

    def validate_country_code(self, value):
        return value.upper() if value else value


class AppSettingsSerializer(ModelSerializer):
    enabled_languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _ in settings.LANGUAGES]),
        allow_empty=False,
    )

    class Meta:
        model = AppSettings
        fields = [
            "id", "default_country_code", "default_currency", "default_language",
            "enabled_languages", "timezone", "default_location", "row_version", "updated_at",
        ]
        read_only_fields = ["id", "row_version", "updated_at"]

    def validate(self, attrs):
        default = attrs.get("default_language", getattr(self.instance, "default_language", None))
        enabled = attrs.get("enabled_languages", getattr(self.instance, "enabled_languages", None))
        if default and enabled and default not in enabled:
            raise serializers.ValidationError(
                {"default_language": "The default language must be one of the enabled languages."},
                code="default_language_disabled",
            )
        return attrs


class PractitionerSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Practitioner
        fields = ["id", "user", "email", "display_name", "specialty", "is_active", "created_at", "updated_at"]
        read_only_fields = ["id", "email", "created_at", "updated_at"]
