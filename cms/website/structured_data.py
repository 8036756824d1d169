"""schema.org data of the public pages (JSON-LD), in the page's language: the clinic
(``MedicalClinic``) on every page, the page's own item (``MedicalProcedure`` for a service,
``BlogPosting`` for an article, ``Physician`` for each doctor of the team page) and its
``BreadcrumbList``."""

import json
import re

from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# What may not appear raw inside <script>: the JSON is escaped as Django's json_script does.
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|ul|ol)>|<br\s*/?>")
_LIST_ITEM = re.compile(r"<li[^>]*>(.*?)</li>", re.S)
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _text(html) -> str:
    """Rich text as plain text, its paragraphs and list items kept apart by a space."""
    return " ".join(strip_tags(_BLOCK_END.sub(" ", str(html or ""))).split())


def _items(html) -> list[str]:
    """The list items of a rich text (an indications list), as plain text."""
    return [_text(item) for item in _LIST_ITEM.findall(str(html or ""))]


def _image_url(image, request) -> str | None:
    if image is None:
        return None
    return request.build_absolute_uri(image.get_rendition("fill-1200x630|format-jpeg").url)


def clinic(settings, home, request) -> dict:
    """The clinic as ``MedicalClinic``: its name, address, phone, hours and home page."""
    url = home.get_full_url(request) if home is not None else request.build_absolute_uri("/")
    data = {
        "@type": "MedicalClinic", "@id": f"{url}#clinic", "name": settings.clinic_name, "url": url,
        "medicalSpecialty": "Dermatology", "inLanguage": translation.get_language(),
    }
    if settings.phone:
        data["telephone"] = settings.phone
    if settings.email:
        data["email"] = settings.email
    if settings.address_line1 or settings.city:
        data["address"] = {
            "@type": "PostalAddress", "streetAddress": settings.address_line1 or "",
            "postalCode": settings.postal_code or "", "addressLocality": settings.city or "",
            "addressCountry": settings.country_code or "",
        }
    hours = [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": f"https://schema.org/{DAYS[int(b.value['weekday'])]}",
         "opens": b.value["opens"].strftime("%H:%M"), "closes": b.value["closes"].strftime("%H:%M")}
        for b in settings.opening_hours or []
    ]
    if hours:
        data["openingHoursSpecification"] = hours
    if settings.instagram_url:
        data["sameAs"] = [settings.instagram_url]
    return data


def breadcrumbs(page, request, extra: tuple[str, str] | None = None) -> dict | None:
    """The page's ancestors from its language's home page, and the page itself."""
    trail = [p for p in page.get_ancestors(inclusive=True).live().specific(defer=True) if p.depth >= 2]
    items = [(p.title, p.get_full_url(request)) for p in trail]
    if extra is not None:
        items.append(extra)
    if len(items) < 2:
        return None
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url} for n, (name, url) in enumerate(items, 1)
        ],
    }


def page_items(page, request, clinic_ref: dict) -> list[dict]:
    """The schema.org items of ``page`` itself, by its type."""
    from cms.website.models import BlogPostPage, ServicePage, TeamPage

    language = translation.get_language()
    url = page.get_full_url(request)
    if isinstance(page, ServicePage):
        data = {
            "@type": "MedicalProcedure", "name": page.title, "url": url, "inLanguage": language,
            "description": page.summary or _text(page.description)[:300], "provider": clinic_ref,
        }
        if page.procedure:
            data["howPerformed"] = _text(page.procedure)[:500]
        indications = _items(page.indications) or ([_text(page.indications)] if page.indications else [])
        if indications:
            data["indication"] = [{"@type": "MedicalIndication", "name": name.rstrip(" ;,.։")} for name in indications]
        if page.image:
            data["image"] = _image_url(page.image, request)
        return [data]
    if isinstance(page, BlogPostPage):
        data = {
            "@type": "BlogPosting", "headline": page.title[:110], "url": url, "mainEntityOfPage": url,
            "inLanguage": language, "datePublished": page.publication_date.isoformat(),
            "author": clinic_ref, "publisher": clinic_ref, "description": page.excerpt or "",
        }
        if page.last_published_at:
            data["dateModified"] = page.last_published_at.isoformat()
        if page.cover_image:
            data["image"] = _image_url(page.cover_image, request)
        return [data]
    if isinstance(page, TeamPage):
        return [_member(member, clinic_ref) for member in page.members()]
    return []


def _member(member, clinic_ref: dict) -> dict:
    """A doctor as ``Physician`` (of the clinic); anyone else of the team as a ``Person``."""
    if member.is_physician:
        return {"@type": "Physician", "name": member.name, "description": member.role,
                "medicalSpecialty": "Dermatology", "hospitalAffiliation": clinic_ref}
    return {"@type": "Person", "name": member.name, "jobTitle": member.role, "worksFor": clinic_ref}


def to_script(items: list[dict]) -> SafeString:
    """``<script type="application/ld+json">`` with ``items`` as one graph."""
    data = json.dumps({"@context": "https://schema.org", "@graph": items}, ensure_ascii=False)
    # Safe: the JSON has no <, > or & left (escaped as json_script does).
    return mark_safe(f'<script type="application/ld+json">{data.translate(_ESCAPES)}</script>')  # noqa: S308
