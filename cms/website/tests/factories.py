"""A small website for tests: a home page in fr and en with a few pages under it."""

import datetime
import io
from types import SimpleNamespace

import factory
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image as PILImage
from wagtail.models import Locale, Page, Site

from cms.website.models import (
    BlogIndexPage,
    BlogPostPage,
    ContactPage,
    HomePage,
    Promotion,
    PublicLead,
    ServiceIndexPage,
    ServicePage,
    StaffMember,
    TeamPage,
)
from cms.website.models import MarketingImage as Image


class PublicLeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicLead

    type = PublicLead.Type.CONTACT
    name = factory.Sequence(lambda n: f"Visitor {n}")
    email = factory.Sequence(lambda n: f"visitor{n}@example.test")
    message = "Hello"
    preferred_language = "fr"


def make_image(title="Test image", alt="A test picture") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (10, 80, 100)).save(buffer, "JPEG")
    image = Image(title=title, description=alt)
    image.file = ImageFile(buffer, name="test.jpg")
    image.save()
    return image


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def add(parent, page):
    page.locale = parent.locale
    parent.add_child(instance=page)
    return publish(page)


def translate(page, code, **fields):
    locale = Locale.objects.get(language_code=code)
    copy = page.copy_for_translation(locale).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save()
    return publish(copy)


def build_site():
    """fr and en: home, services (one service), blog (one post), team, contact. es has a home only."""
    for code in ("fr", "en", "ru", "uk", "hy", "es"):
        Locale.objects.get_or_create(language_code=code)
    root = Page.get_first_root_node()
    fr = Locale.objects.get(language_code="fr")
    home = HomePage(title="Accueil", slug="clinic-home", hero_title="Bienvenue", locale=fr)
    root.add_child(instance=home)
    publish(home)
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Test")
    for page in Page.objects.filter(depth=2).exclude(pk=home.pk):
        page.delete()
    services = add(home, ServiceIndexPage(title="Nos soins", slug="services", show_in_menus=True))
    service = add(services, ServicePage(title="Laser", slug="laser", summary="Taches", price_hint="Sur devis",
                                        featured=True, order_index=1))
    blog = add(home, BlogIndexPage(title="Blog", slug="blog", show_in_menus=True))
    post = BlogPostPage(title="Soleil", slug="sun", excerpt="Protégez-vous",
                        publication_date=timezone.localdate() - datetime.timedelta(days=1))
    post.tags.add("soleil")
    post = add(blog, post)
    team = add(home, TeamPage(title="L'équipe", slug="team", show_in_menus=True))
    contact = add(home, ContactPage(title="Contact", slug="contact", show_in_menus=True))

    en_home = translate(home, "en", title="Home", hero_title="Welcome")
    en_services = translate(services, "en", title="Our services")
    en_service = translate(service, "en", title="Laser treatments", summary="Dark spots")
    en_blog = translate(blog, "en", title="Blog")
    en_post = translate(post, "en", title="Sun")
    en_team = translate(team, "en", title="Our team")
    en_contact = translate(contact, "en", title="Contact us")
    es_home = translate(home, "es", title="Inicio", hero_title="Bienvenidos")
    return SimpleNamespace(
        home=home, services=services, service=service, blog=blog, post=post, team=team, contact=contact,
        en_home=en_home, en_services=en_services, en_service=en_service, en_blog=en_blog, en_post=en_post,
        en_team=en_team, en_contact=en_contact, es_home=es_home,
    )


def make_promotion(code="fr", *, starts_at=None, ends_at=None, live=True, title="Promo", slug=None) -> Promotion:
    promotion = Promotion(locale=Locale.objects.get(language_code=code), title=title, content="<p>-10 %</p>",
                          slug=slug or f"{slugify(title)}-{Promotion.objects.count() + 1}",
                          starts_at=starts_at, ends_at=ends_at, live=False)
    promotion.save()
    if live:
        promotion.save_revision().publish()
        promotion.refresh_from_db()
    return promotion


def make_staff(code="fr", name="Dr Test", live=True) -> StaffMember:
    member = StaffMember(locale=Locale.objects.get(language_code=code), name=name, role="Dermatologue", live=False)
    member.save()
    if live:
        member.save_revision().publish()
    return member
