"""What each distribution role may do (merged into erp.core.roles; admin gets everything).

distribution_manager: everything here (distributors and points of sale, every order and every
operation, products, users). distributor: a user linked to one distributor (DistributorMember)
reads and writes that distributor's orders only, ships and delivers them, and reads its own
distributor and points of sale; the scoping is done by the querysets (erp.distribution.selectors).
"""

_ORDER_PERMS = [
    "distribution.read_orders",
    "distribution.write_orders",
    "distribution.confirm_orders",
    "distribution.deliver_orders",
]
_MODEL_PERMS = [
    f"distribution.{verb}_{model}"
    for model in ("distributor", "pointofsale", "pointofsaledistributor", "distributormember", "order", "orderline")
    for verb in ("view", "add", "change", "delete")
]

PERMISSIONS = {
    "distribution_manager": [
        "wagtailadmin.access_admin",
        *_ORDER_PERMS,
        *_MODEL_PERMS,
        "distribution.manage_distributors",
        "commerce.view_product",
        "commerce.change_product",
        "commerce.view_productcategory",
        "core.view_user",
    ],
    "distributor": [
        "distribution.read_orders",
        "distribution.write_orders",
        "distribution.deliver_orders",
        "commerce.view_product",
    ],
}
