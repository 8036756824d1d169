"""Template helpers of the public site: language switcher, hreflang alternates, menu, forms."""

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from wagtail.models import Page, Site

from cms.website.forms import NewsletterForm
from erp.core.models import LanguageChoices

register = template.Library()

NATIVE_NAMES = dict(LanguageChoices.choices)
OG_LOCALES = {"fr": "fr_FR", "en": "en_GB", "ru": "ru_RU", "uk": "uk_UA", "hy": "hy_AM", "es": "es_ES"}


def _enabled_languages(request) -> list[str]:
    from cms.website.models import WebsiteSettings

    codes = settings.LANGUAGE_CODES
    if request is not None:
        try:
            enabled = WebsiteSettings.for_request(request).enabled_languages
        except Exception:  # no site for this host: every language
            enabled = None
        if enabled:
            codes = [code for code in codes if code in enabled]
    return codes


def page_translations(page: Page, request) -> list[dict]:
    """The languages ``page`` really exists in (live, not an alias), in the site's language order."""
    if page is None or not getattr(page, "pk", None):
        return []
    from cms.website.cache import translation_links

    versions = translation_links(page, request)
    current = translation.get_language()
    links = []
    for code in _enabled_languages(request):
        if code not in versions:
            continue
        url, full_url = versions[code]
        links.append({
            "code": code,
            "name": NATIVE_NAMES.get(code, code),
            "url": url,
            "full_url": full_url,
            "is_current": code == current,
            "og_locale": OG_LOCALES.get(code, code),
        })
    return links


@register.simple_tag(takes_context=True)
def language_links(context, page=None):
    request = context.get("request")
    if page is None and context.get("page_language_links") is not None:
        return context["page_language_links"]  # a view's own alternates (a promotion's page)
    page = page if page is not None else context.get("page")
    if page is None:
        # Pages outside the tree (forms, errors): offer each language's home page.
        site = Site.find_for_request(request) if request is not None else None
        page = site.root_page if site is not None else None
    return page_translations(page, request)


@register.simple_tag(takes_context=True)
def x_default_url(context, links):
    for link in links:
        if link["code"] == settings.LANGUAGE_CODE:
            return link["full_url"]
    return links[0]["full_url"] if links else ""


@register.simple_tag(takes_context=True)
def og_locale(context):
    return OG_LOCALES.get(translation.get_language(), translation.get_language())


@register.simple_tag(takes_context=True)
def locale_home(context):
    """The home page of the active language (falls back to the site's root page)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return None
    from cms.website.models import localized_version

    return localized_version(site.root_page_id)


@register.simple_tag
def menu_pages(home):
    if home is None:
        return []
    from cms.website.cache import menu_of

    return menu_of(home)


@register.simple_tag
def newsletter_form():
    return NewsletterForm(auto_id="newsletter_%s")


# The visible fields of an unbound lead form, as rendered, per (form class, auto_id, language).
_kept_lead_form_fields: dict[tuple, str] = {}


@register.simple_tag
def lead_form_fields(form):
    """The visible fields of a lead form (``lead_form_fields.html``).

    Django renders each widget and label through a template: two thirds of the footer's
    newsletter form on every page. An unbound form with no initial value renders the same for
    every visitor of a language (its per-visit values, the CSRF token and the signed time, are
    outside these fields), so it is rendered once per process and language: it depends on the
    code and the translation catalogs only, which Django itself loads once per process (the kept
    fields are dropped with them when a test changes the languages or the templates). A bound
    form (with what the visitor typed and its errors) is rendered each time."""
    key = None
    if not form.is_bound and not form.initial and form.prefix is None:
        key = (type(form), form.auto_id, translation.get_language())
        kept = _kept_lead_form_fields.get(key)
        if kept is not None:
            return kept
    from cms.website.typography import typeset

    # Typeset: a label's suffix after a sentence would be doubled in Armenian (``։:``).
    html = render_to_string("website/includes/lead_form_fields.html", {"form": form})
    html = typeset(html, translation.get_language())
    if key is not None:
        _kept_lead_form_fields[key] = html
    return html


@receiver(setting_changed)
def _drop_kept_lead_form_fields(setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "TEMPLATES", "FORM_RENDERER", "INSTALLED_APPS"}:
        _kept_lead_form_fields.clear()


@register.filter
def weekday_name(value):
    from cms.website.models import Weekday

    try:
        return Weekday(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter(is_safe=True)
def typography(value):
    """``value`` with the active language's typography (``cms.website.typography``)."""
    from cms.website.typography import typeset

    return typeset(value, translation.get_language())


@register.filter
def alt_of(obj, field_name: str) -> str:
    """The alt text of the image ``obj.<field_name>`` where ``obj`` shows it: its own translated
    ``<field_name>_alt``, else the image's description."""
    alt = getattr(obj, f"{field_name}_alt", "")
    if alt:
        return alt
    image = getattr(obj, field_name, None)
    return image.default_alt_text if image is not None else ""


@register.simple_tag
def now_moment():
    from django.utils import timezone

    return timezone.now()


@register.simple_tag
def contact_page(home):
    """The contact page (with its appointment request form) of ``home``'s language, or None;
    kept with the tree (``cache.section_of``)."""
    from cms.website.cache import section_of
    from cms.website.models import ContactPage

    return section_of(home, ContactPage) if home is not None else None


@register.simple_tag(takes_context=True)
def booking_link(context, home) -> dict | None:
    """The header's booking button: the clinic's online booking page (Calendly) from the site
    settings, else the appointment request form of the language's contact page."""
    from cms.website.models import WebsiteSettings

    request = context.get("request")
    try:
        booking_url = WebsiteSettings.for_request(request).booking_url if request is not None else ""
    except Exception:  # no site for this host
        booking_url = ""
    if booking_url:
        return {"url": booking_url, "external": True}
    contact = contact_page(home)
    if contact is None:
        return None
    return {"url": f"{contact.get_url(request)}#appointment", "external": False}


@register.simple_tag(takes_context=True)
def structured_data(context, home):
    """The page's schema.org JSON-LD (``cms.website.structured_data``), in the active language;
    ``home`` is the language's home page the template already has (``locale_home``)."""
    from cms.website import structured_data as sd
    from cms.website.models import SitePage, WebsiteSettings

    request, page = context.get("request"), context.get("page")
    if request is None or not isinstance(page, SitePage):
        return ""
    try:
        site_settings = WebsiteSettings.for_request(request)
    except Exception:  # no site for this host
        return ""
    clinic = sd.clinic(site_settings, home, request)
    clinic_ref = {"@id": clinic["@id"]}
    items = [clinic, *sd.page_items(page, request, clinic_ref)]
    trail = sd.breadcrumbs(page, request, context.get("breadcrumb_extra"))
    if trail is not None:
        items.append(trail)
    return sd.to_script(items)
