"""What each role may do with the clinical records (merged into erp.core.roles).

Practitioner: everything clinical. Reception: identity, contact, guardians, consents and consent
copies (no encounters, no photos). Accounting: the patient's name and billing address only (the
API shows accounting a reduced patient without ``view_patient_contact``). Marketing: nothing.

Agenda: practitioners and reception book and move appointments and run their status changes;
reception sees the Calendly deliveries and replays a failed one. Opening an encounter when
marking an appointment attended needs ``add_encounter`` (practitioners).
"""


def _crud(model: str, *verbs: str) -> list[str]:
    return [f"clinical.{verb}_{model}" for verb in verbs or ("view", "add", "change", "delete")]


_ALL_MODELS = (
    "referralsource",
    "patient",
    "patientguardian",
    "encounter",
    "consent",
    "document",
    "encounterdocument",
    "clinicalphoto",
    "encounterphoto",
)

_AGENDA = [
    *_crud("appointment"),
    "clinical.confirm_appointment",
    "clinical.attend_appointment",
    "clinical.cancel_appointment",
    "clinical.no_show_appointment",
    "clinical.view_agenda_report",
]

PERMISSIONS = {
    "practitioner": [
        *(perm for model in _ALL_MODELS for perm in _crud(model)),
        "clinical.view_patient_contact",
        "clinical.merge_patient",
        "clinical.export_patient",
        "clinical.finalize_encounter",
        "clinical.cancel_encounter",
        "clinical.view_clinical_document",
        *_AGENDA,
        "clinical.view_calendlydelivery",
    ],
    "reception": [
        *_crud("referralsource", "view"),
        *_crud("patient", "view", "add", "change"),
        "clinical.view_patient_contact",
        "clinical.merge_patient",
        *_crud("patientguardian"),
        *_crud("consent", "view", "add"),
        # Documents: consent copies only (the API filters the other kinds out).
        *_crud("document", "view", "add"),
        *_AGENDA,
        "clinical.view_calendlydelivery",
        "clinical.replay_calendlydelivery",
        # Moving in: imports from the old software (issue 29).
        "clinical.view_importjob",
        "clinical.add_importjob",
    ],
    "accounting": [
        *_crud("patient", "view"),
    ],
}
