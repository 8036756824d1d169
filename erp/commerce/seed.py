"""Demo data of commerce: French tax rates, catalog, a supplier and a received order (Commerce I);
payment methods, a SumUp card fee rule and a few paid sales with their invoices (Commerce II).
Idempotent."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cms.website.seed import seed_settings
from erp.commerce.inventory import services
from erp.commerce.models import (
    DEFAULT_VAT_EXEMPTION_MENTION,
    Product,
    ProductCategory,
    PurchaseOrder,
    Supplier,
    TaxRate,
)
from erp.core.models import ClinicLocation, User

D = Decimal
TAX_RATES = [
    ("TVA normale", D("20.00")),
    ("TVA intermédiaire", D("10.00")),
    ("TVA réduite", D("5.50")),
    ("Exonéré", D("0.00")),
]
CATEGORIES = ["Injectables", "Dermocosmétique", "Actes médicaux", "Soins esthétiques"]

# sku, name, category, type, price, tax rate, track_lots, track_expiry, vat_exempt
PRODUCTS = [
    ("INJ-HA-1ML", "Acide hyaluronique 1 ml", "Injectables", "product", "180.00", "20.00", True, True, False),
    ("INJ-BTX-50", "Toxine botulique 50 U", "Injectables", "product", "220.00", "20.00", True, True, False),
    ("COS-SPF50", "Crème solaire SPF 50+", "Dermocosmétique", "product", "19.90", "20.00", False, False, False),
    ("COS-CICA", "Baume réparateur cica", "Dermocosmétique", "product", "12.50", "20.00", False, False, False),
    ("COS-SERUM-VC", "Sérum vitamine C", "Dermocosmétique", "product", "34.00", "20.00", True, False, False),
    ("ACT-CONSULT", "Consultation dermatologique", "Actes médicaux", "service", "60.00", "0.00", False, False, True),
    ("ACT-CRYO", "Cryothérapie d'une lésion", "Actes médicaux", "service", "45.00", "0.00", False, False, True),
    ("EST-PEEL", "Peeling esthétique", "Soins esthétiques", "service", "120.00", "20.00", False, False, False),
]

DEMO_ORDER_REFERENCE = "DEMO-PO-0001"


def seed(out) -> None:
    _seed_catalog_and_purchasing(out)
    _seed_sales(out)


def _seed_catalog_and_purchasing(out) -> None:
    rates = {}
    for name, rate in TAX_RATES:
        rates[rate], _ = TaxRate.objects.update_or_create(
            country_code="FR", name=name, defaults={"rate_percent": rate, "is_active": True}
        )
    categories = {name: ProductCategory.objects.get_or_create(name=name)[0] for name in CATEGORIES}
    products = {}
    for sku, name, category, type_, price, rate, lots, expiry, exempt in PRODUCTS:
        products[sku], _ = Product.objects.update_or_create(
            sku=sku,
            defaults={
                "name": name,
                "category": categories[category],
                "type": type_,
                "unit_price_excl_tax": D(price),
                "tax_rate": rates[D(rate)],
                "track_lots": lots,
                "track_expiry": expiry,
                "vat_exempt": exempt,
                "vat_exemption_mention": DEFAULT_VAT_EXEMPTION_MENTION,
                "is_active": True,
            },
        )
    supplier, _ = Supplier.objects.update_or_create(
        name="Dermapharm Distribution",
        defaults={
            "legal_name": "Dermapharm Distribution SAS",
            "vat_number": "FR40123456789",
            "email": "commandes@dermapharm.example",
            "city": "Lyon",
            "postal_code": "69007",
            "country_code": "FR",
        },
    )
    if PurchaseOrder.objects.filter(reference=DEMO_ORDER_REFERENCE).exists():
        out("  commerce: catalog up to date; demo purchase order already received")
        return

    actor = User.objects.filter(email="accounting@clinic.test").first()
    location = ClinicLocation.objects.filter(name="Paris Saint-Germain").first()
    order = services.purchase_order_create(
        supplier=supplier, location=location, reference=DEMO_ORDER_REFERENCE, actor=actor
    )
    ordered = [("INJ-HA-1ML", "10", "95.00"), ("INJ-BTX-50", "6", "120.00"), ("COS-SPF50", "24", "8.40"),
               ("COS-CICA", "24", "5.10"), ("COS-SERUM-VC", "12", "14.00")]  # fmt: skip
    lines = {
        sku: services.purchase_order_line_add(
            purchase_order=order, product=products[sku], quantity_ordered=D(qty), unit_cost=D(cost), actor=actor
        )
        for sku, qty, cost in ordered
    }
    services.purchase_order_order(purchase_order=order, actor=actor)
    today = timezone.localdate()
    lots = {
        "INJ-HA-1ML": ("HA24-0412", today + timedelta(days=420)),
        "INJ-BTX-50": ("BTX-7781", today + timedelta(days=45)),
        "COS-SERUM-VC": ("VC-2201", None),
    }
    services.goods_receipt_receive(
        purchase_order=order,
        lines=[
            services.ReceiptLineInput(
                line,
                line.quantity_ordered,
                lot_code=lots.get(sku, (None, None))[0],
                expires_at=lots.get(sku, (None, None))[1],
            )
            for sku, line in lines.items()
        ],
        notes="Livraison de démonstration",
        actor=actor,
    )
    out(f"  commerce: catalog, supplier and received purchase order {DEMO_ORDER_REFERENCE}")


DEMO_SALE_PREFIX = "Démo — "
# buyer, [(sku, quantity)], [(method, amount)]
DEMO_SALES = [
    ("Արամ Պետրոսյան", [("ACT-CONSULT", "1"), ("COS-SPF50", "1")], [("card", "83.88")]),
    ("Анна Иванова", [("INJ-HA-1ML", "1"), ("COS-CICA", "2")], [("card", "200.00"), ("cash", "50.00")]),
    ("Marie Dubois", [("EST-PEEL", "1")], [("bank_transfer", "144.00")]),
]


def _seed_sales(out) -> None:
    from datetime import date

    from erp.commerce.models import CardFeeRule, PaymentMethod, PaymentMethodCode, Sale
    from erp.commerce.sales import services as billing

    for code, label in PaymentMethodCode.choices:
        PaymentMethod.objects.get_or_create(code=code, defaults={"name": str(label), "is_active": True})
    CardFeeRule.objects.get_or_create(
        provider="SumUp",
        country_code="FR",
        effective_from=date(2024, 1, 1),
        defaults={"fee_percent": D("1.75"), "fee_fixed_amount": D("0.00"), "currency": "EUR", "is_active": True},
    )
    if Sale.all_objects.filter(sold_to_name__startswith=DEMO_SALE_PREFIX).exists():
        out("  commerce: payment methods, card fee rule and demo sales already there")
        return
    seed_settings()  # the seller's name and address, which every invoice carries
    actor = User.objects.filter(email="reception@clinic.test").first()
    location = ClinicLocation.objects.filter(name="Paris Saint-Germain").first()
    products = {p.sku: p for p in Product.objects.filter(sku__isnull=False)}
    numbers = []
    for buyer, lines, payments in DEMO_SALES:
        sale = billing.sale_create(location=location, sold_to_name=DEMO_SALE_PREFIX + buyer, actor=actor)
        for sku, quantity in lines:
            billing.sale_line_add(sale=sale, product=products[sku], quantity=D(quantity), actor=actor)
        invoice = billing.sale_pay(
            sale=sale,
            payments=[billing.PaymentInput(method, D(amount)) for method, amount in payments],
            actor=actor,
        )
        numbers.append(invoice.invoice_number)
    out(f"  commerce: payment methods, SumUp card fee rule, paid demo sales {', '.join(numbers)}")
