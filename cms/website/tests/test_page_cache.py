"""Whole public pages kept for visitors who are not signed in (cms/website/middleware.py)."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cms.website.forms import STARTED_SALT
from cms.website.models import PublicLead, WebsiteSettings
from cms.website.tests.factories import make_image, make_promotion, publish

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STARTED = re.compile(r'name="started" value="([^"]+)"')


def same_but_visitor_values(html, other) -> bool:
    def blank(text):
        return STARTED.sub("started", CSRF.sub("csrf", text))

    return blank(html) == blank(other) and CSRF.findall(html) != CSRF.findall(other)


@pytest.fixture(autouse=True)
def site_settings(site_tree):
    """The site's settings row exists (the first page ever served would create it, a change that
    drops every kept page)."""
    return WebsiteSettings.for_site(Site.objects.get(is_default_site=True))


def visit(url, **extra):
    """A new visitor (no cookies) asking for ``url``."""
    return Client(**extra).get(url)


def test_a_second_visitor_gets_the_kept_page_without_a_query(site_tree):
    first = visit("/fr/services/laser/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as captured:
        second = visit("/fr/services/laser/")
    assert second["X-Page-Cache"] == "hit"
    assert len(captured) == 0
    assert same_but_visitor_values(second.text, first.text)
    assert second["Content-Type"].startswith("text/html") and second["X-Frame-Options"] == "DENY"


def test_a_kept_page_carries_a_working_csrf_token_and_a_fresh_form_time(site_tree):
    visit("/fr/contact/")
    kept_time = int(time.time())
    time.sleep(1.1)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/fr/contact/")
    assert page["X-Page-Cache"] == "hit"
    tokens = set(CSRF.findall(page.text))
    assert len(tokens) == 1 and "\x00" not in page.text and "csrftoken" in page.cookies
    started_values = STARTED.findall(page.text)
    assert len(started_values) == 3  # the contact and appointment forms, and the footer's newsletter
    shown_at = int(signing.TimestampSigner(salt=STARTED_SALT).unsign(started_values[0]))
    assert shown_at > kept_time  # signed for this visitor, not when the page was kept

    data = {"csrfmiddlewaretoken": tokens.pop(), "name": "Marie", "email": "marie@example.test",
            "message": "Bonjour", "website": "", "started": started_values[0], "next": "/fr/contact/"}  # fmt: skip
    response = visitor.post("/fr/leads/contact/", data)
    assert response.status_code == 302
    lead = PublicLead.objects.get()
    assert lead.spam_reason == "too_fast"  # the form time is the visit's: a post 0 s later is a bot's pace

    refused = Client(enforce_csrf_checks=True).post("/fr/leads/contact/", data)
    assert refused.status_code == 403  # the token is bound to that visitor's cookie


def test_the_thank_you_message_after_a_lead_is_shown_on_a_kept_page(site_tree):
    visit("/fr/contact/")
    visitor = Client()
    data = {"name": "Marie", "email": "marie@example.test", "message": "Bonjour", "website": "",
            "started": STARTED.findall(visitor.get("/fr/contact/").text)[0], "next": "/fr/contact/"}  # fmt: skip
    visitor.post("/fr/leads/contact/", data)
    page = visitor.get("/fr/contact/")
    assert "X-Page-Cache" not in page  # rendered for this visitor: it has a message waiting
    assert "Merci" in page.text
    assert "Merci" not in visit("/fr/contact/").text


def test_signed_in_staff_and_api_callers_never_get_a_kept_page(site_tree, django_user_model):
    visit("/fr/")
    assert visit("/fr/")["X-Page-Cache"] == "hit"
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("editor@clinic.test", password="x"))
    assert "X-Page-Cache" not in staff.get("/fr/")
    assert "X-Page-Cache" not in visit("/fr/", HTTP_AUTHORIZATION="Token abc")


def test_only_known_query_strings_are_kept(site_tree):
    visit("/fr/blog/?tag=soleil")
    assert visit("/fr/blog/?tag=soleil")["X-Page-Cache"] == "hit"
    assert visit("/fr/blog/")["X-Page-Cache"] == "miss"  # another page of the cache
    assert "X-Page-Cache" not in visit("/fr/blog/?utm_source=mail")
    assert "X-Page-Cache" not in visit("/fr/blog/?utm_source=mail")


def test_publishing_any_page_drops_every_kept_page(site_tree):
    for url in ("/fr/", "/fr/team/", "/en/"):
        visit(url)
    site_tree.services.title = "Nos traitements"
    publish(site_tree.services)
    for url in ("/fr/", "/fr/team/"):
        page = visit(url)
        assert page["X-Page-Cache"] == "miss"
        assert "Nos traitements" in page.text  # the menu of every page
    assert visit("/en/")["X-Page-Cache"] == "miss"


def test_site_settings_and_images_drop_every_kept_page(site_tree, site_settings):
    visit("/fr/team/")
    values = site_settings
    values.clinic_name = "Clinique du Parc"
    values.save()
    page = visit("/fr/team/")
    assert page["X-Page-Cache"] == "miss" and "Clinique du Parc" in page.text
    visit("/fr/team/")
    make_image("Nouvelle")
    assert visit("/fr/team/")["X-Page-Cache"] == "miss"


def test_a_page_under_a_view_restriction_is_never_kept(site_tree):
    PageViewRestriction.objects.create(page=site_tree.team, restriction_type="password", password="secret")
    for _ in range(2):
        page = visit("/fr/team/")
        assert "X-Page-Cache" not in page and "L'équipe" not in page.text.split("<main")[-1]


def test_a_promotion_shows_when_it_starts_even_on_a_kept_page(site_tree):
    make_promotion("fr", title="Offre de printemps", starts_at=timezone.now() + datetime.timedelta(seconds=1))
    page = visit("/fr/")
    assert page["X-Page-Cache"] == "miss" and "Offre de printemps" not in page.text
    time.sleep(1.2)
    page = visit("/fr/")
    assert page["X-Page-Cache"] == "miss" and "Offre de printemps" in page.text


def test_a_page_is_not_kept_past_a_promotion_starting_within_the_second(site_tree):
    """The keeping time counts from when the rendering started: a promotion due within the next
    second leaves nothing kept that could be served after it started without it."""
    make_promotion("fr", title="Offre flash", starts_at=timezone.now() + datetime.timedelta(milliseconds=500))
    assert "Offre flash" not in visit("/fr/").text
    assert visit("/fr/")["X-Page-Cache"] == "miss"
    time.sleep(0.6)
    assert "Offre flash" in visit("/fr/").text


def test_pages_are_kept_no_longer_than_the_next_promotion_change(site_tree):
    from cms.website.cache import seconds_until_promotion_change

    now = timezone.now()
    assert seconds_until_promotion_change(now) is None
    make_promotion("fr", starts_at=now - datetime.timedelta(days=1), ends_at=now + datetime.timedelta(hours=5))
    make_promotion("en", starts_at=now + datetime.timedelta(minutes=10))
    make_promotion("es", starts_at=now + datetime.timedelta(minutes=1), live=False)  # a draft changes nothing
    assert seconds_until_promotion_change(now) == 600


def test_the_page_cache_can_be_turned_off(site_tree, settings):
    settings.WEBSITE_PAGE_CACHE = False
    visit("/fr/")
    assert "X-Page-Cache" not in visit("/fr/")
