import logging

from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

logger = logging.getLogger(__name__)

# Paths outside the public site: a 404 there is a 404, never a redirect to /<lang>/...
NON_SITE_PREFIXES = (
    "/api/", "/admin/", "/ops/", "/files/", "/healthz", "/documents/", "/media/", "/static/", "/accounts/",
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, minus the language-prefix redirect outside the public site.

    The Wagtail catch-all inside ``i18n_patterns`` makes every path "valid" once prefixed, so
    Django would answer an API 404 with a redirect to ``/fr/api/...``.
    """

    def process_response(self, request, response):
        if request.path_info.startswith(NON_SITE_PREFIXES):
            return response
        return super().process_response(request, response)


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

        from .exceptions import StorageUnavailable

        if not request.path_info.startswith("/admin/"):
            return None
        if isinstance(exception, (BotoCoreError, ClientError, StorageUnavailable)):
            message = "The file store is not answering; nothing was saved. Try again in a moment."
            code = "storage_unavailable"
        elif isinstance(exception, (OperationalError, InterfaceError)):
            message = "The database is not answering; nothing was saved. Try again in a moment."
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
