"""wagtail-localize's "Translate this page" never makes a language live before its translation is published.

Everything goes through the admin's own views, signed in as a marketing editor: the page is added
and published, submitted for translation to every other language, then one language's strings are
filled in and published in wagtail-localize's editor.
"""

import re

import pytest
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from wagtail.models import Locale, Page
from wagtail_localize.models import LocaleSynchronization, StringSegment, Translation

from cms.website.models import StandardPage
from erp.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OTHERS = ("en", "ru", "uk", "hy", "es")


@pytest.fixture
def editor(client, site_tree):
    client.force_login(UserFactory(role="marketing", email="marketing@clinic.test"))
    return client


def visit(url):
    """A visitor who is not signed in (what the page cache serves)."""
    return Client().get(url)


def add_french_page(editor, parent, *, slug, title, introduction, show_in_menus=False) -> StandardPage:
    data = {
        "title": title, "slug": slug, "introduction": introduction, "body-count": "0",
        "action-publish": "action-publish",
    }
    if show_in_menus:
        data["show_in_menus"] = "on"
    response = editor.post(f"/admin/pages/add/website/standardpage/{parent.pk}/", data)
    assert response.status_code == 302, response.content[:2000]
    page = StandardPage.objects.get(locale__language_code="fr", slug=slug)
    assert page.live
    return page


def submit_for_translation(editor, page, capture, codes=OTHERS):
    """Submit ``page`` in wagtail-localize's "Translate this page" form (and run what it does on commit)."""
    locales = Locale.objects.filter(language_code__in=codes)
    with capture(execute=True):
        response = editor.post(f"/admin/localize/submit/page/{page.pk}/", {"locales": [lo.pk for lo in locales]})
    assert response.status_code == 302, response.content[:2000]
    assert Translation.objects.filter(source__object_id=page.translation_key).count() == len(codes)


def translate_and_publish(editor, page, code, translate, capture):
    """Fill every string of ``page`` in ``code`` and press Publish in wagtail-localize's editor."""
    translation = Translation.objects.get(source__object_id=page.translation_key, target_locale__language_code=code)
    target = translation.get_target_instance()
    for segment in StringSegment.objects.filter(source=translation.source).select_related("string"):
        response = editor.put(
            f"/admin/localize/translate/{translation.pk}/strings/{segment.pk}/edit/",
            encode_multipart(BOUNDARY, {"value": translate(segment.string.data)}), content_type=MULTIPART_CONTENT,
        )
        assert response.status_code in (200, 201), response.content[:500]
    with capture(execute=True):
        response = editor.post(f"/admin/pages/{target.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302, response.content[:2000]
    target.refresh_from_db()
    return target


def test_submitting_a_page_for_translation_publishes_no_other_language(
    editor, site_tree, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    page = add_french_page(editor, site_tree.home, slug="tarifs", title="Nos tarifs",
                           introduction="Consultation à partir de 60 euros.")
    assert "Consultation à partir de 60 euros" in visit("/fr/tarifs/").text
    for code in OTHERS:
        assert visit(f"/{code}/tarifs/").status_code == 404  # kept in no cache before the submission

    submit_for_translation(editor, page, capture)

    for code in OTHERS:
        translated = Page.objects.get(translation_key=page.translation_key, locale__language_code=code)
        assert not translated.live and translated.alias_of_id is None, code
        response = visit(f"/{code}/tarifs/")
        assert response.status_code == 404, code
        assert "Consultation" not in response.text
    # The languages whose home was not translated got the home as an alias: still no French there.
    for code in ("ru", "uk", "hy"):
        assert visit(f"/{code}/").status_code == 404
    # Submitting that home turns the alias into its translation, still not live.
    submit_for_translation(editor, site_tree.home, capture, codes=("ru",))
    russian_home = Page.objects.get(translation_key=site_tree.home.translation_key, locale__language_code="ru")
    assert russian_home.alias_of_id is None and not russian_home.live
    assert visit("/ru/").status_code == 404 and visit("/ru/tarifs/").status_code == 404

    english = translate_and_publish(editor, page, "en", lambda text: {
        "Nos tarifs": "Our prices", "Consultation à partir de 60 euros.": "Consultation from 60 euros.",
    }.get(text, text), capture)
    assert english.live and english.title == "Our prices"

    response = visit("/en/tarifs/")
    assert response.status_code == 200
    assert "Consultation from 60 euros." in response.text and "Consultation à partir" not in response.text
    for code in ("ru", "uk", "hy", "es"):
        assert visit(f"/{code}/tarifs/").status_code == 404, code
    assert "Consultation à partir de 60 euros" in visit("/fr/tarifs/").text


def sitemap_urls() -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", visit("/sitemap.xml").text)


def menu(code) -> str:
    html = visit(f"/{code}/").text
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def test_a_new_french_page_stays_out_of_other_menus_and_sitemaps_until_translated(
    editor, site_tree, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    # Even with a language set to follow the French tree (wagtail-localize's "sync from"), whose
    # new pages get aliases of the French ones in that language.
    LocaleSynchronization.objects.create(locale=Locale.objects.get(language_code="es"),
                                         sync_from=Locale.objects.get(language_code="fr"))
    page = add_french_page(editor, site_tree.home, slug="soins-visage", title="Soins du visage",
                           introduction="Peelings et hydratation.", show_in_menus=True)
    child = add_french_page(editor, page, slug="peeling", title="Peeling", introduction="Un peeling doux.")
    assert "Soins du visage" in menu("fr")
    assert "http://testserver/fr/soins-visage/peeling/" in sitemap_urls()

    submit_for_translation(editor, page, capture, codes=("en", "es"))
    submit_for_translation(editor, child, capture, codes=("en", "es"))

    for code in ("en", "es"):
        assert "soins-visage" not in menu(code), code
        assert visit(f"/{code}/soins-visage/").status_code == 404, code
        assert visit(f"/{code}/soins-visage/peeling/").status_code == 404, code
    assert not [url for url in sitemap_urls() if "soins-visage" in url and "/fr/" not in url]

    translate_and_publish(editor, page, "en", lambda text: {"Soins du visage": "Facial care"}.get(text, text),
                          capture)
    assert "Facial care" in menu("en")
    assert "soins-visage" not in menu("es")
    urls = sitemap_urls()
    assert "http://testserver/en/soins-visage/" in urls
    assert "http://testserver/en/soins-visage/peeling/" not in urls
    assert not [url for url in urls if "/es/soins-visage" in url]
    assert visit("/en/soins-visage/peeling/").status_code == 404
