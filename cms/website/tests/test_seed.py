import re

import pytest
from wagtail.models import Page, Revision

from cms.website import seed as website_seed
from cms.website.models import BlogPostPage, HomePage, Promotion, ServicePage, StaffMember
from cms.website.models import MarketingImage as Image

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCRIPTS = {"ru": r"[А-Яа-я]", "uk": r"[ІіЇїЄє]", "hy": r"[\u0531-\u058F]"}


def counts():
    return (Page.objects.count(), Revision.objects.count(), Image.objects.count(),
            StaffMember.objects.count(), Promotion.objects.count())


def seed(capture):
    """The demo seed; wagtail-localize publishes a page's translation on commit (run here)."""
    with capture(execute=True):
        website_seed.seed(lambda _line: None)


def test_seed_builds_the_site_in_six_languages_and_is_idempotent(client, django_capture_on_commit_callbacks):
    seed(django_capture_on_commit_callbacks)
    first = counts()
    seed(django_capture_on_commit_callbacks)
    assert counts() == first
    assert HomePage.objects.live().count() == 6
    assert ServicePage.objects.live().count() == 18
    assert BlogPostPage.objects.live().count() == 18
    assert StaffMember.objects.filter(live=True).count() == 18
    assert Promotion.objects.filter(live=True).count() == 6
    for code in ("fr", "en", "ru", "uk", "hy", "es"):
        response = client.get(f"/{code}/")
        assert response.status_code == 200, code
        assert f'<html lang="{code}"' in response.text
        assert 'id="promotion-title"' in response.text, code
        main = response.text.split("<main")[1].split("</main>")[0]
        if code in SCRIPTS:
            assert re.search(SCRIPTS[code], main), code
        paths = ["about/", "services/", "services/laser-treatments/", "team/", "blog/", "blog/acne-adults/",
                 "contact/"]
        for path in paths + ["offers/", "offers/screening-month/"]:
            assert client.get(f"/{code}/{path}").status_code == 200, (code, path)
    assert "Մեր թիմը" in client.get("/hy/team/").text
    assert "Աննա Պետրոսյան" in client.get("/hy/team/").text
    assert all(image.description for image in Image.objects.all())


def test_the_demo_translations_are_made_through_wagtail_localize(client, django_capture_on_commit_callbacks):
    """Every other language's page and snippet comes from wagtail-localize (a source, its segments
    and their translations), so a change of the French text shows the segments to translate again."""
    from wagtail.models import Locale
    from wagtail_localize.models import StringSegment, Translation, TranslationSource

    seed(django_capture_on_commit_callbacks)
    french_pages = Page.objects.filter(locale__language_code="fr", depth__gte=2)
    for page in french_pages:
        source = TranslationSource.objects.get_for_instance(page)
        assert Translation.objects.filter(source=source).count() == 5, page
    for model in (StaffMember, Promotion):
        for item in model.objects.filter(locale__language_code="fr"):
            assert Translation.objects.filter(source=TranslationSource.objects.get_for_instance(item)).count() == 5

    service = ServicePage.objects.get(locale__language_code="fr", slug="laser-treatments")
    source = TranslationSource.objects.get_for_instance(service)
    armenian = Locale.objects.get(language_code="hy")

    def untranslated() -> int:
        segments = StringSegment.objects.filter(source=source).annotate_translation(armenian)
        return sum(1 for segment in segments if segment.translation is None)

    assert untranslated() == 0
    service.summary = "Taches, rougeurs et cicatrices : un nouveau protocole."
    with django_capture_on_commit_callbacks(execute=True):
        service.save_revision().publish()
    # What "Sync translated pages" does: the source takes the French page's new content.
    source, _created = TranslationSource.update_or_create_from_instance(ServicePage.objects.get(pk=service.pk))
    assert untranslated() == 1  # only the changed summary asks for a new translation

    page = client.get("/hy/services/laser-treatments/").text
    for text in ("Հաճախ տրվող հարցեր", "Քանի՞ սեանս է անհրաժեշտ", "Ինչպես է անցնում",
                 "Բժշկական լազեր, որի ծայրակալը մշակում է մաշկի փոքր հատված"):
        assert text in page, text
    post = client.get("/ru/blog/moles-check/").text
    assert post.count("<p") >= 4 and "Правило ABCDE" in post
    team = client.get("/uk/team/").text
    assert "Марк Лефевр" in team and team.count('class="member-bio"') == 3
    assert len({p.starts_at for p in Promotion.objects.all()}) == 1
