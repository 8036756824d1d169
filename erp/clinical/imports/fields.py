"""The fields an import fills, and the column mapping proposed from a file's header names (French
and English, case, accents and separators ignored)."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from erp.clinical.exceptions import ImportMappingInvalid
from erp.clinical.models import ImportKind, normalize_name


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    required: bool = False
    # Header names (normalized) that mean this field, most specific first.
    synonyms: tuple[str, ...] = ()


PATIENT_FIELDS = (
    ImportField(
        "external_id",
        _("Id in the old software"),
        synonyms=(
            "external id", "legacy id", "patient id", "id patient", "id", "identifiant", "identifiant patient",
            "numero patient", "n patient", "no patient", "num patient", "numero de dossier", "dossier",
            "code patient", "reference",
        ),
    ),
    ImportField(
        "last_name",
        pgettext_lazy("import", "Last name"),
        required=True,
        synonyms=("nom", "nom de famille", "nom patient", "last name", "lastname", "surname", "family name"),
    ),
    ImportField(
        "first_name",
        pgettext_lazy("import", "First name"),
        required=True,
        synonyms=("prenom", "prenoms", "first name", "firstname", "given name"),
    ),
    ImportField(
        "birth_date",
        pgettext_lazy("import", "Birth date"),
        synonyms=(
            "date de naissance", "naissance", "date naissance", "ddn", "ne le", "ne e le", "birth date",
            "birthdate", "date of birth", "dob",
        ),
    ),
    ImportField(
        "sex", pgettext_lazy("import", "Sex"), synonyms=("sexe", "sex", "genre", "gender", "civilite", "title")
    ),
    ImportField(
        "email",
        pgettext_lazy("import", "E-mail"),
        synonyms=("email", "e mail", "mail", "courriel", "adresse email", "adresse e mail", "adresse mail"),
    ),
    ImportField(
        "phone",
        pgettext_lazy("import", "Phone"),
        synonyms=(
            "telephone", "tel", "phone", "mobile", "portable", "telephone portable", "tel portable",
            "numero de telephone", "phone number", "mobile phone", "cell", "gsm",
        ),
    ),
    ImportField(
        "address_line1",
        pgettext_lazy("import", "Address"),
        synonyms=("adresse", "adresse postale", "adresse 1", "rue", "address", "address line 1", "street"),
    ),
    ImportField(
        "postal_code",
        pgettext_lazy("import", "Postal code"),
        synonyms=("code postal", "cp", "postal code", "zip", "zip code", "postcode"),
    ),
    ImportField("city", pgettext_lazy("import", "City"), synonyms=("ville", "commune", "city", "town")),
    ImportField(
        "country_code",
        pgettext_lazy("import", "Country (ISO code)"),
        synonyms=("pays", "code pays", "country", "country code"),
    ),
    ImportField(
        "preferred_language",
        pgettext_lazy("import", "Language"),
        synonyms=("langue", "langue preferee", "langue parlee", "language", "preferred language"),
    ),
    ImportField(
        "referral_source",
        pgettext_lazy("import", "Referral source"),
        synonyms=("source", "provenance", "origine", "adresse par", "referral source", "referral", "how did you hear"),
    ),
    ImportField(
        "referral_details",
        pgettext_lazy("import", "Referral details"),
        synonyms=("details source", "precision source", "details provenance", "referral details"),
    ),
    ImportField(
        "notes",
        pgettext_lazy("import", "Notes"),
        synonyms=("notes", "note", "remarques", "remarque", "commentaire", "commentaires", "observations", "comments"),
    ),
)  # fmt: skip

APPOINTMENT_FIELDS = (
    ImportField(
        "external_id",
        _("Appointment id in the old software"),
        synonyms=(
            "external id", "appointment id", "id rdv", "id rendez vous", "numero rdv", "rdv id", "id",
            "identifiant", "reference",
        ),
    ),
    ImportField(
        "patient_external_id",
        _("Patient id in the old software"),
        synonyms=(
            "patient id", "id patient", "numero patient", "n patient", "no patient", "dossier", "code patient",
        ),
    ),
    ImportField(
        "patient_email",
        pgettext_lazy("import", "Patient e-mail"),
        synonyms=("patient email", "email patient", "email", "e mail", "mail", "courriel"),
    ),
    ImportField(
        "patient_phone",
        pgettext_lazy("import", "Patient phone"),
        synonyms=("patient phone", "telephone patient", "telephone", "tel", "phone", "mobile", "portable"),
    ),
    ImportField(
        "patient_name",
        pgettext_lazy("import", "Patient name"),
        synonyms=("patient", "nom patient", "patient name", "nom", "name"),
    ),
    ImportField(
        "practitioner",
        _("Practitioner (name or e-mail)"),
        required=True,
        synonyms=("praticien", "praticienne", "medecin", "docteur", "practitioner", "doctor"),
    ),
    ImportField(
        "location",
        pgettext_lazy("import", "Location"),
        synonyms=("lieu", "site", "cabinet", "clinique", "centre", "location"),
    ),
    ImportField(
        "start",
        _("Start (date and time)"),
        required=True,
        synonyms=(
            "debut", "date debut", "date de debut", "date et heure", "date heure", "start", "start time", "starts at",
        ),
    ),
    ImportField(
        "end", _("End (date and time)"), synonyms=("fin", "date fin", "date de fin", "end", "end time", "ends at")
    ),
    ImportField(
        "duration",
        pgettext_lazy("import", "Duration (minutes)"),
        synonyms=("duree", "duree min", "duree minutes", "duration", "duration minutes", "minutes"),
    ),
    ImportField(
        "notes",
        pgettext_lazy("import", "Notes"),
        synonyms=("notes", "note", "remarques", "commentaire", "commentaires", "comments"),
    ),
)  # fmt: skip

FIELDS = {ImportKind.PATIENTS: PATIENT_FIELDS, ImportKind.APPOINTMENTS: APPOINTMENT_FIELDS}

_SEPARATORS = re.compile(r"[\s_\-./'’()°:#]+")


def header_key(header: str) -> str:
    """A header as compared with the synonyms: case, accents and separators ignored."""
    return _SEPARATORS.sub(" ", normalize_name(header)).strip()


def fields_of(kind: str) -> tuple[ImportField, ...]:
    return FIELDS[ImportKind(kind)]


def mapping_propose(kind: str, headers: list[str]) -> dict[str, str]:
    """``{field: header}`` for the fields whose name a header gives; each header serves once, the
    field listed first wins it."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for field in fields_of(kind):
        for synonym in (field.name.replace("_", " "), *field.synonyms):
            header = by_key.get(synonym)
            if header is not None and header not in used:
                mapping[field.name] = header
                used.add(header)
                break
    return mapping


def mapping_check(kind: str, headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """The mapping without its blank entries; refused when it names an unknown field or column,
    uses a column twice or leaves a required field (or the end of an appointment) unmapped."""
    known = {field.name: field for field in fields_of(kind)}
    cleaned = {name: header for name, header in (mapping or {}).items() if header}
    for name, header in cleaned.items():
        if name not in known:
            raise ImportMappingInvalid(_("Unknown field: %(field)s.") % {"field": name}, field=name)
        if header not in headers:
            raise ImportMappingInvalid(_("The file has no column named “%(column)s”.") % {"column": header}, field=name)
    if len(set(cleaned.values())) != len(cleaned):
        raise ImportMappingInvalid(_("A column can fill one field only."), code="import_mapping_repeated")
    for field in known.values():
        if field.required and field.name not in cleaned:
            raise ImportMappingInvalid(
                _("Choose the column of the field “%(field)s”.") % {"field": field.label},
                code="import_mapping_incomplete",
                field=field.name,
            )
    if kind == ImportKind.APPOINTMENTS:
        if "end" not in cleaned and "duration" not in cleaned:
            raise ImportMappingInvalid(
                _("Choose the column of the end or of the duration of the appointments."),
                code="import_mapping_incomplete",
                field="end",
            )
        if not {"patient_external_id", "patient_email", "patient_phone"} & set(cleaned):
            raise ImportMappingInvalid(
                _("Choose a column that finds the patient: id in the old software, e-mail or phone."),
                code="import_mapping_incomplete",
                field="patient_email",
            )
    return cleaned
