"""Demo data of the distribution orders: two distributors, four points of sale, orders in each status,
a manager and a distributor user. Idempotent: the demo orders are made once, when none exist."""

from decimal import Decimal

from django.contrib.auth.models import Group

from erp.commerce.models import Product, ProductCategory, TaxRate
from erp.core.models import User
from erp.distribution import services
from erp.distribution.models import Distributor, DistributorMember, Order, PointOfSale, PointOfSaleDistributor
from erp.distribution.values import Quantity

# Development-only credentials, printed by seed_demo; never used outside a demo database.
DEMO_PASSWORD = "demo-{role}-2026"
DEMO_USERS = {
    "distribution_manager": ("distribution@clinic.test", "Inès", "Garnier"),
    "distributor": ("distributor@clinic.test", "Marc", "Lefèvre"),
}

# external id, name, price (EUR)
PRODUCTS = [
    ("DIST-SPF50-50ML", "Crème solaire SPF 50+ (carton de 12)", "180.00"),
    ("DIST-CICA-40ML", "Baume réparateur cica (carton de 24)", "210.00"),
    ("DIST-SERUM-VC", "Sérum vitamine C (carton de 6)", "150.00"),
]

DISTRIBUTORS = {
    "Pharma Distribution Île-de-France": {
        "phone_number": "+33 1 44 00 10 10", "address_street": "8 rue du Commerce", "address_city": "Paris",
        "address_postal_code": "75015", "contact_email": "commandes@pdidf.example",
        "contact_phone": "+33 1 44 00 10 11",
    },
    "Rhône Santé Logistique": {
        "phone_number": "+33 4 72 00 20 20", "address_street": "25 quai Perrache", "address_city": "Lyon",
        "address_postal_code": "69002", "contact_email": "contact@rsl.example", "contact_phone": "+33 4 72 00 20 21",
    },
}

IDF = "Pharma Distribution Île-de-France"
RSL = "Rhône Santé Logistique"

# name, address, distributors serving it
POINTS_OF_SALE = [
    ("Pharmacie Saint-Germain", ("40 boulevard Saint-Germain", "Paris", "75005"), [IDF]),
    ("Parapharmacie Montparnasse", ("3 rue de l'Arrivée", "Paris", "75015"), [IDF]),
    ("Pharmacie Bellecour", ("2 place Bellecour", "Lyon", "69002"),
     [RSL, IDF]),
    ("Pharmacie de la Croix-Rousse", ("10 boulevard de la Croix-Rousse", "Lyon", "69004"), [RSL]),
]

# One order per status: (distributor, point of sale, lines, moves to apply after creation)
ORDERS = [
    (IDF, "Pharmacie Saint-Germain", [("DIST-SPF50-50ML", 2)], []),
    (IDF, "Parapharmacie Montparnasse", [("DIST-CICA-40ML", 1)], ["confirm"]),
    (RSL, "Pharmacie Bellecour", [("DIST-SERUM-VC", 3)], ["reject"]),
    (RSL, "Pharmacie de la Croix-Rousse",
     [("DIST-SPF50-50ML", 1), ("DIST-SERUM-VC", 1)], ["confirm", "ship"]),
    (IDF, "Pharmacie Bellecour", [("DIST-CICA-40ML", 4)], ["confirm", "ship", "deliver"]),
    (RSL, "Pharmacie Bellecour", [("DIST-SPF50-50ML", 5)], ["confirm", "cancel"]),
]
MOVES = {
    "confirm": services.order_confirm,
    "reject": services.order_reject,
    "ship": services.order_ship,
    "deliver": services.order_deliver,
    "cancel": services.order_cancel,
}


def _products() -> dict[str, Product]:
    rate, _ = TaxRate.objects.get_or_create(
        country_code="FR", name="TVA normale", defaults={"rate_percent": Decimal("20.00"), "is_active": True}
    )
    category, _ = ProductCategory.objects.get_or_create(name="Dermocosmétique")
    products = {}
    for external_id, name, price in PRODUCTS:
        products[external_id], _ = Product.objects.get_or_create(
            external_product_id=external_id,
            defaults={
                "name": name, "category": category, "unit_price_excl_tax": Decimal(price), "currency": "EUR",
                "tax_rate": rate, "is_active": True, "for_distribution": True,
            },
        )
        if not products[external_id].for_distribution:  # a demo database seeded before the flag
            Product.objects.filter(pk=products[external_id].pk).update(for_distribution=True)
            products[external_id].for_distribution = True
    return products


def _user(role: str) -> User:
    email, first_name, last_name = DEMO_USERS[role]
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name)
    user.first_name, user.last_name, user.is_active, user.email_confirmed = first_name, last_name, True, True
    user.set_password(DEMO_PASSWORD.format(role=role))
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


def seed(out) -> None:
    products = _products()
    distributors = {
        name: Distributor.objects.update_or_create(name=name, defaults=data)[0] for name, data in DISTRIBUTORS.items()
    }
    points = {}
    for name, (street, city, postal_code), served_by in POINTS_OF_SALE:
        points[name], _ = PointOfSale.objects.update_or_create(
            name=name, defaults={"address_street": street, "address_city": city, "address_postal_code": postal_code}
        )
        for distributor_name in served_by:
            PointOfSaleDistributor.objects.get_or_create(
                point_of_sale=points[name], distributor=distributors[distributor_name]
            )

    manager = _user("distribution_manager")
    member = _user("distributor")
    DistributorMember.objects.update_or_create(
        user=member, defaults={"distributor": distributors[IDF]}
    )

    demo_distributors = list(distributors.values())
    if Order.objects.filter(distributor__in=demo_distributors).exists():
        out("  distribution: directory up to date; demo orders already present")
    else:
        for distributor_name, pos_name, lines, moves in ORDERS:
            order = services.order_create(
                distributor=distributors[distributor_name],
                point_of_sale=points[pos_name],
                lines=[(products[external_id], Quantity(count, "carton")) for external_id, count in lines],
                actor=manager,
            )
            for move in moves:
                order = MOVES[move](order=order, actor=manager)
        statuses = Order.objects.filter(distributor__in=demo_distributors).values_list("status", flat=True)
        out(f"  distribution: 2 distributors, 4 points of sale, orders {', '.join(sorted(statuses))}")
    for role, (email, _first, _last) in DEMO_USERS.items():
        out(f"  {role:<20} {email:<26} password: {DEMO_PASSWORD.format(role=role)}")
