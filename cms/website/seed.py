"""Demo content of the website: a complete site in the six languages. Idempotent.

The French pages and snippets are made here; every other language is made by wagtail-localize
from them (a translation source, its segments, a translated string per segment, then
``save_target``), as an editor's "Translate this page" does: a change of a French page shows the
changed segments in each translation's editor. A second run finds every page, snippet and image by
its slug or name and leaves it alone, so it creates no page, revision or image.
"""

import datetime
import html
from pathlib import Path

import cairosvg
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cms.website import seed_content as C
from cms.website.models import (
    BlogIndexPage,
    BlogPostPage,
    ContactPage,
    HomePage,
    Promotion,
    PromotionIndexPage,
    ServiceIndexPage,
    ServicePage,
    StaffMember,
    StandardPage,
    TeamPage,
    WebsiteSettings,
)
from cms.website.models import MarketingImage as Image
from cms.website.roles import grant_marketing_wagtail_permissions

ILLUSTRATIONS = Path(__file__).parent / "illustrations"
PORTRAITS = {key for key, *_rest in C.STAFF}


def _image(key: str) -> Image:
    """The illustration ``key``, drawn as SVG (``illustrations/``) and stored as a PNG image."""
    title, alt = C.IMAGES[key]
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width = 800 if key in PORTRAITS else 1200
    png = cairosvg.svg2png(url=str(ILLUSTRATIONS / f"{key}.svg"), output_width=width)
    image = Image(title=title, description=alt)
    image.file = ImageFile(ContentFile(png), name=f"{key}.png")
    image.save()
    return image


def _strings(value):
    """The texts of a field's value, in order (a rich text's paragraphs and list items, ...)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def segment_translations(texts: dict[str, dict]) -> dict[str, dict[str, str]]:
    """``{language: {French text: that language's text}}``: the texts at the same place of the same
    fields (``seed_content`` gives every language the French shape)."""
    french = list(_strings(texts["fr"]))
    found = {}
    for code, fields in texts.items():
        if code == "fr":
            continue
        other = list(_strings({name: fields[name] for name in texts["fr"]}))
        if len(other) != len(french):
            raise ValueError(f"The {code} text has {len(other)} parts, the French one {len(french)}.")
        found[code] = dict(zip(french, other, strict=True))
    return found


def rich(parts) -> str:
    """Rich text HTML from paragraphs; a list among them is a bulleted list."""
    return "".join(
        "<ul>" + "".join(f"<li>{item}</li>" for item in part) + "</ul>" if isinstance(part, list) else f"<p>{part}</p>"
        for part in parts
    )


def localize(instance, texts: dict[str, dict], locales: dict[str, Locale]) -> dict[str, object]:
    """The versions of ``instance`` (French) in the other languages, made by wagtail-localize from
    its segments with ``texts`` and published; a language it already exists in is left alone."""
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    segments = list(StringSegment.objects.filter(source=source).select_related("string", "context"))
    existing = {item.locale_id: item for item in instance.get_translations()}
    versions = {}
    for code, mapping in segment_translations(texts).items():
        locale = locales[code]
        version = existing.get(locale.pk)
        if version is not None and getattr(version, "alias_of_id", None) is None:
            versions[code] = version
            continue
        for segment in segments:
            # A page keeps its slug in every language (the site's URLs are /<language>/<slug>/).
            # A multi-line text (a bio) is one segment, its line breaks written as <br/>.
            french = segment.string.data
            text = french if segment.context.path == "slug" else mapping[html.unescape(french.replace("<br/>", "\n"))]
            text = text.replace("\n", "<br/>")
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=locale, context=segment.context, defaults={"data": text},
            )
        translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
        # Saved as a draft, then published here and now: ``save_target(publish=True)`` publishes
        # on commit a revision holding the page as it was, so inside one transaction a parent
        # published after its children were added would write back its old tree columns
        # (``numchild`` 0: Wagtail would find no page below it).
        translation.save_target(publish=False)
        version = source.get_translated_instance(locale)
        version.get_latest_revision().publish()
        versions[code] = version
    return versions


def _child(parent: Page, model, slug: str, **fields):
    """The live child of ``parent`` with ``slug``, created and published if missing."""
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = model(slug=slug, locale=parent.locale, show_in_menus=fields.pop("show_in_menus", True), **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _home(locales) -> HomePage:
    home = HomePage.objects.filter(locale=locales["fr"]).first()
    if home is None:
        text = C.HOME["fr"]
        home = HomePage(title=text["title"], slug="clinic", hero_title=text["hero_title"], hero_text=text["hero_text"],
                        locale=locales["fr"])
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


def seed_settings() -> None:
    """The clinic's contact details in the website's settings: shown on the site, and the seller's
    name and address on every invoice (the demo sales issue theirs before the website is seeded)."""
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


def _set_tags(page_pk: int, names: list[str]) -> None:
    page = BlogPostPage.objects.get(pk=page_pk)
    if sorted(page.tags.names()) != sorted(names):
        page.tags.set(names)
        page.save_revision().publish()


def _snippet(model, locale, lookup: dict, **fields):
    """The French snippet found by ``lookup``, created and published if missing."""
    existing = model.objects.filter(locale=locale, **lookup).first()
    if existing is not None:
        return existing
    item = model(locale=locale, live=False, **lookup, **fields)
    item.save()
    item.save_revision().publish()
    return item


def _page_fields(text: dict) -> dict:
    """A page's fields from its French text: rich text from lists of paragraphs."""
    fields = dict(text)
    for name in ("description", "indications", "procedure", "content"):
        if name in fields:
            fields[name] = rich(fields[name])
    if "faq" in fields:
        fields["faq"] = [("question", {"question": q, "answer": RichText(rich(a))}) for q, a in fields["faq"]]
    if "body" in fields:
        body = fields["body"]
        fields["body"] = (
            [(kind, value if kind == "heading" else RichText(f"<p>{value}</p>")) for kind, value in body]
            if body and isinstance(body[0], tuple) else [("paragraph", RichText(rich(body)))]
        )
    return fields


def seed(out) -> None:
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in settings.LANGUAGE_CODES}
    grant_marketing_wagtail_permissions()
    images = {key: _image(key) for key in C.IMAGES}

    home = _home(locales)
    if home.hero_image_id is None:
        for name, value in _page_fields(C.HOME["fr"]).items():
            setattr(home, name, value)
        home.hero_image = images["hero"]
        home.save_revision().publish()
    seed_settings()

    def section(model, slug, texts, image, **fields):
        return _child(home, model, slug, og_image=images[image], **_page_fields(texts["fr"]), **fields)

    fr = {
        "about": (section(StandardPage, "about", C.ABOUT, "hero"), C.ABOUT),
        "services": (section(ServiceIndexPage, "services", C.SERVICES_INDEX, "medical-dermatology"), C.SERVICES_INDEX),
        "team": (section(TeamPage, "team", C.TEAM_PAGE, "claire-dubois"), C.TEAM_PAGE),
        "blog": (section(BlogIndexPage, "blog", C.BLOG_INDEX, "sun-protection"), C.BLOG_INDEX),
        "promotions": (section(PromotionIndexPage, "offers", C.PROMOTIONS_INDEX, "promotion"), C.PROMOTIONS_INDEX),
        "contact": (section(ContactPage, "contact", C.CONTACT, "hero"), C.CONTACT),
    }
    services = []
    for item in C.SERVICES:
        page = _child(
            fr["services"][0], ServicePage, item["slug"], order_index=item["order"], featured=True,
            image=images[item["image"]], show_in_menus=False, **_page_fields(item["text"]["fr"]),
        )
        services.append((page, item["text"]))
    posts = []
    today = timezone.localdate()
    for slug, days_ago, tags, texts in C.POSTS:
        post = BlogPostPage.objects.child_of(fr["blog"][0]).filter(slug=slug).first()
        if post is None:
            post = BlogPostPage(
                slug=slug, locale=locales["fr"], publication_date=today - datetime.timedelta(days=days_ago),
                cover_image=images[slug], **_page_fields(texts["fr"]),
            )
            post.tags.add(*[C.TAGS[tag]["fr"] for tag in tags])
            fr["blog"][0].add_child(instance=post)
            post.save_revision().publish()
        posts.append((post, tags, texts))

    # Parents before children: wagtail-localize puts each translation under its parent's.
    localize(home, C.HOME, locales)
    for page, texts in fr.values():
        localize(page, texts, locales)
    for page, texts in services:
        localize(page, texts, locales)
    for post, tags, texts in posts:
        for code, version in localize(post, texts, locales).items():
            # Tags are not segments: each language's own, set once the translation is published.
            _set_tags(version.pk, [C.TAGS[tag][code] for tag in tags])

    for key, order, is_physician, texts in C.STAFF:
        text = texts["fr"]
        member = _snippet(StaffMember, locales["fr"], {"name": text["name"]}, role=text["role"], bio=text["bio"],
                          photo=images[key], photo_alt=text["photo_alt"], order_index=order,
                          is_physician=is_physician)
        localize(member, texts, locales)

    text = C.PROMOTION["fr"]
    now = timezone.now()
    promotion = _snippet(
        Promotion, locales["fr"], {"slug": "screening-month"}, title=text["title"], content=rich(text["content"]),
        image=images["promotion"], image_alt=text["image_alt"], link_page=services[2][0],
        starts_at=now - datetime.timedelta(days=7), ends_at=now + datetime.timedelta(days=60),
    )
    localize(promotion, C.PROMOTION, locales)

    out(f"  website: home, about, {len(services)} services, team of {len(C.STAFF)}, {len(posts)} posts, "
        f"a promotion and contact in {', '.join(locales)} (translated through wagtail-localize)")
