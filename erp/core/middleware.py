import logging

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from rest_framework.views import APIView

from erp.core import access
from erp.core.api.permissions import RoleAccess
from erp.core.models import settings_read_once

logger = logging.getLogger(__name__)

# Paths outside the public site: a 404 there is a 404, never a redirect to /<lang>/...
NON_SITE_PREFIXES = (
    "/api/", "/admin/", "/ops/", "/files/", "/healthz", "/documents/", "/media/", "/static/", "/accounts/",
    "/portal/",
)
PORTAL_PREFIX = "/portal/"  # the distributors' portal (erp.distribution.portal), outside the admin


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the language-prefix redirect outside the public site.

    The Wagtail catch-all inside ``i18n_patterns`` makes every path "valid" once prefixed, so
    Django would answer an API 404 with a redirect to ``/fr/api/...``.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(NON_SITE_PREFIXES):
            return response
        return super().process_response(request, response)


API_PREFIX = "/api/"

# The code and text of an API error answered outside DRF's exception handler (an unknown URL, a
# server error, a refusal by a middleware or by Django itself), by status.
API_ERRORS = {
    400: ("bad_request", _("The request is malformed.")),
    401: ("not_authenticated", _("Authentication credentials were not provided.")),
    403: ("permission_denied", _("You do not have permission to perform this action.")),
    404: ("not_found", _("No such resource.")),
    405: ("method_not_allowed", _("This method is not allowed on this resource.")),
    406: ("not_acceptable", _("The requested response format is not available.")),
    413: ("payload_too_large", _("The request body is too large.")),
    415: ("unsupported_media_type", _("Unsupported request content type.")),
    429: ("throttled", _("Too many requests; try again later.")),
    500: ("server_error", _("The server could not answer this request.")),
    503: ("unavailable", _("A dependency is unavailable; try again in a moment.")),
}


def _is_json(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return content_type == "application/json" or content_type.endswith("+json")


class ApiErrorsMiddleware:
    """Every error under ``/api/`` is the API's JSON ``{code, detail}``, with DEBUG on or off.

    DRF's exception handler answers the errors of its views. The rest is answered by Django before
    or after them: an unknown URL or an id the URL pattern refuses (404, the technical HTML page
    when DEBUG is on), a server error (500), a refusal of a middleware (CSRF, a lockout). Their
    status and headers are kept; an HTML body becomes the error body of its status.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not request.path_info.startswith(API_PREFIX) or _is_json(response):
            return response
        if getattr(response, "streaming", False):
            return response
        code, detail = API_ERRORS.get(
            response.status_code,
            ("server_error", API_ERRORS[500][1]) if response.status_code >= 500 else ("invalid", API_ERRORS[400][1]),
        )
        answer = JsonResponse({"code": code, "detail": str(detail)}, status=response.status_code)
        for header, value in response.items():
            if header.lower() not in {"content-type", "content-length", "content-encoding"}:
                answer[header] = value
        answer.cookies = response.cookies
        return answer


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every API response and every admin page.

    API responses carry patients, sales and tokens; no browser or proxy cache may keep them. In the
    admin, patient data is on most screens (listings, inspect and edit views, choosers, search,
    exports), so every response under the admin's prefix is covered rather than a list of views
    that would miss the next one; its static files are served from ``STATIC_URL``, not from here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(API_PREFIX) or _is_admin_path(request.path_info):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SettingsMiddleware:
    """A request reads the clinic's settings (``AppSettings``) at most once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with settings_read_once():
            return self.get_response(request)


class DependencyErrorsMiddleware:
    """A bucket or the database failing during an admin request is a message, never a 500.

    The API answers 503 through its exception handler; the ERP admin screens turn the services'
    ``StorageUnavailable`` into form errors. What remains are Wagtail's own screens (marketing
    images and documents), which save files in ``Model.save()``: their uploads get the message
    where Wagtail shows a refused file, the other screens a message above the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from botocore.exceptions import BotoCoreError, ClientError
        from django.contrib import messages
        from django.db import InterfaceError, OperationalError
        from django.http import HttpResponse, JsonResponse

        from erp.core.exceptions import StorageUnavailable

        if not request.path_info.startswith("/admin/"):
            return None
        if isinstance(exception, (BotoCoreError, ClientError, StorageUnavailable)):
            message = _("The file store is not answering; nothing was saved. Try again in a moment.")
            code = "storage_unavailable"
        elif isinstance(exception, (OperationalError, InterfaceError)):
            message = _("The database is not answering; nothing was saved. Try again in a moment.")
            code = "database_unavailable"
        else:
            return None
        logger.error("admin %s %s: %s", request.method, request.path_info, exception)
        if "/multiple/" in request.path_info:
            # Wagtail's multiple upload shows ``error_message`` beside the file only in its own
            # "refused file" answer (200, success false); any other status shows a bare code.
            return JsonResponse({"success": False, "error_message": message, "code": code})
        if request.method == "POST" and code == "storage_unavailable":
            messages.error(request, message)
            return HttpResponse(status=303, headers={"Location": request.get_full_path(), "Retry-After": "5"})
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8", headers={"Retry-After": "5"})


class AccessMatrixMiddleware:
    """The access matrix (``erp.core.access``) for every view that is not a DRF view.

    DRF views that list ``erp.core.api.permissions.RoleAccess`` (all of ours) are checked by it
    once DRF has authenticated the caller (token or session). Every other view (Wagtail's own
    admin API included) (Wagtail admin screens, the public site,
    signed links) is checked here, on the resolved URL name: a signed-in user whose roles are not
    listed gets a 403 page; a visitor is sent to the admin sign-in page for an admin screen and
    gets a 403 elsewhere. A route missing from the table is refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            classes = getattr(view_func, "initkwargs", {}).get("permission_classes", view_class.permission_classes)
            if RoleAccess in classes:
                return None  # checked by DRF once it has authenticated the caller
        match = request.resolver_match
        view_name = match.view_name if match else None
        user = getattr(request, "user", None)
        if access.permits(user, view_name, request.method):
            return None
        if not (user and user.is_authenticated) and _is_admin_path(request.path_info):
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if not (user and user.is_authenticated) and request.path_info.startswith(PORTAL_PREFIX):
            return redirect_to_login(request.get_full_path(), reverse("distribution_portal:login"))
        if _is_admin_path(request.path_info) and access.user_roles(user) == access.PORTAL_ONLY:
            # A distributor who signs in at the admin (or follows an old link) works in its portal.
            return redirect("distribution_portal:home")
        raise PermissionDenied(_("Your role may not open %(view_name)s.") % {"view_name": view_name or 'this page'})


def _is_admin_path(path: str) -> bool:
    try:
        return path.startswith(reverse("wagtailadmin_home"))
    except NoReverseMatch:  # a URL configuration without the admin
        return False
