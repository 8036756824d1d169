"""What each role may do with the patient messages (merged into erp.core.roles).

Practitioners and reception see the messages of their patients' appointments (the agenda's
people); everyone who reads the clinic settings reads the reminder settings; admins change them.
Messages are written by the platform only: nobody adds, edits or deletes one by hand.
"""

PERMISSIONS = {
    "practitioner": ["messaging.view_message", "messaging.view_remindersettings"],
    "reception": ["messaging.view_message", "messaging.view_remindersettings"],
    "accounting": ["messaging.view_remindersettings"],
}
