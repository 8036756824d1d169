"""Two workers at once: real PostgreSQL transactions in threads."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from erp.core.tests.factories import UserFactory
from erp.social import services
from erp.social.models import SocialPost, SocialPostAsset
from erp.social.tests.factories import SocialPostFactory, make_asset, ready_post

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_reminder_runs_send_one_mail_per_post():
    marketer = UserFactory(role="marketing", email="concurrent@social.example")
    post = ready_post(marketer)
    services.post_transition(
        post=post, to_status="scheduled", scheduled_at=timezone.now() + timedelta(hours=1), actor=marketer
    )
    SocialPost.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    errors = run_together(services.post_reminders_send, services.post_reminders_send)
    assert errors == []
    assert len(mail.outbox) == 1


def test_two_simultaneous_reorders_leave_one_consistent_carousel():
    marketer = UserFactory(role="marketing", email="reorder@social.example")
    post = SocialPostFactory()
    a, b, c = (make_asset(marketer, size=(400, 400)) for _ in range(3))
    services.post_set_assets(post=post, assets=[a, b, c], actor=marketer)
    errors = run_together(
        lambda: services.post_set_assets(post=post, assets=[c, b, a], actor=marketer),
        lambda: services.post_set_assets(post=post, assets=[b, a], actor=marketer),
    )
    assert errors == []
    rows = list(SocialPostAsset.objects.filter(post=post).order_by("order_index").values_list("asset", "order_index"))
    assert rows in ([(c.pk, 0), (b.pk, 1), (a.pk, 2)], [(b.pk, 0), (a.pk, 1)])
