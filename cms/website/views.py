"""Public views of the website outside the page tree: lead forms, sitemap.xml, robots.txt."""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from cms.website.forms import FORMS, NEWSLETTER_CONSENT
from cms.website.models import PublicLead
from cms.website.services import public_lead_create
from erp.core.security import client_ip_key, rate_limit_wait


def lead_rate_wait(request) -> int:
    """Count this submission; the seconds to wait when the address is over ``LEAD_FORM_RATE`` (0: none).

    One limit for every lead form, keyed by the client's address, on the shared cache.
    """
    return rate_limit_wait(request, group="website:leads", key=client_ip_key, rate=settings.LEAD_FORM_RATE)


def _back_url(request) -> str:
    candidate = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


THANKS = {
    PublicLead.Type.CONTACT: gettext_noop("Thank you, your message has been sent. We will reply soon."),
    PublicLead.Type.APPOINTMENT_REQUEST: gettext_noop(
        "Thank you, we have your request and will call you to set the appointment."
    ),
    PublicLead.Type.NEWSLETTER: gettext_noop("Thank you, you are subscribed to the newsletter."),
}


@require_POST
def lead_submit(request, lead_type: str):
    """Store a lead (spam-marked when a trap is tripped), then send the visitor back with a thank-you."""
    form_class = FORMS.get(lead_type)
    if form_class is None:
        return HttpResponse(status=404)
    wait = lead_rate_wait(request)
    if wait:
        response = render(request, "website/too_many_requests.html", status=429)
        response["Retry-After"] = str(wait)
        return response
    form = form_class(request.POST, auto_id=f"{lead_type}_%s")
    if not form.is_valid():
        return render(
            request, "website/lead_form_page.html",
            {"form": form, "lead_type": lead_type, "next": _back_url(request)}, status=400,
        )
    data = form.cleaned_data
    public_lead_create(
        lead_type=lead_type,
        name=data.get("name"),
        email=data.get("email"),
        phone=data.get("phone"),
        message=data.get("message"),
        language=request.LANGUAGE_CODE,
        consent_text=str(NEWSLETTER_CONSENT) if data.get("consent") else "",
        spam_reason=form.spam_reason(),
        page_url=_back_url(request),
    )
    messages.success(request, _(THANKS[lead_type]))
    return HttpResponseRedirect(_back_url(request))


def _public_pages(request):
    """Live, real pages of the request's site, in every language (each locale's home and below)."""
    pages = Page.objects.live().public().filter(depth__gte=2, alias_of__isnull=True)
    site = Site.find_for_request(request)
    if site is not None:
        under_a_home = Q()
        homes = Page.objects.filter(translation_key=site.root_page.translation_key)
        for home_path in homes.values_list("path", flat=True):
            under_a_home |= Q(path__startswith=home_path)
        pages = pages.filter(under_a_home)
    return list(pages.select_related("locale").order_by("path"))


def sitemap(request):
    """Every live page in every language, each with its alternates and an x-default."""
    pages = _public_pages(request)
    by_key: dict = defaultdict(list)
    for page in pages:
        by_key[page.translation_key].append(page)
    groups = [(page.get_full_url(request), page.last_published_at, [
        (p.locale.language_code, p.get_full_url(request)) for p in by_key[page.translation_key]
    ]) for page in pages]
    groups += _promotion_groups(request, pages)
    default_language = settings.LANGUAGE_CODE
    entries = [
        {"loc": loc, "lastmod": lastmod, "alternates": sorted(alternates),
         "x_default": next((url for code, url in alternates if code == default_language), None)}
        for loc, lastmod, alternates in groups
    ]
    return render(request, "website/sitemap.xml", {"entries": entries}, content_type="application/xml")


def _promotion_groups(request, pages) -> list[tuple]:
    """``(URL, None, alternates)`` of each language's page of each promotion not ended: its slug
    under that language's promotions page (``PromotionIndexPage.promotion_route``)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from cms.website.models import Promotion, PromotionIndexPage

    index_type = ContentType.objects.get_for_model(PromotionIndexPage).pk
    index_urls = {page.locale_id: page.get_full_url(request) for page in pages if page.content_type_id == index_type}
    by_key: dict = defaultdict(list)
    promotions = (
        Promotion.objects.filter(live=True, locale_id__in=index_urls)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())).select_related("locale")
    )
    for promotion in promotions:
        by_key[promotion.translation_key].append(
            (promotion.locale.language_code, f"{index_urls[promotion.locale_id]}{promotion.slug}/")
        )
    return [(url, None, group) for group in by_key.values() for _code, url in group]


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /ops/",
        "Disallow: /files/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain")
