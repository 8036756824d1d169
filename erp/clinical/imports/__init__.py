"""Moving in from the old software (issue 29): patients and future appointments imported from a
CSV or XLSX file, by the admin screen, the API or ``manage.py import_patients`` /
``import_appointments``."""
