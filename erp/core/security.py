"""Hardening pieces wired in settings: the per-path CSP, session limits, the client's address and django-axes."""

import hashlib
import ipaddress
import math
import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.contrib.auth import logout
from django.core.cache import cache
from django.db.models import Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage
from ipware import get_client_ip

# Keys of the session that hold when the user signed in and when they were last seen (epoch seconds).
LOGIN_AT = "_auth_login_at"
SEEN_AT = "_auth_seen_at"

LOCKOUT_CODE = "locked_out"
LOCKOUT_MESSAGE = _("Too many failed sign-in attempts. Try again later.")


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
    """One answer to a locked-out attempt, whether the account exists or not (429).

    ``Retry-After`` is the account's delay (see ``AxesHandler``), else the whole cool-off period
    (every attempt during the lock starts it again).
    """
    if request.path_info.startswith("/api/"):
        response = JsonResponse({"code": LOCKOUT_CODE, "detail": LOCKOUT_MESSAGE}, status=429)
    else:
        response = render(request, "core/locked_out.html", {"message": LOCKOUT_MESSAGE}, status=429)
    wait = getattr(request, "axes_account_wait", 0) or get_cool_off(request).total_seconds()
    response["Retry-After"] = str(math.ceil(wait))
    return response


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


def rate_limit_wait(request, *, group: str, key, rate: str) -> int:
    """Count this POST in django-ratelimit's window (the shared cache); the seconds to wait when
    it is over ``rate`` (for ``Retry-After``), 0 when it may go on."""
    usage = get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    if usage is None or not usage["should_limit"]:
        return 0
    return max(usage["time_left"] + 1, 1)  # the window's last second still counts


# --- Brute force: django-axes' lock by (e-mail, address), and a soft delay by account ----------


def account_delay(failures: int) -> int:
    """Seconds an account waits between attempts after ``failures`` failures (0: no wait).

    ``ACCOUNT_DELAY_AFTER`` failures from any addresses start it at ``ACCOUNT_DELAY_BASE``
    seconds, doubling with each further failure up to ``ACCOUNT_DELAY_MAX``.
    """
    extra = failures - settings.ACCOUNT_DELAY_AFTER
    if extra < 0:
        return 0
    return min(settings.ACCOUNT_DELAY_BASE * 2 ** min(extra, 20), settings.ACCOUNT_DELAY_MAX)


def account_wait(request, username: str | None, *, claim: bool = False) -> int:
    """Seconds left before ``username`` may be tried again (0: now).

    Its failures are those django-axes keeps (every address, the cool-off period, forgotten at a
    complete sign-in). With ``claim`` (a password about to be tried), the attempt also takes the
    one turn its delay allows, in the shared cache: a burst of concurrent guesses the moment the
    delay ends gets one guess through, not all of them.
    """
    if not username:
        return 0
    since = timezone.now() - get_cool_off(request)
    seen = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    delay = account_delay(seen["failures"] or 0)
    if not delay:
        return 0
    left = delay - (timezone.now() - seen["last"]).total_seconds()
    if left > 0:
        return math.ceil(left)
    turn = hashlib.sha256(f"{username}|{seen['last'].isoformat()}".encode()).hexdigest()
    if claim and not cache.add(f"security:account-turn:{turn}", 1, delay):
        return delay
    return 0


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler plus a soft delay per account.

    The lock by (e-mail, address) stays. On top, an account failed ``ACCOUNT_DELAY_AFTER`` times
    from any addresses answers each attempt that comes too soon with the lockout response (429)
    and a ``Retry-After``, without trying the password and without counting it as a failure:
    a spread-out guessing attack slows to one guess every ``ACCOUNT_DELAY_MAX`` seconds, and the
    real user is at worst asked to wait that long, never locked out.
    """

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        # Only a password attempt takes the turn: the second-factor step after a right password must not lose it.
        wait = account_wait(request, axes_username(request, credentials), claim="password" in (credentials or {}))
        if wait and request is not None:
            request.axes_account_wait = wait
        return bool(wait)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if getattr(request, "axes_account_wait", 0):
            # Refused before the password was tried: not a guess, it neither counts nor resets anything.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
