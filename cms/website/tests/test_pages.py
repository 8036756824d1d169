import datetime
import re

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.website.models import HomePage, Promotion
from cms.website.tests.factories import make_promotion, make_staff, publish, translate

pytestmark = pytest.mark.django_db


def hreflangs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher(html: str) -> list[str]:
    block = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)
    return re.findall(r'hreflang="([a-z]+)"', block.group(0)) if block else []


def test_each_language_has_its_home_under_its_prefix(client, site_tree):
    fr = client.get("/fr/")
    en = client.get("/en/")
    es = client.get("/es/")
    assert fr.status_code == en.status_code == es.status_code == 200
    assert '<html lang="fr"' in fr.text and "Bienvenue" in fr.text
    assert '<html lang="en"' in en.text and "Welcome" in en.text
    assert '<html lang="es"' in es.text and "Bienvenidos" in es.text


def test_untranslated_home_is_not_shown_in_the_source_language(client, site_tree):
    # ru has no home page: French content must not appear under /ru/.
    assert client.get("/ru/").status_code == 404


def test_pages_route_per_language(client, site_tree):
    assert "Laser treatments" in client.get("/en/services/laser/").text
    fr = client.get("/fr/services/laser/")
    assert fr.status_code == 200 and "<h1>Laser</h1>" in fr.text
    # The service exists in fr and en only: /es/services/laser/ is a 404, not the French page.
    assert client.get("/es/services/laser/").status_code == 404


def test_alias_of_another_language_is_a_404(client, site_tree):
    # wagtail-localize's tree sync makes aliases; an alias shows the source's text, so it is hidden.
    alias = site_tree.team.copy_for_translation(Locale.objects.get(language_code="es"), alias=True)
    assert alias.alias_of_id == site_tree.team.pk
    assert client.get("/es/team/").status_code == 404
    assert "es" not in switcher(client.get("/fr/team/").text)


def test_switcher_lists_only_the_languages_the_page_exists_in(client, site_tree):
    service = client.get("/fr/services/laser/").text
    assert switcher(service) == ["fr", "en"]
    home = client.get("/fr/").text
    assert switcher(home) == ["fr", "en", "es"]
    assert 'hreflang="fr" aria-current="true"' in home or re.search(r'hreflang="fr"\s+aria-current="true"', home)


def test_hreflang_alternates_with_x_default(client, site_tree):
    links = hreflangs(client.get("/en/services/laser/").text)
    assert links == {
        "fr": "http://testserver/fr/services/laser/",
        "en": "http://testserver/en/services/laser/",
        "x-default": "http://testserver/fr/services/laser/",
    }


def test_open_graph_and_twitter_tags(client, site_tree):
    html = client.get("/en/services/laser/").text
    assert '<meta property="og:title" content="Laser treatments">' in html
    assert '<meta property="og:url" content="http://testserver/en/services/laser/">' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta property="og:locale:alternate" content="fr_FR">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_one_h1_landmarks_and_skip_link(client, site_tree):
    for url in ("/fr/", "/en/services/", "/fr/services/laser/", "/fr/blog/", "/fr/team/", "/fr/contact/"):
        html = client.get(url).text
        assert html.count("<h1") == 1, url
        for landmark in ("<header", "<main", "<footer", '<nav class="main-nav" aria-label='):
            assert landmark in html, (url, landmark)
        assert 'href="#main"' in html


def test_contact_page_labels_every_field(client, site_tree):
    html = client.get("/fr/contact/").text
    ids = re.findall(r'<input[^>]+type="(?:text|email|tel|checkbox)"[^>]*id="([^"]+)"', html)
    ids += re.findall(r'<textarea[^>]*id="([^"]+)"', html)
    assert ids
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id


def test_blog_index_is_filterable_by_tag_and_paginated(client, site_tree):
    html = client.get("/fr/blog/").text
    assert "Soleil" in html and "?tag=soleil" in html
    assert "Soleil" in client.get("/fr/blog/?tag=soleil").text
    assert "Soleil" not in client.get("/fr/blog/?tag=acne").text.split("<main")[1].split("</main>")[0]
    assert client.get("/fr/blog/?page=99").status_code == 200


def test_team_page_shows_live_members_of_its_language(client, site_tree):
    make_staff("fr", "Dr Visible")
    make_staff("fr", "Dr Brouillon", live=False)
    make_staff("en", "Dr English")
    html = client.get("/fr/team/").text
    assert "Dr Visible" in html
    assert "Dr Brouillon" not in html and "Dr English" not in html


def test_promotion_is_shown_only_inside_its_window(client, site_tree):
    now, day = timezone.now(), datetime.timedelta(days=1)
    make_promotion(title="Passée", starts_at=now - 10 * day, ends_at=now - day)
    make_promotion(title="Future", starts_at=now + day, ends_at=now + 9 * day)
    make_promotion(title="Brouillon", starts_at=now - datetime.timedelta(days=1), live=False)
    make_promotion("en", title="PromoEN", starts_at=now - datetime.timedelta(days=1))
    html = client.get("/fr/").text
    assert "Passée" not in html and "Future" not in html and "Brouillon" not in html and "PromoEN" not in html
    running = make_promotion(title="En cours", starts_at=now - datetime.timedelta(days=1),
                             ends_at=now + datetime.timedelta(days=1))
    assert "En cours" in client.get("/fr/").text
    assert Promotion.current(running.locale) == running
    assert Promotion.current(running.locale, at=now + datetime.timedelta(days=2)).title == "Future"
    assert Promotion.current(running.locale, at=now + datetime.timedelta(days=10)) is None
    assert running.is_running() and not running.is_running(now + datetime.timedelta(days=2))


def test_promotion_window_is_checked_by_the_database(site_tree):
    from django.db import IntegrityError

    now = timezone.now()
    with pytest.raises(IntegrityError):
        make_promotion(title="Absurde", starts_at=now, ends_at=now - datetime.timedelta(hours=1))


def test_home_shows_featured_services_and_latest_posts(client, site_tree):
    html = client.get("/en/").text
    assert "Laser treatments" in html and "/en/services/laser/" in html
    assert "/en/blog/sun/" in html


def test_sitemap_lists_every_page_in_every_language_with_alternates(client, site_tree):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    xml = response.text
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert "http://testserver/fr/services/laser/" in locs and "http://testserver/en/services/laser/" in locs
    assert "http://testserver/es/" in locs and "http://testserver/fr/contact/" in locs
    assert len(locs) == len(set(locs)) == 15  # 7 pages in fr and en, plus the es home
    entry = re.search(r"<loc>http://testserver/en/services/laser/</loc>(.*?)</url>", xml, re.S).group(1)
    assert 'hreflang="fr" href="http://testserver/fr/services/laser/"' in entry
    assert 'hreflang="en" href="http://testserver/en/services/laser/"' in entry
    assert 'hreflang="x-default" href="http://testserver/fr/services/laser/"' in entry
    assert 'hreflang="es"' not in entry


def test_sitemap_leaves_out_drafts(client, site_tree):
    site_tree.en_post.unpublish()
    assert "/en/blog/sun/" not in client.get("/sitemap.xml").text


def test_robots_txt_points_to_the_sitemap(client, site_tree):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


def test_page_cache_serves_stored_html_until_publish(client, site_tree):
    service = site_tree.service
    for url in ("/fr/services/laser/", "/fr/services/", "/fr/"):
        assert "Taches" in client.get(url).text
    # A change saved without publishing (no signal) is not seen: the pages come from the cache.
    type(service).objects.filter(pk=service.pk).update(summary="Changé en douce")
    for url in ("/fr/services/laser/", "/fr/services/", "/fr/"):
        html = client.get(url).text.split("<main", 1)[1]  # the content (the head is rendered each time)
        assert "Taches" in html and "Changé en douce" not in html
    # Publishing purges the page and its listings.
    service.refresh_from_db()
    service.summary = "Taches et rougeurs"
    publish(service)
    assert "Taches et rougeurs" in client.get("/fr/services/laser/").text
    assert "Taches et rougeurs" in client.get("/fr/services/").text
    assert "Taches et rougeurs" in client.get("/fr/").text


def test_cache_purge_covers_every_language(client, site_tree):
    from cms.website.cache import purge_page

    purged = purge_page(site_tree.service)
    assert {site_tree.service.pk, site_tree.en_service.pk, site_tree.services.pk, site_tree.en_services.pk,
            site_tree.home.pk, site_tree.en_home.pk} <= purged


def test_unpublish_purges_the_listing(client, site_tree):
    assert "Laser treatments" in client.get("/en/services/").text
    site_tree.en_service.unpublish()
    assert "Laser treatments" not in client.get("/en/services/").text.split("<main")[1]


def test_move_purges_old_and_new_parents(client, site_tree):
    assert "/fr/blog/sun/" in client.get("/fr/blog/").text
    site_tree.post.move(site_tree.home, pos="last-child")
    assert "/fr/blog/sun/" not in client.get("/fr/blog/").text


def test_new_translation_appears_in_switcher(client, site_tree):
    assert switcher(client.get("/fr/team/").text) == ["fr", "en"]
    translate(site_tree.team, "es", title="Nuestro equipo")
    html = client.get("/fr/team/").text
    assert switcher(html) == ["fr", "en", "es"]
    assert "Nuestro equipo" in client.get("/es/team/").text
    assert HomePage.objects.count() == 3


@pytest.mark.parametrize(
    ("code", "expected"),
    [("fr", "Aller au contenu"), ("ru", "Перейти к содержанию"), ("uk", "Перейти до змісту"),
     ("hy", "Անցնել բովանդակությանը"), ("es", "Ir al contenido"), ("en", "Skip to content")],
)
def test_interface_strings_are_translated(code, expected):
    from django.utils import translation

    from cms.website.forms import NEWSLETTER_CONSENT

    with translation.override(code):
        assert translation.gettext("Skip to content") == expected
        consent = str(NEWSLETTER_CONSENT)
    with translation.override("en"):
        assert (consent == str(NEWSLETTER_CONSENT)) == (code == "en")


def test_pages_render_interface_in_their_language(client, site_tree):
    assert "Aller au contenu" in client.get("/fr/").text
    assert "Envoyez-nous un message" in client.get("/fr/contact/").text
    assert "Send us a message" in client.get("/en/contact/").text
    assert "Ir al contenido" in client.get("/es/").text


def test_unknown_page_gets_a_friendly_404_in_the_language(client, site_tree):
    response = client.get("/fr/nulle-part/")
    assert response.status_code == 404
    assert '<html lang="fr"' in response.text and "<h1>" in response.text


def test_switcher_follows_the_enabled_languages_setting(client, site_tree):
    from wagtail.models import Site

    from cms.website.models import WebsiteSettings

    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.enabled_languages = ["fr", "es"]
    values.save()
    assert switcher(client.get("/fr/").text) == ["fr", "es"]


def test_enabled_languages_setting_is_validated(db):
    from django.core.exceptions import ValidationError

    from cms.website.models import WebsiteSettings

    with pytest.raises(ValidationError):
        WebsiteSettings(enabled_languages=["fr", "de"]).clean()
    with pytest.raises(ValidationError):
        WebsiteSettings(enabled_languages=["en"], default_language="fr").clean()
    WebsiteSettings(enabled_languages=["fr", "hy"], default_language="fr").clean()


def test_publishing_a_staff_member_purges_the_team_page(client, site_tree):
    make_staff("fr", "Dr Premier")
    assert "Dr Premier" in client.get("/fr/team/").text
    second = make_staff("fr", "Dr Second", live=False)
    assert "Dr Second" not in client.get("/fr/team/").text
    second.save_revision().publish()
    assert "Dr Second" in client.get("/fr/team/").text


def test_image_form_requires_alt_text(settings):
    from wagtail.images.forms import get_image_form

    from cms.website.models import MarketingImage as Image

    settings.WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.website.forms.MarketingImageForm"
    form_class = get_image_form(Image)
    assert form_class().fields["description"].required
