"""What commerce grants to each role (merged into the role table by ``erp.core.roles``).

Commerce I: admin and accounting manage the catalog and purchasing and adjust stock; reception
and practitioners read the catalog and the stock. Commerce II: reception and practitioners
create and pay sales; accounting reads everything commercial, manages card fee rules and issues
refunds. Verifying the fiscal journal is for admins only (admin gets every permission). Marketing
has nothing here.
"""

_READ_CATALOG = ["commerce.view_taxrate", "commerce.view_productcategory", "commerce.view_product"]
_READ_STOCK = ["commerce.view_inventorylot", "commerce.view_stockbalance", "commerce.view_stockmove"]


def _manage(*models: str) -> list[str]:
    return [f"commerce.{verb}_{model}" for model in models for verb in ("view", "add", "change", "delete")]


def _view(*models: str) -> list[str]:
    return [f"commerce.view_{model}" for model in models]


_FRONT_DESK_SALES = [
    *_view("sale", "saleline", "salelinelot", "payment", "paymentmethod", "invoice"),
    "commerce.add_sale",
    "commerce.change_sale",
    "commerce.delete_sale",
    "commerce.change_saleline",
    "commerce.delete_saleline",
    "commerce.pay_sale",
    "commerce.cancel_sale",
    "commerce.download_invoice",
]

PERMISSIONS = {
    "accounting": [
        *_manage("taxrate", "productcategory", "product", "supplier", "purchaseorder", "purchaseorderline"),
        "commerce.view_goodsreceipt",
        "commerce.add_goodsreceipt",
        "commerce.view_goodsreceiptline",
        *_READ_STOCK,
        "commerce.adjust_stock",
        *_view(
            "sale",
            "saleline",
            "salelinelot",
            "payment",
            "paymentmethod",
            "invoice",
            "creditnote",
            "documentsequence",
            "fiscaljournalentry",
            "fiscalclosing",
        ),
        *_manage("cardfeerule"),
        "commerce.download_invoice",
        "commerce.refund_sale",
        "commerce.view_sales_reports",
        # "Close yesterday" when the nightly closing did not run.
        "commerce.close_fiscal_period",
    ],
    "reception": [*_READ_CATALOG, *_READ_STOCK, *_FRONT_DESK_SALES],
    "practitioner": [*_READ_CATALOG, *_READ_STOCK, *_FRONT_DESK_SALES],
}
