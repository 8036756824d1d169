"""Hardening pieces wired in settings: the per-path CSP, session limits and django-axes callables."""

import time

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import render

# Keys of the session that hold when the user signed in and when they were last seen (epoch seconds).
LOGIN_AT = "_auth_login_at"
SEEN_AT = "_auth_seen_at"

LOCKOUT_CODE = "locked_out"
LOCKOUT_MESSAGE = "Too many failed sign-in attempts. Try again later."


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, with ``CSP_PATH_OVERRIDES`` replacing directives under a path prefix.

    A view decorated with ``csp_replace``/``csp_update`` still has the last word.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.replace is not None:
            return parts
        for prefix, directives in getattr(settings, "CSP_PATH_OVERRIDES", {}).items():
            if request.path_info.startswith(prefix):
                parts.replace = directives
                break
        return parts


class SessionLimitsMiddleware:
    """Sign out a session idle for ``SESSION_IDLE_TIMEOUT`` or older than ``SESSION_ABSOLUTE_TIMEOUT``.

    The sign-in time is kept in the session at login; the last activity is rewritten at most once
    every ``SESSION_ACTIVITY_WRITE_INTERVAL`` seconds, so most requests do not write the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            self.check(request)
        return self.get_response(request)

    @staticmethod
    def check(request) -> None:
        session, now = request.session, int(time.time())
        login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
        if login_at is None or seen_at is None:
            # A session from before the limits (or a test's force_login): it starts now.
            session[LOGIN_AT], session[SEEN_AT] = login_at or now, now
            return
        if now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT or now - seen_at > settings.SESSION_IDLE_TIMEOUT:
            logout(request)  # the request goes on as anonymous: the admin asks to sign in, the API says 401/403
            return
        if now - seen_at >= settings.SESSION_ACTIVITY_WRITE_INTERVAL:
            session[SEEN_AT] = now


def session_started(request) -> None:
    """Called at every login: the session's clocks start now."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


def axes_username(request, credentials=None) -> str | None:
    """The e-mail being tried, lower-cased: the admin form posts ``username``, the API ``email``."""
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username") or data.get("email")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def lockout_response(request, original_response=None, credentials=None):
    """One answer to a locked-out attempt, whether the account exists or not (429)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": LOCKOUT_CODE, "detail": LOCKOUT_MESSAGE}, status=429)
    return render(request, "core/locked_out.html", {"message": LOCKOUT_MESSAGE}, status=429)
