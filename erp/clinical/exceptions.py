"""Domain errors of the clinical records, each with a stable code."""

from erp.core.exceptions import InvalidInput, NotAllowed, Unprocessable


class InvalidPhoneNumber(InvalidInput):
    default_code = "phone_invalid"


class MergeRefused(NotAllowed):
    default_code = "merge_refused"


class PatientMerged(NotAllowed):
    """The patient was merged into another one: work on the surviving record."""

    default_code = "patient_merged"


class GuardianPatientFixed(NotAllowed):
    default_code = "guardian_patient_fixed"


class EncounterLocked(NotAllowed):
    default_code = "encounter_locked"


class EncounterTransitionRefused(NotAllowed):
    default_code = "encounter_transition_refused"


class ConsentMissing(NotAllowed):
    default_code = "consent_missing"


class ConsentStateRefused(NotAllowed):
    default_code = "consent_state"


class UploadRefused(Unprocessable):
    """The file is not of an accepted type, too big or too many pixels."""

    default_code = "upload_refused"


class UploadTooLarge(UploadRefused):
    default_code = "upload_too_large"


class UploadTypeRefused(UploadRefused):
    default_code = "upload_type_refused"


class ReasonRequired(InvalidInput):
    default_code = "reason_required"


class PhotoComparisonRefused(NotAllowed):
    default_code = "photo_comparison_refused"


class ThumbnailNotReady(NotAllowed):
    default_code = "thumbnail_not_ready"


class AppointmentTimesInvalid(InvalidInput):
    default_code = "appointment_times_invalid"


class AppointmentOverlap(NotAllowed):
    """The practitioner already has an appointment in that slot (the conflicting one is named)."""

    default_code = "appointment_overlap"


class AppointmentTransitionRefused(NotAllowed):
    default_code = "appointment_transition_refused"


class AppointmentLocked(NotAllowed):
    default_code = "appointment_locked"


class CalendlyPayloadInvalid(Unprocessable):
    """A signed Calendly delivery that cannot be applied (missing invitee, times...)."""

    default_code = "calendly_payload_invalid"


class CalendlyPayloadRefused(InvalidInput):
    """A signed Calendly delivery whose body is not a JSON object PostgreSQL can store (400)."""

    default_code = "payload_invalid"


class BirthDateInFuture(InvalidInput):
    default_code = "birth_date_in_future"


class DuplicateReviewRefused(NotAllowed):
    """The patient is not flagged as a possible duplicate (nothing to review)."""

    default_code = "duplicate_not_flagged"


class AgendaRangeRefused(Unprocessable):
    """The agenda's range ends before it starts, or spans more than six weeks."""

    default_code = "agenda_range_invalid"


class DuplicateCriteriaMissing(Unprocessable):
    """A search for possible duplicates names no name, e-mail or phone."""

    default_code = "duplicate_criteria_missing"


# --- Imports from the old software (issue 29) ---------------------------------------------------


class ImportFileRefused(Unprocessable):
    """The upload is not a CSV or XLSX table this import can read (type, size, rows, header)."""

    default_code = "import_file_refused"


class ImportMappingInvalid(InvalidInput):
    """The column mapping names an unknown field or column, or leaves a required field unmapped."""

    default_code = "import_mapping_invalid"


class ImportRunRefused(NotAllowed):
    """The job cannot run now (already queued or running, or no dry run of its current mapping)."""

    default_code = "import_run_refused"


class ImportRowRefused(InvalidInput):
    """One row of an import cannot be imported (the report says why); the run goes on."""

    default_code = "import_row_invalid"
