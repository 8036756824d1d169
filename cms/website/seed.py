"""Demo content of the website: a complete site in the six languages. Idempotent.

A second run finds every page, snippet and image by its slug or name and leaves it alone, so it
creates no page, revision or image.
"""

import datetime
import io

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cms.website.models import MarketingImage as Image

from . import seed_content as C
from .models import (
    BlogIndexPage,
    BlogPostPage,
    ContactPage,
    HomePage,
    Promotion,
    ServiceIndexPage,
    ServicePage,
    StaffMember,
    StandardPage,
    TeamPage,
    WebsiteSettings,
)
from .roles import grant_marketing_wagtail_permissions

TAGS = {
    "sun": {"fr": "soleil", "en": "sun", "ru": "солнце", "uk": "сонце", "hy": "արև", "es": "sol"},
    "prevention": {"fr": "prévention", "en": "prevention", "ru": "профилактика", "uk": "профілактика",
                   "hy": "կանխարգելում", "es": "prevención"},
    "acne": {"fr": "acné", "en": "acne", "ru": "акне", "uk": "акне", "hy": "պզուկներ", "es": "acné"},
    "moles": {"fr": "grains de beauté", "en": "moles", "ru": "родинки", "uk": "родимки", "hy": "խալեր",
              "es": "lunares"},
}


def _paragraph(text: str):
    return [("paragraph", RichText(f"<p>{text}</p>"))]


def _image(key: str) -> Image:
    title, alt, colour = C.IMAGES[key]
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    portrait = key in {"claire-dubois", "marc-lefevre", "anna-petrosyan"}
    size = (800, 800) if portrait else (1200, 800)
    picture = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(picture)
    for step in range(0, size[1], 8):  # a soft vertical gradient
        shade = tuple(min(255, c + step // 8) for c in colour)
        draw.rectangle([0, step, size[0], step + 8], fill=shade)
    if portrait:
        draw.ellipse([250, 130, 550, 430], fill=(235, 220, 205))
        draw.ellipse([150, 450, 650, 950], fill=(245, 245, 245))
    else:
        draw.ellipse([size[0] // 2 - 180, size[1] // 2 - 180, size[0] // 2 + 180, size[1] // 2 + 180],
                     fill=(250, 250, 245), outline=(255, 255, 255), width=12)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    image = Image(title=title, description=alt)
    image.file = ImageFile(buffer, name=f"{key}.jpg")
    image.save()
    return image


def _child(parent: Page, model, slug: str, **fields):
    """The live child of ``parent`` with ``slug``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale=parent.locale, show_in_menus=fields.pop("show_in_menus", True), **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translation(source: Page, locale: Locale, **fields):
    """The translation of ``source`` into ``locale``, made with ``fields`` and published if missing."""
    existing = source.get_translations().filter(locale=locale).first()
    if existing is not None:
        return existing.specific
    tags = fields.pop("tags", None)
    page = source.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(page, name, value)
    if tags is not None:
        page.tags.clear()
        page.tags.add(*tags)
    page.save()
    page.save_revision().publish()
    return page


def _home(locales) -> HomePage:
    home = HomePage.objects.filter(locale=locales["fr"]).first()
    if home is None:
        title, hero, text, _body = C.HOME["fr"]
        home = HomePage(title=title, slug="clinic", hero_title=hero, hero_text=text, locale=locales["fr"])
        Page.get_first_root_node().add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Clinique")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page, site.site_name = home, "Clinique"
        site.save()
        if old_root.depth == 2 and not isinstance(old_root.specific, HomePage):
            old_root.delete()  # Wagtail's "Welcome" placeholder page
    return home


def _settings() -> None:
    site = Site.objects.get(is_default_site=True)
    values = WebsiteSettings.for_site(site)
    if values.phone:
        return
    values.clinic_name = "Clinique Dermatologique Saint-Germain"
    values.phone = "+33 1 45 48 00 00"
    values.email = "contact@clinic.test"
    values.address_line1 = "12 rue de Rennes"
    values.postal_code, values.city, values.country_code = "75006", "Paris", "FR"
    values.instagram_url = "https://www.instagram.com/clinique.demo/"
    values.opening_hours = [
        ("day", {"weekday": str(day), "opens": datetime.time(9), "closes": datetime.time(19)}) for day in range(5)
    ] + [("day", {"weekday": "5", "opens": datetime.time(9), "closes": datetime.time(13)})]
    values.save()


def _snippet_translation(source, locale, **fields):
    existing = source.get_translations().filter(locale=locale).first()
    if existing is not None:
        return existing
    item = source.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(item, name, value)
    item.live = False
    item.save()
    item.save_revision().publish()
    return item


def seed(out) -> None:
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in settings.LANGUAGE_CODES}
    grant_marketing_wagtail_permissions()
    images = {key: _image(key) for key in C.IMAGES}

    home = _home(locales)
    if home.hero_image_id is None:
        _title, hero, text, body = C.HOME["fr"]
        home.hero_title, home.hero_text, home.hero_image, home.body = hero, text, images["hero"], _paragraph(body)
        home.save_revision().publish()
    _settings()

    fr = {
        "about": _child(home, StandardPage, "about", title=C.ABOUT["fr"][0], introduction=C.ABOUT["fr"][1],
                        body=_paragraph(C.ABOUT["fr"][2])),
        "services": _child(home, ServiceIndexPage, "services", title=C.SERVICES_INDEX["fr"][0],
                           introduction=C.SERVICES_INDEX["fr"][1]),
        "team": _child(home, TeamPage, "team", title=C.TEAM_PAGE["fr"][0], introduction=C.TEAM_PAGE["fr"][1]),
        "blog": _child(home, BlogIndexPage, "blog", title=C.BLOG_INDEX["fr"][0], introduction=C.BLOG_INDEX["fr"][1]),
        "contact": _child(home, ContactPage, "contact", title=C.CONTACT["fr"][0], introduction=C.CONTACT["fr"][1],
                          thank_you_text=C.CONTACT["fr"][2]),
    }
    services = []
    for slug, order, text in C.SERVICES:
        title, summary, description, price = text["fr"]
        services.append((slug, text, _child(
            fr["services"], ServicePage, slug, title=title, summary=summary,
            description=f"<p>{description}</p>", price_hint=price, order_index=order, featured=True,
            image=images[slug], show_in_menus=False,
        )))
    posts = []
    today = timezone.localdate()
    for slug, days_ago, tags, text in C.POSTS:
        title, excerpt, paragraph = text["fr"]
        post = BlogPostPage.objects.child_of(fr["blog"]).filter(slug=slug).first()
        if post is None:
            post = BlogPostPage(
                slug=slug, locale=locales["fr"], title=title, excerpt=excerpt, body=_paragraph(paragraph),
                publication_date=today - datetime.timedelta(days=days_ago), cover_image=images[slug],
            )
            post.tags.add(*[TAGS[tag]["fr"] for tag in tags])
            fr["blog"].add_child(instance=post)
            post.save_revision().publish()
        posts.append((slug, tags, text, post))

    for code, locale in locales.items():
        if code == "fr":
            continue
        title, hero, text, body = C.HOME[code]
        _translation(home, locale, title=title, hero_title=hero, hero_text=text, body=_paragraph(body))
        _translation(fr["about"], locale, title=C.ABOUT[code][0], introduction=C.ABOUT[code][1],
                     body=_paragraph(C.ABOUT[code][2]))
        _translation(fr["services"], locale, title=C.SERVICES_INDEX[code][0], introduction=C.SERVICES_INDEX[code][1])
        _translation(fr["team"], locale, title=C.TEAM_PAGE[code][0], introduction=C.TEAM_PAGE[code][1])
        _translation(fr["blog"], locale, title=C.BLOG_INDEX[code][0], introduction=C.BLOG_INDEX[code][1])
        _translation(fr["contact"], locale, title=C.CONTACT[code][0], introduction=C.CONTACT[code][1],
                     thank_you_text=C.CONTACT[code][2])
        for _slug, text, page in services:
            title, summary, description, price = text[code]
            _translation(page, locale, title=title, summary=summary, description=f"<p>{description}</p>",
                         price_hint=price)
        for _slug, tags, text, page in posts:
            title, excerpt, paragraph = text[code]
            _translation(page, locale, title=title, excerpt=excerpt, body=_paragraph(paragraph),
                         tags=[TAGS[tag][code] for tag in tags])

    for key, order, text in C.STAFF:
        name, role, bio = text["fr"]
        member = StaffMember.objects.filter(locale=locales["fr"], name=name).first()
        if member is None:
            member = StaffMember(locale=locales["fr"], name=name, role=role, bio=bio, photo=images[key],
                                 order_index=order, live=False)
            member.save()
            member.save_revision().publish()
        for code, locale in locales.items():
            if code != "fr":
                name, role, bio = text[code]
                _snippet_translation(member, locale, name=name, role=role, bio=bio)

    title, content = C.PROMOTION["fr"]
    promotion = Promotion.objects.filter(locale=locales["fr"], title=title).first()
    if promotion is None:
        now = timezone.now()
        promotion = Promotion(
            locale=locales["fr"], title=title, content=f"<p>{content}</p>", link_page=services[2][2],
            starts_at=now - datetime.timedelta(days=7), ends_at=now + datetime.timedelta(days=60), live=False,
        )
        promotion.save()
        promotion.save_revision().publish()
    for code, locale in locales.items():
        if code != "fr":
            title, content = C.PROMOTION[code]
            _snippet_translation(promotion, locale, title=title, content=f"<p>{content}</p>")

    out(f"  website: home, about, 3 services, team of 3, 3 posts, a promotion and contact in {', '.join(locales)}")
