"""Throttles: the soft delay of an account failed from many addresses, password-reset requests."""

import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from erp.core.security import account_delay, account_wait
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase"


@pytest.fixture
def small_delays(settings):
    """The production schedule's shape (10 failures, then 2 s doubling to 60 s), made small."""
    settings.ACCOUNT_DELAY_AFTER = 3
    settings.ACCOUNT_DELAY_BASE = 2
    settings.ACCOUNT_DELAY_MAX = 8


def admin_login(email, password, address):
    return Client(REMOTE_ADDR=address).post("/admin/login/", {"username": email, "password": password})


def rewind_failures(email, seconds):
    for attempt in AccessAttempt.objects.filter(username=email):
        attempt.attempt_time -= timedelta(seconds=seconds)
        attempt.save(update_fields=["attempt_time"])


def failures(email):
    return sum(AccessAttempt.objects.filter(username=email).values_list("failures_since_start", flat=True))


# --- Soft delay per account -------------------------------------------------------------------------


def test_account_delay_doubles_from_the_threshold_and_stays_capped(settings):
    assert settings.ACCOUNT_DELAY_AFTER == 10
    assert [account_delay(n) for n in (0, 9, 10, 11, 12, 13, 14, 15, 16, 1000)] == [0, 0, 2, 4, 8, 16, 32, 60, 60, 60]


def test_failures_from_many_addresses_slow_the_account_down_without_locking_it(small_delays):
    UserFactory(email="target@clinic.test", roles=["reception"])
    for number in range(3):  # one failure each: no address reaches axes' lock
        assert admin_login("target@clinic.test", "wrong", f"203.0.113.{number}").status_code == 200
    # The next attempt, from anywhere and even with the right password, must wait.
    too_soon = admin_login("target@clinic.test", PASSWORD, "198.51.100.1")
    assert too_soon.status_code == 429 and 1 <= int(too_soon["Retry-After"]) <= 2
    assert 'data-code="locked_out"' in too_soon.content.decode()
    assert failures("target@clinic.test") == 3  # a refused attempt is not a guess
    # Once the delay has passed, the real user signs in (and the failures are forgotten).
    rewind_failures("target@clinic.test", 2)
    assert admin_login("target@clinic.test", PASSWORD, "198.51.100.1").status_code == 302
    assert failures("target@clinic.test") == 0


def test_the_delay_grows_with_each_further_failure_up_to_its_cap(small_delays):
    for number in range(3):
        admin_login("ghost@clinic.test", "wrong", f"203.0.113.{number}")
    waits = []
    for number in range(4):
        rewind_failures("ghost@clinic.test", 60)
        assert admin_login("ghost@clinic.test", "wrong", f"198.51.100.{number}").status_code == 200
        waits.append(int(admin_login("ghost@clinic.test", "wrong", "192.0.2.1")["Retry-After"]))
    assert waits == [4, 8, 8, 8]


def test_once_the_delay_is_over_one_password_attempt_takes_the_turn(small_delays):
    for number in range(3):
        admin_login("ghost@clinic.test", "wrong", f"203.0.113.{number}")
    rewind_failures("ghost@clinic.test", 2)
    request = RequestFactory().post("/admin/login/")
    assert account_wait(request, "ghost@clinic.test", claim=True) == 0
    assert account_wait(request, "ghost@clinic.test", claim=True) == 2  # a second guess in the same turn
    # The second-factor step after a right password does not need the turn.
    assert account_wait(request, "ghost@clinic.test") == 0


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_guesses_gets_one_through(small_delays):
    for number in range(3):
        admin_login("ghost@clinic.test", "wrong", f"203.0.113.{number}")
    rewind_failures("ghost@clinic.test", 2)
    start, answers = threading.Barrier(6), []

    def guess(number):
        try:
            client = Client(REMOTE_ADDR=f"198.51.100.{number}")
            start.wait()
            answers.append(client.post("/admin/login/", {"username": "ghost@clinic.test", "password": "wrong"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answer.status_code for answer in answers) == [200, 429, 429, 429, 429, 429]
    assert failures("ghost@clinic.test") == 4


def test_other_accounts_and_old_failures_are_not_delayed(small_delays, settings):
    UserFactory(email="bystander@clinic.test", roles=["reception"])
    for number in range(3):
        admin_login("ghost@clinic.test", "wrong", f"203.0.113.{number}")
    assert admin_login("bystander@clinic.test", PASSWORD, "203.0.113.0").status_code == 302
    # Failures older than axes' cool-off period no longer count.
    rewind_failures("ghost@clinic.test", settings.AXES_COOLOFF_TIME * 3600 + 1)
    assert admin_login("ghost@clinic.test", "wrong", "203.0.113.9").status_code == 200


def test_the_api_answers_the_delay_with_429_and_retry_after(small_delays):
    UserFactory(email="api@clinic.test", roles=["reception"])
    for number in range(3):
        APIClient(REMOTE_ADDR=f"203.0.113.{number}").post(
            "/api/v1/auth/token/", {"email": "api@clinic.test", "password": "wrong"}, format="json"
        )
    response = APIClient(REMOTE_ADDR="198.51.100.1").post(
        "/api/v1/auth/token/", {"email": "api@clinic.test", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert 1 <= int(response["Retry-After"]) <= 2


def test_axes_hard_lock_says_when_to_come_back(settings):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/admin/login/", {"username": "ghost@clinic.test", "password": "wrong"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)


# --- Password-reset requests ------------------------------------------------------------------------


def reset(email, address="203.0.113.5"):
    return Client(REMOTE_ADDR=address).post("/admin/password_reset/", {"email": email})


def test_password_reset_is_throttled_per_email_alike_for_unknown_addresses(settings):
    UserFactory(email="forgetful@clinic.test", roles=["reception"])
    for email in ("forgetful@clinic.test", "nobody@clinic.test"):
        for number in range(3):
            assert reset(email, f"198.51.100.{number}").status_code == 302
        refused = reset(email.upper(), "192.0.2.1")
        assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
        assert "Trop de demandes de réinitialisation du mot de passe" in refused.content.decode()
    assert len(mail.outbox) == 3  # nothing sent past the limit


def test_password_reset_is_throttled_per_address(settings):
    for number in range(10):
        assert reset(f"someone{number}@clinic.test").status_code == 302
    assert reset("someone-else@clinic.test").status_code == 429
    assert reset("someone-else@clinic.test", "198.51.100.7").status_code == 302
