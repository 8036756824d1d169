"""Reception imports a 200-row CSV with mistakes in Chromium: upload, columns, preview with the
errors, dry run, real run, the report of the rejected rows; and the progress bar of a running job."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from erp.clinical.models import ImportJob, ImportStatus, Patient
from erp.clinical.tests.factories import PatientFactory
from erp.clinical.tests.imports_data import patient_line, patients_csv
from erp.core.tests.factories import PASSWORD, UserFactory
from erp.testing.browser import admin_sign_in, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

skip_without_chromium()

SHOTS = Path(os.environ.get("IMPORT_SHOTS_DIR", "/tmp/shots_import"))


def two_hundred_rows_with_mistakes() -> bytes:
    """200 patients (rows 2..201 of the file): 10 bad phones, 5 impossible dates, 5 without a last
    name, 3 possible duplicates of a patient already in the clinic (same e-mail, another name), 2
    rows repeating an earlier one."""
    lines = []
    for n in range(1, 201):
        overrides = {}
        if n % 20 == 0:
            overrides["phone"] = "12"
        elif n % 40 == 5:
            overrides["birth"] = "31/02/1990"
        elif n % 40 == 25:
            overrides["last"] = ""
        elif n in (7, 77, 177):
            overrides["email"] = "shared@example.fr"
        elif n in (102, 152):
            overrides = {"id": f"P{n - 1:04d}", "last": f"Martin{n - 1}", "birth": f"{((n - 1) % 28) + 1:02d}/03/1980",
                         "phone": f"06 12 {(n - 1) // 100 % 100:02d} {(n - 1) % 100:02d} 00",
                         "email": f"claire{n - 1}@example.fr"}  # fmt: skip
        lines.append(patient_line(n, **overrides))
    return patients_csv(lines)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_reception_imports_200_rows_with_mistakes_and_sees_the_report(browser, live_server, tmp_path):
    desk = UserFactory(role="reception", email="desk@browser-import.example")
    PatientFactory(first_name="Léa", last_name="Bernard", email="shared@example.fr")
    source = tmp_path / "ancien-logiciel-patients.csv"
    source.write_bytes(two_hundred_rows_with_mistakes())
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True)
    # The tests run the task in the request (huey immediate): a run of 200 rows answers when it ends.
    page.set_default_timeout(180_000)
    admin_sign_in(page, live_server.url, desk, PASSWORD)

    page.goto(f"{live_server.url}/admin/clinical/imports/")
    shot(page, "1-upload")
    page.select_option("select[name=kind]", "patients")
    page.set_input_files("input[name=file]", str(source))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.wait_for_selector("#import-preview")
    shot(page, "2-columns-and-preview")
    assert page.locator("select[name=last_name]").input_value() == "Nom"
    assert page.locator("select[name=phone]").input_value() == "Téléphone"
    assert page.locator("#import-preview tbody tr").count() == 10
    assert "Rejeté" in page.locator("#import-preview tbody tr").nth(4).inner_text()  # row 6: 31/02/1990
    page.locator("select[name=last_name]").scroll_into_view_if_needed()
    shot(page, "2b-columns")
    page.locator("h1").first.scroll_into_view_if_needed()
    assert page.locator("button[value=run]").count() == 0  # the real import comes after a dry run

    page.click("button[value=dry_run]")
    page.wait_for_selector("#import-result")
    shot(page, "3-dry-run-report")
    assert page.locator("#count-created").inner_text() == "175"
    assert page.locator("#count-rejected").inner_text() == "20"
    assert page.locator("#count-duplicate").inner_text() == "3"
    assert page.locator("#count-existing").inner_text() == "2"
    assert Patient.objects.count() == 1

    page.click("button[value=run]")
    page.wait_for_selector("#import-issues")
    shot(page, "4-import-done-report")
    assert Patient.objects.count() == 176
    assert page.locator("#count-created").inner_text() == "175"
    rows = page.locator("#import-issues tbody tr")
    assert rows.count() == 23
    listed = page.locator("#import-issues").inner_text()
    assert "« 12 » n’est pas un numéro de téléphone valide" in listed and "Doublon possible" in listed
    assert rows.nth(0).inner_text().startswith("6")  # row 6 of the file: 31/02/1990
    with page.expect_download() as download:
        page.click("a[href$='/report/']")
    report = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(report) == 24 and report[0].startswith("Ligne,")

    # Imported again: nothing new.
    page.goto(f"{live_server.url}/admin/clinical/imports/")
    page.set_input_files("input[name=file]", str(source))
    page.click("form[enctype='multipart/form-data'] button[type=submit]")
    page.click("button[value=dry_run]")
    page.wait_for_selector("#import-result")
    assert page.locator("#count-created").inner_text() == "0"
    assert page.locator("#count-existing").inner_text() == "177"
    page.close()


def test_the_progress_bar_follows_a_running_import(browser, live_server):
    desk = UserFactory(role="reception", email="desk@browser-progress.example")
    job = ImportJob.objects.create(
        kind="patients",
        status=ImportStatus.RUNNING,
        dry_run=False,
        original_filename="patients.csv",
        file_format="csv",
        object_key="imports/none.csv",
        headers=["Nom", "Prénom"],
        mapping={"last_name": "Nom", "first_name": "Prénom"},
        total_rows=400,
        processed_rows=100,
        created_by=desk,
    )
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    admin_sign_in(page, live_server.url, desk, PASSWORD)
    page.goto(f"{live_server.url}/admin/clinical/imports/{job.pk}/")
    assert page.locator("#import-progress").get_attribute("value") == "25"
    shot(page, "5-progress")
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=300)
    expect(page.locator("#import-processed")).to_have_text("300")
    assert page.locator("#import-progress").evaluate("bar => bar.value") == 75
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=400, status=ImportStatus.DONE, created_count=400)
    page.wait_for_selector("#import-result")
    assert page.locator("#count-created").inner_text() == "400"
    page.close()
