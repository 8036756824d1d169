"""The seller printed on invoices and credit notes: the clinic as its website shows it (name and
address from the website settings of the default Wagtail site, which marketing edits) and its legal
identifiers (SIREN, SIRET, intra-community VAT number) from the environment, set once per
deployment. With ``DEBUG`` off (``SELLER_IDENTITY_REQUIRED``) an incomplete seller refuses to
issue. Each document freezes the seller as it was issued (``BillingFields.seller``)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from erp.commerce.exceptions import SellerIdentityMissing
from erp.core.models import AppSettings

FIELDS = ("name", "address_line1", "postal_code", "city", "country_code", "siren", "siret", "vat_number")


def _labels() -> dict[str, str]:
    return {
        "name": _("the clinic's name"),
        "address_line1": _("its address"),
        "postal_code": _("its postal code"),
        "city": _("its city"),
        "siren": "SIREN (SELLER_SIREN)",
        "siret": "SIRET (SELLER_SIRET)",
        "vat_number": _("the VAT number (SELLER_VAT_NUMBER)"),
    }


def seller_info(*, default_country: str | None = None) -> dict[str, str]:
    """The seller now: the website's contact details and the legal identifiers ('' when unset).
    The country, when the website names none: ``default_country``, else the clinic's default."""
    from cms.website.models import WebsiteSettings

    website = WebsiteSettings.objects.filter(site__is_default_site=True).first()  # one query
    country = getattr(website, "country_code", None) or default_country
    country = (country or AppSettings.load().default_country_code or "FR").upper()
    return {
        "name": (getattr(website, "clinic_name", "") or "").strip(),
        "address_line1": (getattr(website, "address_line1", "") or "").strip(),
        "postal_code": (getattr(website, "postal_code", "") or "").strip(),
        "city": (getattr(website, "city", "") or "").strip(),
        "country_code": country,
        "siren": str(getattr(settings, "SELLER_SIREN", "") or "").strip(),
        "siret": str(getattr(settings, "SELLER_SIRET", "") or "").strip(),
        "vat_number": str(getattr(settings, "SELLER_VAT_NUMBER", "") or "").strip(),
    }


def seller_missing(info: dict[str, str]) -> list[str]:
    """What an invoice needs and ``info`` lacks, as staff would name it."""
    labels = _labels()
    return [labels[key] for key in labels if not info.get(key)]


def seller_for_issuing(*, country: str | None = None) -> dict[str, str]:
    """The seller to freeze on a document about to be issued. In production (``DEBUG`` off) a
    missing identifier or address refuses the issue (a French invoice must carry them); development
    issues documents without them. ``country`` is the issuing location's, the fallback of the
    seller's."""
    info = seller_info(default_country=country)
    missing = seller_missing(info)
    if missing and settings.SELLER_IDENTITY_REQUIRED:
        raise SellerIdentityMissing(
            _(
                "Invoices cannot be issued until the seller is complete: %(missing)s. Set the address in the "
                "website settings and the legal identifiers in the server's environment."
            )
            % {"missing": ", ".join(missing)},
            extra={"missing": [key for key in _labels() if not info.get(key)]},
        )
    return info
