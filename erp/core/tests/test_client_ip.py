"""The client's address behind reverse proxies (``TRUSTED_PROXIES``): one answer for axes, the rate
limits and the audit rows."""

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from erp.core.security import client_ip
from erp.core.tests.factories import UserFactory
from erp.ops.audit import AuditRequestMiddleware, client_info

FORGED = "198.51.100.66"


def _trusted_proxies(value: str):
    from site.settings.base import _trusted_proxies  # the settings' own parser of TRUSTED_PROXIES

    return _trusted_proxies(value)


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def behind(settings):
    def trust(value: str) -> None:
        settings.TRUSTED_PROXIES = _trusted_proxies(value)

    return trust


def test_without_trusted_proxies_a_forwarded_header_is_ignored(behind):
    behind("")
    assert client_ip(request_from("203.0.113.5", FORGED)) == "203.0.113.5"
    assert client_ip(request_from("2001:db8::1")) == "2001:db8::1"
    assert client_ip(request_from("not-an-address", FORGED)) is None


def test_with_proxy_networks_the_right_most_untrusted_address_is_the_client(behind):
    behind("10.0.0.0/8, 172.18.0.2")
    # nginx (172.18.0.2) behind a load balancer (10.1.2.3); the client forged a first entry.
    assert client_ip(request_from("172.18.0.2", f"{FORGED}, 203.0.113.5, 10.1.2.3")) == "203.0.113.5"
    assert client_ip(request_from("172.18.0.2", "203.0.113.5")) == "203.0.113.5"
    # No header: the proxy itself (a health check).
    assert client_ip(request_from("172.18.0.2")) == "172.18.0.2"
    # Junk written by the client stops the walk at the last address the proxies wrote.
    assert client_ip(request_from("172.18.0.2", "garbage, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("172.18.0.2", "203.0.113.5, garbage")) == "172.18.0.2"


def test_with_proxy_networks_a_direct_connection_cannot_forge_its_address(behind):
    behind("10.0.0.0/8")
    assert client_ip(request_from("203.0.113.5", FORGED)) == "203.0.113.5"


def test_with_a_proxy_count_the_nth_address_from_the_right_is_the_client(behind):
    behind("1")
    assert client_ip(request_from("172.18.0.2", f"{FORGED}, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("172.18.0.2", "2001:db8::7")) == "2001:db8::7"
    assert client_ip(request_from("172.18.0.2")) == "172.18.0.2"
    behind("2")
    assert client_ip(request_from("172.18.0.2", f"{FORGED}, 203.0.113.5, 10.1.2.3")) == "203.0.113.5"
    assert client_ip(request_from("172.18.0.2", "10.1.2.3")) == "172.18.0.2"  # shorter than the count


def test_the_setting_refuses_what_is_not_an_address_or_a_count():
    with pytest.raises(ImproperlyConfigured):
        _trusted_proxies("10.0.0.0/8, proxy.internal")
    assert _trusted_proxies(" ") == () and _trusted_proxies("2") == 2


def test_audit_rows_record_the_same_address(behind):
    seen = []
    middleware = AuditRequestMiddleware(lambda request: seen.append(client_info()[0]))
    request = request_from("172.18.0.2", f"{FORGED}, 203.0.113.5")
    behind("172.18.0.0/16")
    middleware(request)
    behind("")
    middleware(request)
    assert seen == ["203.0.113.5", "172.18.0.2"]
    assert client_info() == (None, "")  # outside the request


@pytest.mark.django_db
def test_axes_locks_the_client_behind_the_proxy_not_the_proxy(behind, settings):
    behind("172.18.0.0/16")
    UserFactory(email="proxied@clinic.test", roles=["reception"])
    client = Client(REMOTE_ADDR="172.18.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "proxied@clinic.test", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    # Another client through the same proxy still signs in.
    other = client.post("/admin/login/", {"username": "proxied@clinic.test", "password": "a-long-passphrase"},
                        HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert other.status_code == 302


@pytest.mark.django_db
def test_axes_ignores_a_forged_header_without_trusted_proxies(behind, settings):
    behind("")
    client = Client(REMOTE_ADDR="203.0.113.5")
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "ghost@clinic.test", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = client.post("/admin/login/", {"username": "ghost@clinic.test", "password": "wrong"},
                         HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert locked.status_code == 429
