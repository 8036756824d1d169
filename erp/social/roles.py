"""What each role may do with the social publishing (merged into erp.core.roles).

Marketing: everything here, including copying a consented clinical photo. Admin gets every
permission automatically. Practitioner, reception and accounting: nothing (refused everywhere).
"""

_MODELS = ("socialaccount", "socialmediaasset", "socialpost", "socialpostasset")

PERMISSIONS = {
    "marketing": [
        *(f"social.{verb}_{model}" for model in _MODELS for verb in ("view", "add", "change", "delete")),
        "social.transition_socialpost",
        "social.export_socialpost",
        "social.copy_clinical_photo",
    ],
}
