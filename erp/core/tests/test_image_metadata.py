"""erp.core.image_metadata: what every image of the public marketing bucket keeps (upright pixels,
its ICC profile) and loses (EXIF/GPS, XMP, IPTC, comments, text chunks), per format."""

import io

import pytest
from PIL import Image, ImageCms, ImageSequence, PngImagePlugin

from erp.core.image_metadata import ImageUnreadable, strip_metadata
from erp.testing.images import XMP, assert_clean_and_upright, phone_exif, phone_photo, sideways_pixels

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_strip_metadata_turns_the_photo_upright_and_drops_every_tag(fmt):
    data = phone_photo(fmt, **({"quality": 92} if fmt == "WEBP" else {}))
    assert b"PhoneMaker" in data and _open(data).getexif().get_ifd(0x8825)  # the fixture really has GPS
    cleaned = strip_metadata(data)
    assert _open(cleaned).format == fmt  # same format: the file's name and type stay right
    assert_clean_and_upright(cleaned)


def test_strip_metadata_keeps_the_icc_profile():
    cleaned = strip_metadata(phone_photo("JPEG", icc_profile=SRGB))
    assert _open(cleaned).info["icc_profile"] == SRGB
    assert_clean_and_upright(cleaned)


def test_an_image_without_metadata_is_returned_as_it_came():
    for fmt in ("JPEG", "PNG", "WEBP", "GIF"):
        out = io.BytesIO()
        sideways_pixels("P" if fmt == "GIF" else "RGB").save(out, format=fmt, icc_profile=SRGB)
        data = out.getvalue()
        assert strip_metadata(data) is data, fmt  # not even re-encoded


def test_a_jpeg_is_written_again_at_its_own_quality():
    """Its own quantisation tables and chroma subsampling: no second, lower generation."""
    from PIL import JpegImagePlugin

    for quality, subsampling in ((95, 0), (75, 2)):
        data = phone_photo("JPEG", quality=quality, subsampling=subsampling)
        source, cleaned = _open(data), _open(strip_metadata(data))
        assert cleaned.quantization == source.quantization
        assert JpegImagePlugin.get_sampling(cleaned) == JpegImagePlugin.get_sampling(source)


def test_lossless_formats_stay_lossless():
    """A PNG and a lossless WebP with metadata come back pixel for pixel (turned upright)."""
    upright_pixels = sideways_pixels().transpose(Image.Transpose.ROTATE_270)
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "PhoneMaker")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    for fmt, options in (("PNG", {"pnginfo": text}), ("WEBP", {"lossless": True, "xmp": XMP})):
        out = io.BytesIO()
        sideways_pixels().save(out, format=fmt, exif=phone_exif(), **options)
        cleaned = strip_metadata(out.getvalue())
        assert_clean_and_upright(cleaned)
        assert _open(cleaned).convert("RGB").tobytes() == upright_pixels.tobytes(), fmt


def test_a_png_with_metadata_but_no_orientation_keeps_its_palette_and_transparency():
    image = Image.new("P", (60, 40), 1)
    image.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * 759)
    image.paste(2, (0, 0, 10, 10))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at home")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=text, transparency=2)
    cleaned = _open(strip_metadata(out.getvalue()))
    assert "Comment" not in cleaned.info and cleaned.mode == "P" and cleaned.info["transparency"] == 2
    assert cleaned.convert("RGBA").getpixel((0, 0))[3] == 0 and cleaned.convert("RGBA").getpixel((30, 30)) == (
        255, 0, 0, 255,
    )


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_an_animation_keeps_its_frames_and_timing(fmt):
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    extra = {"comment": b"PhoneMaker"} if fmt == "GIF" else {"exif": phone_exif(orientation=1), "lossless": True}
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=[50, 60, 70], loop=0, **extra)
    cleaned = strip_metadata(out.getvalue())
    assert b"PhoneMaker" not in cleaned
    animation = Image.open(io.BytesIO(cleaned))
    shown = []
    for frame in ImageSequence.Iterator(animation):
        frame.load()
        shown.append((frame.info["duration"], frame.convert("RGB").getpixel((5, 5))))
    assert shown == [(50, (255, 0, 0)), (60, (0, 255, 0)), (70, (0, 0, 255))]


def test_what_is_not_an_image_is_refused():
    with pytest.raises(ImageUnreadable):
        strip_metadata(b"%PDF-1.7 not an image")
    out = io.BytesIO()
    sideways_pixels().save(out, format="BMP")
    with pytest.raises(ImageUnreadable):  # a format the marketing bucket does not take
        strip_metadata(out.getvalue())
