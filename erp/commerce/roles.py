"""What Commerce I grants to each role (merged into the role table by ``erp.core.roles``).

Admin and accounting manage the catalog and purchasing and adjust stock; reception and
practitioners read the catalog and the stock; marketing has nothing here.
"""

_READ_CATALOG = ["commerce.view_taxrate", "commerce.view_productcategory", "commerce.view_product"]
_READ_STOCK = ["commerce.view_inventorylot", "commerce.view_stockbalance", "commerce.view_stockmove"]


def _manage(*models: str) -> list[str]:
    return [f"commerce.{verb}_{model}" for model in models for verb in ("view", "add", "change", "delete")]


PERMISSIONS = {
    "accounting": [
        *_manage("taxrate", "productcategory", "product", "supplier", "purchaseorder", "purchaseorderline"),
        "commerce.view_goodsreceipt",
        "commerce.add_goodsreceipt",
        "commerce.view_goodsreceiptline",
        *_READ_STOCK,
        "commerce.adjust_stock",
    ],
    "reception": [*_READ_CATALOG, *_READ_STOCK],
    "practitioner": [*_READ_CATALOG, *_READ_STOCK],
}
