"""The public site as a clinic publishes it: booking button, menu button and icons in the header,
translated alt texts, typography per language, schema.org data per page and language."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.models import Site
from wagtail.rich_text import RichText
from wagtail_localize.models import TranslationSource

from cms.website.models import StaffMember, WebsiteSettings
from cms.website.tests.factories import make_image, make_staff, publish
from cms.website.typography import NBSP, NNBSP, typeset

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])["@graph"]


def of_type(items: list[dict], kind: str) -> list[dict]:
    return [item for item in items if item["@type"] == kind]


# --- Header ---------------------------------------------------------------------------------------


def test_a_service_page_asks_for_an_appointment_on_its_languages_contact_page(client, site_tree):
    cta = re.compile(r'<a class="button" href="([^"]*)">(Demander un rendez-vous|Request an appointment)</a>')
    assert cta.search(client.get("/fr/services/laser/").text).group(1) == "/fr/contact/#appointment"
    assert cta.search(client.get("/en/services/laser/").text).group(1) == "/en/contact/#appointment"


def test_the_booking_button_opens_the_appointment_form_or_the_calendly_page(client, site_tree):
    html = client.get("/fr/blog/").text
    assert '<a class="button booking-button" href="/fr/contact/#appointment">Prendre rendez-vous</a>' in html
    assert '<a class="button booking-button" href="/en/contact/#appointment">' in client.get("/en/").text

    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.booking_url = "https://calendly.com/clinique-demo/consultation"
    values.save()
    html = client.get("/fr/blog/").text
    assert ('href="https://calendly.com/clinique-demo/consultation" rel="noopener" target="_blank">Prendre '
            'rendez-vous<span class="visually-hidden"> (s\'ouvre dans un nouvel onglet)</span>') in html


def test_the_menu_button_controls_the_menu_and_the_icons_are_served(client, site_tree):
    html = client.get("/fr/").text
    button = re.search(r'<button class="menu-button"[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="site-menu"' in button
    assert 'id="site-menu"' in html and '<script src="/static/website/menu.js" defer></script>' in html
    # Without a script the menu stays open and the button hidden (a style sheet in <noscript>).
    assert '<noscript><link rel="stylesheet" href="/static/website/no-script.css"></noscript>' in html
    for name in ("favicon.ico", "icon.svg", "apple-touch-icon.png", "site.webmanifest"):
        assert f"/static/website/icons/{name}" in html
        assert finders.find(f"website/icons/{name}"), name
    manifest = json.loads(Path(finders.find("website/icons/site.webmanifest")).read_text())
    for icon in manifest["icons"]:
        assert finders.find(f"website/icons/{icon['src']}"), icon


def test_every_page_has_a_description_for_search_engines(client, site_tree):
    assert '<meta name="description" content="Taches">' in client.get("/fr/services/laser/").text  # its summary
    assert '<meta name="description" content="Protégez-vous">' in client.get("/fr/blog/sun/").text  # its excerpt
    service = site_tree.service
    service.search_description = "Lasers médicaux à Paris"
    publish(service)
    assert '<meta name="description" content="Lasers médicaux à Paris">' in client.get("/fr/services/laser/").text


# --- Alt texts ------------------------------------------------------------------------------------


def test_an_image_is_described_in_each_pages_language(client, site_tree):
    image = make_image(alt="Appareil laser")
    service = site_tree.service
    service.image, service.image_alt = image, "Laser médical sur une zone de peau"
    publish(service)
    english = site_tree.en_service
    english.image, english.image_alt = image, "A medical laser on an area of skin"
    publish(english)
    assert 'alt="Laser médical sur une zone de peau"' in client.get("/fr/services/laser/").text
    assert 'alt="A medical laser on an area of skin"' in client.get("/en/services/laser/").text
    english.image_alt = ""
    publish(english)
    assert 'alt="Appareil laser"' in client.get("/en/services/laser/").text  # the image's own description


def test_alt_texts_are_segments_wagtail_localize_translates(site_tree):
    from cms.website.models import BlogPostPage

    post = BlogPostPage.objects.get(pk=site_tree.post.pk)
    post.cover_image, post.cover_image_alt = make_image(), "Flacon de crème solaire"
    post.body = [("image", {"image": make_image(title="Second"), "alt_text": "Chapeau de paille", "caption": ""}),
                 ("paragraph", RichText("<p>Texte</p>"))]
    publish(post)
    source, _created = TranslationSource.get_or_create_from_instance(post)
    texts = set(source.stringsegment_set.values_list("string__data", flat=True))
    assert {"Flacon de crème solaire", "Chapeau de paille"} <= texts


# --- Typography -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Vraiment ? Oui ! Non ; peut-être : 60 €", f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; peut-être{NBSP}: 60{NBSP}€"),
    ("Vraiment?", f"Vraiment{NNBSP}?"),
    ("« Oui »", f"«{NNBSP}Oui{NNBSP}»"),
    ("1 200 € à 12 h", f"1{NBSP}200{NBSP}€ à 12{NBSP}h"),
    ("À 09:30, voir https://clinic.test/?page=2", "À 09:30, voir https://clinic.test/?page=2"),
    ("L'acné ; l'eczéma", f"L&#x27;acné{NNBSP}; l&#x27;eczéma"),  # the ; of &#x27; is left alone
])
def test_french_spaces_before_double_punctuation_and_in_prices(text, expected):
    assert str(typeset(text, "fr")) == expected


def test_french_typography_changes_text_never_tags():
    html = mark_safe('<p>Prix : <b>50 €</b> !</p><a href="/fr/?a=1;b=2" title="x : y">Lien</a>')
    assert str(typeset(html, "fr")) == (
        f'<p>Prix{NBSP}: <b>50{NBSP}€</b>{NNBSP}!</p><a href="/fr/?a=1;b=2" title="x : y">Lien</a>'
    )


@pytest.mark.parametrize(("text", "expected"), [
    ("Գինը: 60 €", "Գինը․ 60\u00a0€"),  # a colon inside a sentence: միջակետ
    ("Էլ. փոստ:", "Էլ. փոստ․"),  # a label's colon
    ("Վերջ։:", "Վերջ։"),  # no doubled colon after an Armenian full stop
    ("Վերջ։ :", "Վերջ։"),
    ("Ժամը 12:30-ին։", "Ժամը 12:30-ին։"),  # times untouched
])
def test_armenian_punctuation(text, expected):
    assert str(typeset(text, "hy")) == expected


def test_the_forms_labels_have_no_doubled_colon_in_armenian(client, site_tree):
    html = client.get("/hy/").text
    footer = html[html.index("<footer"):]
    assert "։:" not in footer and "։" in footer  # the consent sentence ends with its own full stop


def test_pages_are_typeset_in_their_language(client, site_tree):
    service = site_tree.service
    service.summary, service.price_hint = "Taches, rougeurs : que faire ?", "À partir de 60 €"
    publish(service)
    html = client.get("/fr/services/laser/").text
    assert f"Taches, rougeurs{NBSP}: que faire{NNBSP}?" in html
    assert f"À partir de 60{NBSP}€" in html
    english = site_tree.en_service
    english.summary = "Dark spots: what to do?"
    publish(english)
    assert "Dark spots: what to do?" in client.get("/en/services/laser/").text  # English is left as written


def test_dates_and_hours_as_each_language_writes_them(client, site_tree):
    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.opening_hours = [("day", {"weekday": "0", "opens": datetime.time(9), "closes": datetime.time(19)})]
    values.save()
    from django.utils import formats

    with translation.override("hy"):
        assert formats.date_format(datetime.date(2027, 2, 4)) == "4 փետրվարի 2027 թ."
        assert formats.time_format(datetime.time(19)) == "19:00"
    with translation.override("fr"):
        assert formats.time_format(datetime.time(19)) == "19:00"
    assert "09:00–19:00" in client.get("/fr/contact/").text


# --- Structured data ------------------------------------------------------------------------------


def test_every_page_describes_the_clinic_in_its_language(client, site_tree):
    values = WebsiteSettings.for_site(Site.objects.get(is_default_site=True))
    values.clinic_name, values.phone, values.city = "Clinique Test", "+33 1 00 00 00 00", "Paris"
    values.opening_hours = [("day", {"weekday": "5", "opens": datetime.time(9), "closes": datetime.time(13)})]
    values.save()
    for url, language in (("/fr/", "fr"), ("/en/blog/", "en")):
        clinic = of_type(json_ld(client.get(url).text), "MedicalClinic")[0]
        assert clinic["name"] == "Clinique Test" and clinic["inLanguage"] == language
        assert clinic["@id"] == f"http://testserver/{language}/#clinic"
        assert clinic["telephone"] == "+33 1 00 00 00 00"
        assert clinic["openingHoursSpecification"] == [{
            "@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Saturday", "opens": "09:00",
            "closes": "13:00",
        }]


def test_a_service_is_a_medical_procedure_with_its_breadcrumbs(client, site_tree):
    service = site_tree.service
    service.indications = "<p>Pour :</p><ul><li>les taches ;</li><li>la couperose.</li></ul>"
    service.procedure = "<p>Une séance.</p><p>Puis une autre.</p>"
    publish(service)
    items = json_ld(client.get("/fr/services/laser/").text)
    procedure = of_type(items, "MedicalProcedure")[0]
    assert procedure["name"] == "Laser" and procedure["inLanguage"] == "fr"
    assert procedure["howPerformed"] == "Une séance. Puis une autre."
    assert [i["name"] for i in procedure["indication"]] == ["les taches", "la couperose"]
    assert procedure["provider"] == {"@id": "http://testserver/fr/#clinic"}
    trail = of_type(items, "BreadcrumbList")[0]["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in trail] == [
        (1, "Accueil", "http://testserver/fr/"), (2, "Nos soins", "http://testserver/fr/services/"),
        (3, "Laser", "http://testserver/fr/services/laser/"),
    ]
    assert of_type(json_ld(client.get("/en/services/laser/").text), "MedicalProcedure")[0]["name"] == (
        "Laser treatments"
    )


def test_a_post_is_a_blog_posting(client, site_tree):
    items = json_ld(client.get("/fr/blog/sun/").text)
    posting = of_type(items, "BlogPosting")[0]
    assert posting["headline"] == "Soleil" and posting["inLanguage"] == "fr"
    assert posting["datePublished"] == site_tree.post.publication_date.isoformat()
    assert posting["publisher"] == {"@id": "http://testserver/fr/#clinic"}


def test_the_team_page_lists_physicians_as_physicians(client, site_tree):
    doctor = make_staff("fr", name="Dr Claire Dubois")
    StaffMember.objects.filter(pk=doctor.pk).update(is_physician=True)
    make_staff("fr", name="Anna Petrossian")
    items = json_ld(client.get("/fr/team/").text)
    assert [p["name"] for p in of_type(items, "Physician")] == ["Dr Claire Dubois"]
    assert [p["name"] for p in of_type(items, "Person")] == ["Anna Petrossian"]


def test_structured_data_cannot_break_out_of_its_script(client, site_tree):
    service = site_tree.service
    service.summary = "</script><script>alert(1)</script> & co"
    publish(service)
    html = client.get("/fr/services/laser/").text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and "\\u003C/script\\u003E" in script
    assert of_type(json.loads(script)["@graph"], "MedicalProcedure")[0]["description"].startswith("</script>")

