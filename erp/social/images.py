"""Instagram's publishing limits for images, checked with Pillow, and the clean JPEG we store.

Every image becomes a fresh baseline JPEG built from its pixels: turned upright and stripped as
every image of the public marketing bucket is (``erp.core.image_metadata.upright``: no EXIF,
GPS, XMP or IPTC; the ICC colour profile stays when the pixels keep their colour space).
PNG, WebP, HEIC/HEIF and the other formats Pillow reads are converted the same way.
"""

import io
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _
from PIL import Image

from erp.core.image_metadata import upright
from erp.social.exceptions import AssetRefused

MAX_BYTES = 8 * 1024 * 1024
MIN_WIDTH = 320
MAX_WIDTH = 1440
MIN_ASPECT = Fraction(4, 5)  # portrait 4:5
MAX_ASPECT = Fraction(191, 100)  # landscape 1.91:1
MAX_PIXELS = 50_000_000
JPEG = "image/jpeg"
JPEG_QUALITY = 90


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    width: int
    height: int
    content_type: str = JPEG

    @property
    def size_bytes(self) -> int:
        return len(self.data)


def read_upload(upload) -> bytes:
    """The upload's bytes, refusing more than 8 MB without reading them all."""
    if getattr(upload, "size", None) is not None and upload.size > MAX_BYTES:
        raise AssetRefused(
            _("The file is %(size)s bytes; Instagram accepts at most 8 MB.") % {"size": f"{upload.size:,}"},
            field="file",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise AssetRefused(_("The file is larger than 8 MB; Instagram accepts at most 8 MB."), field="file")
    if not data:
        raise AssetRefused(_("The file is empty."), field="file", code="asset_empty")
    return data


def check_dimensions(width: int, height: int) -> None:
    """Width 320-1440 px and aspect ratio between 4:5 and 1.91:1, both ends included."""
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise AssetRefused(
            _("The image is %(width)s px wide; Instagram needs %(min_width)s to %(max_width)s px.")
            % {"width": width, "min_width": MIN_WIDTH, "max_width": MAX_WIDTH},
            field="file",
            code="asset_width",
        )
    ratio = Fraction(width, height)
    if not MIN_ASPECT <= ratio <= MAX_ASPECT:
        raise AssetRefused(
            _("The aspect ratio %(width)sx%(height)s (%(ratio)s:1) is outside Instagram's 4:5 (0.8:1) to 1.91:1.")
            % {"width": width, "height": height, "ratio": f"{float(ratio):.3f}"},
            field="file",
            code="asset_aspect_ratio",
        )


def prepare_image(data: bytes) -> PreparedImage:
    """Check ``data`` against the limits and return it as a metadata-free JPEG."""
    if len(data) > MAX_BYTES:
        raise AssetRefused(_("The file is larger than 8 MB; Instagram accepts at most 8 MB."), field="file")
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise AssetRefused(_("The image has too many pixels."), field="file")
        image.load()
    except AssetRefused:
        raise
    except Exception:
        raise AssetRefused(_("The file is not an image that can be read."), field="file", code="asset_not_image")
    image = upright(image)
    check_dimensions(image.width, image.height)
    # The profile describes RGB pixels only; a CMYK or grey one would miscolour the RGB JPEG.
    icc_profile = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA", "RGBX") else None
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # JPEG has no transparency: flatten on white, as Instagram shows it.
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    clean = Image.new("RGB", flat.size)  # a new image: nothing in its info dict
    clean.paste(flat)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, icc_profile=icc_profile)
    result = out.getvalue()
    if len(result) > MAX_BYTES:
        raise AssetRefused(_("The converted JPEG is larger than 8 MB."), field="file")
    return PreparedImage(data=result, width=clean.width, height=clean.height)
