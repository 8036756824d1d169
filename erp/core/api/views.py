from django.contrib.auth import logout, user_logged_in
from django.contrib.auth.models import Group
from django.db import transaction
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from erp.core import otp
from erp.core.api.mixins import IF_MATCH, AuditedViewSetMixin, VersionedViewSetMixin
from erp.core.api.permissions import IsAdminRole, RoleAccess
from erp.core.api.schema import error_responses
from erp.core.api.serializers import (
    AppSettingsSerializer,
    ClinicLocationSerializer,
    EmailConfirmedSerializer,
    EmailConfirmSerializer,
    LoginSerializer,
    MeSerializer,
    PractitionerSerializer,
    RoleSerializer,
    TokenSerializer,
    UserSerializer,
)
from erp.core.models import AppSettings, ClinicLocation, Practitioner, User
from erp.core.services import (
    api_token_create,
    api_token_revoke,
    user_api_tokens_revoke,
    user_email_confirm,
    user_email_confirmation_send,
)
from erp.ops.audit import audit_record


class TokenLoginView(APIView):
    """Exchange an e-mail and password (and the two-factor code, once the account has an app) for an API token.

    Each call makes a new token for one client (signing in again elsewhere leaves the others alone).
    It expires after ``SESSION_IDLE_TIMEOUT`` seconds without a call, and ``SESSION_ABSOLUTE_TIMEOUT``
    seconds after the sign-in in any case (``expiry`` is the current end; each call moves it); a new
    password or a disabled account revokes every token of the user.
    Send it as ``Authorization: Token <token>``.

    Errors: ``invalid_credentials`` (400), ``otp_required``/``otp_invalid`` (401),
    ``otp_enrolment_required`` (403, an administrator without an app), ``locked_out`` (429).
    """

    permission_classes = [RoleAccess, AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=LoginSerializer,
        responses={
            200: TokenSerializer,
            **error_responses({
                401: "`otp_required` or `otp_invalid`: the second factor is missing or wrong.",
                403: "`otp_enrolment_required`: this account must set up two-factor authentication first.",
                429: "`locked_out`: too many failed sign-ins for this e-mail from this address.",
            }),
        },
        auth=[],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        otp.api_login_check(request._request, user, serializer.validated_data.get("otp_token"))
        token, key = api_token_create(user=user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(TokenSerializer({"token": key, "expiry": token.expiry}).data)


_SIGNED_OUT_ERRORS = error_responses({
    401: "`not_authenticated`, `token_invalid` or `token_expired`: no valid credentials "
    "(the answer carries `WWW-Authenticate: Token`).",
})


class TokenLogoutView(APIView):
    """Sign this client out: revoke the API token of the call (the user's other clients keep theirs);
    called with a session, end that session."""

    permission_classes = [RoleAccess, IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **_SIGNED_OUT_ERRORS})
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            api_token_revoke(token=request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllView(APIView):
    """Sign every API client of the caller out: revoke all their tokens (this one too); called with a
    session, end that session as well."""

    permission_classes = [RoleAccess, IsAuthenticated]

    @extend_schema(request=None, responses={204: None, **_SIGNED_OUT_ERRORS})
    def post(self, request):
        user_api_tokens_revoke(user=request.user)
        if not isinstance(request.auth, AuthToken):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailConfirmView(APIView):
    """Confirm an e-mail address with the token of the confirmation link."""

    permission_classes = [RoleAccess, AllowAny]
    authentication_classes: list = []

    @extend_schema(request=EmailConfirmSerializer, responses={200: EmailConfirmedSerializer}, auth=[])
    def post(self, request):
        serializer = EmailConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_email_confirm(token=serializer.validated_data["token"])
        return Response(EmailConfirmedSerializer(user).data)


class MeSendConfirmationView(APIView):
    """E-mail the signed-in user a link to confirm their address."""

    permission_classes = [RoleAccess, IsAuthenticated]

    @extend_schema(request=None, responses={202: None})
    def post(self, request):
        user_email_confirmation_send(user=request.user, base_url=request.build_absolute_uri("/"))
        return Response(status=status.HTTP_202_ACCEPTED)


class MeView(generics.RetrieveAPIView):
    """The signed-in user, their roles and permissions."""

    serializer_class = MeSerializer
    permission_classes = [RoleAccess, IsAuthenticated]

    def get_object(self):
        return self.request.user


class UserViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Staff accounts and their roles (administrators only). Deleting deactivates."""

    serializer_class = UserSerializer
    permission_classes = [RoleAccess, IsAdminRole]
    queryset = User.objects.prefetch_related("groups").order_by("email")
    filterset_fields = ["is_active", "email_confirmed", "groups__name"]
    ordering_fields = ["email", "last_name", "created_at", "last_login"]
    search_fields = ["email", "first_name", "last_name"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        user, base_url = serializer.instance, self.request.build_absolute_uri("/")
        transaction.on_commit(lambda: user_email_confirmation_send(user=user, base_url=base_url))

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"], url_path="send-confirmation")
    def send_confirmation(self, request, pk=None):
        """E-mail this user a new confirmation link."""
        user_email_confirmation_send(user=self.get_object(), base_url=request.build_absolute_uri("/"))
        return Response(status=status.HTTP_202_ACCEPTED)

    @transaction.atomic
    def perform_destroy(self, instance):
        # Accounts are never removed (the audit trail points at them): they are deactivated.
        instance.is_active = False
        # Saving a disabled account ends its sessions and tokens (signals.disabled_user_loses_access).
        instance.save(update_fields=["is_active", "updated_at"])
        audit_record(actor=self.request.user, action="delete", entity=instance)


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """The roles (groups) and the permissions each grants (administrators only)."""

    serializer_class = RoleSerializer
    permission_classes = [RoleAccess, IsAdminRole]
    queryset = Group.objects.prefetch_related("permissions__content_type").order_by("name")
    filterset_fields = ["name"]
    ordering_fields = ["name"]


class ClinicLocationViewSet(VersionedViewSetMixin, AuditedViewSetMixin, viewsets.ModelViewSet):
    """The clinic's sites."""

    serializer_class = ClinicLocationSerializer
    queryset = ClinicLocation.objects.all()
    filterset_fields = ["is_active", "country_code", "city"]
    ordering_fields = ["name", "city", "created_at"]


class AppSettingsView(VersionedViewSetMixin, AuditedViewSetMixin, generics.RetrieveUpdateAPIView):
    """The clinic-wide settings (one record)."""

    serializer_class = AppSettingsSerializer
    queryset = AppSettings.objects.all()

    @extend_schema(parameters=[IF_MATCH])
    def put(self, request, *args, **kwargs):
        return super().put(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def patch(self, request, *args, **kwargs):
        return super().patch(request, *args, **kwargs)

    def get_object(self):
        obj = AppSettings.load()
        self.check_object_permissions(self.request, obj)
        return self.versioned(obj)


class PractitionerViewSet(AuditedViewSetMixin, viewsets.ModelViewSet):
    """Practitioners: the users who see patients."""

    serializer_class = PractitionerSerializer
    queryset = Practitioner.objects.select_related("user")
    filterset_fields = ["is_active", "specialty"]
    ordering_fields = ["display_name", "created_at"]

