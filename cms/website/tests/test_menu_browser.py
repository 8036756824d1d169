"""The header's menu button on a phone, in Chromium: it opens and closes the menu, says so to
screen readers, closes on Escape; on a large screen, or without JavaScript (no-script.css), the menu is
just there."""

import pytest

from erp.testing.browser import skip_without_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

skip_without_chromium()

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def small_site(transactional_db):
    from cms.website.tests.factories import build_site

    return build_site()


def open_page(browser, url, *, viewport, javascript=True):
    context = browser.new_context(locale="fr-FR", viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(url)
    return context, page


def test_the_menu_button_opens_and_closes_the_menu_on_a_phone(browser, live_server, small_site):
    context, page = open_page(browser, f"{live_server.url}/fr/", viewport=PHONE)
    button = page.get_by_role("button", name="Menu")
    link = page.locator("#site-menu").get_by_role("link", name="Nos soins")
    booking = page.get_by_role("link", name="Prendre rendez-vous")
    assert button.is_visible() and booking.is_visible()
    assert not link.is_visible()
    assert button.get_attribute("aria-expanded") == "false"

    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert link.is_visible()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert not link.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('menu-button')")

    button.press("Enter")  # the keyboard opens it too
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"{live_server.url}/fr/services/")
    context.close()


def test_without_javascript_or_on_a_large_screen_the_menu_is_simply_shown(browser, live_server, small_site):
    for viewport, javascript in ((PHONE, False), ({"width": 1366, "height": 900}, True)):
        context, page = open_page(browser, f"{live_server.url}/fr/", viewport=viewport, javascript=javascript)
        assert page.locator("#site-menu").get_by_role("link", name="Nos soins").is_visible()
        assert not page.locator(".menu-button").is_visible()
        context.close()
