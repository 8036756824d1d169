"""In-process work of the benchmarks, run by bench/run.py as subprocesses (production settings).

python bench/tasks.py prepare OUT.json [--pay-sales N]   token, URLs, drafts to pay
python bench/tasks.py pdf OUT.json [--count N]          invoice PDF render times (Factur-X)
python bench/tasks.py makejpeg -                         the 12-megapixel photo (once)
python bench/tasks.py thumb OUT.json                    its thumbnail: time, peak RSS
"""

import argparse
import io
import json
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from erp.bootstrap import make_site_importable  # noqa: E402

make_site_importable()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.base")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.db import transaction  # noqa: E402

BENCH_EMAIL = "bench@clinic.test"


def bench_user():
    from erp.core.models import User

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(BENCH_EMAIL, password=None, first_name="Bench", last_name="Runner")
    return user


def page_urls() -> dict[str, str]:
    from cms.website.models import BlogPostPage, HomePage, ServicePage

    urls = {}
    for lang in ("fr", "hy"):
        for name, model in (("home", HomePage), ("service", ServicePage), ("blog_post", BlogPostPage)):
            page = model.objects.live().filter(locale__language_code=lang).order_by("path").first()
            if page is None:
                raise SystemExit(f"No live {name} page in {lang}: was seed_demo run?")
            urls[f"{name}_{lang}"] = page.get_url(None) or page.url
    return urls


def search_queries() -> list[str]:
    """50 prefixes: names in three scripts, phones and e-mails of the scale patients."""
    from bench.scale import ARMENIAN_LAST, CYRILLIC_LAST, LATIN_FIRST, LATIN_LAST, patient_data

    names = [n[:4] for n in LATIN_LAST[:8]] + [n[0][:3] for n in CYRILLIC_LAST[:6]]
    names += [n[0][:3] for n in ARMENIAN_LAST[:4]] + [f"{LATIN_FIRST[0][:3]} {LATIN_LAST[0][:2]}", "dup"]
    phones, emails = [], []
    for index in range(15):
        p = patient_data(index * 997)
        phones.append(p.phone[: 5 + index % 6])
        emails.append(p.email.split("@")[0][: 4 + index % 5])
    return (names + phones + emails)[:50]


def check_site_media() -> None:
    """The site's pictures must be in this run's media folder: without their files Wagtail makes no
    rendition, the pages show placeholders and every picture costs a query (wrong figures)."""
    from django.core.files.storage import default_storage
    from wagtail.images import get_image_model

    missing = [i.file.name for i in get_image_model().objects.all() if not default_storage.exists(i.file.name)]
    if missing:
        raise SystemExit(
            f"{len(missing)} site image file(s) missing from MEDIA_ROOT (e.g. {missing[0]}): the database was "
            "seeded with another media folder; run the benchmark from the checkout that seeded it, or on a new "
            "database."
        )


def prepare(out: Path, pay_sales: int) -> None:
    from django.conf import settings
    from knox.models import AuthToken

    check_site_media()

    from bench.scale import LOCATION_NAMES, SKU_PREFIX, uid
    from erp.commerce.models import Invoice, Product, StockBalance
    from erp.commerce.sales import services as billing
    from erp.core.models import ClinicLocation

    user = bench_user()
    # A whole run may go longer than the idle limit between two API calls (the pages come first):
    # the bench's token lives the absolute limit from the start.
    _token, key = AuthToken.objects.create(user=user, expiry=timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT))
    location = ClinicLocation.objects.get(name=LOCATION_NAMES[0])
    # Products with stock at the location, spread so that concurrent payments rarely share a lot.
    stocked = list(
        Product.objects.filter(sku__startswith=SKU_PREFIX, type="product", stock_balances__location=location,
                               stock_balances__quantity__gt=20)
        .distinct().order_by("sku")[:200]
    )  # fmt: skip
    drafts = []
    from erp.clinical.models import Patient

    patients = list(Patient.objects.filter(pk__in=[uid("patient", i) for i in range(0, 2000, 7)]))
    for n in range(pay_sales):
        with transaction.atomic():
            sale = billing.sale_create(location=location, sold_to_patient=patients[n % len(patients)], actor=user)
            billing.sale_line_add(sale=sale, product=stocked[n % len(stocked)], quantity=Decimal("1"), actor=user)
            sale.refresh_from_db(fields=["total_incl_tax", "row_version"])
            drafts.append({"id": str(sale.pk), "total": str(sale.total_incl_tax)})
    invoices = list(Invoice.objects.order_by("-issued_at").values_list("pk", flat=True)[:5])
    data = {
        "token": key,
        "pages": page_urls(),
        "search": ["/api/v1/patients/?q=" + quote(q) for q in search_queries()],
        "lists": {
            "patients": "/api/v1/patients/",
            "sales": "/api/v1/sales/",
            "products": "/api/v1/products/",
            "orders": "/api/v1/distribution/orders/",
        },
        "mixed": [],
        "drafts": drafts,
        "invoices": [str(pk) for pk in invoices],
        "stock_moves": __import__("erp.commerce.models", fromlist=["StockMove"]).StockMove.objects.count(),
        "balances_ok": not StockBalance.objects.filter(quantity__lt=0).exists(),
    }
    out.write_text(json.dumps(data, indent=1))


def pdf(out: Path, count: int) -> None:
    from erp.commerce.models import Invoice
    from erp.commerce.sales.invoice_pdf import invoice_render

    invoices = list(Invoice.objects.select_related("sale").order_by("-issued_at")[:count])
    invoice_render(invoices[0])  # warm-up: fonts, templates, the XSD
    times = []
    for invoice in invoices:
        started = time.perf_counter()
        rendered = invoice_render(invoice)
        times.append(time.perf_counter() - started)
        assert rendered.pdf.startswith(b"%PDF") and rendered.xml
    out.write_text(json.dumps({"seconds": times}))


JPEG_PATH = Path(os.environ.get("VAR_DIR", ROOT / "var")) / "bench-photo-12mp.jpg"


def makejpeg() -> None:
    """A 12-megapixel photo (4000 x 3000) with detail, as a phone takes it."""
    from PIL import Image

    if JPEG_PATH.exists():
        return
    width, height = 4000, 3000
    noise = Image.effect_noise((width, height), 64).convert("RGB")
    gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    Image.blend(noise, gradient, 0.5).save(JPEG_PATH, format="JPEG", quality=90)


def thumb(out: Path) -> None:
    from django.core.files.base import ContentFile
    from PIL import Image

    from erp.clinical.models import ClinicalPhoto, Patient
    from erp.clinical.services import clinical_photo_make_thumbnail
    from erp.core.storage import bucket

    # The photo is made by another process (``makejpeg``) so that making it does not count here.
    data = JPEG_PATH.read_bytes()
    width, height = Image.open(io.BytesIO(data)).size
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    patient = Patient.objects.order_by("created_at").first()
    storage = bucket(ClinicalPhoto.BUCKET)
    results = []

    class Rollback(Exception):
        pass

    if True:
        for run in range(3):
            try:
                with transaction.atomic():
                    key = storage.save(f"bench/photo-{os.getpid()}-{run}.jpg", ContentFile(data))
                    photo = ClinicalPhoto.objects.create(
                        patient=patient, object_key=key, content_type="image/jpeg", size_bytes=len(data)
                    )
                    started = time.perf_counter()
                    photo = clinical_photo_make_thumbnail(photo_id=photo.pk)
                    results.append(time.perf_counter() - started)
                    storage.delete(photo.thumbnail_object_key)
                    storage.delete(key)
                    raise Rollback
            except Rollback:
                pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({
        "seconds": results, "peak_rss_mb": peak / 1024, "rss_before_mb": base_rss / 1024,
        "megapixels": width * height / 1e6, "jpeg_bytes": len(data),
    }))  # fmt: skip


def queries(out: Path) -> None:
    """Queries of each public page with the page cache off (run with WEBSITE_PAGE_CACHE=0), and of
    each API list's first page at page_size 5 and 50 (what the test suite asserts)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from erp.core.services import api_token_create

    client = Client(HTTP_HOST="127.0.0.1")
    result = {"pages": {}, "lists": {}}
    for name, url in page_urls().items():
        client.get(url)  # the first request of a process loads Wagtail's site root paths and such
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        result["pages"][name] = len(captured)
    _token, key = api_token_create(user=bench_user())
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")
    lists = {"patients": "/api/v1/patients/", "sales": "/api/v1/sales/", "products": "/api/v1/products/",
             "orders": "/api/v1/distribution/orders/"}  # fmt: skip
    for name, url in lists.items():
        counts = []
        for size in (5, 50):
            api.get(url, {"page_size": size})
            with CaptureQueriesContext(connection) as captured:
                response = api.get(url, {"page_size": size})
            assert response.status_code == 200, (url, response.status_code)
            counts.append(len(captured))
        result["lists"][name] = counts
    out.write_text(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["prepare", "pdf", "thumb", "makejpeg", "queries"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pay-sales", type=int, default=0)
    parser.add_argument("--count", type=int, default=5)
    args = parser.parse_args()
    if args.task == "prepare":
        prepare(args.out, args.pay_sales)
    elif args.task == "pdf":
        pdf(args.out, args.count)
    elif args.task == "queries":
        queries(args.out)
    elif args.task == "makejpeg":
        makejpeg()
    else:
        thumb(args.out)


if __name__ == "__main__":
    main()
