"""Images bound for the public marketing bucket, without what a camera or an editor wrote in them.

One place for the rule: an image keeps its pixels (turned upright first, as its EXIF orientation
said) and its ICC colour profile, and loses everything else: EXIF (GPS position, camera make,
model and serial number, dates, the embedded thumbnail), XMP, IPTC (Photoshop APP13), comments,
PNG text chunks, HEIF thumbnails and depth maps. The ICC profile is kept because it is colour
data, not about a person: without it a wide-gamut phone photo (Display P3) shows dull.

An image carrying none of that is returned as it came, byte for byte: no needless re-encoding.
Otherwise it is written again in its own format: JPEG with its own quantisation tables and
chroma subsampling (the quality it had, no second generation of a lower one), PNG and lossless
WebP losslessly, lossy WebP and HEIF at quality 90. Animated GIF and WebP keep their frames.
Used by the Wagtail image form (``cms.website.forms.MarketingImageForm``) and the Instagram
pack (``erp.social.images``).
"""

import io

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin

pillow_heif.register_heif_opener()

LOSSY_QUALITY = 90

# What Pillow reads into ``Image.info`` that says nothing about who, where or when: encoding
# parameters, colour, animation timing. Any other key with a value (exif, xmp, photoshop,
# comment, PNG text chunks, "mp" of a multi-picture JPEG...) is metadata to drop.
HARMLESS_INFO = frozenset({
    "icc_profile", "dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe",
    "adobe_transform", "progressive", "progression", "gamma", "srgb", "chromaticity", "aspect",
    "transparency", "interlace", "background", "duration", "loop", "timestamp", "version",
    "disposal", "extension", "blend",
})

# The format an image is written back in; MPO (a phone's JPEG with extra pictures such as a
# depth map appended) becomes a plain JPEG of its main picture.
OUTPUT_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF", "HEIF": "HEIF"}


class ImageUnreadable(ValueError):
    """The bytes are not an image of a format this module rewrites."""


def carries_metadata(image: Image.Image) -> bool:
    """Whether ``image`` (opened and loaded) holds anything beyond pixels and colour profile.

    An EXIF block counts even when it holds only the orientation: the orientation has to be
    applied to the pixels before the block goes."""
    if image.format in ("MPO", "HEIF"):
        return True  # extra pictures (depth maps, thumbnails) ride along whatever the info says
    if len(image.getexif()):
        return True
    return any(value for key, value in image.info.items() if key not in HARMLESS_INFO)


def upright(image: Image.Image) -> Image.Image:
    """``image`` turned as its EXIF orientation says, holding no metadata but its ICC profile
    and its transparency (``info`` is what Pillow copies into a saved file)."""
    turned = ImageOps.exif_transpose(image)
    if turned is image:
        turned = image.copy()
    turned.info = {key: image.info[key] for key in ("icc_profile", "transparency") if image.info.get(key)}
    return turned


def strip_metadata(data: bytes) -> bytes:
    """``data`` as an upright image without metadata, in the same format; ``data`` itself
    (the same object) when it carries no metadata. Raises ``ImageUnreadable``."""
    try:
        source = Image.open(io.BytesIO(data))
        source.load()
    except Exception as exc:  # Pillow raises many kinds for a file it cannot read
        raise ImageUnreadable(_("The file is not an image that can be read.")) from exc
    with source:
        output_format = OUTPUT_FORMAT.get(source.format or "")
        if output_format is None:
            raise ImageUnreadable(_("Images of format %(format)s are not accepted.") % {"format": source.format})
        if not carries_metadata(source):
            return data
        out = io.BytesIO()
        if getattr(source, "n_frames", 1) > 1 and output_format in ("GIF", "WEBP"):
            _save_animation(source, out, output_format, data)
        else:
            clean = upright(source)
            clean.save(out, format=output_format, **_encoder_options(source, output_format, data))
        return out.getvalue()


def _encoder_options(source: Image.Image, output_format: str, data: bytes) -> dict:
    options: dict = {}
    if source.info.get("icc_profile"):
        options["icc_profile"] = source.info["icc_profile"]
    if output_format == "JPEG":
        # The source's own tables: the same quality, whatever quality it was saved at.
        options.update(optimize=True, progressive=bool(source.info.get("progressive")))
        options["qtables"] = source.quantization
        sampling = JpegImagePlugin.get_sampling(source)
        if sampling != -1:  # -1: not one Pillow writes (CMYK...): its default then
            options["subsampling"] = sampling
    elif output_format == "WEBP":
        if _webp_is_lossless(data):
            options.update(lossless=True, exact=True)
        else:
            options["quality"] = LOSSY_QUALITY
    elif output_format == "HEIF":
        options["quality"] = LOSSY_QUALITY
    elif output_format == "PNG" and source.mode == "P" and "transparency" in source.info:
        options["transparency"] = source.info["transparency"]
    return options


def _save_animation(source: Image.Image, out: io.BytesIO, output_format: str, data: bytes) -> None:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(source):
        frame.load()  # WebP gives a frame's duration once it is decoded
        durations.append(frame.info.get("duration", 100))
        frames.append(upright(frame))
    options = _encoder_options(source, output_format, data)
    options.update(save_all=True, append_images=frames[1:], duration=durations, loop=source.info.get("loop", 0))
    frames[0].save(out, format=output_format, **options)


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file's picture is VP8L (lossless), read from its RIFF chunks."""
    position = 12  # after "RIFF", the size and "WEBP"
    while position + 8 <= len(data):
        fourcc = data[position:position + 4]
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":  # an animation: its first frame's picture (after a 16-byte header) says
            return data[position + 24:position + 28] == b"VP8L"
        size = int.from_bytes(data[position + 4:position + 8], "little")
        position += 8 + size + (size & 1)
    return False
