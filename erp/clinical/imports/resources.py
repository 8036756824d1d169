"""One row of an import: read and checked by a form (the same Django fields and model validation
as the clinic's screens), matched against the records already there, then created through the
clinical services (``patient_create``, ``appointment_create``: E.164 phones, overlap rule, audit).

A dry run does everything but the write, and remembers what it would have created, so that the
second copy of a row in the same file is reported as the real run would report it.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from erp.clinical import services
from erp.clinical.agenda import services as agenda_services
from erp.clinical.agenda.calendly import default_location
from erp.clinical.exceptions import ImportRowRefused
from erp.clinical.imports.fields import PATIENT_FIELDS, header_key
from erp.clinical.models import (
    Appointment,
    AppointmentStatus,
    ImportedRecord,
    ImportKind,
    ImportOutcome,
    Patient,
    PreferredLanguage,
    ReferralSource,
    Sex,
    normalize_email,
    normalize_name,
    phone_to_e164,
)
from erp.core.exceptions import DomainError
from erp.core.models import AppSettings, ClinicLocation, LanguageChoices, Practitioner

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y"]
DATETIME_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %Hh%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
]
MAX_DURATION_MINUTES = 12 * 60

SEX_WORDS = {
    Sex.FEMALE: ("f", "femme", "feminin", "female", "woman", "mme", "madame", "mlle", "mademoiselle"),
    Sex.MALE: ("m", "h", "homme", "masculin", "male", "man", "m.", "mr", "monsieur"),
    Sex.OTHER: ("autre", "other", "x"),
    Sex.UNKNOWN: ("inconnu", "unknown", "nc", "?"),
}


def _language_words() -> dict[str, str]:
    """Every way a file may name a language: code, native name, French and English names."""
    from django.utils import translation

    words: dict[str, str] = {}
    for code, native in LanguageChoices.choices:
        words[header_key(code)] = code
        words[header_key(native)] = code
    for language in ("fr", "en"):
        with translation.override(language):
            for code, label in PreferredLanguage.choices:
                words[header_key(str(label))] = code
    extra = {"francais": "fr", "anglais": "en", "russe": "ru", "ukrainien": "uk", "armenien": "hy", "espagnol": "es"}
    words.update(extra)
    return words


@dataclass
class RowResult:
    outcome: str
    code: str = ""
    field: str = ""
    message: str = ""
    matched_id: UUID | None = None


def refused(message: str, *, code: str, field: str = "", matched_id=None, outcome=ImportOutcome.REJECTED):
    return RowResult(outcome=outcome, code=code, field=field, message=message, matched_id=matched_id)


def form_refusal(form: forms.Form) -> RowResult:
    """The row's every error in one line, the first field named."""
    parts, first = [], ""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(errors)
        parts.append(_("%(field)s: %(errors)s") % {"field": label, "errors": text} if label else text)
        first = first or (name if name != "__all__" else "")
    return refused("; ".join(parts), code="import_row_invalid", field=first)


def domain_refusal(error: DomainError) -> RowResult:
    return refused(error.message, code=error.code, field=error.field or "")


def validation_refusal(error: ValidationError) -> RowResult:
    if hasattr(error, "error_dict"):
        name = next(iter(error.error_dict))
        text = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in error.message_dict.items())
        return refused(text, code="import_row_invalid", field=name if name != "__all__" else "")
    return refused(" ".join(error.messages), code="import_row_invalid")


# --- Patients -----------------------------------------------------------------------------------


class PatientRowForm(forms.Form):
    external_id = forms.CharField(label=gettext_lazy("Id in the old software"), max_length=200, required=False)
    last_name = forms.CharField(label=pgettext_lazy("import", "Last name"), max_length=150)
    first_name = forms.CharField(label=pgettext_lazy("import", "First name"), max_length=150)
    birth_date = forms.DateField(
        label=pgettext_lazy("import", "Birth date"), input_formats=DATE_FORMATS, required=False
    )
    sex = forms.CharField(label=pgettext_lazy("import", "Sex"), required=False)
    email = forms.EmailField(label=pgettext_lazy("import", "E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=pgettext_lazy("import", "Phone"), max_length=40, required=False)
    address_line1 = forms.CharField(label=pgettext_lazy("import", "Address"), max_length=255, required=False)
    postal_code = forms.CharField(label=pgettext_lazy("import", "Postal code"), max_length=20, required=False)
    city = forms.CharField(label=pgettext_lazy("import", "City"), max_length=120, required=False)
    country_code = forms.CharField(label=pgettext_lazy("import", "Country (ISO code)"), required=False)
    preferred_language = forms.CharField(label=pgettext_lazy("import", "Language"), required=False)
    referral_source = forms.CharField(label=pgettext_lazy("import", "Referral source"), required=False)
    referral_details = forms.CharField(
        label=pgettext_lazy("import", "Referral details"), max_length=500, required=False
    )
    notes = forms.CharField(label=pgettext_lazy("import", "Notes"), required=False, strip=True)

    def __init__(self, *args, context: "PatientRows", **kwargs):
        super().__init__(*args, **kwargs)
        self.context = context

    def clean_sex(self):
        value = header_key(self.cleaned_data["sex"])
        if not value:
            return None
        for sex, words in SEX_WORDS.items():
            if value in words or value.rstrip(".") in words:
                return sex
        raise ValidationError(_("Unknown sex “%(value)s” (F, M, other).") % {"value": self.cleaned_data["sex"]})

    def clean_country_code(self):
        value = self.cleaned_data["country_code"].strip().upper()
        if value and (len(value) != 2 or not value.isalpha()):
            raise ValidationError(_("Give the two-letter ISO code of the country (FR, BE, CH...)."))
        return value or None

    def _known(self, name: str, table: dict, default, unknown: str):
        """The value of ``table`` that the cell names (case, accents ignored); blank: ``default``."""
        value = self.cleaned_data[name]
        if not value:
            return default
        found = table.get(header_key(value))
        if found is None:
            raise ValidationError(unknown % {"value": value})
        return found

    def clean_preferred_language(self):
        return self._known(
            "preferred_language",
            self.context.languages,
            self.context.default_language,
            _("Unknown language “%(value)s” (French, English, Russian, Ukrainian, Armenian, Spanish)."),
        )

    def clean_referral_source(self):
        return self._known(
            "referral_source",
            self.context.sources,
            None,
            _("Unknown referral source “%(value)s”: add it under Clinical › Referral sources first."),
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        region = data.get("country_code") or self.context.default_country
        try:
            data["phone_e164"] = phone_to_e164(data.get("phone"), region)
        except DomainError:
            self.add_error("phone", _("“%(value)s” is not a valid phone number.") % {"value": data.get("phone")})
            return data
        data["email"] = normalize_email(data.get("email"))
        if not (data.get("email") or data.get("phone_e164") or data.get("birth_date") or data.get("external_id")):
            raise ValidationError(
                _("A patient needs an e-mail, a phone, a birth date or an id to be found again: the row has none.")
            )
        return data


@dataclass
class Identity:
    """What a patient row is known by, compared with the patients already there."""

    name: str
    email: str | None
    phone: str | None
    birth_date: datetime.date | None
    external_id: str | None
    patient_id: UUID | None = None
    row_number: int | None = None

    def lock_keys(self) -> list[str]:
        keys = [f"email:{self.email}" if self.email else "", f"phone:{self.phone}" if self.phone else ""]
        if self.birth_date:
            keys.append(f"name:{self.name}|{self.birth_date.isoformat()}")
        if self.external_id:
            keys.append(f"import-patient:{self.external_id}")
        return sorted(filter(None, keys))

    def same_person(self, other: "Identity") -> bool:
        """Same name and one shared key, with no birth date saying otherwise."""
        if self.name != other.name:
            return False
        if self.birth_date and other.birth_date and self.birth_date != other.birth_date:
            return False
        return bool(
            (self.email and self.email == other.email)
            or (self.phone and self.phone == other.phone)
            or (self.birth_date and self.birth_date == other.birth_date)
        )

    def shared_keys(self, other: "Identity") -> list[str]:
        reasons = []
        if self.email and self.email == other.email:
            reasons.append("same_email")
        if self.phone and self.phone == other.phone:
            reasons.append("same_phone")
        if self.birth_date and self.name == other.name and self.birth_date == other.birth_date:
            reasons.append("same_name_and_birth_date")
        return reasons


REASON_TEXT = {
    "same_email": pgettext_lazy("import", "same e-mail"),
    "same_phone": pgettext_lazy("import", "same phone"),
    "same_name_and_birth_date": gettext_lazy("same name and birth date"),
}

# What a patient row gives ``patient_create``: every import field but the old software's id.
PATIENT_FIELDS_SAVED = tuple(field.name for field in PATIENT_FIELDS if field.name != "external_id")


class RowsBase:
    kind: str

    def __init__(self, *, dry_run: bool, actor, job=None):
        self.dry_run, self.actor, self.job = dry_run, actor, job
        self.settings = AppSettings.load()

    def link(self, external_id: str | None, **target) -> None:
        if external_id and not self.dry_run:
            ImportedRecord.objects.get_or_create(
                kind=self.kind, external_id=external_id, defaults={**target, "job": self.job}
            )

    def linked(self, external_id: str | None) -> ImportedRecord | None:
        if not external_id:
            return None
        return ImportedRecord.objects.filter(kind=self.kind, external_id=external_id).first()

    def process(self, row_number: int, values: dict[str, Any]) -> RowResult:
        """The outcome of one row; a real run writes it in its own transaction."""
        try:
            if self.dry_run:
                return self.handle(row_number, values)
            with transaction.atomic():
                return self.handle(row_number, values)
        except DomainError as error:
            return domain_refusal(error)
        except ValidationError as error:
            return validation_refusal(error)


class PatientRows(RowsBase):
    kind = ImportKind.PATIENTS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.default_country = self.settings.default_country_code
        self.default_language = self.settings.default_language
        self.languages = _language_words()
        self.sources = {}
        for source in ReferralSource.objects.filter(is_active=True):
            self.sources.setdefault(header_key(source.code), source)
            self.sources.setdefault(header_key(source.label), source)
        self.planned: list[Identity] = []  # dry run: the patients the run would create

    def candidates(self, identity: Identity) -> list[Identity]:
        match = Q()
        if identity.email:
            match |= Q(email=identity.email)
        if identity.phone:
            match |= Q(phone_e164=identity.phone)
        if identity.birth_date:
            match |= Q(full_name_normalized=identity.name, birth_date=identity.birth_date)
        found = [
            Identity(name=p.full_name_normalized or "", email=p.email, phone=p.phone_e164, birth_date=p.birth_date,
                     external_id=None, patient_id=p.pk)
            for p in Patient.objects.filter(is_merged=False).filter(match).order_by("created_at", "id")[:20]
        ] if match else []  # fmt: skip
        return found + [p for p in self.planned if p.shared_keys(identity) or p.same_person(identity)]

    def handle(self, row_number: int, values: dict[str, Any]) -> RowResult:
        form = PatientRowForm(values, context=self)
        if not form.is_valid():
            return form_refusal(form)
        data = form.cleaned_data
        identity = Identity(
            name=normalize_name(f"{data['first_name']} {data['last_name']}"),
            email=data["email"],
            phone=data["phone_e164"],
            birth_date=data["birth_date"],
            external_id=data["external_id"] or None,
            row_number=row_number,
        )
        if not self.dry_run:
            for key in identity.lock_keys():
                services.patient_identity_lock(key)
        link = self.linked(identity.external_id)
        if link is not None:
            return RowResult(ImportOutcome.EXISTING, matched_id=link.patient_id)
        if identity.external_id and any(p.external_id == identity.external_id for p in self.planned):
            return RowResult(ImportOutcome.EXISTING, message=_("Same id as an earlier row of the file."))
        candidates = self.candidates(identity)
        same = next((c for c in candidates if c.same_person(identity)), None)
        if same is not None:
            if same.patient_id is not None:
                self.link(identity.external_id, patient_id=same.patient_id)
            return RowResult(
                ImportOutcome.EXISTING,
                matched_id=same.patient_id,
                message="" if same.patient_id else _("Same patient as row %(row)d.") % {"row": same.row_number},
            )
        if candidates:
            other = candidates[0]
            reasons = ", ".join(str(REASON_TEXT[r]) for r in other.shared_keys(identity))
            where = _("of an existing patient") if other.patient_id else _("of row %(row)d") % {"row": other.row_number}
            return refused(
                _("Possible duplicate %(where)s (%(reasons)s) with another name or birth date: not created. "
                  "Check the two records, then add this patient by hand if they are different people.")
                % {"where": where, "reasons": reasons},
                code="import_possible_duplicate",
                matched_id=other.patient_id,
                outcome=ImportOutcome.DUPLICATE,
            )  # fmt: skip
        fields = {name: data[name] if data[name] != "" else None for name in PATIENT_FIELDS_SAVED}
        services.patient_check_birth_date(fields["birth_date"])
        Patient(**fields).full_clean(validate_constraints=False)
        if self.dry_run:
            self.planned.append(identity)
            return RowResult(ImportOutcome.CREATED)
        patient = services.patient_create(data=fields, actor=self.actor)
        self.link(identity.external_id, patient=patient)
        return RowResult(ImportOutcome.CREATED, matched_id=patient.pk)


# --- Appointments -------------------------------------------------------------------------------


class AppointmentRowForm(forms.Form):
    external_id = forms.CharField(
        label=gettext_lazy("Appointment id in the old software"), max_length=200, required=False
    )
    patient_external_id = forms.CharField(label=gettext_lazy("Patient id in the old software"), required=False)
    patient_email = forms.EmailField(label=pgettext_lazy("import", "Patient e-mail"), required=False)
    patient_phone = forms.CharField(label=pgettext_lazy("import", "Patient phone"), max_length=40, required=False)
    patient_name = forms.CharField(label=pgettext_lazy("import", "Patient name"), required=False)
    practitioner = forms.CharField(label=gettext_lazy("Practitioner (name or e-mail)"))
    location = forms.CharField(label=pgettext_lazy("import", "Location"), required=False)
    start = forms.CharField(label=gettext_lazy("Start (date and time)"))
    end = forms.CharField(label=gettext_lazy("End (date and time)"), required=False)
    duration = forms.IntegerField(
        label=pgettext_lazy("import", "Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, required=False
    )
    notes = forms.CharField(label=pgettext_lazy("import", "Notes"), required=False)

    def __init__(self, data, *, context: "AppointmentRows", **kwargs):
        # Date-times stay objects (an XLSX cell); the form reads them in the location's time zone.
        self.raw_times = {name: data.get(name) for name in ("start", "end")}
        text = {k: v if not isinstance(v, datetime.date | datetime.time) else v.isoformat() for k, v in data.items()}
        super().__init__(text, **kwargs)
        self.context = context

    def clean_practitioner(self):
        value = self.cleaned_data["practitioner"]
        practitioner = self.context.practitioners.get(value.strip().lower()) or self.context.practitioners.get(
            normalize_name(value)
        )
        if practitioner is None:
            raise ValidationError(_("Unknown practitioner “%(value)s”.") % {"value": value})
        return practitioner

    def clean_location(self):
        value = self.cleaned_data["location"]
        if not value:
            location = default_location()
            if location is None:
                raise ValidationError(_("Give the location: the clinic has no default location."))
            return location
        location = self.context.locations.get(normalize_name(value))
        if location is None:
            raise ValidationError(_("Unknown location “%(value)s”.") % {"value": value})
        return location

    def clean_patient_phone(self):
        value = self.cleaned_data["patient_phone"]
        try:
            return phone_to_e164(value, self.context.default_country)
        except DomainError:
            raise ValidationError(_("“%(value)s” is not a valid phone number.") % {"value": value}) from None

    def _when(self, name: str, zone) -> datetime.datetime | None:
        raw = self.raw_times.get(name)
        if raw in (None, ""):
            return None
        if isinstance(raw, datetime.datetime):
            return timezone.make_aware(raw, zone) if timezone.is_naive(raw) else raw
        with timezone.override(zone):
            try:
                return forms.DateTimeField(input_formats=DATETIME_FORMATS).clean(raw)
            except ValidationError:
                self.add_error(name, _("“%(value)s” is not a date and time (DD/MM/YYYY HH:MM).") % {"value": raw})
                return None

    def clean(self):
        data = super().clean()
        location = data.get("location")
        if location is None:
            return data
        zone = zoneinfo.ZoneInfo(location.timezone or self.context.settings.timezone)
        start, end = self._when("start", zone), self._when("end", zone)
        if start is None:
            return data
        if end is None and data.get("duration"):
            end = start + datetime.timedelta(minutes=data["duration"])
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the end or the duration of the appointment."))
        if start <= self.context.now:
            self.add_error("start", _("Only future appointments are imported: this one has started."))
        data["scheduled_start"], data["scheduled_end"] = start, end
        if not (data.get("patient_external_id") or data.get("patient_email") or data.get("patient_phone")):
            raise ValidationError(_("Give the patient's id, e-mail or phone."))
        return data


class AppointmentRows(RowsBase):
    kind = ImportKind.APPOINTMENTS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.now = timezone.now()
        self.default_country = self.settings.default_country_code
        self.practitioners: dict[str, Practitioner] = {}
        for practitioner in Practitioner.objects.filter(is_active=True).select_related("user"):
            self.practitioners.setdefault(normalize_name(practitioner.display_name), practitioner)
            self.practitioners.setdefault(practitioner.user.email.lower(), practitioner)
        self.locations = {normalize_name(loc.name): loc for loc in ClinicLocation.objects.filter(is_active=True)}
        self.planned: list[tuple] = []  # dry run: (practitioner id, start, end, row)
        self.planned_ids: set[str] = set()

    def patient(self, data: dict[str, Any]) -> Patient:
        if data.get("patient_external_id"):
            link = (
                ImportedRecord.objects.filter(kind=ImportKind.PATIENTS, external_id=data["patient_external_id"])
                .select_related("patient")
                .first()
            )
            if link is not None:
                return link.patient
        live = Patient.objects.filter(is_merged=False).order_by("created_at", "id")
        name = normalize_name(data.get("patient_name"))
        for lookup, value in (("email", data.get("patient_email")), ("phone_e164", data.get("patient_phone"))):
            value = normalize_email(value) if lookup == "email" else value
            if not value:
                continue
            found = list(live.filter(**{lookup: value})[:20])
            if name:
                names = lambda p: (p.full_name_normalized, normalize_name(f"{p.last_name} {p.first_name}"))  # noqa: E731
                named = [p for p in found if name in names(p)]
                found = named or found
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ImportRowRefused(
                    _("Several patients share this %(key)s: add the patient's name or id to the row.")
                    % {"key": pgettext("import", "e-mail") if lookup == "email" else pgettext("import", "phone")},
                    code="import_patient_ambiguous",
                    field="patient_name",
                )
        raise ImportRowRefused(
            _("No patient found with this id, e-mail or phone: import the patients first."),
            code="import_patient_not_found",
            field="patient_email",
        )

    def handle(self, row_number: int, values: dict[str, Any]) -> RowResult:
        form = AppointmentRowForm(values, context=self)
        if not form.is_valid():
            return form_refusal(form)
        data = form.cleaned_data
        external_id = data["external_id"] or None
        link = self.linked(external_id)
        if link is not None:
            return RowResult(ImportOutcome.EXISTING, matched_id=link.appointment_id)
        if external_id and external_id in self.planned_ids:
            return RowResult(ImportOutcome.EXISTING, message=_("Same id as an earlier row of the file."))
        practitioner, start, end = data["practitioner"], data["scheduled_start"], data["scheduled_end"]
        if not self.dry_run:
            # The practitioner's row lock (taken again by appointment_create) serializes this
            # check with every other booking of theirs: two runs of one file book a slot once.
            agenda_services.lock_practitioner_bookings(practitioner)
        patient = self.patient(data)
        same = (
            Appointment.objects.filter(patient=patient, practitioner=practitioner, scheduled_start=start)
            .exclude(status=AppointmentStatus.CANCELLED)
            .first()
        )
        if same is not None:
            self.link(external_id, appointment_id=same.pk)
            return RowResult(ImportOutcome.EXISTING, matched_id=same.pk)
        fields = {
            "patient": patient,
            "practitioner": practitioner,
            "location": data["location"],
            "scheduled_start": start,
            "scheduled_end": end,
            "notes": data["notes"] or None,
        }
        if self.dry_run:
            services.patient_require_live(patient)
            agenda_services.appointment_check_slot(practitioner=practitioner, start=start, end=end)
            clash = next((p for p in self.planned if p[0] == practitioner.pk and p[1] < end and p[2] > start), None)
            if clash is not None:
                return refused(
                    _("Overlaps row %(row)d for the same practitioner.") % {"row": clash[3]},
                    code="appointment_overlap",
                    field="start",
                )
            self.planned.append((practitioner.pk, start, end, row_number))
            if external_id:
                self.planned_ids.add(external_id)
            return RowResult(ImportOutcome.CREATED)
        appointment = agenda_services.appointment_create(data=fields, actor=self.actor)
        self.link(external_id, appointment=appointment)
        return RowResult(ImportOutcome.CREATED, matched_id=appointment.pk)


ROWS = {ImportKind.PATIENTS: PatientRows, ImportKind.APPOINTMENTS: AppointmentRows}


def rows_for(kind: str, **kwargs) -> RowsBase:
    return ROWS[ImportKind(kind)](**kwargs)


def mapped_values(mapping: dict[str, str], values: dict[str, Any]) -> dict[str, Any]:
    """A file row as the form's data: ``{field: the value of its column}``."""
    return {name: values.get(header, "") for name, header in mapping.items()}
