"""Stored-XSS payloads and the browser check shared by the XSS browser tests.

Each payload sets ``window.__xss`` (or opens a dialog) if the page lets it run. A page passes when,
after loading, ``window.__xss`` is still undefined, no dialog opened and the payload's text is on
the page as text.
"""

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "'><body onload=alert(1)>",
    "{{7*7}}${7*7}",
    "javascript:window.__xss=1",
]
# One string holding every payload, for fields that take a line of text.
LINE = " ".join(PAYLOADS)
# A short one for fields with a small max_length.
SHORT = '"><svg onload=window.__xss=1>'
JS_URL = "javascript:window.__xss=1"


def watch(page) -> list:
    """Record every dialog the page opens (and dismiss it); returns the list to assert on."""
    dialogs: list = []

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script("window.__xss = undefined;")
    return dialogs


def assert_inert(page, dialogs: list, *, shows: str | None = None) -> None:
    """Nothing ran on ``page``; if ``shows`` is given, that text is visible literally."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)  # let onerror/onload handlers of broken images fire, if any
    assert page.evaluate("typeof window.__xss") == "undefined", f"a payload ran on {page.url}"
    assert dialogs == [], f"a dialog opened on {page.url}: {dialogs}"
    assert page.locator("script:has-text('window.__xss=1')").count() == 0
    assert page.locator("[onerror], [onload]").count() == 0, f"an event-handler attribute got through on {page.url}"
    assert page.locator("a[href^='javascript:']").count() == 0, f"a javascript: link on {page.url}"
    if shows is not None:
        assert shows in page.locator("body").inner_text(), f"{shows!r} is not shown as text on {page.url}"
