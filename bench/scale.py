"""The scale data set of the benchmarks (``python bench/seed_scale.py``): a clinic chain's years of data.

Deterministic (one seeded RNG per row, ids are uuid5 of a fixed namespace and the row's index),
resumable and idempotent: every stage works in batches, each batch is one transaction and is
skipped when its last row already exists, so an interrupted run continues where it stopped and a
second run changes nothing. Rows go in with PostgreSQL ``COPY`` (psycopg 3), not one save a row,
but every derived field is computed by the same functions the models and services use:
``normalize_name`` and ``phone_to_e164`` for patients, ``line_totals`` for sale lines, the
invoice numbering of ``document_number_next`` and the hash chain of ``erp.commerce.sales.fiscal``.

Stages, in order: ``base`` (locations, users, tax rates, payment methods, card fee rule: the
demo's own natural keys), ``patients``, ``encounters``, ``catalog`` (products and lots),
``stock`` (incoming moves), ``sales`` (paid sales with lines, lots, payments, outgoing moves,
invoices and fiscal journal entries), ``balances`` (stock balances recomputed as the sum of the
moves of the scale products) and ``demo`` (``seed_demo``: the website in six languages). The
sales come before the demo's own paid sales, so invoice numbers and issue dates go up together.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection, models, transaction
from django.utils import timezone

NAMESPACE = uuid.UUID("6f1d3c2e-9a4b-5c7d-8e0f-1a2b3c4d5e6f")
SEED = 20261122

FULL = {
    "patients": 200_000,
    "encounters": 400_000,
    "products": 500,
    "lots": 2_000,
    "stock_moves": 1_000_000,
    "sales": 150_000,
}
STAGES = ["base", "patients", "encounters", "catalog", "stock", "sales", "balances", "demo"]
BATCH = 20_000
SALES_BATCH = 5_000
# Dates of the history: the year before the seed ran (sales are clamped after the last fiscal
# entry already in the journal, so numbers and dates go up together).
HISTORY_DAYS = 365
LOCATION_NAMES = ["Paris Saint-Germain", "Lyon Bellecour"]
SKU_PREFIX = "SCALE-"

D = Decimal

# (native, latin) pairs: e-mails use the Latin spelling.
LATIN_FIRST = ["Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Élodie", "Sophie", "Julie", "Anaïs",
               "Lucas", "Hugo", "Louis", "Théo", "Jules", "Nathan", "Étienne", "Raphaël", "Gaël", "Noé"]  # fmt: skip
LATIN_LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
              "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François",
              "Martínez"]  # fmt: skip
CYRILLIC_FIRST = [("Анна", "anna"), ("Мария", "maria"), ("Елена", "elena"), ("Ольга", "olga"), ("Наталья", "natalia"),
                  ("Ирина", "irina"), ("Татьяна", "tatiana"), ("Юлия", "yulia"), ("Олена", "olena"),
                  ("Іванна", "ivanna"), ("Дмитрий", "dmitri"), ("Сергей", "sergei"), ("Андрій", "andrii"),
                  ("Алексей", "alexei"), ("Тарас", "taras"),
                  ("Богдан", "bohdan")]  # fmt: skip
CYRILLIC_LAST = [("Иванова", "ivanova"), ("Смирнова", "smirnova"), ("Кузнецова", "kuznetsova"),
                 ("Попова", "popova"), ("Соколова", "sokolova"), ("Лебедева", "lebedeva"), ("Шевченко", "shevchenko"),
                 ("Коваленко", "kovalenko"), ("Бондаренко", "bondarenko"), ("Ткаченко", "tkachenko"),
                 ("Кравченко", "kravchenko"), ("Морозова", "morozova"), ("Волкова", "volkova"),
                 ("Зайцева", "zaitseva"), ("Мельник", "melnyk"), ("Ёлкина", "yolkina")]  # fmt: skip
ARMENIAN_FIRST = [("Արամ", "aram"), ("Անի", "ani"), ("Նարե", "nare"), ("Տիգրան", "tigran"), ("Լուսինե", "lusine"),
                  ("Գոհար", "gohar"), ("Արմեն", "armen"), ("Մարիամ", "mariam"), ("Սոնա", "sona"),
                  ("Դավիթ", "davit"), ("Հասմիկ", "hasmik"), ("Կարեն", "karen")]  # fmt: skip
ARMENIAN_LAST = [("Պետրոսյան", "petrosyan"), ("Հովհաննիսյան", "hovhannisyan"), ("Սարգսյան", "sargsyan"),
                 ("Գրիգորյան", "grigoryan"), ("Կարապետյան", "karapetyan"), ("Մկրտչյան", "mkrtchyan"),
                 ("Հարությունյան", "harutyunyan"), ("Ավետիսյան", "avetisyan"), ("Վարդանյան", "vardanyan"),
                 ("Խաչատրյան", "khachatryan")]  # fmt: skip
CITIES = [("Paris", "75006"), ("Lyon", "69002"), ("Marseille", "13001"), ("Nice", "06000"), ("Lille", "59000")]
COMPLAINTS = ["Acné", "Eczéma", "Psoriasis", "Naevus à surveiller", "Rides du front", "Taches pigmentaires",
              "Rosacée", "Contrôle annuel", "Verrue plantaire", "Chute de cheveux"]  # fmt: skip


def scaled(scale: float) -> dict[str, int]:
    counts = {name: max(1, round(count * scale)) for name, count in FULL.items()}
    counts["products"] = max(10, counts["products"])
    counts["lots"] = max(2 * stock_products(counts["products"]), counts["lots"])
    counts["sales"] = max(10, counts["sales"])
    # The stock stage brings the ledger to its total: the sales add one outgoing move each.
    counts["in_moves"] = max(counts["lots"], counts["stock_moves"] - counts["sales"])
    return counts


def stock_products(products: int) -> int:
    """Four in five products are stocked (lot and expiry tracked); the rest are services."""
    return max(1, products * 4 // 5)


def uid(kind: str, index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{index}")


def rng(kind: str, index: int) -> random.Random:
    return random.Random(f"{SEED}:{kind}:{index}")


# --- COPY ---------------------------------------------------------------------------------------


def _columns(model) -> list[models.Field]:
    return list(model._meta.concrete_fields)


def copy_rows(model, rows: Iterable[dict]) -> int:
    """``COPY`` rows (dicts by attribute name; missing fields take the field default) into the
    model's table."""
    from psycopg.types.json import Jsonb

    fields = _columns(model)
    defaults = {}
    for f in fields:
        if f.has_default():
            default = f.get_default()
            defaults[f.attname] = default if not callable(default) else None
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = []
                for f in fields:
                    value = row[f.attname] if f.attname in row else defaults.get(f.attname)
                    if f.attname in json_fields and value is not None:
                        value = Jsonb(value)
                    values.append(value)
                copy.write_row(values)
                count += 1
    return count


def _exists(model, pk) -> bool:
    return model._base_manager.filter(pk=pk).exists()


def _missing(model, kind: str, start: int, end: int) -> set[int]:
    """Indexes of ``start..end`` whose row is not there yet. A batch is one transaction, so when
    its first and last rows exist the whole batch does (same scale); otherwise ask row by row
    (a set seeded before at another scale, where batches had other bounds)."""
    if _exists(model, uid(kind, start)) and _exists(model, uid(kind, end - 1)):
        return set()
    ids = {uid(kind, i): i for i in range(start, end)}
    present = set(model._base_manager.filter(pk__in=list(ids)).values_list("pk", flat=True))
    return {i for pk, i in ids.items() if pk not in present}


def _batches(total: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


def _history_time(index: int, total: int, end: datetime) -> datetime:
    """Spread ``total`` rows over the year before ``end``, in index order."""
    seconds = HISTORY_DAYS * 86400
    return end - timedelta(seconds=seconds - seconds * index // max(1, total))


# --- Context ------------------------------------------------------------------------------------


@dataclass
class Context:
    counts: dict[str, int]
    out: Callable[[str], None]
    now: datetime

    @property
    def anchor(self) -> datetime:
        # Histories end at the start of the seed's day (UTC): deterministic within a day.
        return datetime.combine(self.now.astimezone(UTC).date(), datetime.min.time(), tzinfo=UTC)


def _stage_base(ctx: Context) -> None:
    from erp.commerce.models import CardFeeRule, PaymentMethod, PaymentMethodCode, ProductCategory, TaxRate
    from erp.commerce.seed import CATEGORIES, TAX_RATES
    from erp.core.seed import seed as core_seed

    with transaction.atomic():
        core_seed(lambda _line: None)
        for name, rate in TAX_RATES:
            TaxRate.objects.update_or_create(
                country_code="FR", name=name, defaults={"rate_percent": rate, "is_active": True}
            )
        for name in CATEGORIES:
            ProductCategory.objects.get_or_create(name=name)
        for code, label in PaymentMethodCode.choices:
            PaymentMethod.objects.get_or_create(code=code, defaults={"name": str(label), "is_active": True})
        CardFeeRule.objects.get_or_create(
            provider="SumUp",
            country_code="FR",
            effective_from=date(2024, 1, 1),
            defaults={"fee_percent": D("1.75"), "fee_fixed_amount": D("0.00"), "currency": "EUR", "is_active": True},
        )


# --- Patients -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatientData:
    id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    phone: str
    city: str
    postal_code: str
    address_line1: str
    preferred_language: str
    birth_date: date
    sex: str


def patient_data(index: int) -> PatientData:
    """The patient of ``index``: a pure function, so later stages need no query to know it."""
    r = rng("patient", index)
    script = index % 10
    if script < 6:  # Latin
        first = r.choice(LATIN_FIRST)
        last = r.choice(LATIN_LAST)
        first_latin, last_latin = first, last
        language = "fr" if script < 5 else r.choice(["en", "es"])
    elif script < 8:  # Cyrillic
        first, first_latin = r.choice(CYRILLIC_FIRST)
        last, last_latin = r.choice(CYRILLIC_LAST)
        language = r.choice(["ru", "uk"])
    else:  # Armenian
        first, first_latin = r.choice(ARMENIAN_FIRST)
        last, last_latin = r.choice(ARMENIAN_LAST)
        language = "hy"
    from erp.clinical.models import normalize_name

    local = f"{normalize_name(first_latin)}.{normalize_name(last_latin)}".encode("ascii", "ignore").decode()
    local = local.replace(" ", "-").replace("'", "")
    # 06 mobile numbers, unique by index (up to 2.7 million patients).
    digits = f"6{1 + index % 8}{(index // 8) * 37 % 10_000_000:07d}"
    phone = "0" + " ".join([digits[0], digits[1:3], digits[3:5], digits[5:7], digits[7:9]])
    city, postal = CITIES[index % len(CITIES)]
    return PatientData(
        id=uid("patient", index),
        first_name=first,
        last_name=last,
        email=f"{local}.{index}@patients.example",
        phone=phone,
        city=city,
        postal_code=postal,
        address_line1=f"{1 + r.randrange(120)} rue de la République",
        preferred_language=language,
        birth_date=date(1940, 1, 1) + timedelta(days=r.randrange(365 * 65)),
        sex=r.choice(["female", "female", "male", "other"]),
    )


def _stage_patients(ctx: Context) -> None:
    from erp.clinical.models import Patient, normalize_name, phone_to_e164

    total = ctx.counts["patients"]
    for start, end in _batches(total, BATCH):
        missing = _missing(Patient, "patient", start, end)
        if not missing:
            continue
        created_base = ctx.anchor - timedelta(days=HISTORY_DAYS + 30)

        def rows(missing=missing, created_base=created_base):
            for i in sorted(missing):
                p = patient_data(i)
                # What Patient.refresh_derived_fields computes (country FR).
                yield {
                    "id": p.id,
                    "created_at": created_base + timedelta(seconds=i),
                    "updated_at": created_base + timedelta(seconds=i),
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "full_name_normalized": normalize_name(f"{p.first_name} {p.last_name}".strip())[:301] or None,
                    "birth_date": p.birth_date,
                    "sex": p.sex,
                    "email": p.email.strip().lower(),
                    "phone": p.phone,
                    "phone_e164": phone_to_e164(p.phone, "FR"),
                    "address_line1": p.address_line1,
                    "city": p.city,
                    "postal_code": p.postal_code,
                    "country_code": "FR",
                    "preferred_language": p.preferred_language,
                    "identity_confidence": "medium",
                    "is_deleted": False,
                    "row_version": 1,
                }

        with transaction.atomic():
            copy_rows(Patient, rows())
        ctx.out(f"    patients {end}/{total}")


def _stage_encounters(ctx: Context) -> None:
    from erp.clinical.models import Encounter
    from erp.core.models import Practitioner

    total = ctx.counts["encounters"]
    patients = ctx.counts["patients"]
    practitioner = Practitioner.objects.order_by("display_name").values_list("pk", flat=True).first()
    locations = _locations()
    for start, end in _batches(total, BATCH):
        missing = _missing(Encounter, "encounter", start, end)
        if not missing:
            continue

        def rows(missing=missing):
            for i in sorted(missing):
                r = rng("encounter", i)
                at = _history_time(i, total, ctx.anchor)
                finalized = r.random() < 0.9
                yield {
                    "id": uid("encounter", i),
                    "created_at": at,
                    "updated_at": at,
                    "patient_id": uid("patient", (i * 31 + i // patients) % patients),
                    "practitioner_id": practitioner,
                    "location_id": locations[i % len(locations)],
                    "type": r.choice(["medical_consult", "cosmetic_consult", "aesthetic_procedure", "follow_up"]),
                    "status": "finalized" if finalized else "draft",
                    "occurred_at": at,
                    "chief_complaint": r.choice(COMPLAINTS),
                    "assessment": "Examen clinique sans particularité.",
                    "plan": "Revoir dans trois mois.",
                    "finalized_at": at + timedelta(minutes=30) if finalized else None,
                    "is_deleted": False,
                    "row_version": 1,
                }

        with transaction.atomic():
            copy_rows(Encounter, rows())
        ctx.out(f"    encounters {end}/{total}")


# --- Catalog and stock --------------------------------------------------------------------------


def _catalog(ctx: Context):
    from erp.commerce.models import ProductCategory, TaxRate

    rates = {r.rate_percent: r.pk for r in TaxRate.objects.filter(country_code="FR")}
    categories = dict(ProductCategory.objects.values_list("name", "pk"))
    return rates, categories


@dataclass(frozen=True)
class ProductData:
    id: uuid.UUID
    stocked: bool
    price: Decimal
    rate: Decimal
    exempt: bool
    name: str


def product_data(index: int, products: int) -> ProductData:
    r = rng("product", index)
    stocked = index < stock_products(products)
    if stocked:
        return ProductData(uid("product", index), True, D(r.randrange(500, 40000)) / 100, D("20.00"), False,
                           f"Produit {index:04d}")  # fmt: skip
    exempt = index % 2 == 0
    return ProductData(uid("product", index), False, D(r.randrange(30, 400)), D("0.00") if exempt else D("20.00"),
                       exempt, f"Acte {index:04d}")  # fmt: skip


def lot_product(lot: int, products: int) -> int:
    return lot % stock_products(products)


def _stage_catalog(ctx: Context) -> None:
    from erp.commerce.models import DEFAULT_VAT_EXEMPTION_MENTION, InventoryLot, Product

    rates, categories = _catalog(ctx)
    products = ctx.counts["products"]
    created = ctx.anchor - timedelta(days=HISTORY_DAYS + 60)
    with transaction.atomic():
        if not _exists(Product, uid("product", products - 1)):
            existing = set(Product.objects.filter(sku__startswith=SKU_PREFIX).values_list("pk", flat=True))
            rows = []
            for i in range(products):
                p = product_data(i, products)
                if p.id in existing:
                    continue
                rows.append({
                    "id": p.id, "created_at": created, "updated_at": created, "sku": f"{SKU_PREFIX}{i:04d}",
                    "barcode": f"{3760000000000 + i}", "name": p.name,
                    "category_id": categories["Dermocosmétique" if p.stocked else "Actes médicaux"],
                    "type": "product" if p.stocked else "service", "description": None,
                    "unit_price_excl_tax": p.price, "tax_rate_id": rates[p.rate],
                    "track_lots": p.stocked, "track_expiry": p.stocked, "vat_exempt": p.exempt,
                    "vat_exemption_mention": DEFAULT_VAT_EXEMPTION_MENTION, "is_active": True,
                    "external_product_id": f"{SKU_PREFIX}EXT-{i:04d}", "currency": "EUR",
                })  # fmt: skip
            copy_rows(Product, rows)
        lots = ctx.counts["lots"]
        if not _exists(InventoryLot, uid("lot", lots - 1)):
            scale_lots = InventoryLot.objects.filter(product__sku__startswith=SKU_PREFIX)
            existing = set(scale_lots.values_list("pk", flat=True))
            copy_rows(InventoryLot, (
                {"id": uid("lot", k), "created_at": created, "updated_at": created,
                 "product_id": uid("product", lot_product(k, products)), "lot_code": f"SL{k:05d}",
                 # Far enough ahead that no scale lot expires during a benchmark.
                 "expires_at": date(2028, 1, 1) + timedelta(days=k % 700)}
                for k in range(lots) if uid("lot", k) not in existing
            ))  # fmt: skip
    ctx.out(f"    catalog: {products} products, {ctx.counts['lots']} lots")


def _locations() -> list[uuid.UUID]:
    from erp.core.models import ClinicLocation

    return list(ClinicLocation.objects.filter(name__in=LOCATION_NAMES).order_by("name").values_list("pk", flat=True))


def _stage_stock(ctx: Context) -> None:
    from erp.commerce.models import StockMove

    total = ctx.counts["in_moves"]
    lots, products = ctx.counts["lots"], ctx.counts["products"]
    locations = _locations()
    for start, end in _batches(total, BATCH):
        missing = _missing(StockMove, "move-in", start, end)
        if not missing:
            continue

        def rows(missing=missing):
            for k in sorted(missing):
                r = rng("move-in", k)
                lot = k % lots
                at = _history_time(k, total, ctx.anchor)
                yield {
                    "id": uid("move-in", k), "created_at": at, "updated_at": at,
                    "location_id": locations[(k // lots) % len(locations)],
                    "product_id": uid("product", lot_product(lot, products)), "lot_id": uid("lot", lot),
                    "move_type": "in", "quantity": D(5 + r.randrange(46)), "unit_cost": D(r.randrange(100, 9000)) / 100,
                    "occurred_at": at, "reference_type": "goods_receipt", "reference_id": None,
                }  # fmt: skip

        with transaction.atomic():
            copy_rows(StockMove, rows())
        ctx.out(f"    stock moves in {end}/{total}")


# --- Sales --------------------------------------------------------------------------------------


def _stage_sales(ctx: Context) -> None:
    from erp.clinical.models import Patient
    from erp.commerce.models import (
        DocumentSequence,
        DocumentType,
        FiscalEventType,
        FiscalJournalEntry,
        Invoice,
        Payment,
        PaymentMethod,
        Sale,
        SaleLine,
        SaleLineLot,
        StockMove,
    )
    from erp.commerce.sales import services as billing
    from erp.commerce.sales.fiscal import GENESIS_HASH, _lock_journal, canonical_json, entry_hash
    from erp.core.models import ClinicLocation, User

    total = ctx.counts["sales"]
    patients, products, lots = ctx.counts["patients"], ctx.counts["products"], ctx.counts["lots"]
    stocked = stock_products(products)
    locations = _locations()
    location_country = dict(ClinicLocation.objects.filter(pk__in=locations).values_list("pk", "country_code"))
    methods = {m.code: m for m in PaymentMethod.objects.all()}
    actor = User.objects.filter(email="reception@clinic.test").values_list("pk", flat=True).first()
    prefix = billing.invoice_prefix()
    end_of_history = ctx.anchor - timedelta(hours=1)
    rule_cache: dict = {}
    for start, end in _batches(total, SALES_BATCH):
        missing = _missing(Sale, "sale", start, end)
        if not missing:
            continue
        with transaction.atomic():
            # The same locks, in the same order, as billing.sale_pay: series, then journal.
            countries = {(location_country.get(loc) or "FR").upper() for loc in locations}
            sequences = {}
            for country in sorted(countries):
                lookup = {"document_type": DocumentType.INVOICE, "country_code": country, "prefix": prefix}
                DocumentSequence.objects.bulk_create([DocumentSequence(**lookup, next_number=1)], ignore_conflicts=True)
                sequences[country] = DocumentSequence.objects.select_for_update().get(**lookup)
            _lock_journal()
            last = FiscalJournalEntry.objects.order_by("-sequence").only("sequence", "hash", "occurred_at").first()
            sequence = last.sequence if last else 0
            previous_hash = last.hash if last else GENESIS_HASH
            floor = last.occurred_at if last else None
            sales, lines, line_lots, payments, invoices, entries, moves = [], [], [], [], [], [], []
            for i in sorted(missing):
                r = rng("sale", i)
                sale_id = uid("sale", i)
                location = locations[i % len(locations)]
                country = (location_country.get(location) or "FR").upper()
                at = _history_time(i, total, end_of_history).replace(microsecond=0)
                if floor is not None and at < floor:
                    at = floor
                patient_index = (i * 7919) % patients
                p = patient_data(patient_index)
                # Lines: one lot-tracked product, and a service every other sale.
                sale_lines = []
                lot = (i * 13) % lots
                product_index = lot_product(lot, products)
                quantity = D(1 + r.randrange(2))
                pd = product_data(product_index, products)
                sale_lines.append((pd, quantity, lot))
                if i % 2 == 0:
                    service = product_data(stocked + (i // 2) % (products - stocked), products) if products > stocked \
                        else None  # fmt: skip
                    if service is not None:
                        sale_lines.append((service, D(1), None))
                subtotal = tax = D("0.00")
                line_objects = []
                for n, (prod, qty, lot_index) in enumerate(sale_lines):
                    rate = D("0.00") if prod.exempt else prod.rate
                    totals = billing.line_totals(unit_price_excl_tax=prod.price, quantity=qty, tax_rate_percent=rate)
                    line = SaleLine(
                        id=uid(f"sale-line-{n}", i), created_at=at, updated_at=at, sale_id=sale_id, product_id=prod.id,
                        product_type_snapshot="product" if prod.stocked else "service",
                        description_snapshot=prod.name, unit_price_excl_tax_snapshot=prod.price,
                        tax_rate_percent_snapshot=rate, quantity=qty,
                        line_subtotal_excl_tax=totals.subtotal_excl_tax, line_tax_amount=totals.tax_amount,
                        line_total_incl_tax=totals.total_incl_tax, vat_exempt_snapshot=prod.exempt,
                        vat_exemption_mention_snapshot=(
                            "Exonération de TVA, article 261-4-1° du CGI" if prod.exempt else ""
                        ),
                        consumed_on_patient=False,
                    )  # fmt: skip
                    line_objects.append(line)
                    subtotal += totals.subtotal_excl_tax
                    tax += totals.tax_amount
                    if lot_index is not None:
                        line_lots.append({
                            "id": uid("sale-line-lot", i), "created_at": at, "updated_at": at,
                            "sale_line_id": line.id, "lot_id": uid("lot", lot_index), "quantity": qty,
                        })  # fmt: skip
                        moves.append({
                            "id": uid("move-out", i), "created_at": at, "updated_at": at, "location_id": location,
                            "product_id": prod.id, "lot_id": uid("lot", lot_index), "move_type": "out",
                            "quantity": -qty, "unit_cost": None, "occurred_at": at, "reference_type": "sale",
                            "reference_id": sale_id, "created_by_id": actor,
                        })  # fmt: skip
                lines.extend(line_objects)
                total_incl = subtotal + tax
                patient = Patient(
                    id=p.id, first_name=p.first_name, last_name=p.last_name, address_line1=p.address_line1,
                    city=p.city, postal_code=p.postal_code, country_code="FR", preferred_language=p.preferred_language,
                )  # fmt: skip
                sale = Sale(
                    id=sale_id, created_at=at - timedelta(minutes=5), updated_at=at, location_id=location,
                    sold_to_patient=patient, status="paid", sold_at=at, currency="EUR", subtotal_excl_tax=subtotal,
                    tax_total=tax, total_incl_tax=total_incl, created_by_id=actor, row_version=2,
                )  # fmt: skip
                sales.append(sale)
                sequences[country].next_number += 1
                number = sequences[country].next_number - 1
                invoice_number = f"{prefix}-{number:06d}"
                billing_fields = billing._billing_fields(sale, country)
                invoice_id = uid("invoice", i)
                invoices.append({"id": invoice_id, "created_at": at, "updated_at": at, "sale_id": sale_id,
                                 "invoice_number": invoice_number, "sequence_number": number, "issued_at": at,
                                 **billing_fields})  # fmt: skip
                method_code = ("card", "card", "card", "cash", "cash", "bank_transfer")[r.randrange(6)]
                method = methods[method_code]
                fee, fee_percent, rule = D("0.00"), None, None
                provider = None
                if method_code == "card":
                    provider = billing.card_provider_default()
                    day = timezone.localdate(at)
                    key = (country, day)
                    if key not in rule_cache:
                        rule_cache[key] = billing.card_fee_rule_in_force(
                            provider=provider, country_code=country, day=day
                        )
                    rule = rule_cache[key]
                    fee_percent = rule.fee_percent
                    fee = billing.quantize_money(
                        total_incl * rule.fee_percent / billing.HUNDRED + rule.fee_fixed_amount
                    )
                payment_id = uid("payment", i)
                payments.append({
                    "id": payment_id, "created_at": at, "updated_at": at, "sale_id": sale_id,
                    "payment_method_id": method.pk, "kind": "payment", "amount_gross": total_incl, "fee_amount": fee,
                    "fee_percent": fee_percent, "amount_net": total_incl - fee,
                    "amount_tendered": total_incl if method_code == "cash" else None, "change_given": D("0.00"),
                    "paid_at": at, "currency": "EUR", "provider": provider, "provider_reference": None,
                    "card_fee_rule_id": rule.pk if rule else None, "credit_note_id": None, "created_by_id": actor,
                })  # fmt: skip
                # The journal: the invoice, then its payment (as billing.sale_pay appends them).
                for event, entity_type, entity_id, amount, tax_total, data in (
                    (FiscalEventType.INVOICE_ISSUED, "commerce.invoice", invoice_id, total_incl, tax,
                     {"sale_id": str(sale_id), "subtotal_excl_tax": str(subtotal),
                      "vat": billing._vat_breakdown(line_objects), "buyer": billing_fields["billing_name"]}),
                    (FiscalEventType.PAYMENT_RECORDED, "commerce.payment", payment_id, total_incl, D("0.00"),
                     {"sale_id": str(sale_id), "method": method_code, "fee_amount": str(fee),
                      "amount_net": str(total_incl - fee)}),
                ):  # fmt: skip
                    sequence += 1
                    entry = FiscalJournalEntry(
                        id=uid(f"journal-{entity_type}", i), created_at=at, updated_at=at, sequence=sequence,
                        event_type=event, occurred_at=at, entity_type=entity_type, entity_id=entity_id,
                        document_number=invoice_number, amount_incl_tax=billing.quantize_money(amount),
                        tax_total=billing.quantize_money(tax_total), currency="EUR",
                        data=json.loads(canonical_json(data)), previous_hash=previous_hash,
                    )  # fmt: skip
                    entry.hash = entry_hash(entry)
                    previous_hash = entry.hash
                    entries.append(entry)
            copy_rows(Sale, (_as_row(s) for s in sales))
            copy_rows(SaleLine, (_as_row(line) for line in lines))
            copy_rows(SaleLineLot, line_lots)
            copy_rows(StockMove, moves)
            copy_rows(Payment, payments)
            copy_rows(Invoice, invoices)
            copy_rows(FiscalJournalEntry, (_as_row(e) for e in entries))
            for seq in sequences.values():
                seq.save(update_fields=["next_number", "updated_at"])
        ctx.out(f"    sales {end}/{total}")


def _as_row(obj: models.Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _stage_balances(ctx: Context) -> None:
    """Balances of the scale products = the sum of their moves (what ``stock_check`` verifies)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM commerce_stockbalance WHERE product_id IN (SELECT id FROM commerce_product WHERE sku LIKE %s)",
            [SKU_PREFIX + "%"],
        )
        cursor.execute(
            "INSERT INTO commerce_stockbalance (product_id, lot_id, location_id, quantity, updated_at) "
            "SELECT m.product_id, m.lot_id, m.location_id, SUM(m.quantity), now() FROM commerce_stockmove m "
            "JOIN commerce_product p ON p.id = m.product_id WHERE p.sku LIKE %s "
            "GROUP BY m.product_id, m.lot_id, m.location_id",
            [SKU_PREFIX + "%"],
        )
        ctx.out(f"    stock balances: {cursor.rowcount} rows")


def _stage_demo(ctx: Context) -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=_Discard())


class _Discard:
    def write(self, *_args, **_kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


STAGE_FUNCTIONS = {
    "base": _stage_base,
    "patients": _stage_patients,
    "encounters": _stage_encounters,
    "catalog": _stage_catalog,
    "stock": _stage_stock,
    "sales": _stage_sales,
    "balances": _stage_balances,
    "demo": _stage_demo,
}


def seed_scale(*, scale: float = 1.0, stages: Sequence[str] | None = None, out=print) -> dict[str, float]:
    """Run the stages (all by default, in order); returns each stage's duration in seconds."""
    ctx = Context(counts=scaled(scale), out=out, now=timezone.now())
    durations = {}
    for stage in STAGES:
        if stages and stage not in stages:
            continue
        started = time.monotonic()
        out(f"  {stage}...")
        STAGE_FUNCTIONS[stage](ctx)
        durations[stage] = round(time.monotonic() - started, 1)
        out(f"  {stage}: {durations[stage]} s")
    with connection.cursor() as cursor:
        # What autovacuum would do after such a load: planner statistics and the visibility map.
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return durations
