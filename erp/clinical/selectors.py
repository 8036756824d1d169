"""Read queries of the clinical records that several callers share."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import phonenumbers
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import BooleanField, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from erp.clinical.models import (
    NAME_WORD_SPLIT,
    ClinicalPhoto,
    Consent,
    ConsentStatus,
    ConsentType,
    DuplicateMatch,
    Patient,
    normalize_name,
    transliterate_name,
)
from erp.core.api.pagination import MAX_COUNT
from erp.core.models import AppSettings

# Names at least this similar (pg_trgm, 0..1) are offered as possible duplicates.
SIMILAR_NAME_THRESHOLD = 0.5
SIMILAR_NAME_FALLBACK_RATIO = 0.8
_NON_DIGITS = re.compile(r"\D")
# A name word of a search is letters and digits: what PostgreSQL's text-search parser keeps as one
# word (it splits at "_" too), so a word of ``q`` is compared with whole words of the name.
_WORD_SPLIT = NAME_WORD_SPLIT


def has_trigram() -> bool:
    """Is pg_trgm installed in this database? Migration 0002 adds it when the server offers it; the
    embedded PostgreSQL of development and tests (pgserver) does not."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def _phone_prefix(q: str) -> str | None:
    """The E.164 prefix a typed phone (fragment) stands for: ``06 12`` -> ``+33612``."""
    digits = _NON_DIGITS.sub("", q)
    if len(digits) < 3:
        return None
    stripped = q.strip()
    if stripped.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        region = AppSettings.load().default_country_code
        return f"+{phonenumbers.country_code_for_region(region)}{digits[1:]}"
    return "+" + digits


def _search_words(q: str) -> list[str]:
    """The name words of a search, or none when one of its words has no letter: such a word
    (``06 50``, ``1984``) is part of a phone number or an e-mail, not of a name, and matching it
    against every name would cost a test on each row the phone prefix finds."""
    words = [w for w in _WORD_SPLIT.split(normalize_name(q)) if w]
    if not all(any(c.isalpha() for c in word) for word in words):
        return []
    # A word that starts another word of the search (or repeats one) asks nothing more: the name
    # word that the longer one matches starts with it too. ``Mar Ma`` is ``mar``, one range.
    return [w for i, w in enumerate(words) if w not in words[:i] and not any(o != w and o.startswith(w) for o in words)]


def _name_word_query(word: str) -> str:
    """The tsquery of one typed name word: the word, or its Latin form (``петров`` finds "Petrov";
    a Latin word finds a Cyrillic or Armenian name through the Latin form stored beside it)."""
    latin = transliterate_name(word)
    if latin and latin != word:
        return f"({word}:* | {latin}:*)"
    return f"{word}:*"


def patient_search(queryset: QuerySet[Patient], q: str, *, contact: bool = True) -> QuerySet[Patient]:
    """Patients with a name word starting with each word of ``q`` (accents and case ignored), or
    whose e-mail or phone starts with it. Each branch is served by an index: the GIN index of the
    stored full-text vector ``name_search`` (migration 0005) for name words, the pattern-ops
    b-trees for e-mail and phone."""
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(pk__in=[])
    if words := _search_words(q):
        tsquery = " & ".join(_name_word_query(word) for word in words)
        condition |= Q(
            RawSQL(
                "clinical_patient.name_search @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    if contact:
        condition |= Q(email__startswith=q.lower())
        prefix = _phone_prefix(q)
        if prefix:
            condition |= Q(phone_e164__startswith=prefix)
    return queryset.filter(condition)


def first_found(queryset: QuerySet[Patient], *, by_name: bool = True) -> "FoundPatients":
    """The results of a search: the first ``MAX_COUNT + 1`` patients of ``queryset`` that its
    indexes find, by name (last, then first, case ignored), or in ``queryset``'s own order when
    ``by_name`` is false (an order the user asked for). Their count then reads "1,000+" past the
    cap (``erp.core.api.pagination``): such a search is to be narrowed, not paged through."""
    return FoundPatients(queryset, by_name=by_name)


class FoundPatients:
    """The patients a search found, as the sequence Django's paginators page through (``len()``
    and slices): one query reads the first found as the indexes give them, with their names;
    they are sorted here, and a page reads its rows by key. Another order than the name is the
    database's, over the keys found.

    Ordering all the matches in the database would read every matching row to sort it, and a
    prefix typed at the desk (``06 10``, ``mar``) matches thousands of patients; counting and
    paging the first found there would run the search twice more.
    """

    def __init__(self, queryset: QuerySet[Patient], *, by_name: bool = True):
        self.queryset = queryset
        self.model = queryset.model  # what Wagtail's paginator names the items by
        first = queryset.order_by()
        if by_name:
            rows = first.values_list("last_name", "first_name", "pk")[: MAX_COUNT + 1]
            self.keys = [pk for *_, pk in sorted((last.lower(), given.lower(), pk) for last, given, pk in rows)]
        else:
            found = list(first.values_list("pk", flat=True)[: MAX_COUNT + 1])
            self.keys = list(queryset.filter(pk__in=found).values_list("pk", flat=True))

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        keys = self.keys[index]
        rows = self.queryset.in_bulk(keys)
        return [rows[key] for key in keys if key in rows]


@dataclass
class DuplicateCandidate:
    patient: Patient
    reasons: list[str] = field(default_factory=list)
    similarity: float | None = None

    @property
    def reason_labels(self) -> list[str]:
        return [str(DuplicateMatch(reason).label) for reason in self.reasons]


# What a new patient's duplicates are looked for by (the fields of the create form and API).
DUPLICATE_FIELDS = ("first_name", "last_name", "birth_date", "email", "phone", "country_code")


def patient_duplicates_before_create(data: dict) -> list[DuplicateCandidate]:
    """The live patients a patient about to be created from ``data`` may be (nothing is written):
    the same rule as ``patient_duplicate_candidates``. Raises InvalidPhoneNumber for a bad phone."""
    patient = Patient(**{name: data.get(name) for name in DUPLICATE_FIELDS if data.get(name) not in (None, "")})
    patient.first_name, patient.last_name = patient.first_name or "", patient.last_name or ""
    patient.refresh_derived_fields()
    return patient_duplicate_candidates(patient, exclude_self=False)


def patient_duplicate_candidates(
    patient: Patient, *, limit: int = 20, exclude_self: bool = True
) -> list[DuplicateCandidate]:
    """Other live patients that may be the same person, each with why (same phone, same e-mail,
    same name and birth date, in any script, similar name: by pg_trgm where the database has it,
    otherwise among the patients born the same day)."""
    others = Patient.objects.filter(is_merged=False)
    if exclude_self:
        others = others.exclude(pk=patient.pk)
    found: dict = {}

    def add(rows, reason: str) -> None:
        for row in rows[:limit]:
            candidate = found.setdefault(row.pk, DuplicateCandidate(patient=row))
            candidate.reasons.append(reason)
            if getattr(row, "similarity", None) is not None:
                candidate.similarity = round(float(row.similarity), 3)

    if patient.phone_e164:
        add(others.filter(phone_e164=patient.phone_e164), DuplicateMatch.SAME_PHONE.value)
    if patient.email:
        add(others.filter(email=patient.email), DuplicateMatch.SAME_EMAIL.value)
    if patient.full_name_normalized and patient.birth_date:
        # The same name written in another script counts too ("Иванова Анна" and "Ivanova Anna").
        names = {patient.full_name_normalized, transliterate_name(patient.full_name_normalized)}
        add(
            others.filter(birth_date=patient.birth_date).filter(
                Q(full_name_normalized__in=names) | Q(name_transliterated__in=names)
            ),
            DuplicateMatch.SAME_NAME_AND_BIRTH_DATE.value,
        )
    if patient.full_name_normalized and has_trigram():
        similar = (
            others.filter(
                RawSQL(
                    "clinical_patient.full_name_normalized %% %s",
                    [patient.full_name_normalized],
                    output_field=BooleanField(),
                )
            )
            .annotate(similarity=TrigramSimilarity("full_name_normalized", patient.full_name_normalized))
            .filter(similarity__gte=SIMILAR_NAME_THRESHOLD)
            .exclude(full_name_normalized=patient.full_name_normalized)
            .order_by("-similarity")
        )
        add(similar, DuplicateMatch.SIMILAR_NAME.value)
    elif patient.full_name_normalized and patient.birth_date:
        # Without pg_trgm: compare names of the patients born the same day (an indexed, small set).
        same_day = others.filter(birth_date=patient.birth_date).exclude(
            full_name_normalized=patient.full_name_normalized
        )
        for row in same_day[:200]:
            ratio = SequenceMatcher(None, row.full_name_normalized or "", patient.full_name_normalized).ratio()
            if ratio >= SIMILAR_NAME_FALLBACK_RATIO:
                row.similarity = ratio
                add([row], DuplicateMatch.SIMILAR_NAME.value)
    return sorted(found.values(), key=lambda c: (-len(c.reasons), -(c.similarity or 0)))


def consent_current(patient: Patient) -> dict[str, Consent | None]:
    """The latest consent event of each type for ``patient`` (one query); None when never asked."""
    latest = (
        Consent.objects.filter(patient=patient)
        .annotate(rank=Window(RowNumber(), partition_by=[F("consent_type")], order_by=[F("created_at").desc()]))
        .filter(rank=1)
    )
    current: dict[str, Consent | None] = dict.fromkeys(ConsentType.values)
    for consent in latest:
        current[consent.consent_type] = consent
    return current


def consent_is_granted(patient: Patient, consent_type: str) -> bool:
    latest = Consent.objects.filter(patient=patient, consent_type=consent_type).order_by("-created_at").first()
    return latest is not None and latest.status == ConsentStatus.GRANTED


def patients_with_consent(consent_type: str) -> QuerySet[Patient]:
    """Live patients whose latest ``consent_type`` event is a grant."""
    latest_status = (
        Consent.objects.filter(patient=OuterRef("pk"))
        .filter(consent_type=consent_type)
        .order_by("-created_at")
        .values("status")[:1]
    )
    return (
        Patient.objects.filter(is_merged=False)
        .annotate(_consent=Subquery(latest_status))
        .filter(_consent=ConsentStatus.GRANTED)
    )


def patients_contactable(consent_type: str) -> QuerySet[Patient]:
    """Whom a campaign of ``consent_type`` (newsletter, marketing_messages) may contact: consent
    currently granted and no ``contact_opt_out``. Every sender of marketing goes through this."""
    return patients_with_consent(consent_type).filter(contact_opt_out=False)


def patient_may_contact(patient: Patient, consent_type: str | None = None) -> bool:
    """May the clinic contact ``patient`` (for ``consent_type`` when it is a marketing contact)?"""
    if patient.contact_opt_out or patient.is_merged or patient.is_deleted:
        return False
    return consent_type is None or consent_is_granted(patient, consent_type)


def photo_timeline(patient: Patient, *, body_area: str | None = None, photo_kind: str | None = None):
    photos = ClinicalPhoto.objects.filter(patient=patient)
    if body_area:
        photos = photos.filter(body_area__iexact=body_area)
    if photo_kind:
        photos = photos.filter(photo_kind=photo_kind)
    return photos.order_by(F("taken_at").asc(nulls_last=True), "created_at")


# --- The patient page ---------------------------------------------------------------------------


def patient_appointments(patient: Patient, *, recent: int = 20, now=None) -> tuple[list, list]:
    """A patient's upcoming appointments (soonest first, all) and the ``recent`` last past ones
    (newest first), with their practitioner and location: two queries."""
    from django.utils import timezone

    from erp.clinical.models import Appointment

    now = now or timezone.now()
    appointments = Appointment.objects.filter(patient=patient).select_related("practitioner", "location")
    upcoming = list(appointments.filter(scheduled_start__gte=now).order_by("scheduled_start", "id"))
    past = list(appointments.filter(scheduled_start__lt=now).order_by("-scheduled_start", "-id")[:recent])
    return upcoming, past


def patient_sales(patient: Patient, *, recent: int = 20) -> list:
    """A patient's ``recent`` last sales (drafts first, then newest) with their location and invoice:
    one query."""
    from erp.commerce.models import Sale

    return list(
        Sale.objects.filter(sold_to_patient=patient)
        .select_related("location", "invoice")
        .order_by(F("sold_at").desc(nulls_first=True), "-created_at")[:recent]
    )


def patient_leads(patient: Patient) -> list:
    """The website's leads that became (or were linked to) this patient, newest first."""
    from cms.website.models import PublicLead

    return list(PublicLead.objects.filter(patient=patient).order_by("-created_at"))
