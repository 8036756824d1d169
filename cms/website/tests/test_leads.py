import re
import time

import pytest
from django.core import signing
from django.test import Client

from cms.website.forms import STARTED_SALT, AppointmentRequestForm, ContactForm, NewsletterForm
from cms.website.models import PublicLead
from cms.website.services import country_from_phone
from cms.website.templatetags import website_tags

pytestmark = pytest.mark.django_db


def started(seconds_ago: float = 10) -> str:
    return signing.TimestampSigner(salt=STARTED_SALT).sign(str(int(time.time() - seconds_ago)))


def contact_data(**extra):
    return {
        "name": "Marie Curie", "email": "marie@example.test", "phone": "06 12 34 56 78",
        "message": "Bonjour, je voudrais un rendez-vous.", "website": "", "started": started(),
        "next": "/fr/contact/", **extra,
    }


def test_contact_form_stores_a_new_lead(client, site_tree):
    response = client.post("/fr/leads/contact/", contact_data())
    assert response.status_code == 302 and response["Location"] == "/fr/contact/"
    lead = PublicLead.objects.get()
    assert (lead.type, lead.status, lead.preferred_language, lead.source) == ("contact", "new", "fr", "website")
    assert (lead.name, lead.email, lead.phone, lead.country_code) == (
        "Marie Curie", "marie@example.test", "06 12 34 56 78", "FR"
    )
    assert lead.spam_reason == "" and lead.page_url == "/fr/contact/"
    follow = client.get("/fr/contact/")
    assert "Merci" in follow.text or "Thank you" in follow.text


def test_lead_records_the_language_of_the_form(client, site_tree):
    client.post("/en/leads/contact/", contact_data(phone="+44 20 7946 0958", next="/en/contact/"))
    lead = PublicLead.objects.get()
    assert lead.preferred_language == "en" and lead.country_code == "GB"


def test_appointment_request_form(client, site_tree):
    data = {"name": "Ivan", "phone": "+380 44 123 4567", "email": "", "message": "Mardi matin",
            "website": "", "started": started()}
    response = client.post("/uk/leads/appointment_request/", data)
    assert response.status_code == 302
    lead = PublicLead.objects.get()
    assert (lead.type, lead.preferred_language, lead.country_code, lead.email) == (
        "appointment_request", "uk", "UA", None
    )


def test_honeypot_marks_the_lead_as_spam_but_keeps_it(client, site_tree):
    response = client.post("/fr/leads/contact/", contact_data(website="http://spam.example"))
    assert response.status_code == 302
    lead = PublicLead.objects.get()
    assert lead.status == PublicLead.Status.SPAM and lead.spam_reason == "honeypot"


def test_too_fast_submission_is_spam(client, site_tree):
    client.post("/fr/leads/contact/", contact_data(started=started(seconds_ago=1)))
    lead = PublicLead.objects.get()
    assert lead.status == "spam" and lead.spam_reason == "too_fast"


def test_missing_or_forged_start_time_is_spam(client, site_tree):
    client.post("/fr/leads/contact/", contact_data(started="1700000000:forged"))
    client.post("/fr/leads/contact/", contact_data(started=""))
    assert list(PublicLead.objects.values_list("spam_reason", flat=True)) == ["missing_start_time"] * 2


def test_rate_limit_gives_a_friendly_429_after_five_a_minute(client, site_tree):
    for _ in range(5):
        assert client.post("/fr/leads/contact/", contact_data()).status_code == 302
    response = client.post("/fr/leads/contact/", contact_data())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "<h1>" in response.text and 'lang="fr"' in response.text
    assert PublicLead.objects.count() == 5
    # Another address is not limited.
    other = client.post("/fr/leads/contact/", contact_data(), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_rate_limit_ends_with_its_minute(client, site_tree, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr("django_ratelimit.core.time.time", lambda: clock[0])
    for _ in range(5):
        client.post("/fr/leads/contact/", contact_data())
    limited = client.post("/fr/leads/contact/", contact_data())
    assert limited.status_code == 429
    clock[0] += int(limited["Retry-After"])
    assert client.post("/fr/leads/contact/", contact_data()).status_code == 302


def test_rate_limit_is_kept_in_the_shared_cache_by_django_ratelimit(client, site_tree):
    from django.core.cache import cache

    cache.clear()
    client.post("/fr/leads/contact/", contact_data())
    assert [key for key in cache._cache if ":rl:" in key]  # django-ratelimit's counter, in the default cache


def test_newsletter_requires_explicit_consent(client, site_tree):
    response = client.post("/fr/leads/newsletter/", {"email": "a@example.test", "started": started(), "website": ""})
    assert response.status_code == 400
    assert PublicLead.objects.count() == 0
    assert 'class="error"' in response.text


def test_newsletter_records_the_consent_wording_in_the_visitor_language(client, site_tree):
    response = client.post(
        "/en/leads/newsletter/", {"email": "a@example.test", "consent": "on", "started": started(), "website": ""}
    )
    assert response.status_code == 302
    lead = PublicLead.objects.get()
    assert lead.type == "newsletter" and lead.newsletter_consent and lead.consent_at is not None
    assert lead.consent_text.startswith("I agree to receive the clinic's newsletter")


def test_newsletter_without_consent_is_refused_by_the_database(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PublicLead.objects.create(type="newsletter", email="x@example.test")


def test_invalid_form_is_shown_again_with_errors(client, site_tree):
    response = client.post("/fr/leads/contact/", contact_data(email="not-an-email"))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert PublicLead.objects.count() == 0


def test_csrf_is_enforced(site_tree):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/fr/leads/contact/", contact_data())
    assert response.status_code == 403
    assert PublicLead.objects.count() == 0
    page = csrf_client.get("/fr/contact/")
    token = page.cookies["csrftoken"].value
    response = csrf_client.post("/fr/leads/contact/", contact_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302 and PublicLead.objects.count() == 1


def test_unknown_lead_type_is_404_and_get_is_405(client, site_tree):
    assert client.post("/fr/leads/other/", contact_data()).status_code == 404
    assert client.get("/fr/leads/contact/").status_code == 405


def test_open_redirect_is_refused(client, site_tree):
    response = client.post("/fr/leads/contact/", contact_data(next="https://evil.example/"))
    assert response["Location"] == "/"


def test_contact_page_forms_post_to_the_language_route(client, site_tree):
    html = client.get("/en/contact/").text
    assert 'action="/en/leads/contact/"' in html
    assert 'action="/en/leads/appointment_request/"' in html
    assert 'action="/en/leads/newsletter/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'class="hp" aria-hidden="true"' in html


@pytest.mark.parametrize(
    ("phone", "country"), [("0612345678", "FR"), ("+7 495 123-45-67", "RU"), ("+374 10 123456", "AM"), ("", None),
                           ("abc", None)],
)
def test_country_from_phone(phone, country):
    assert country_from_phone(phone) == country


def _footer(html: str) -> str:
    footer = html.split('<footer class="site-footer">', 1)[1]
    footer = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*', r"\1", footer)
    return re.sub(r'(name="started" value=")[^"]*', r"\1", footer)


def test_lead_form_fields_are_rendered_once_per_language_as_they_would_be_each_time(client, site_tree):
    """The unbound newsletter form's fields are kept per language (website_tags.lead_form_fields)."""
    kept = website_tags._kept_lead_form_fields
    kept.clear()
    fr, en = client.get("/fr/").text, client.get("/en/").text
    assert {(form_class, language) for form_class, _auto_id, language in kept} == {
        (NewsletterForm, "fr"), (NewsletterForm, "en")
    }
    assert 'for="newsletter_email">E-mail' in fr and 'for="newsletter_email">Email:' in en
    assert _footer(client.get("/fr/").text) == _footer(fr)  # from the kept fields
    kept.clear()
    assert _footer(client.get("/fr/").text) == _footer(fr)  # rendered afresh: the same
    # The contact page's two forms are unbound too: kept under their own class and ids.
    assert 'id="contact_email"' in client.get("/fr/contact/").text
    assert {(form_class, auto_id) for form_class, auto_id, _language in kept} >= {
        (ContactForm, "contact_%s"), (AppointmentRequestForm, "appointment_%s")
    }


def test_a_form_shown_again_with_errors_is_rendered_each_time(client, site_tree):
    """A bound form (what the visitor typed, its errors) is not kept: the next page's form is blank."""
    website_tags._kept_lead_form_fields.clear()
    response = client.post("/fr/leads/newsletter/", {"email": "a@example.test", "started": started(), "website": ""})
    assert response.status_code == 400 and 'value="a@example.test"' in response.text and "has-error" in response.text
    home = client.get("/fr/").text
    assert 'value="a@example.test"' not in home and "has-error" not in home


def test_the_kept_lead_form_fields_are_dropped_when_languages_or_templates_change(client, site_tree, settings):
    kept = website_tags._kept_lead_form_fields
    client.get("/fr/")
    assert kept
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS]
    assert not kept
