"""A phone photo as a phone writes it, for the tests of metadata stripping: GPS position, camera
make, model and serial number, dates and an XMP packet, stored sideways with an orientation tag.

Stored 400 x 300 with a red corner at its stored top-left and orientation 6 ("turn 90 degrees
clockwise to show"): shown upright it is 300 x 400 with the red corner at the top-right.
"""

import io

from PIL import Image

STORED_SIZE = (400, 300)
UPRIGHT_SIZE = (300, 400)
SECRETS = (b"PhoneMaker", b"PhoneModel 12", b"SN-4711-0815", b"2026:05:01 10:11:12", b"Lieu secret")
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Lieu secret"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
RED, BLUE = (230, 20, 20), (20, 60, 200)


def phone_exif(orientation: int = 6) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel 12"  # Model
    exif[0x0112] = orientation
    exif[0x0132] = "2026:05:01 10:11:12"  # DateTime
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}  # GPS IFD
    exif.get_ifd(0x8769)[0xA431] = "SN-4711-0815"  # Exif IFD: BodySerialNumber
    return exif


def sideways_pixels(mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", STORED_SIZE, BLUE)
    image.paste(RED, (0, 0, 80, 60))
    return image.convert(mode)


def phone_photo(fmt: str = "JPEG", **save_kwargs) -> bytes:
    """The photo in ``fmt`` with all its metadata (quality 92 for JPEG, as phones write)."""
    options = {"exif": phone_exif(), "xmp": XMP, **save_kwargs}
    if fmt == "JPEG":
        options.setdefault("quality", 92)
    if fmt == "HEIF":
        options["exif"] = options["exif"].tobytes()
    out = io.BytesIO()
    sideways_pixels().save(out, format=fmt, **options)
    return out.getvalue()


def assert_clean_and_upright(data: bytes, size: tuple[int, int] = UPRIGHT_SIZE) -> Image.Image:
    """``data`` holds no EXIF, XMP or any of the photo's secrets, and shows upright: ``size``
    with the red corner at the top-right, none at the top-left."""
    for secret in SECRETS:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    image.load()
    assert len(image.getexif()) == 0
    assert not [key for key in ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment") if image.info.get(key)]
    assert image.size == size
    width, _ = image.size
    rgb = image.convert("RGB")
    near = lambda pixel, colour: all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=True))  # noqa: E731
    assert near(rgb.getpixel((width - 3, 2)), RED), rgb.getpixel((width - 3, 2))
    assert near(rgb.getpixel((2, 2)), BLUE), rgb.getpixel((2, 2))
    return image
