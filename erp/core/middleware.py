from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware

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
