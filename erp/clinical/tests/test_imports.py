"""Import of patients and appointments from the old software (issue 29): services and rules."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from erp.clinical.imports import services
from erp.clinical.imports.fields import mapping_propose
from erp.clinical.models import (
    Appointment,
    ImportedRecord,
    ImportJob,
    ImportOutcome,
    ImportStatus,
    Patient,
    ReferralSource,
)
from erp.clinical.tests.factories import LocationFactory, PatientFactory, PractitionerFactory
from erp.clinical.tests.imports_data import appointments_csv, future_day, patient_line, patients_csv, xlsx
from erp.core.exceptions import DomainError
from erp.core.reconcile import file_references
from erp.core.storage import bucket
from erp.core.tests.factories import UserFactory
from erp.ops.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return UserFactory(role="reception", email="desk@import.example")


def upload_one(actor):
    data = patients_csv([patient_line(1)])
    return services.import_job_create(kind="patients", filename="p.csv", data=data, actor=actor)


def run(job, *, dry_run, actor):
    services.import_job_start(job=job, dry_run=dry_run, actor=actor, enqueue=False)
    return services.import_job_execute(job_id=job.pk)


def import_file(data, actor, *, kind="patients", filename="patients.csv", mapping=None):
    """Upload, dry run, real run (as the admin screen does)."""
    job = services.import_job_create(kind=kind, filename=filename, data=data, actor=actor, mapping=mapping)
    run(job, dry_run=True, actor=actor)
    return run(job, dry_run=False, actor=actor)


def issues(job):
    return {i.row_number: i for i in job.issues.all()}


# --- Columns ------------------------------------------------------------------------------------


def test_mapping_proposed_from_french_and_english_headers():
    french = ["N° patient", "NOM", "Prénom", "Date de naissance", "Téléphone", "Courriel", "Code postal", "Ville"]
    assert mapping_propose("patients", french) == {
        "external_id": "N° patient",
        "last_name": "NOM",
        "first_name": "Prénom",
        "birth_date": "Date de naissance",
        "phone": "Téléphone",
        "email": "Courriel",
        "postal_code": "Code postal",
        "city": "Ville",
    }
    english = ["Last name", "First_Name", "Date of birth", "E-mail", "Mobile", "Language", "Referral source"]
    assert mapping_propose("patients", english) == {
        "last_name": "Last name",
        "first_name": "First_Name",
        "birth_date": "Date of birth",
        "email": "E-mail",
        "phone": "Mobile",
        "preferred_language": "Language",
        "referral_source": "Referral source",
    }
    appointments = ["Id RDV", "Email", "Téléphone", "Praticien", "Lieu", "Début", "Fin"]
    assert mapping_propose("appointments", appointments) == {
        "external_id": "Id RDV",
        "patient_email": "Email",
        "patient_phone": "Téléphone",
        "practitioner": "Praticien",
        "location": "Lieu",
        "start": "Début",
        "end": "Fin",
    }


def test_mapping_refuses_unknown_columns_and_missing_required_fields(desk):
    job = upload_one(desk)
    with pytest.raises(DomainError) as missing:
        services.import_job_map(job=job, mapping={"first_name": "Prénom"}, actor=desk)
    assert missing.value.code == "import_mapping_incomplete" and missing.value.field == "last_name"
    with pytest.raises(DomainError) as unknown:
        services.import_job_map(job=job, mapping={"last_name": "Surname", "first_name": "Prénom"}, actor=desk)
    assert unknown.value.code == "import_mapping_invalid"
    with pytest.raises(DomainError) as twice:
        services.import_job_map(job=job, mapping={"last_name": "Nom", "first_name": "Nom"}, actor=desk)
    assert twice.value.code == "import_mapping_repeated"


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("patients.pdf", b"%PDF-1.4", "import_file_refused"),
        ("patients.xlsx", b"not a zip", "import_file_refused"),
        ("patients.csv", b"", "import_no_header"),
        ("patients.csv", b"Nom;Nom\nA;B\n", "import_header_repeated"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_stored(desk, filename, data, code):
    with pytest.raises(DomainError) as refused:
        services.import_job_create(kind="patients", filename=filename, data=data, actor=desk)
    assert refused.value.code == code
    assert not ImportJob.objects.exists()


# --- Patients -----------------------------------------------------------------------------------


def test_patients_are_created_through_the_clinical_services(desk):
    ReferralSource.objects.create(code="instagram", label="Instagram")
    data = patients_csv(
        [patient_line(1, source="instagram", lang="anglais", notes="Allergie latex"), patient_line(2, sex="M")],
        encoding="cp1252",
    )
    job = import_file(data, desk)
    assert (job.status, job.created_count, job.rejected_count, job.processed_rows) == (ImportStatus.DONE, 2, 0, 2)
    claire = Patient.objects.get(last_name="Martin1")
    assert claire.phone_e164 == "+33612000100"  # national number read with the clinic's country
    assert claire.email == "claire1@example.fr" and claire.birth_date == datetime.date(1980, 3, 2)
    assert claire.preferred_language == "en" and claire.referral_source.code == "instagram"
    assert claire.notes == "Allergie latex" and claire.sex == "female" and claire.created_by == desk
    assert Patient.objects.get(last_name="Martin2").sex == "male"
    created = AuditLog.objects.filter(action="create", entity_type="clinical.patient", actor=desk)
    assert created.count() == 2
    assert ImportedRecord.objects.get(kind="patients", external_id="P0001").patient == claire


def test_the_upload_is_kept_in_the_private_documents_storage(desk):
    job = upload_one(desk)
    assert job.object_key.startswith("imports/") and bucket("documents").exists(job.object_key)
    assert ("documents", job.object_key) in {(b, ref.key) for b, ref in file_references()}


def test_running_the_same_file_again_creates_nothing_new(desk):
    data = patients_csv([patient_line(n) for n in range(1, 6)])
    first = import_file(data, desk)
    assert first.created_count == 5
    again = import_file(data, desk)
    assert (again.created_count, again.existing_count, again.duplicate_count) == (0, 5, 0)
    assert Patient.objects.count() == 5


def test_same_file_without_ids_is_found_again_by_name_and_contact(desk):
    lines = [patient_line(n, id="") for n in range(1, 4)]
    import_file(patients_csv(lines), desk)
    again = import_file(patients_csv(lines), desk)
    assert (again.created_count, again.existing_count) == (0, 3)
    assert Patient.objects.count() == 3


def test_existing_patients_are_recognised_and_possible_duplicates_reported_not_created(desk):
    known = PatientFactory(first_name="Claire", last_name="Martin1", email="claire1@example.fr")
    shared_phone = PatientFactory(first_name="Paul", last_name="Dupont", phone="+33612000200", country_code="FR")
    job = import_file(patients_csv([patient_line(1), patient_line(2), patient_line(3)]), desk)
    assert (job.created_count, job.existing_count, job.duplicate_count) == (1, 1, 1)
    report = issues(job)
    assert report[3].outcome == ImportOutcome.DUPLICATE and report[3].matched_id == shared_phone.pk
    assert "même téléphone" in report[3].message
    assert Patient.objects.filter(last_name="Martin1").get() == known
    assert not Patient.objects.filter(last_name="Martin2").exists()


def test_rows_with_mistakes_are_rejected_with_their_reasons(desk):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    lines = [
        patient_line(1),
        patient_line(2, phone="12345"),
        patient_line(3, birth="31/02/1980"),
        patient_line(4, birth=tomorrow),
        patient_line(5, lang="klingon"),
        patient_line(6, last=""),
        patient_line(7, id="", email="", phone="", birth=""),
        patient_line(8, email="not-an-email"),
        patient_line(9, source="unknown source"),
    ]
    job = import_file(patients_csv(lines), desk)
    assert (job.created_count, job.rejected_count) == (1, 8)
    report = issues(job)
    assert report[3].field == "phone" and "12345" in report[3].message
    assert report[4].field == "birth_date"
    assert report[5].code == "birth_date_in_future"
    assert report[6].field == "preferred_language" and "klingon" in report[6].message
    assert report[7].field == "last_name"
    assert "un e-mail, un téléphone, une date de naissance ou un identifiant" in report[8].message
    assert report[9].field == "email"
    assert report[10].field == "referral_source"
    assert report[3].values["Téléphone"] == "12345"  # the report carries the row as in the file
    assert Patient.objects.count() == 1


def test_dry_run_writes_nothing_and_reports_as_the_real_run(desk):
    PatientFactory(first_name="Paul", last_name="Dupont", phone="+33612000200", country_code="FR")
    lines = [patient_line(1), patient_line(2), patient_line(3, phone="bad"), patient_line(1, id="")]
    job = services.import_job_create(kind="patients", filename="p.csv", data=patients_csv(lines), actor=desk)
    checked = run(job, dry_run=True, actor=desk)
    assert checked.status == ImportStatus.CHECKED
    dry = (checked.created_count, checked.existing_count, checked.duplicate_count, checked.rejected_count)
    assert dry == (1, 1, 1, 1)
    assert Patient.objects.count() == 1 and not ImportedRecord.objects.exists()
    done = run(job, dry_run=False, actor=desk)
    assert (done.created_count, done.existing_count, done.duplicate_count, done.rejected_count) == dry


def test_real_run_needs_a_dry_run_of_the_current_columns_and_runs_once(desk):
    job = upload_one(desk)
    with pytest.raises(DomainError) as unchecked:
        services.import_job_start(job=job, dry_run=False, actor=desk, enqueue=False)
    assert unchecked.value.code == "import_dry_run_required"
    run(job, dry_run=True, actor=desk)
    changed = {name: column for name, column in job.mapping.items() if name not in ("notes", "address_line1")}
    services.import_job_map(job=job, mapping={**changed, "notes": "Adresse"}, actor=desk)
    with pytest.raises(DomainError):
        services.import_job_start(job=job, dry_run=False, actor=desk, enqueue=False)
    run(job, dry_run=True, actor=desk)
    services.import_job_start(job=job, dry_run=False, actor=desk, enqueue=False)
    with pytest.raises(DomainError) as busy:
        services.import_job_start(job=job, dry_run=True, actor=desk, enqueue=False)
    assert busy.value.code == "import_busy"
    services.import_job_execute(job_id=job.pk)
    with pytest.raises(DomainError) as done:
        services.import_job_start(job=job, dry_run=False, actor=desk, enqueue=False)
    assert done.value.code == "import_already_done"


def test_the_task_runs_after_commit(desk, django_capture_on_commit_callbacks):
    job = upload_one(desk)
    with django_capture_on_commit_callbacks() as callbacks:
        services.import_job_start(job=job, dry_run=True, actor=desk)
        job.refresh_from_db()
        assert job.status == ImportStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and job.created_count == 1


def test_xlsx_with_date_cells_and_numeric_phones(desk):
    data = xlsx(
        ["Nom", "Prénom", "Date de naissance", "Téléphone", "Email"],
        [
            ["Petit", "Anne", datetime.datetime(1975, 6, 1), 612345678, "anne@example.fr"],
            ["Grand", "Luc", None, None, ""],
        ],
    )
    job = import_file(data, desk, filename="export.xlsx")
    assert (job.created_count, job.rejected_count) == (1, 1)
    anne = Patient.objects.get(last_name="Petit")
    assert anne.birth_date == datetime.date(1975, 6, 1) and anne.phone_e164 == "+33612345678"


def test_report_lists_rejected_rows_with_reasons(desk):
    job = import_file(patients_csv([patient_line(1), patient_line(2, phone="=HYPERLINK()")]), desk)
    with translation.override("en"):
        header, rows = services.import_job_report_rows(job)
    rows = list(rows)
    assert header[:4] == ["Row", "Outcome", "Field", "Reason"] and "Téléphone" in header
    assert len(rows) == 1 and rows[0][0] == 3 and rows[0][2] == "phone"


# --- Appointments -------------------------------------------------------------------------------


@pytest.fixture
def agenda():
    doctor = PractitionerFactory(display_name="Dr Sophie Leroy")
    paris = LocationFactory(name="Paris Opéra", timezone="Europe/Paris")
    patient = PatientFactory(first_name="Claire", last_name="Martin", email="claire@example.fr")
    other = PatientFactory(first_name="Paul", last_name="Dupont", phone="+33612000200", country_code="FR")
    return doctor, paris, patient, other


def appointment_row(n, day, hour, **overrides):
    row = {
        "id": f"R{n}",
        "email": "claire@example.fr",
        "practitioner": "Dr Sophie Leroy",
        "location": "Paris Opéra",
        "start": f"{day:%d/%m/%Y} {hour:02d}:00",
        "duration": "30",
    }
    row.update(overrides)
    return row


def test_future_appointments_are_booked_in_the_location_time_zone(desk, agenda):
    doctor, paris, patient, other = agenda
    day = future_day()
    rows = [appointment_row(1, day, 9), appointment_row(2, day, 10, email="", phone="06 12 00 02 00")]
    job = import_file(appointments_csv(rows), desk, kind="appointments", filename="rdv.csv")
    assert (job.created_count, job.rejected_count) == (2, 0)
    first = Appointment.objects.get(patient=patient)
    paris_tz = zoneinfo.ZoneInfo("Europe/Paris")
    assert first.scheduled_start == datetime.datetime.combine(day, datetime.time(9), paris_tz)
    assert first.scheduled_end - first.scheduled_start == datetime.timedelta(minutes=30)
    assert first.practitioner == doctor and first.location == paris and first.source == "manual"
    assert Appointment.objects.get(patient=other).scheduled_start.astimezone(paris_tz).hour == 10
    assert AuditLog.objects.filter(entity_type="clinical.appointment", action="create", actor=desk).count() == 2
    again = import_file(appointments_csv(rows), desk, kind="appointments", filename="rdv.csv")
    assert (again.created_count, again.existing_count) == (0, 2) and Appointment.objects.count() == 2


def test_appointment_rows_with_mistakes_are_rejected(desk, agenda):
    day = future_day()
    past = datetime.date.today() - datetime.timedelta(days=3)
    rows = [
        appointment_row(1, day, 9),
        appointment_row(2, past, 9),
        appointment_row(3, day, 11, practitioner="Dr Nobody"),
        appointment_row(4, day, 12, email="stranger@example.fr"),
        appointment_row(5, day, 9, email="", phone="0612000200"),  # the slot of row 2 (same practitioner)
        appointment_row(6, day, 14, location="Lyon"),
        appointment_row(7, day, 15, start="tomorrow"),
    ]
    job = import_file(appointments_csv(rows), desk, kind="appointments", filename="rdv.csv")
    report = issues(job)
    assert job.created_count == 1 and set(report) == {3, 4, 5, 6, 7, 8}
    assert report[3].field == "start" and "à venir" in report[3].message
    assert report[4].field == "practitioner"
    assert report[5].code == "import_patient_not_found"
    assert report[6].code == "appointment_overlap"
    assert report[7].field == "location"
    assert report[8].field == "start"


def test_command_dry_run_then_commit_with_report(desk, tmp_path):
    source = tmp_path / "patients.csv"
    source.write_bytes(patients_csv([patient_line(1), patient_line(2, phone="bad")]))
    call_command("import_patients", str(source), "--user", desk.email)
    assert not Patient.objects.exists()
    report = tmp_path / "report.csv"
    call_command("import_patients", str(source), "--user", desk.email, "--commit", "--report", str(report))
    assert Patient.objects.count() == 1
    text = report.read_text(encoding="utf-8")
    assert text.startswith("Ligne,Résultat,Champ,Motif") and ",bad," in text
    call_command("import_patients", str(source), "--commit")
    assert Patient.objects.count() == 1


# --- Two runs at the same moment ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_file_at_the_same_moment_create_each_patient_once():
    """Two people import the same file at once (two jobs, two workers): the identity locks make
    the second run of each row wait, then find the patient the first one created."""
    desk = UserFactory(role="reception", email="desk@import-race.example")
    lines = [patient_line(n, id="" if n % 2 else f"P{n:04d}") for n in range(1, 31)]
    jobs = []
    for _n in range(2):
        job = services.import_job_create(kind="patients", filename="p.csv", data=patients_csv(lines), actor=desk)
        services.import_job_start(job=job, dry_run=False, actor=desk, checked_first=False, enqueue=False)
        jobs.append(job)
    barrier = threading.Barrier(2)

    def worker(job):
        try:
            barrier.wait()
            services.import_job_execute(job_id=job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [ImportJob.objects.get(pk=job.pk) for job in jobs]
    assert [job.status for job in done] == [ImportStatus.DONE, ImportStatus.DONE]
    assert sum(job.created_count for job in done) == 30
    assert sum(job.existing_count for job in done) == 30
    assert Patient.objects.count() == 30


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_worker_on_the_same_job_leaves_it_to_the_first():
    desk = UserFactory(role="reception", email="desk@import-worker.example")
    job = services.import_job_create(
        kind="patients", filename="p.csv", data=patients_csv([patient_line(n) for n in range(1, 6)]), actor=desk
    )
    services.import_job_start(job=job, dry_run=False, actor=desk, checked_first=False, enqueue=False)
    started, release = threading.Event(), threading.Event()

    def slow_first(processed):
        started.set()
        release.wait(10)

    first = threading.Thread(
        target=lambda: (services.import_job_execute(job_id=job.pk, on_row=slow_first), connection.close())
    )
    first.start()
    started.wait(10)
    try:
        second = services.import_job_execute(job_id=job.pk)  # returns at once: the first holds the job
        assert second.status == ImportStatus.RUNNING
    finally:
        release.set()
        first.join()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 5 and Patient.objects.count() == 5
