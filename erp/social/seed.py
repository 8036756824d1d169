"""Demo data of the social publishing: the Instagram account, three images, a ready post with a
two-image carousel and a draft. Idempotent: rows are found by their demo titles and captions."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from erp.core.models import User
from erp.social import services
from erp.social.models import SocialAccount, SocialMediaAsset, SocialPost, SocialPostStatus

ACCOUNT_NAME = "@clinique.dermatologie"
IMAGES = [
    ("Démo — salle de soins", (1080, 1080), (236, 229, 220)),
    ("Démo — protection solaire", (1080, 1350), (250, 214, 165)),
    ("Démo — équipe", (1080, 566), (200, 221, 235)),
]
READY_CAPTION = (
    "☀️ L'été arrive : nos dermatologues rappellent les bons gestes solaires.\n"
    "Réservez votre contrôle des grains de beauté avec @clinique.dermatologie."
)
READY_HASHTAGS = "#dermatologie #protectionsolaire #santédelapeau"
DRAFT_CAPTION = "Nouveau : consultations en russe, ukrainien et arménien."


def _demo_image(size, color) -> bytes:
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for step in range(0, min(size) // 2, 40):
        draw.ellipse([step, step, size[0] - step, size[1] - step], outline=(255, 255, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seed(out) -> None:
    actor = User.objects.filter(groups__name="marketing").order_by("email").first()
    SocialAccount.objects.get_or_create(
        provider="instagram_meta", display_name=ACCOUNT_NAME, defaults={"status": "disconnected"}
    )
    assets = []
    for title, size, color in IMAGES:
        asset = SocialMediaAsset.objects.filter(title=title).first()
        if asset is None:
            upload = SimpleUploadedFile("demo.png", _demo_image(size, color), content_type="image/png")
            asset = services.asset_upload(upload=upload, title=title, actor=actor)
        assets.append(asset)

    ready = SocialPost.objects.filter(caption=READY_CAPTION).first()
    if ready is None:
        ready = services.post_create(
            data={"language": "fr", "caption": READY_CAPTION, "hashtags": READY_HASHTAGS}, actor=actor
        )
    if ready.status == SocialPostStatus.DRAFT:
        services.post_set_assets(post=ready, assets=assets[:2], actor=actor)
        services.post_transition(post=ready, to_status="ready", actor=actor)

    if not SocialPost.objects.filter(caption=DRAFT_CAPTION).exists():
        draft = services.post_create(
            data={"language": "fr", "caption": DRAFT_CAPTION, "hashtags": "#clinique #paris"}, actor=actor
        )
        services.post_set_assets(post=draft, assets=assets[2:], actor=actor)
    out(f"  social: account {ACCOUNT_NAME}, {len(assets)} images, 2 posts (one ready for its Manual Publish Pack)")
