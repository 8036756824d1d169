"""The public lead forms: contact, appointment request, newsletter.

Every form carries two spam traps that never drop a lead: a honeypot field people don't see
(``website``) and a signed timestamp of when the form was shown (``started``); a lead that trips
either is saved with status ``spam`` for someone to glance at.
"""

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from cms.website.models import PublicLead
from erp.core.image_metadata import ImageUnreadable, strip_metadata

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


def _guard_pixel_check(field) -> None:
    """Wagtail's pixel check, preceded by one that reads only the header, and turning any failure
    to read the image (a truncated flood makes Willow raise OSError) into a form error, not a 500."""
    wagtail_check = field.check_image_pixel_size

    def check(upload):
        from django.conf import settings
        from PIL import Image

        max_pixels = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
        try:
            upload.seek(0)
            width, height = Image.open(upload).size  # the header only
            upload.seek(0)
            if width * height > max_pixels:
                raise forms.ValidationError(
                    _("This image has %(pixels)s pixels; at most %(max)s are accepted.")
                    % {"pixels": f"{width * height:,}", "max": f"{max_pixels:,}"},
                    code="file_too_many_pixels",
                )
            wagtail_check(upload)
        except forms.ValidationError:
            raise
        except Exception as exc:  # any other failure to read it means the file is not a usable image
            raise forms.ValidationError(field.error_messages["invalid_image"], code="invalid_image") from exc

    field.check_image_pixel_size = check


def _rewrite_upload(upload: UploadedFile, data: bytes) -> None:
    """Put ``data`` in place of the upload's content, in the same file object.

    In place, not a new file: when the alt text is missing, Wagtail's multiple uploader keeps the
    request's own file object (``request.FILES``) as an ``UploadedFile`` row in the public bucket
    until the form is completed, so that object must hold the clean bytes too. A temporary upload
    on disk is moved, not read, by the local storage: its file is rewritten."""
    handle = upload.file
    handle.seek(0)
    handle.truncate()
    handle.write(data)
    handle.flush()
    handle.seek(0)
    upload.size = len(data)


class MarketingImageForm(BaseImageForm):
    """The admin's image form: the alt text (Wagtail's ``description``) is required, and a new
    file loses its metadata (EXIF/GPS, XMP, IPTC) before anything stores it.

    Wired with ``WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.website.forms.MarketingImageForm"``; every
    upload of the admin (add, multiple add, chooser, a new file on edit) goes through this form.
    Renditions are made from the clean original, so they carry nothing either (Willow copies the
    original's EXIF into JPEG and WebP renditions).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            _guard_pixel_check(self.fields["file"])
        if "description" in self.fields:
            self.fields["description"].required = True
            self.fields["description"].label = _("Alt text (describe the image for people who cannot see it)")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            upload.seek(0)
            data = upload.read()
            try:
                clean = strip_metadata(data)
            except ImageUnreadable as exc:
                message = self.fields["file"].error_messages["invalid_image"]
                raise forms.ValidationError(message, code="invalid_image") from exc
            if clean is not data:
                _rewrite_upload(upload, clean)
            upload.seek(0)
        return upload


class MarketingDocumentForm(BaseDocumentForm):
    """The admin's document form: the file must be a PDF by its bytes, whatever its name says.

    Wired with ``WAGTAILDOCS_DOCUMENT_FORM_BASE``; ``WAGTAILDOCS_EXTENSIONS`` checks the name.
    """

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and hasattr(upload, "read") and "file" in self.changed_data:
            upload.seek(0)
            head = upload.read(5)
            upload.seek(0)
            if head != b"%PDF-":
                raise forms.ValidationError(_("This file is not a PDF."), code="upload_type_refused")
        return upload
