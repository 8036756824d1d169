"""Stored XSS on the public site and in the Wagtail page screens: payloads saved in every free-text
field of the pages, snippets and leads render as text, run nothing and open no dialog.

Rich text is stored as the page editor stores it (Draftail contentstate converted by Wagtail), so a
``javascript:`` link typed in the editor goes through the same conversion as in real use.
"""

import json

import pytest

from erp.core.tests.factories import UserFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium
from erp.testing.xss import JS_URL, LINE, SHORT, assert_inert, watch

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "browser-Pass-2026"

skip_without_chromium()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def editor_rich_text(text: str, link: str) -> str:
    """What the page editor stores for a paragraph of ``text`` followed by a link to ``link``."""
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    from cms.website.models import RICH_TEXT_FEATURES

    contentstate = {
        "blocks": [
            {"key": "a1", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []},
            {
                "key": "a2", "type": "unstyled", "text": "lien", "depth": 0, "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 4, "key": 0}],
            },
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link}}},
    }
    return ContentstateConverter(RICH_TEXT_FEATURES).to_database_format(json.dumps(contentstate))


@pytest.fixture
def poisoned_site(transactional_db):
    """The test site with a payload in every free-text field a marketer or a visitor can fill."""
    from cms.website.models import PublicLead
    from cms.website.tests.factories import build_site, make_promotion, make_staff, publish

    site = build_site()
    rich = editor_rich_text(LINE, JS_URL)
    service = site.service
    service.title, service.summary, service.price_hint, service.description = SHORT, LINE[:300], SHORT, rich
    service.seo_title, service.search_description = SHORT, LINE
    publish(service)
    post = site.post
    post.title, post.excerpt = SHORT, LINE
    post.body = [("heading", LINE[:200]), ("paragraph", rich), ("quote", {"quote": LINE, "author": SHORT})]
    publish(post)
    home = site.home
    home.hero_title, home.hero_text = SHORT, LINE
    home.body = [("heading", LINE[:200]), ("paragraph", rich)]
    publish(home)
    make_promotion(title=SHORT).__class__.objects.filter(title=SHORT).update(content=rich)
    member = make_staff(name=SHORT)
    member.__class__.objects.filter(pk=member.pk).update(role=SHORT, bio=LINE)
    PublicLead.objects.create(
        type="contact", name=SHORT, email="x@example.test", phone="+33 1 23 45 67 89", message=LINE,
        page_url=JS_URL, source=SHORT[:100],
    )
    return site


def test_public_pages_show_the_payloads_as_text(page, live_server, poisoned_site):
    dialogs = watch(page)
    for path, shows in [
        ("/fr/", SHORT),  # hero title, home body, promotion
        ("/fr/services/", SHORT),  # service card
        ("/fr/services/laser/", "<script>window.__xss=1</script>"),  # title, summary, rich text
        ("/fr/blog/", SHORT),
        ("/fr/blog/sun/", "<script>window.__xss=1</script>"),  # heading, paragraph and quote blocks
        ("/fr/team/", SHORT),  # staff snippet
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_inert(page, dialogs, shows=shows)


def test_admin_page_screens_and_leads_show_the_payloads_as_text(page, live_server, poisoned_site):
    dialogs = watch(page)
    admin_sign_in(page, live_server.url, UserFactory(role="admin", password=PASSWORD), PASSWORD)
    service = poisoned_site.service
    for path in [
        f"/admin/pages/{service.get_parent().pk}/",  # page listing
        f"/admin/pages/{service.pk}/edit/",  # page editor, rich text in Draftail
        f"/admin/pages/{poisoned_site.post.pk}/edit/",  # StreamField blocks
        "/admin/website/leads/",  # visitor-filled lead fields
        "/admin/snippets/website/staffmember/",
        "/admin/snippets/website/promotion/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_inert(page, dialogs)
    page.goto(f"{live_server.url}/admin/website/leads/")
    assert SHORT in page.locator("main").inner_text()
