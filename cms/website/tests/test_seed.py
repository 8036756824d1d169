import re

import pytest
from wagtail.models import Page, Revision

from cms.website import seed as website_seed
from cms.website.models import BlogPostPage, HomePage, Promotion, ServicePage, StaffMember
from cms.website.models import MarketingImage as Image

from .factories import ensure_wagtail_roots

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SCRIPTS = {"ru": r"[А-Яа-я]", "uk": r"[ІіЇїЄє]", "hy": r"[\u0531-\u058F]"}


def counts():
    return (Page.objects.count(), Revision.objects.count(), Image.objects.count(),
            StaffMember.objects.count(), Promotion.objects.count())


def test_seed_builds_the_site_in_six_languages_and_is_idempotent(client):
    ensure_wagtail_roots()
    website_seed.seed(lambda _line: None)
    first = counts()
    website_seed.seed(lambda _line: None)
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
        for path in ("about/", "services/", "services/laser-treatments/", "team/", "blog/", "blog/acne-adults/",
                     "contact/"):
            assert client.get(f"/{code}/{path}").status_code == 200, (code, path)
    assert "Մեր թիմը" in client.get("/hy/team/").text
    assert "Աննա Պետրոսյան" in client.get("/hy/team/").text
    assert all(image.description for image in Image.objects.all())
