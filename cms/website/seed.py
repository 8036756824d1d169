"""Demo content of the website: the home page in the six languages. Idempotent."""

from django.conf import settings
from wagtail.models import Locale, Page, Site

from .models import HomePage

HOME = {
    "fr": ("Accueil", "Dermatologie et médecine esthétique", "Des soins de la peau attentifs, à Paris et à Lyon."),
    "en": ("Home", "Dermatology and aesthetic medicine", "Attentive skin care, in Paris and Lyon."),
    "ru": ("Главная", "Дерматология и эстетическая медицина", "Внимательный уход за кожей в Париже и Лионе."),
    "uk": ("Головна", "Дерматологія та естетична медицина", "Дбайливий догляд за шкірою в Парижі та Ліоні."),
    "hy": ("Գլխավոր", "Մաշկաբանություն և գեղագիտական բժշկություն", "Մաշկի ուշադիր խնամք Փարիզում և Լիոնում։"),
    "es": ("Inicio", "Dermatología y medicina estética", "Cuidado atento de la piel, en París y Lyon."),
}


def seed(out) -> None:
    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in settings.LANGUAGE_CODES}
    root = Page.get_first_root_node()

    home = HomePage.objects.filter(locale=locales["fr"]).first()
    if home is None:
        title, hero, text = HOME["fr"]
        home = HomePage(title=title, slug="clinic", hero_title=hero, hero_text=text, locale=locales["fr"])
        root.add_child(instance=home)
        home.save_revision().publish()

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Clinique")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Clinique"
        site.save()
        if old_root.depth == 2 and not isinstance(old_root.specific, HomePage):
            old_root.delete()  # Wagtail's "Welcome" placeholder page

    for code, locale in locales.items():
        if code == "fr":
            continue
        if home.get_translations().filter(locale=locale).exists():
            continue
        translated = home.copy_for_translation(locale).specific
        translated.title, translated.hero_title, translated.hero_text = HOME[code]
        translated.save_revision().publish()
    out(f"  website: home page in {', '.join(locales)}")
