import io

import pytest
from django.core.management import call_command
from django.test import Client


def test_openapi_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    text = (tmp_path / "schema.yaml").read_text()
    assert "openapi: 3" in text and "/api/v1/me/" in text


@pytest.mark.django_db
def test_schema_and_docs_are_served():
    client = Client()
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"sessions", "admin"}
    }


@pytest.mark.django_db
def test_seed_demo_twice_gives_the_same_rows():
    call_command("seed_demo", stdout=io.StringIO())
    first = _row_counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _row_counts() == first
    assert first["core.User"] >= 5 and first["core.ClinicLocation"] == 2


@pytest.mark.django_db
def test_seed_demo_serves_the_home_page_in_every_language(django_capture_on_commit_callbacks):
    # The seeder publishes the translations wagtail-localize made once their transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    for code, heading in [("fr", "Dermatologie"), ("hy", "Մաշկաբանություն"), ("ru", "Дерматология")]:
        response = client.get(f"/{code}/")
        assert response.status_code == 200
        assert f'<html lang="{code}"' in response.content.decode()
        assert heading.lower() in response.content.decode().lower()


@pytest.mark.django_db
def test_root_redirects_by_the_browsers_language():
    call_command("seed_demo", stdout=io.StringIO())
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="hy,en;q=0.5")
    assert response.status_code == 302 and response["Location"] == "/hy/"
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Location"] == "/fr/"


@pytest.mark.django_db
def test_seed_demo_issues_its_invoices_under_productions_seller_rule(settings):
    """With DEBUG off an invoice needs the whole seller (``seller_for_issuing``): the demo's sales
    are paid before the website is seeded, so the seed gives the seller's address first (the
    benchmarks and the site audit load the demo under production settings)."""
    from erp.commerce.models import Invoice

    settings.SELLER_IDENTITY_REQUIRED = True
    settings.SELLER_SIREN, settings.SELLER_SIRET = "123456789", "12345678900012"
    settings.SELLER_VAT_NUMBER = "FR12123456789"
    call_command("seed_demo", stdout=io.StringIO())
    sellers = list(Invoice.objects.values_list("seller", flat=True))
    assert sellers and all(seller["address_line1"] and seller["siren"] == "123456789" for seller in sellers)
