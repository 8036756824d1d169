import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from erp.social import services
from erp.social.models import SocialAccount, SocialPost


def image_bytes(size=(800, 800), fmt="JPEG", color=(200, 120, 90), mode="RGB", **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "PhoneModel 12"  # Model
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}  # GPS IFD
    return exif


def upload(data: bytes, name: str = "image.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


class SocialAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialAccount

    display_name = "@clinique.derm"


class SocialPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialPost

    language = "fr"
    caption = "Les bons gestes solaires ☀️ avec @clinique.derm"
    hashtags = "#skincare #dermatologie"


def make_asset(actor, size=(800, 800), color=(10, 120, 200)):
    return services.asset_upload(upload=upload(image_bytes(size, color=color)), actor=actor)


def ready_post(actor, assets=2) -> SocialPost:
    post = SocialPostFactory(created_by=actor)
    items = [make_asset(actor, color=(20 * i, 100, 150)) for i in range(assets)]
    services.post_set_assets(post=post, assets=items, actor=actor)
    return services.post_transition(post=post, to_status="ready", actor=actor)
