"""Hardening pieces wired in settings: the per-path CSP, session limits, the client's address and django-axes."""

import ipaddress
import time

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import render
from ipware import get_client_ip

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

# --- The client's address ------------------------------------------------------------------------


def _address(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(str(value or "").strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent ``request``, as far as ``TRUSTED_PROXIES`` lets us know it.

    Used by django-axes, the website's rate limits and the audit rows, so that they all agree.

    - No ``TRUSTED_PROXIES``: the connection's address (``REMOTE_ADDR``); ``X-Forwarded-For`` is
      ignored, since anyone can send one.
    - A number N: the app is reached only through N proxies, each appending to ``X-Forwarded-For``;
      the client is the N-th address from the right of that header and the connection's address
      (django-ipware's proxy count). A shorter header: the connection's address.
    - Networks: a connection from one of them may speak for a client; the client is the right-most
      address of ``X-Forwarded-For`` + ``REMOTE_ADDR`` outside them. A connection from anywhere else
      is the client itself.
    """
    meta = request.META
    remote = _address(meta.get("REMOTE_ADDR"))
    trusted = settings.TRUSTED_PROXIES
    if not trusted or remote is None:
        return str(remote) if remote else None
    if isinstance(trusted, int):
        # ipware counts the proxies named in the header, the last one (REMOTE_ADDR) is not.
        found, _routable = get_client_ip(
            request,
            proxy_count=trusted - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        return str(_address(found) or remote)
    if not _trusted(remote, trusted):
        return str(remote)
    client = remote
    for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(hop)
        if address is None:
            break  # junk the proxies did not write: the last good hop is the client
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def client_ip_key(group, request) -> str:
    """django-ratelimit's key: the client's address (one bucket for requests without one)."""
    return client_ip(request) or "unknown"

