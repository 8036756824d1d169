"""What cold public pages (page cache off) keep between requests, and what drops it: the site
settings, the restricted sections answering Wagtail's view check, and the routed home page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction, Site

from cms.website.models import ServicePage, StandardPage, WebsiteSettings
from cms.website.tests.factories import add, make_promotion, translate

pytestmark = pytest.mark.django_db


def _main(html: str) -> str:
    return html.split("<main", 1)[-1]


def test_site_settings_are_kept_and_a_save_shows_at_once(client, site_tree, page_cache_off):
    assert "Clinique du Parc" not in client.get("/fr/").text
    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.clinic_name = "Clinique du Parc"
    values.save()
    assert "Clinique du Parc" in client.get("/fr/team/").text
    values.delete()
    assert "Clinique du Parc" not in client.get("/fr/team/").text


def test_a_new_restriction_denies_a_page_served_before(client, site_tree, page_cache_off):
    assert "équipe</h1>" in _main(client.get("/fr/team/").text)
    PageViewRestriction.objects.create(page=site_tree.team, restriction_type="password", password="secret")
    assert "équipe</h1>" not in _main(client.get("/fr/team/").text)


def test_a_restricted_section_moved_elsewhere_stays_restricted(client, site_tree, page_cache_off):
    PageViewRestriction.objects.create(page=site_tree.team, restriction_type="password", password="secret")
    assert "équipe</h1>" not in _main(client.get("/fr/team/").text)  # the restricted paths are now kept
    site_tree.team.move(site_tree.contact, pos="last-child")
    response = client.get("/fr/contact/team/")
    assert response.status_code == 200 and "équipe</h1>" not in _main(response.text)
    assert 'name="password"' in response.text


def test_a_page_under_an_alias_of_a_restricted_section_is_restricted(client, site_tree, page_cache_off):
    """Wagtail checks an alias ancestor's source for restrictions: so does the kept list."""
    PageViewRestriction.objects.create(page=site_tree.services, restriction_type="password", password="secret")
    hy_home = translate(site_tree.home, "hy", title="Գլխավոր")
    client.get("/hy/")  # the restricted paths are now kept
    alias = site_tree.services.create_alias(parent=hy_home, update_locale=Locale.objects.get(language_code="hy"),
                                            recursive=False)  # fmt: skip
    add(alias, ServicePage(title="Լազեր", slug="laser-hy"))
    response = client.get("/hy/services/laser-hy/")
    assert response.status_code == 200 and "Լազեր" not in _main(response.text)
    assert 'name="password"' in response.text


def test_the_header_links_the_home_page_of_the_language(client, site_tree, page_cache_off):
    for url, home in (("/fr/services/laser/", "/fr/"), ("/en/services/laser/", "/en/"), ("/es/", "/es/")):
        assert f'<a class="brand" href="{home}">' in client.get(url).text


def test_a_site_change_shows_at_once(client, site_tree, page_cache_off):
    assert client.get("/fr/").status_code == 200
    assert client.get("/fr/services/laser/").status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.root_page = site_tree.services
    site.save()
    assert "Nos soins</h1>" in _main(client.get("/fr/").text)  # the new root page is served
    site.hostname, site.is_default_site = "elsewhere.example", False
    site.save()
    assert client.get("/fr/").status_code == 404  # no site for this host any more
    site.delete()
    Site.objects.create(hostname="testserver", port=80, root_page=site_tree.home, is_default_site=True)
    assert "Bienvenue" in _main(client.get("/fr/").text)



def test_a_language_home_published_or_unpublished_routes_its_requests_at_once(client, site_tree, page_cache_off):
    """A new or unpublished home page of a language routes that language's requests at once."""
    assert client.get("/hy/").status_code == 404  # routed from the fr home, which is not hy content
    hy_home = translate(site_tree.home, "hy", title="Գլխավոր", hero_title="Բարի գալուստ")
    response = client.get("/hy/")
    assert response.status_code == 200 and "Բարի գալուստ" in _main(response.text)
    hy_home.unpublish()
    assert client.get("/hy/").status_code == 404


def test_pages_below_a_language_home_are_routed_from_it(client, site_tree, page_cache_off):
    """Wagtail's routing from each language's home: its pages, its 404s, its home link."""
    assert "Laser treatments</h1>" in _main(client.get("/en/services/laser/").text)
    assert '<a class="brand" href="/en/">' in client.get("/en/services/laser/").text
    assert client.get("/en/services/nowhere/").status_code == 404
    assert client.get("/es/services/laser/").status_code == 404  # es has a home only
    site_tree.en_service.unpublish()
    assert client.get("/en/services/laser/").status_code == 404


def test_the_first_page_translated_below_a_language_home_already_served_is_routed(client, site_tree, page_cache_off):
    """Regression: a language home served while it had no page below it (es has a home only) was
    kept with its tree columns, so the first translated page below it answered 404."""
    assert client.get("/es/").status_code == 200
    assert client.get("/es/services/").status_code == 404
    translate(site_tree.services, "es", title="Nuestros tratamientos")
    assert client.get("/es/services/").status_code == 200


def test_a_page_renamed_moved_or_unpublished_is_routed_at_once(client, site_tree, page_cache_off):
    """A new slug, a move or an unpublish changes what answers at once."""
    assert "Laser</h1>" in _main(client.get("/fr/services/laser/").text)
    service = site_tree.service
    service.slug = "laser-2"
    service.save_revision().publish()
    assert client.get("/fr/services/laser/").status_code in (301, 404)
    assert "Laser</h1>" in _main(client.get("/fr/services/laser-2/").text)
    site_tree.services.slug = "soins"
    site_tree.services.save_revision().publish()  # the service's URL changes with its parent's
    assert client.get("/fr/services/laser-2/").status_code in (301, 404)
    assert "Laser</h1>" in _main(client.get("/fr/soins/laser-2/").text)
    service.refresh_from_db()
    service.move(site_tree.home, pos="last-child")
    assert client.get("/fr/soins/laser-2/").status_code in (301, 404)
    assert "Laser</h1>" in _main(client.get("/fr/laser-2/").text)
    service.refresh_from_db()
    service.unpublish()
    assert client.get("/fr/laser-2/").status_code in (301, 404)


def test_the_kept_promotions_follow_their_publishing_and_their_link(client, site_tree, page_cache_off):
    """The live promotions of each locale are kept with their links (cache.promotions_of): an
    unpublished link translation or promotion drops them."""
    promotion = make_promotion("en", title="PromoEN", starts_at=timezone.now() - datetime.timedelta(days=1))
    promotion.link_page = site_tree.service  # the fr page: the en home links its en translation
    promotion.save()
    # The promotion box's "Find out more" link (its button goes to the promotion's own page).
    assert '<a href="/en/services/laser/">Find out more</a>' in client.get("/en/").text
    site_tree.en_service.unpublish()
    assert '<a href="/fr/services/laser/">Find out more</a>' in client.get("/en/").text
    promotion.unpublish()
    assert "PromoEN" not in client.get("/en/").text


def _menu(html: str) -> str:
    return html.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]


def _alternates(html: str) -> list[str]:
    return re.findall(r'<link rel="alternate" hreflang="([a-z-]+)" href="([^"]+)">', html)


def test_the_menu_is_kept_and_a_new_title_page_move_or_unpublish_shows_at_once(client, site_tree, page_cache_off):
    """Each home's menu is kept (cache.menu_of) under the tree's generation: any page saved,
    moved or deleted drops it (a restriction too: test_query_counts)."""
    assert 'href="/fr/team/">L&#x27;équipe</a>' in _menu(client.get("/fr/").text)
    with CaptureQueriesContext(connection) as captured:
        assert 'href="/fr/team/"' in _menu(client.get("/fr/services/laser/").text)
    assert not any(re.search(r'WHERE .*"show_in_menus"', query["sql"]) for query in captured)  # kept
    team = site_tree.team
    team.title = "Notre équipe"
    team.save_revision().publish()
    assert 'href="/fr/team/">Notre équipe</a>' in _menu(client.get("/fr/").text)
    about = add(site_tree.home, StandardPage(title="À propos", slug="about", show_in_menus=True))
    assert 'href="/fr/about/">À propos</a>' in _menu(client.get("/fr/blog/").text)
    about.move(site_tree.services, pos="last-child")
    assert "about" not in _menu(client.get("/fr/").text)
    team.refresh_from_db()
    team.show_in_menus = False
    team.save_revision().publish()
    assert "team" not in _menu(client.get("/fr/").text)
    site_tree.contact.unpublish()
    assert "contact" not in _menu(client.get("/fr/").text)
    assert 'href="/en/contact/">Contact us</a>' in _menu(client.get("/en/").text)  # each home its own


def test_the_language_links_are_kept_and_a_translation_published_unpublished_or_restricted_shows_at_once(
    client, site_tree, page_cache_off
):
    """The versions of each page are kept (cache.translations_of) under the tree's generation."""
    links = dict(_alternates(client.get("/fr/services/laser/").text))
    assert links["en"] == "http://testserver/en/services/laser/" and "hy" not in links
    client.get("/en/services/laser/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/services/laser/")
    # Wagtail's routing looks the language's home up once; the page's versions are kept.
    assert sum(bool(re.search(r'WHERE .*"translation_key" = ', query["sql"])) for query in captured) == 1
    translate(site_tree.home, "hy", title="Գլխավոր")
    hy_services = translate(site_tree.services, "hy", title="Ծառայություններ")
    translate(site_tree.service, "hy", title="Լազեր")
    links = dict(_alternates(client.get("/fr/services/laser/").text))
    assert links["hy"] == "http://testserver/hy/services/laser/"
    site_tree.en_service.unpublish()
    assert "en" not in dict(_alternates(client.get("/fr/services/laser/").text))
    restriction = PageViewRestriction.objects.create(page=hy_services, restriction_type="login")
    assert "hy" not in dict(_alternates(client.get("/fr/services/laser/").text))
    restriction.delete()
    assert "hy" in dict(_alternates(client.get("/fr/services/laser/").text))


def test_the_language_links_urls_are_kept_and_a_new_slug_or_site_host_shows_at_once(
    client, site_tree, page_cache_off
):
    """The versions' URLs are kept with them (cache.translation_links): a version's new slug, or
    the site's new host, is in the links of the next page."""
    from django.test.utils import override_settings
    from wagtail.models import Site

    assert dict(_alternates(client.get("/fr/services/laser/").text))["en"] == "http://testserver/en/services/laser/"
    en_service = site_tree.en_service
    en_service.slug = "laser-care"
    en_service.save_revision().publish()
    links = dict(_alternates(client.get("/fr/services/laser/").text))
    assert links["en"] == "http://testserver/en/services/laser-care/"
    assert 'href="/en/services/laser-care/" lang="en"' in client.get("/fr/services/laser/").text  # the switcher
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "www.clinic.test", 443
    site.save()
    with override_settings(ALLOWED_HOSTS=["www.clinic.test", "testserver"]):
        links = dict(_alternates(client.get("/fr/services/laser/", HTTP_HOST="www.clinic.test").text))
    assert links["en"] == "https://www.clinic.test/en/services/laser-care/"
