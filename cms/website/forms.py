"""The public lead forms: contact, appointment request, newsletter.

Every form carries two spam traps that never drop a lead: a honeypot field people don't see
(``website``) and a signed timestamp of when the form was shown (``started``); a lead that trips
either is saved with status ``spam`` for someone to glance at.
"""

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from .models import PublicLead

MIN_FILL_SECONDS = 3
STARTED_SALT = "website.lead-form-started"


def started_token() -> str:
    return signing.TimestampSigner(salt=STARTED_SALT).sign(str(int(timezone.now().timestamp())))


class LeadForm(forms.Form):
    lead_type: str = ""

    # Honeypot: hidden by CSS and from assistive technology; people leave it empty.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["started"].initial = started_token()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def spam_reason(self) -> str:
        """Why this submission looks automated ('' when it looks human)."""
        if self.cleaned_data.get("website"):
            return "honeypot"
        token = self.cleaned_data.get("started") or ""
        try:
            started = int(signing.TimestampSigner(salt=STARTED_SALT).unsign(token, max_age=60 * 60 * 24))
        except (signing.BadSignature, ValueError):
            return "missing_start_time"
        if timezone.now().timestamp() - started < MIN_FILL_SECONDS:
            return "too_fast"
        return ""


class ContactForm(LeadForm):
    lead_type = PublicLead.Type.CONTACT

    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        label=_("Phone (optional)"), max_length=40, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    message = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class AppointmentRequestForm(LeadForm):
    lead_type = PublicLead.Type.APPOINTMENT_REQUEST

    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(
        label=_("Phone"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"})
    )
    email = forms.EmailField(
        label=_("Email (optional)"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    message = forms.CharField(
        label=_("What is the appointment for, and when are you available?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


NEWSLETTER_CONSENT = _(
    "I agree to receive the clinic's newsletter by email. I can unsubscribe at any time with the link in each email."
)


class NewsletterForm(LeadForm):
    lead_type = PublicLead.Type.NEWSLETTER

    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    consent = forms.BooleanField(
        label=NEWSLETTER_CONSENT, required=True,
        error_messages={"required": _("Please tick the box to confirm that you want the newsletter.")},
    )


FORMS: dict[str, type[LeadForm]] = {
    PublicLead.Type.CONTACT: ContactForm,
    PublicLead.Type.APPOINTMENT_REQUEST: AppointmentRequestForm,
    PublicLead.Type.NEWSLETTER: NewsletterForm,
}


class MarketingImageForm(BaseImageForm):
    """The admin's image form: the alt text (Wagtail's ``description``) is required.

    Wired with ``WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.website.forms.MarketingImageForm"``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = True
            self.fields["description"].label = _("Alt text (describe the image for people who cannot see it)")
