"""Read queries of the clinical records that several callers share."""

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import phonenumbers
from django.db import connection
from django.db.models import BooleanField, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, RowNumber

from erp.core.counts import KEPT_ROWS
from erp.core.models import AppSettings

from .models import ClinicalPhoto, Consent, ConsentStatus, ConsentType, Patient, normalize_name

# Names at least this similar (pg_trgm, 0..1) are offered as possible duplicates.
SIMILAR_NAME_THRESHOLD = 0.5
SIMILAR_NAME_FALLBACK_RATIO = 0.8
_NON_DIGITS = re.compile(r"\D")
# A name word of a search is letters and digits: what PostgreSQL's text-search parser keeps as one
# word (it splits at "_" too), so a word of ``q`` is compared with whole words of the name.
_WORD_SPLIT = re.compile(r"[\W_]+")


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def has_trigram() -> bool:
    """Is pg_trgm installed in this database (migration 0002 adds it when the server offers it)?"""
    if not is_postgresql():
        return False
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


def patient_search(queryset: QuerySet[Patient], q: str, *, contact: bool = True) -> QuerySet[Patient]:
    """Patients with a name word starting with each word of ``q`` (accents and case ignored), or
    whose e-mail or phone starts with it.

    On PostgreSQL every branch is served by an index: the GIN index of the stored full-text
    vector ``name_search`` (migration 0005) for name words, the pattern-ops b-trees for e-mail and
    phone. Elsewhere plain ``contains``. ``patient_search_page`` ranks the same matches from the
    search terms' table.
    """
    q = (q or "").strip()
    if not q:
        return queryset
    words = _search_words(q)
    condition = Q(pk__in=[])
    if words and is_postgresql():
        tsquery = " & ".join(f"{word}:*" for word in words)
        condition |= Q(
            RawSQL(
                "clinical_patient.name_search @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    elif words:
        name = Q()
        for word in words:
            name &= Q(full_name_normalized__contains=word)
        condition |= name
    if contact:
        condition |= Q(email__startswith=q.lower())
        prefix = _phone_prefix(q)
        if prefix:
            condition |= Q(phone_e164__startswith=prefix)
    return queryset.filter(condition)


# One branch of a search: the live patients with a term of a kind starting with a prefix. Every
# piece of SQL below is one of these constants; the search's text only ever goes in parameters.
_TERMS = "SELECT {columns} FROM clinical_patient_search_term WHERE live AND kind = %s AND term LIKE %s"  # noqa: S608


# The longest prefixes whose patients the triggers keep counted, by kind (migration 0009); the
# count of a prefix is the sum of its deltas.
KEPT_PREFIX_LENGTH = {"n": 5, "e": 5, "p": 7}
_KEPT_COUNT = "(SELECT coalesce(sum(patients), 0) FROM clinical_patient_search_count WHERE kind = %s AND prefix = %s)"


def _walk_phones(matches: int, patients: int | None, limit: int) -> bool:
    """Walk the phones in name order rather than sort the matches? Phones are spread evenly over
    the names, so the walk reads about ``limit * patients / matches`` rows to find ``limit``; the
    range reads ``matches``. Walk when that is fewer (``06 10``: 800 rows against 25,000)."""
    return patients is not None and patients > 0 and matches * matches > limit * patients


def patient_search_page(q: str, *, contact: bool, bottom: int, top: int) -> tuple[list, int] | None:
    """Rows ``bottom`` to ``top`` of ``order_search_results(patient_search(live patients, q))``, as
    ``(patient ids, how many match)``, read from ``clinical_patient_search_term`` (migration 0006)
    alone: each branch of the search (a name word, the e-mail, the phone) is a range of its index,
    which carries the sort key, so a prefix matching 25,000 patients never reads their rows.

    ``None`` on SQLite, or when ``q`` has several name words (the full-text index intersects their
    matches faster than these ranges can): the caller ranks the search on the patients' rows.
    """
    q = (q or "").strip()
    words = _search_words(q)
    if not q or len(words) > 1 or not is_postgresql():
        return None
    like = connection.ops.prep_for_like_query
    word, email = (words[0] if words else ""), q.lower()
    # Each branch: its kind, its LIKE pattern, and the length from which a row's ``shared_prefix``
    # (migration 0008) says a branch before found its patient (None: none did, or the row cannot
    # tell). A patient's name words matching a prefix are neighbours: the first of them counts. An
    # e-mail starting with the word shares it with the name word that matched (``lea.`` and
    # ``lea``); one that does not (``léa`` and ``lea``) cannot ``tell``: then the union's distinct
    # count, and the page's duplicates dropped in order.
    searched = [("n", word, len(word))] if word else []
    tell = True
    if contact:
        tell = not word or email.startswith(word)
        searched.append(("e", email, len(word) if word and tell else None))  # one e-mail a patient
        if prefix := _phone_prefix(q):
            searched.append(("p", prefix, None))  # one phone a patient
    if not searched:
        return [], 0
    branches = [(kind, like(text) + "%", found_from) for kind, text, found_from in searched]
    # The prefixes short enough for the triggers to keep their count (migration 0009).
    short = {kind: text for kind, text, _ in searched if len(text) <= KEPT_PREFIX_LENGTH[kind]}
    ids_of, ranked_of = _TERMS.format(columns="patient_id"), _TERMS.format(columns="patient_id, sort_last, sort_first")

    def new_rows(select: str, kind: str, pattern: str, found_from: int | None) -> tuple[str, list]:
        """The rows of a branch whose patients no branch before it found."""
        if found_from is None:
            return select, [kind, pattern]
        return f"{select} AND shared_prefix < %s", [kind, pattern, found_from]

    def new_patients(kind: str, pattern: str, found_from: int | None) -> tuple[str, list]:
        """How many patients of a branch no branch before it found: a plain count of its rows, or
        the kept count of a short prefix when that is what the branch asks (the rows whose
        ``shared_prefix`` is shorter than the prefix: a name word, an e-mail that is the word
        itself; or every row: a phone, ``shared_prefix`` 0)."""
        text = short.get(kind)
        if text is not None and (kind == "p" or found_from == len(text)):
            return _KEPT_COUNT, [kind, text]
        rows, values = new_rows(ids_of, kind, pattern, found_from)
        return f"(SELECT count(*) FROM ({rows}) AS b)", values  # noqa: S608

    def count(parts: list[tuple[str, list]], join: str) -> tuple[str, list]:
        return join.join(sql for sql, _ in parts), [p for _, values in parts for p in values]

    def union_count() -> tuple[str, list]:
        """The distinct count of every branch's patients (sorting all their ids)."""
        matches = " UNION ALL ".join([ids_of] * len(branches))
        return f"(SELECT count(DISTINCT patient_id) FROM ({matches}) AS m)", [  # noqa: S608
            p for kind, pattern, _ in branches for p in (kind, pattern)
        ]

    def page(limit: int, walked: bool) -> tuple[str, list]:
        """The first ``limit`` matches in name order; a ``walked`` phone branch is read along its
        name-ordered index (migration 0007), stopping at ``limit``, instead of sorted whole."""
        parts, values = [], []
        for kind, pattern, found_from in branches:
            if walked and kind == "p":
                parts.append(f"({ranked_of} ORDER BY sort_last, sort_first, patient_id LIMIT %s)")
                values += [kind, pattern, limit]
            else:
                rows, row_values = new_rows(ranked_of, kind, pattern, found_from)
                parts.append(rows)
                values += row_values
        union = " UNION ALL ".join(parts)
        sql = f"ARRAY(SELECT patient_id FROM ({union}) AS m ORDER BY sort_last, sort_first, patient_id LIMIT %s)"  # noqa: S608
        return sql, [*values, limit]

    # A patient found twice has neighbouring rows in the name order (same sort key and id): the
    # page is deduplicated in order, and read again longer in the rare case that left it short.
    limit = top + (top - bottom)
    phone = next((i for i, (kind, _, _) in enumerate(branches) if kind == "p"), None)
    with connection.cursor() as cursor:
        if phone is None:  # count and page in one statement
            walked = False
            total_sql, total_values = (
                count([new_patients(*branch) for branch in branches], " + ") if tell else union_count()
            )
            sql, values = page(limit, walked)
            cursor.execute(f"SELECT {total_sql}, {sql}", [*total_values, *values])  # noqa: S608
            total, ids = cursor.fetchone()
        else:  # counted first: the phone's count decides how its page is read
            # Each branch's own patients apart (a phone search rarely matches anything else): a
            # name's first words matching, the e-mails and phones (one a patient); and the live
            # patients as ``erp.core.counts`` keeps them: the walk's estimate.
            own = [
                new_patients(kind, pattern, found_from if kind == "n" else None)
                for kind, pattern, found_from in branches
            ]
            apart, values = count(own, ", ")
            cursor.execute(f"SELECT {apart}, {KEPT_ROWS}", [*values, Patient._meta.db_table])  # noqa: S608
            *found, patients = cursor.fetchone()
            walked = _walk_phones(found[phone], patients, limit)
            sql, values = page(limit, walked)
            cursor.execute(f"SELECT {sql}", values)  # noqa: S608
            ids = cursor.fetchone()[0]
            total = sum(found)
            if sum(1 for n in found if n) > 1:
                total_sql, total_values = union_count()
                cursor.execute(f"SELECT {total_sql}", total_values)  # noqa: S608
                total = cursor.fetchone()[0]
        while len(ids) == limit and len(set(ids)) < top:
            limit *= 2
            sql, values = page(limit, walked)
            cursor.execute(f"SELECT {sql}", values)  # noqa: S608
            ids = cursor.fetchone()[0]
    return list(dict.fromkeys(ids))[bottom:top], total


def order_search_results(queryset: QuerySet[Patient]) -> QuerySet[Patient]:
    """Alphabetical order for search results, by an expression no b-tree serves.

    With ``ORDER BY last_name, first_name LIMIT 50`` PostgreSQL may walk the name b-tree and
    filter every row (seconds at 200,000 patients) instead of using the search indexes and
    sorting the few matches; an unindexed sort key leaves it only the fast plan.
    """
    return queryset.order_by(Lower("last_name"), Lower("first_name"), "id")


@dataclass
class DuplicateCandidate:
    patient: Patient
    reasons: list[str] = field(default_factory=list)
    similarity: float | None = None


def patient_duplicate_candidates(patient: Patient, *, limit: int = 20) -> list[DuplicateCandidate]:
    """Other live patients that may be the same person, each with why (same phone, same e-mail,
    same name and birth date, similar name on PostgreSQL)."""
    others = Patient.objects.filter(is_merged=False).exclude(pk=patient.pk)
    found: dict = {}

    def add(rows, reason: str) -> None:
        for row in rows[:limit]:
            candidate = found.setdefault(row.pk, DuplicateCandidate(patient=row))
            candidate.reasons.append(reason)
            if getattr(row, "similarity", None) is not None:
                candidate.similarity = round(float(row.similarity), 3)

    if patient.phone_e164:
        add(others.filter(phone_e164=patient.phone_e164), "same_phone")
    if patient.email:
        add(others.filter(email=patient.email), "same_email")
    if patient.full_name_normalized and patient.birth_date:
        add(
            others.filter(full_name_normalized=patient.full_name_normalized, birth_date=patient.birth_date),
            "same_name_and_birth_date",
        )
    if patient.full_name_normalized and has_trigram():
        from django.contrib.postgres.search import TrigramSimilarity

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
        add(similar, "similar_name")
    elif patient.full_name_normalized and patient.birth_date:
        # Without pg_trgm: compare names of the patients born the same day (an indexed, small set).
        same_day = others.filter(birth_date=patient.birth_date).exclude(
            full_name_normalized=patient.full_name_normalized
        )
        for row in same_day[:200]:
            ratio = SequenceMatcher(None, row.full_name_normalized or "", patient.full_name_normalized).ratio()
            if ratio >= SIMILAR_NAME_FALLBACK_RATIO:
                row.similarity = ratio
                add([row], "similar_name")
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


# --- Agenda -------------------------------------------------------------------------------------


def agenda(*, start, end, practitioner=None, location=None, include_cancelled: bool = True):
    """Appointments starting in [start, end), optionally of one practitioner or location."""
    from .models import Appointment, AppointmentStatus

    queryset = Appointment.objects.filter(scheduled_start__gte=start, scheduled_start__lt=end).select_related(
        "patient", "practitioner", "location"
    )
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    if location is not None:
        queryset = queryset.filter(location=location)
    if not include_cancelled:
        queryset = queryset.exclude(status=AppointmentStatus.CANCELLED)
    return queryset.order_by("scheduled_start", "id")


def feed_appointments(practitioner, *, now=None, past_days: int = 30, future_days: int = 365):
    """What a practitioner's calendar feed carries: a month back, a year ahead."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    return agenda(
        start=now - timedelta(days=past_days), end=now + timedelta(days=future_days), practitioner=practitioner
    ).select_related("patient", "location")


def appointments_due(*, start=None, end=None, practitioner=None, now=None):
    """What a no-show rate counts: appointments not cancelled whose start has passed, in
    [start, end), optionally of one practitioner."""
    from django.utils import timezone

    from .models import Appointment, AppointmentStatus

    queryset = Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).filter(
        scheduled_start__lte=now or timezone.now()
    )
    if start is not None:
        queryset = queryset.filter(scheduled_start__gte=start)
    if end is not None:
        queryset = queryset.filter(scheduled_start__lt=end)
    if practitioner is not None:
        queryset = queryset.filter(practitioner=practitioner)
    return queryset


def no_show_rate(*, start=None, end=None, practitioner=None, now=None) -> list[dict]:
    """Per practitioner and month (clinic time): appointments due (not cancelled, start passed),
    no-shows among them, and the rate (Decimal, 4 places; None when nothing was due)."""
    from decimal import ROUND_HALF_UP, Decimal

    from django.db.models import Count, Q
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from .models import AppointmentStatus

    queryset = appointments_due(start=start, end=end, practitioner=practitioner, now=now)
    rows = (
        queryset.annotate(month=TruncMonth("scheduled_start", tzinfo=timezone.get_current_timezone()))
        .values("practitioner", "practitioner__display_name", "month")
        .annotate(due=Count("id"), no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)))
        .order_by("month", "practitioner__display_name")
    )
    return [
        {
            "practitioner": row["practitioner"],
            "practitioner_name": row["practitioner__display_name"],
            "month": row["month"].date() if hasattr(row["month"], "date") else row["month"],
            "due": row["due"],
            "no_shows": row["no_shows"],
            "rate": (Decimal(row["no_shows"]) / Decimal(row["due"])).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if row["due"]
            else None,
        }
        for row in rows
    ]
