"""Whole public pages served from the cache to visitors who are not signed in.

A page of the site is the same for every such visitor but for three things, filled in for each
request: the CSRF token of its forms, the signed time its lead forms were shown (the spam trap of
``forms.LeadForm``) and the messages of a previous request (a visitor who has messages waiting
gets a freshly rendered page). So the rendered HTML is kept with those values blanked out, and a
hit fills them again; nothing else runs (no routing, no template, no query).

Only Wagtail's page view is kept, only for GET without a session, an ``Authorization`` header or
a query string other than the blog's ``tag``/``page``, only 200 text/html responses that set no
cookie, are not marked private, and are not under a view restriction. Entries are kept under the
site generation (``cache.site_generation``: any publish drops them all) for at most an hour, and
never past the next start or end of a live promotion.
"""

from __future__ import annotations

import hashlib
import math
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as default_cache
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from wagtail.models import Site
from wagtail.views import serve as wagtail_serve

from erp.core.middleware import NON_SITE_PREFIXES

from . import cache as page_cache
from .models import SitePage

CACHEABLE_QUERY_KEYS = frozenset({"tag", "page"})
HEADER = "X-Page-Cache"
_CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(")')
_STARTED_INPUT = re.compile(rb'(<input type="hidden" name="started" value=")[^"]*(")')
_CSRF_MARK = b"\x00csrf\x00"
_STARTED_MARK = b"\x00started\x00"
_SKIPPED_HEADERS = {"content-length", "set-cookie", HEADER.lower()}


def enabled() -> bool:
    return getattr(settings, "WEBSITE_PAGE_CACHE", True)


def cacheable_request(request) -> bool:
    if request.method != "GET" or "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return set(request.GET) <= CACHEABLE_QUERY_KEYS


def cache_key(request) -> str:
    where = f"{request.get_host()}\n{request.get_full_path()}".encode()
    return "website:whole-page:" + hashlib.sha256(where).hexdigest()


def storable(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "wagtail_serve":
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-cache", "no-store")):
        return False
    page = (getattr(response, "context_data", None) or {}).get("page")
    if page is None or getattr(page, "path", None) is None:
        return False
    return not page_cache.under_restriction(page.path)


def blank_visitor_values(content: bytes) -> bytes:
    content = _CSRF_INPUT.sub(rb"\1" + _CSRF_MARK + rb"\2", content)
    return _STARTED_INPUT.sub(rb"\1" + _STARTED_MARK + rb"\2", content)


def fill_visitor_values(content: bytes, request) -> bytes:
    from .forms import started_token

    if _CSRF_MARK in content:
        content = content.replace(_CSRF_MARK, get_token(request).encode())
    if _STARTED_MARK in content:
        content = content.replace(_STARTED_MARK, started_token().encode())
    return content


class PublicPageCacheMiddleware:
    """Serve and keep whole public pages (see the module's docstring). Sits right after
    ``CsrfViewMiddleware``, which then sets the CSRF cookie of the token filled in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not cacheable_request(request):
            return self.get_response(request)
        key = cache_key(request)
        generation = page_cache.site_generation()
        kept = default_cache.get(key)
        if kept is not None and kept["generation"] == generation:
            response = HttpResponse(fill_visitor_values(kept["content"], request), status=200)
            for name, value in kept["headers"]:
                response[name] = value
            response[HEADER] = "hit"
            return response
        started = timezone.now()
        response = self.get_response(request)
        if storable(request, response):
            timeout = page_cache.TIMEOUT
            # Counted from when the rendering started: a promotion that started while the page was
            # being rendered (without it) must not leave that page kept.
            promotion_change = page_cache.seconds_until_promotion_change(started)
            if promotion_change is not None:
                elapsed = math.ceil((timezone.now() - started).total_seconds())
                timeout = min(timeout, promotion_change - elapsed)
            if timeout <= 0:
                response[HEADER] = "miss"
                return response
            headers = [(k, v) for k, v in response.items() if k.lower() not in _SKIPPED_HEADERS]
            entry = {"generation": generation, "content": blank_visitor_values(response.content), "headers": headers}
            default_cache.set(key, entry, timeout)
            response[HEADER] = "miss"
        return response


class KeptSiteMiddleware:
    """Routes public pages from what is kept in the cache instead of Wagtail's queries.

    Wagtail looks a request's site up (a query with a CASE per site), then finds the site's root
    page in the active language (the locale, then the translation: two queries) and loads it
    whole before routing from it. The site and the root page of each language are kept
    (``cache.site_for_request``, ``cache.locale_root``): the root page is loaded with its
    pictures when it is the page served, else built from its kept URL and tree columns, and
    routed from as Wagtail does (``page.route``), the result left where Wagtail's view looks
    for it. Sits after ``CommonMiddleware``, which has
    refused hosts outside ALLOWED_HOSTS."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(NON_SITE_PREFIXES):
            # Wagtail keeps the site it found on the request under this name (Site.find_for_request).
            request._wagtail_site = page_cache.site_for_request(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_serve or hasattr(request, "_wagtail_route_for_request") or not view_args:
            return None
        site = Site.find_for_request(request)
        if site is None:
            return None
        pk, content_type_id, values = page_cache.locale_root(site, translation.get_language())
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None or not issubclass(model, SitePage) or values is None:
            return None  # Wagtail's own routing
        path_components = [component for component in view_args[0].split("/") if component]
        if path_components:
            # Only routed through: built from its kept columns as if loaded with only() (the
            # others, never read on the way, would be loaded on access).
            kept = {**dict(zip(page_cache.ROOT_FIELDS, values, strict=True)), model._meta.pk.attname: pk}
            names = [field.attname for field in model._meta.concrete_fields if field.attname in kept]
            root = model.from_db(DEFAULT_DB_ALIAS, names, [kept[name] for name in names])
        else:
            root = model.objects.select_related(*model.image_fields()).filter(pk=pk).first()
            if root is None:
                return None
        try:
            # Where Wagtail's view (Page.route_for_request) finds the route of the request.
            request._wagtail_route_for_request = root.route(request, path_components)
        except Http404:
            request._wagtail_route_for_request = None
        return None
