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
from django.core.cache import cache as default_cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from cms.website import cache as page_cache

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
    from cms.website.forms import started_token

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
