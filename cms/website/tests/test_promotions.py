"""A promotion is one object in every language: its dates, address, link and picture are shared
(synchronised), its text is translated; a promotions page lists them and each has its own page."""

import datetime
import importlib
import json
import re

import pytest
from django.apps import apps
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cms.website.models import Promotion, PromotionIndexPage
from cms.website.services import promotion_schedule_share
from cms.website.tests.factories import add, make_promotion, translate

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def localize_promotion(promotion, code, title):
    """The promotion's translation into ``code``, made by wagtail-localize from its segments."""
    source, _created = TranslationSource.get_or_create_from_instance(promotion)
    locale = Locale.objects.get(language_code=code)
    for segment in StringSegment.objects.filter(source=source).select_related("string", "context"):
        text = title if segment.context.path == "title" else segment.string.data
        StringTranslation.objects.create(translation_of=segment.string, locale=locale, context=segment.context,
                                         data=text)
    Translation.objects.create(source=source, target_locale=locale).save_target(publish=True)
    return Promotion.objects.get(translation_key=promotion.translation_key, locale=locale)


@pytest.fixture
def offers(site_tree):
    index = add(site_tree.home, PromotionIndexPage(title="Offres", slug="offers", show_in_menus=True))
    translate(index, "en", title="Offers")
    return index


def test_the_dates_address_link_and_picture_are_synchronised_not_translated():
    fields = {field.field_name: field for field in get_translatable_fields(Promotion)}
    for name in Promotion.SHARED_FIELDS:
        assert isinstance(fields[name], SynchronizedField) and not fields[name].overridable, name
    assert not isinstance(fields["title"], SynchronizedField)
    assert not isinstance(fields["image_alt"], SynchronizedField)


def test_a_translation_made_by_wagtail_localize_shares_the_originals_dates(site_tree):
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=now - DAY,
                            ends_at=now + 30 * DAY)
    french.link_page = site_tree.service
    french.save()
    english = localize_promotion(french, "en", "Screening month")
    assert english.title == "Screening month"
    assert (english.slug, english.starts_at, english.ends_at, english.link_page_id) == (
        "screening-month", french.starts_at, french.ends_at, site_tree.service.pk
    )


def test_publishing_the_original_moves_every_languages_dates(site_tree):
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=now - DAY,
                            ends_at=now + 30 * DAY)
    english = localize_promotion(french, "en", "Screening month")
    french.ends_at = now + 3 * DAY
    french.save_revision().publish()
    english.refresh_from_db()
    assert english.ends_at == now + 3 * DAY
    assert Promotion.current(english.locale, at=now + 4 * DAY) is None


def test_a_translation_published_with_other_dates_gets_the_originals_back(site_tree):
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=now - DAY,
                            ends_at=now + 30 * DAY)
    english = localize_promotion(french, "en", "Screening month")
    english.ends_at, english.slug = now + 90 * DAY, "other"
    english.save_revision().publish()
    english.refresh_from_db()
    assert (english.ends_at, english.slug) == (french.ends_at, "screening-month")
    assert promotion_schedule_share(promotion=english) == 0  # nothing left to share: a second call changes nothing


def test_the_migration_gives_each_translation_key_the_originals_dates_and_a_slug(site_tree):
    migration = importlib.import_module("cms.website.migrations.0005_promotion_shared_alt_texts_service_details")
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", starts_at=now - DAY, ends_at=now + 30 * DAY)
    english = localize_promotion(french, "en", "Screening month")
    other = make_promotion("fr", title="Mois du dépistage", starts_at=now, ends_at=now + DAY)  # same title
    # As the rows were before the migration: each language with its own dates (the migration adds
    # the slug column, then makes every row's slug; the factory's are overwritten).
    Promotion.objects.filter(pk=english.pk).update(ends_at=now + 60 * DAY)
    migration.share_promotions(apps, None)
    french, english, other = (Promotion.objects.get(pk=p.pk) for p in (french, english, other))
    assert (french.slug, english.slug, other.slug) == ("mois-du-depistage", "mois-du-depistage", "mois-du-depistage-2")
    assert english.ends_at == french.ends_at == now + 30 * DAY


def test_the_promotions_page_lists_running_then_announced_ones_and_each_has_a_page(client, offers):
    now = timezone.now()
    make_promotion("fr", title="Offre finie", slug="finie", starts_at=now - 9 * DAY, ends_at=now - DAY)
    make_promotion("fr", title="Offre à venir", slug="a-venir", starts_at=now + 2 * DAY, ends_at=now + 9 * DAY)
    make_promotion("fr", title="Offre en cours", slug="en-cours", starts_at=now - DAY, ends_at=now + 9 * DAY)
    make_promotion("fr", title="Brouillon", slug="brouillon", starts_at=now - DAY, live=False)
    html = client.get("/fr/offers/").text
    assert html.index("Offre en cours") < html.index("Offre à venir")
    assert "Offre finie" not in html and "Brouillon" not in html
    assert 'href="/fr/offers/en-cours/"' in html

    page = client.get("/fr/offers/en-cours/")
    assert page.status_code == 200
    assert "<h1>Offre en cours</h1>" in page.text
    assert '<link rel="canonical" href="http://testserver/fr/offers/en-cours/">' in page.text
    assert client.get("/fr/offers/a-venir/").status_code == 200  # announced
    for slug in ("finie", "brouillon", "inconnue"):
        assert client.get(f"/fr/offers/{slug}/").status_code == 404, slug


def test_a_promotions_page_offers_the_same_promotion_in_the_languages_it_exists_in(client, offers):
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=now - DAY)
    html = client.get("/fr/offers/screening-month/").text
    assert 'hreflang="en"' not in html  # not translated yet
    localize_promotion(french, "en", "Screening month")
    html = client.get("/fr/offers/screening-month/").text
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/offers/screening-month/">' in html
    english = client.get("/en/offers/screening-month/")
    assert english.status_code == 200 and "<h1>Screening month</h1>" in english.text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', english.text, re.S).group(1))
    trail = next(item for item in data["@graph"] if item["@type"] == "BreadcrumbList")
    assert [i["name"] for i in trail["itemListElement"]][-2:] == ["Offers", "Screening month"]


def test_the_home_page_links_its_running_promotions_page(client, offers):
    make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=timezone.now() - DAY)
    html = client.get("/fr/").text
    assert 'id="promotion-title"' in html
    assert 'href="/fr/offers/screening-month/"' in html


def test_the_sitemap_lists_each_languages_promotion_page_with_its_alternates(client, offers):
    now = timezone.now()
    french = make_promotion("fr", title="Mois du dépistage", slug="screening-month", starts_at=now - DAY)
    localize_promotion(french, "en", "Screening month")
    make_promotion("fr", title="Offre finie", slug="finie", starts_at=now - 9 * DAY, ends_at=now - DAY)
    xml = client.get("/sitemap.xml").text
    assert "<loc>http://testserver/fr/offers/screening-month/</loc>" in xml
    assert "<loc>http://testserver/en/offers/screening-month/</loc>" in xml
    assert '<xhtml:link rel="alternate" hreflang="en" href="http://testserver/en/offers/screening-month/"/>' in xml
    assert "offers/finie/" not in xml
