"""Checks an uploaded file from its bytes before anything reaches a bucket.

The client's file name and Content-Type are ignored: the type is read from the bytes (PDF magic,
Pillow / pillow-heif for images), size and pixel count are limited before decoding, and the
object key is a fresh UUID.
"""

import hashlib
import io
import uuid
from dataclasses import dataclass

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image

from erp.clinical.exceptions import UploadRefused, UploadTooLarge, UploadTypeRefused

pillow_heif.register_heif_opener()

MAX_PHOTO_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIF = "image/heif"
PHOTO_TYPES = (JPEG, PNG, HEIF)
DOCUMENT_TYPES = (PDF, JPEG, PNG, HEIF)
_PIL_FORMATS = {"JPEG": JPEG, "PNG": PNG, "HEIF": HEIF}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", HEIF: "heic"}


@dataclass(frozen=True)
class InspectedFile:
    data: bytes
    content_type: str
    size_bytes: int
    sha256: str
    width: int | None = None
    height: int | None = None

    def new_object_key(self, prefix: str) -> str:
        return f"{prefix}/{uuid.uuid4()}.{EXTENSIONS[self.content_type]}"


def read_limited(upload, max_bytes: int) -> bytes:
    """Read at most ``max_bytes``; a bigger file is refused without reading it all."""
    if getattr(upload, "size", None) is not None and upload.size > max_bytes:
        raise UploadTooLarge(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": max_bytes // (1024 * 1024)}, field="file"
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(
            _("The file is larger than %(megabytes)s MB.") % {"megabytes": max_bytes // (1024 * 1024)}, field="file"
        )
    if not data:
        raise UploadRefused(_("The file is empty."), field="file")
    return data


def _inspect_image(data: bytes, max_pixels: int) -> tuple[str, int, int] | None:
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise UploadTooLarge(_("The image has too many pixels."), field="file")
    except Exception:
        return None
    content_type = _PIL_FORMATS.get(image.format or "")
    if content_type is None:
        return None
    width, height = image.size
    if width * height > max_pixels:
        raise UploadTooLarge(
            _("The image has %(pixels)s pixels; at most %(max_pixels)s are accepted.")
            % {"pixels": f"{width * height:,}", "max_pixels": f"{max_pixels:,}"},
            field="file",
        )
    try:
        image.verify()
    except Exception:
        raise UploadTypeRefused(_("The image is damaged or incomplete."), field="file")
    return content_type, width, height


def inspect_upload(upload, *, accepted: tuple[str, ...], max_bytes: int, max_pixels: int = MAX_PIXELS) -> InspectedFile:
    """The checked bytes and facts of ``upload``; raises UploadRefused and subclasses."""
    data = read_limited(upload, max_bytes)
    width = height = None
    if data.startswith(b"%PDF-"):
        content_type = PDF
    else:
        image = _inspect_image(data, max_pixels)
        if image is None:
            content_type = None
        else:
            content_type, width, height = image
    if content_type not in accepted:
        names = ", ".join(EXTENSIONS[t].upper() for t in accepted)
        raise UploadTypeRefused(
            _("This kind of file is not accepted here (accepted: %(names)s).") % {"names": names}, field="file"
        )
    return InspectedFile(
        data=data,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
    )


def thumbnail_jpeg(data: bytes, size: tuple[int, int], *, max_pixels: int = MAX_PIXELS) -> bytes:
    """A metadata-free JPEG no larger than ``size``, orientation applied.

    The worker's memory is bounded: the size and the pixel count in the header are checked before
    anything is decoded, and JPEGs are decoded already scaled down (``draft``).
    """
    from PIL import ImageOps

    # A worker's message, kept free of Django (gettext) so the function runs in a bare interpreter.
    if len(data) > MAX_PHOTO_BYTES:
        raise UploadTooLarge("The photo is larger than the upload limit.", field="file")
    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise UploadTooLarge("The image has too many pixels.", field="file")
    width, height = image.size
    if width * height > max_pixels:
        raise UploadTooLarge(f"The image has {width * height:,} pixels; at most {max_pixels:,}.", field="file")
    if image.format == "JPEG":
        image.draft("RGB", (size[0] * 2, size[1] * 2))
    image = ImageOps.exif_transpose(image)
    image.thumbnail(size)
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85)  # a fresh image: no EXIF, no GPS
    return out.getvalue()
