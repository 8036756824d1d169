"""The access matrix: for every route of the site, which roles may use it. One table, enforced.

Every URL the site answers is named here: the API operations (URL name + HTTP method), the
Wagtail admin screens (admin URL name, or ``namespace:*`` for every screen of one admin viewset)
and the public routes. A route that is not in the table is refused (fail closed), and
``erp/core/tests/test_access_matrix.py`` walks the URL configuration and the OpenAPI schema so a
route added without a row fails the suite.

Enforcement (``erp.core.api.permissions.RoleAccess`` for the API, ``AccessMatrixMiddleware`` for
every other view) comes on top of, not instead of, the model permissions and the querysets that
scope records to their owner (a distributor sees only its own orders, reception only consent
copies among the documents...): the table says who may use a route at all, the rest which records.

Who is who:
- a role is a group (``erp.core.roles``); a user with several roles gets the union;
- ``anonymous`` is a visitor who is not signed in; ``authenticated`` is any signed-in user,
  whatever their roles (a user with no role gets only the routes open to ``authenticated``);
- a superuser is treated as an ``admin`` (on top of their own roles).

Adding a route: write one line in the section of its app, e.g.
``route("audit-log-list", GET=ADMINS)`` for an API route, ``screen("audit_log:*", ADMINS)`` for a
Wagtail admin viewset, ``page("two-factor-verify", SIGNED_IN)`` for a plain Django view.
HEAD and OPTIONS follow GET. Methods that are not listed are refused.
"""

from collections.abc import Iterable

# --- Roles and the named sets of roles ----------------------------------------------------------

ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"
ADMIN = "admin"
PRACTITIONER = "practitioner"
RECEPTION = "reception"
MARKETING = "marketing"
ACCOUNTING = "accounting"
DISTRIBUTION_MANAGER = "distribution_manager"
DISTRIBUTOR = "distributor"
ROLES = (ADMIN, PRACTITIONER, RECEPTION, MARKETING, ACCOUNTING, DISTRIBUTION_MANAGER, DISTRIBUTOR)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


NOBODY = roles()
EVERYONE = roles(ANONYMOUS, AUTHENTICATED)
SIGNED_IN = roles(AUTHENTICATED)
ADMINS = roles(ADMIN)
# Everyone who works in the Wagtail admin (every role but the external distributors).
STAFF = roles(ADMIN, PRACTITIONER, RECEPTION, MARKETING, ACCOUNTING, DISTRIBUTION_MANAGER)
CLINIC_STAFF = roles(ADMIN, PRACTITIONER, RECEPTION, MARKETING, ACCOUNTING)
# Clinical records: practitioners; the front desk (reception) for identity, consents, agenda.
CLINICIANS = roles(ADMIN, PRACTITIONER)
FRONT_DESK = roles(ADMIN, PRACTITIONER, RECEPTION)
# Patients' names and billing addresses are read by accounting too (a reduced view).
PATIENT_READERS = roles(ADMIN, PRACTITIONER, RECEPTION, ACCOUNTING)
CLINIC_SETTINGS_READERS = roles(ADMIN, PRACTITIONER, RECEPTION, ACCOUNTING)
# Commerce: the front desk sells; accounting reads everything commercial and runs purchasing.
COMMERCE_READERS = roles(ADMIN, PRACTITIONER, RECEPTION, ACCOUNTING)
FINANCE = roles(ADMIN, ACCOUNTING)
CATALOG_READERS = roles(ADMIN, PRACTITIONER, RECEPTION, ACCOUNTING, DISTRIBUTION_MANAGER)
CATALOG_EDITORS = roles(ADMIN, ACCOUNTING)
PRICE_EDITORS = roles(ADMIN, ACCOUNTING, DISTRIBUTION_MANAGER)
# Website and social publishing.
MARKETERS = roles(ADMIN, MARKETING)
LEAD_HANDLERS = roles(ADMIN, MARKETING, RECEPTION)
# Distribution: the manager runs it; a distributor user works on its own distributor's orders.
DISTRIBUTION = roles(ADMIN, DISTRIBUTION_MANAGER)
DISTRIBUTION_ALL = roles(ADMIN, DISTRIBUTION_MANAGER, DISTRIBUTOR)
# The distributors' portal (/portal/): its screens are scoped to the user's own distributor.
PORTAL = roles(DISTRIBUTOR)
PORTAL_ONLY = roles(AUTHENTICATED, DISTRIBUTOR)  # a user whose only role is distributor

# --- How rows are written -----------------------------------------------------------------------

Row = dict[str, frozenset[str]]
ANY_METHOD = "*"


def route(name: str, **methods: frozenset[str]) -> dict[str, Row]:
    """One API route (its URL name) and the roles allowed for each HTTP method."""
    return {name: {method.upper(): allowed for method, allowed in methods.items() if allowed}}


def resource(
    basename: str,
    *,
    read: frozenset[str] = NOBODY,
    write: frozenset[str] = NOBODY,
    create: frozenset[str] | None = None,
    update: frozenset[str] | None = None,
    delete: frozenset[str] | None = None,
) -> dict[str, Row]:
    """The list and detail routes of a router-registered viewset (``<basename>-list/-detail``).

    ``write`` is the default of ``create``, ``update`` (PUT and PATCH) and ``delete``; an
    operation the viewset does not have is answered 403/405 whatever the table says.
    """
    create = write if create is None else create
    update = write if update is None else update
    delete = write if delete is None else delete
    return {
        **route(f"{basename}-list", GET=read, POST=create),
        **route(f"{basename}-detail", GET=read, PUT=update, PATCH=update, DELETE=delete),
    }


def screen(name: str, allowed: frozenset[str]) -> dict[str, Row]:
    """An admin screen (URL name), or every screen of an admin viewset (``namespace:*``)."""
    return {name: {ANY_METHOD: allowed}}


page = screen  # a plain Django view (public site, signed files...): any method, these roles


def table(*parts: dict[str, Row]) -> dict[str, Row]:
    merged: dict[str, Row] = {}
    for part in parts:
        for name, row in part.items():
            if name in merged:
                raise ValueError(f"Access matrix: {name!r} is listed twice.")
            merged[name] = row
    return merged


# --- The API (/api/v1/, the schema and its docs) -----------------------------------------------

API = table(
    # Core: sign-in, the signed-in user, users and roles, sites, settings, practitioners.
    route("api-root", GET=SIGNED_IN),
    route("schema", GET=EVERYONE),
    route("swagger-ui", GET=EVERYONE),
    route("auth-token", POST=EVERYONE),
    route("auth-confirm-email", POST=EVERYONE),
    route("auth-logout", POST=SIGNED_IN),
    route("auth-logout-all", POST=SIGNED_IN),
    route("me", GET=SIGNED_IN),
    route("me-send-confirmation", POST=SIGNED_IN),
    route("app-settings", GET=CLINIC_SETTINGS_READERS, PUT=ADMINS, PATCH=ADMINS),
    resource("user", read=ADMINS, write=ADMINS),
    route("user-send-confirmation", POST=ADMINS),
    resource("role", read=ADMINS),
    resource("location", read=CLINIC_STAFF, write=ADMINS),
    resource("practitioner", read=CLINIC_SETTINGS_READERS, write=ADMINS),
    route("diagnostics", GET=ADMINS),
    # Clinical records.
    resource("referral-source", read=FRONT_DESK, write=CLINICIANS),
    resource("patient", read=PATIENT_READERS, create=FRONT_DESK, update=FRONT_DESK, delete=CLINICIANS),
    route("patient-consents", GET=FRONT_DESK),
    route("patient-duplicates", GET=FRONT_DESK),
    route("patient-possible-duplicates", GET=FRONT_DESK),
    route("patient-merge", POST=FRONT_DESK),
    route("patient-not-a-duplicate", POST=FRONT_DESK),
    route("patient-export", GET=CLINICIANS),
    resource("guardian", read=FRONT_DESK, write=FRONT_DESK),
    resource("encounter", read=CLINICIANS, write=CLINICIANS),
    route("encounter-finalize", POST=CLINICIANS),
    route("encounter-cancel", POST=CLINICIANS),
    resource("encounter-document", read=CLINICIANS, write=CLINICIANS),
    resource("encounter-photo", read=CLINICIANS, write=CLINICIANS),
    resource("consent", read=FRONT_DESK),
    route("consent-grant", POST=FRONT_DESK),
    route("consent-revoke", POST=FRONT_DESK),
    # Reception reads and adds consent copies only (the queryset hides the other kinds).
    resource("document", read=FRONT_DESK, create=FRONT_DESK, update=NOBODY, delete=CLINICIANS),
    route("document-url", GET=FRONT_DESK),
    resource("clinical-photo", read=CLINICIANS, write=CLINICIANS),
    route("clinical-photo-url", GET=CLINICIANS),
    route("clinical-photo-compare", GET=CLINICIANS),
    # Agenda.
    resource("appointment", read=FRONT_DESK, write=FRONT_DESK),
    route("appointment-confirm", POST=FRONT_DESK),
    route("appointment-attend", POST=FRONT_DESK),
    route("appointment-cancel", POST=FRONT_DESK),
    route("appointment-no-show", POST=FRONT_DESK),
    route("appointment-no-show-rate", GET=FRONT_DESK),
    route("appointment-agenda", GET=FRONT_DESK),  # the scheduler's range: practitioners and appointments
    resource("patient-message", read=FRONT_DESK),
    resource("calendly-delivery", read=FRONT_DESK),
    route("calendly-delivery-replay", POST=roles(ADMIN, RECEPTION)),
    route("agenda-feed-mine", GET=FRONT_DESK),
    route("agenda-feed-rotate", POST=FRONT_DESK),
    # Calendly signs its calls; an agenda feed URL carries its own secret token.
    route("calendly-webhook", POST=EVERYONE),
    route("clinical-agenda-feed", GET=EVERYONE),
    # Moving in: imports of patients and appointments from the old software (issue 29).
    resource("import-job", read=roles(ADMIN, RECEPTION), create=roles(ADMIN, RECEPTION)),
    route("import-job-mapping", POST=roles(ADMIN, RECEPTION)),
    route("import-job-preview", GET=roles(ADMIN, RECEPTION)),
    route("import-job-dry-run", POST=roles(ADMIN, RECEPTION)),
    route("import-job-run", POST=roles(ADMIN, RECEPTION)),
    route("import-job-report", GET=roles(ADMIN, RECEPTION)),
    # Commerce I: catalog, purchasing, stock.
    resource("tax-rate", read=COMMERCE_READERS, write=CATALOG_EDITORS),
    resource("product-category", read=CATALOG_READERS, write=CATALOG_EDITORS),
    resource("product", read=CATALOG_READERS, create=CATALOG_EDITORS, update=PRICE_EDITORS, delete=CATALOG_EDITORS),
    resource("supplier", read=FINANCE, write=FINANCE),
    resource("purchase-order", read=FINANCE, write=FINANCE),
    route("purchase-order-order", POST=FINANCE),
    route("purchase-order-cancel", POST=FINANCE),
    route("purchase-order-receive", POST=FINANCE),
    resource("purchase-order-line", read=FINANCE, write=FINANCE),
    resource("goods-receipt", read=FINANCE),
    resource("lot", read=COMMERCE_READERS),
    route("lot-expired", GET=COMMERCE_READERS),
    route("lot-expiring", GET=COMMERCE_READERS),
    resource("stock-balance", read=COMMERCE_READERS),
    route("stock-balance-valuation", GET=FINANCE),
    resource("stock-move", read=COMMERCE_READERS),
    route("stock-move-adjust", POST=FINANCE),
    # Commerce II: sales, payments, invoices, the fiscal journal, reports.
    resource("sale", read=COMMERCE_READERS, write=FRONT_DESK),
    route("sale-lines", POST=FRONT_DESK),
    route("sale-scan", POST=FRONT_DESK),  # issue 26: the till's barcode field
    route("sale-pay", POST=FRONT_DESK),
    route("sale-cancel", POST=FRONT_DESK),
    route("sale-refund", POST=FINANCE),
    resource("sale-line", read=COMMERCE_READERS, create=NOBODY, update=FRONT_DESK, delete=FRONT_DESK),
    route("sale-line-lots", PUT=FRONT_DESK),
    resource("payment", read=COMMERCE_READERS),
    resource("payment-method", read=COMMERCE_READERS, write=ADMINS),
    resource("card-fee-rule", read=FINANCE, write=FINANCE),
    resource("invoice", read=COMMERCE_READERS),
    route("invoice-download", GET=COMMERCE_READERS),
    route("invoice-credit", POST=FINANCE),
    resource("credit-note", read=FINANCE),
    route("credit-note-download", GET=FINANCE),
    resource("fiscal-journal", read=FINANCE),
    route("fiscal-journal-verify", GET=ADMINS),
    resource("fiscal-closing", read=FINANCE),
    route("fiscal-closing-close", POST=FINANCE),
    route("fiscal-closing-close-due", POST=FINANCE),
    route("fiscal-closing-z-report", GET=FINANCE),
    route("recall-by-lot", GET=COMMERCE_READERS),
    route("recall-by-patient", GET=COMMERCE_READERS),
    route("sales-report-report", GET=FINANCE),
    route("accounting-fec", GET=FINANCE),
    # Social publishing.
    resource("social-account", read=MARKETERS, write=MARKETERS),
    resource("social-asset", read=MARKETERS, write=MARKETERS),
    route("social-asset-from-clinical-photo", POST=MARKETERS),
    resource("social-post", read=MARKETERS, write=MARKETERS),
    route("social-post-assets", PUT=MARKETERS),
    route("social-post-transition", POST=MARKETERS),
    route("social-post-pack", GET=MARKETERS),
    route("social-post-pack-zip", GET=MARKETERS),
    # Distribution: a distributor user reaches its own distributor's records only (querysets).
    resource("distribution-distributor", read=DISTRIBUTION_ALL, write=DISTRIBUTION),
    route("distribution-distributor-add-point-of-sale", POST=DISTRIBUTION),
    route("distribution-distributor-remove-point-of-sale", DELETE=DISTRIBUTION),
    resource("distribution-point-of-sale", read=DISTRIBUTION_ALL, write=DISTRIBUTION),
    resource("distribution-member", read=DISTRIBUTION, write=DISTRIBUTION),
    resource("distribution-product", read=DISTRIBUTION_ALL),
    route("distribution-product-by-external-id", GET=DISTRIBUTION_ALL),
    resource("distribution-order", read=DISTRIBUTION_ALL, create=DISTRIBUTION_ALL),
    route("distribution-order-add-line", POST=DISTRIBUTION_ALL),
    route("distribution-order-remove-line", DELETE=DISTRIBUTION_ALL),
    route("distribution-order-cancel", POST=DISTRIBUTION_ALL),
    route("distribution-order-confirm", POST=DISTRIBUTION),
    route("distribution-order-reject", POST=DISTRIBUTION),
    route("distribution-order-ship", POST=DISTRIBUTION_ALL),
    route("distribution-order-deliver", POST=DISTRIBUTION_ALL),
    route("distribution-order-reorder", POST=DISTRIBUTION_ALL),
    route("distribution-order-summary-pdf", GET=DISTRIBUTION_ALL),
    route("distribution-member-invite", POST=DISTRIBUTION),
    # Operations: the audit trail (read-only; the log is append-only).
    resource("audit-log", read=ADMINS),
)

# --- The Wagtail admin (/admin/) ----------------------------------------------------------------
# Inside a screen, Wagtail's permission policies (model permissions) still decide add/edit/delete.

ADMIN_SCREENS = table(
    # Signing in and out, the dashboard, one's own account, the admin's assets and helpers.
    screen("wagtailadmin_login", EVERYONE),
    screen("wagtailadmin_password_reset", EVERYONE),
    screen("wagtailadmin_password_reset_done", EVERYONE),
    screen("wagtailadmin_password_reset_confirm", EVERYONE),
    screen("wagtailadmin_password_reset_complete", EVERYONE),
    screen("wagtailadmin_logout", SIGNED_IN),
    screen("wagtailadmin_home", STAFF),
    screen("wagtailadmin_account", STAFF),
    screen("wagtailadmin_dismissibles", STAFF),
    # The icon sprite and the translations of the admin's scripts load on the sign-in page too.
    screen("wagtailadmin_sprite", EVERYONE),
    # The second factor: verifying a code, enrolling a device (admins are sent there first), and
    # turning an optional one off (the view refuses it to roles that require it).
    screen("core_otp:verify", STAFF),
    screen("core_otp:enrol", STAFF),
    screen("core_otp:remove", STAFF),
    # The audit trail screen and its CSV export.
    screen("audit_log:*", ADMINS),
    screen("wagtailadmin_javascript_catalog", EVERYONE),
    screen("wagtailadmin_tag_autocomplete", MARKETERS),
    screen("wagtailadmin_tag_model_autocomplete", MARKETERS),
    screen("wagtailadmin_block_preview", MARKETERS),
    screen("wagtailadmin_error_test", ADMINS),
    # Wagtail's catch-all and test 404 pages (unnamed routes).
    screen("wagtail.admin.views.home.default", STAFF),
    screen("django.views.generic.base.TemplateView", STAFF),
    # The website: pages, images, documents, snippets, forms, redirects, translations.
    screen("wagtailadmin_explore_root", MARKETERS),
    screen("wagtailadmin_explore", MARKETERS),
    screen("wagtailadmin_explore_results", MARKETERS),
    screen("wagtailadmin_choose_page", MARKETERS),
    screen("wagtailadmin_choose_page_child", MARKETERS),
    screen("wagtailadmin_choose_page_search", MARKETERS),
    screen("wagtailadmin_choose_page_chosen_multiple", MARKETERS),
    screen("wagtailadmin_choose_page_external_link", MARKETERS),
    screen("wagtailadmin_choose_page_email_link", MARKETERS),
    screen("wagtailadmin_choose_page_phone_link", MARKETERS),
    screen("wagtailadmin_choose_page_anchor_link", MARKETERS),
    screen("wagtailadmin_pages:*", MARKETERS),
    screen("wagtailadmin_api:*", MARKETERS),
    screen("wagtailadmin_editing_sessions:*", MARKETERS),
    screen("wagtailadmin_workflows:*", MARKETERS),
    screen("wagtailadmin_reports:*", MARKETERS),
    screen("wagtailadmin_collections:*", MARKETERS),
    screen("wagtail_bulk_action", MARKETERS),
    screen("wagtailimages:*", MARKETERS),
    screen("wagtailimages_chooser:*", MARKETERS),
    screen("wagtaildocs:*", MARKETERS),
    screen("wagtaildocs_chooser:*", MARKETERS),
    screen("wagtailsnippets:*", MARKETERS),
    screen("wagtailsnippets_website_staffmember:*", MARKETERS),
    screen("wagtailsnippets_website_promotion:*", MARKETERS),
    screen("wagtailsnippetchoosers_website_staffmember:*", MARKETERS),
    screen("wagtailsnippetchoosers_website_promotion:*", MARKETERS),
    screen("wagtailforms:*", MARKETERS),
    screen("wagtailredirects:*", MARKETERS),
    screen("wagtailembeds:*", MARKETERS),
    screen("wagtailsettings:*", MARKETERS),
    screen("wagtail_localize:*", MARKETERS),
    screen("simple_translation:*", MARKETERS),
    screen("website_translation_status", MARKETERS),
    screen("leads:*", LEAD_HANDLERS),
    # Wagtail's users, groups, sites and locales: administrators only.
    screen("wagtailusers_users:*", ADMINS),
    screen("wagtailusers_groups:*", ADMINS),
    screen("wagtailsites:*", ADMINS),
    screen("wagtaillocales:*", ADMINS),
    # Core: clinic sites, practitioners, settings.
    screen("cliniclocation:*", CLINIC_STAFF),
    screen("practitioner:*", CLINIC_SETTINGS_READERS),
    screen("appsettings:*", CLINIC_SETTINGS_READERS),
    # Clinical records and the agenda.
    screen("clinical_patient:*", PATIENT_READERS),
    screen("clinical_patient:file", FRONT_DESK),
    screen("clinical_patient:compare", CLINICIANS),
    screen("clinical_patient:upload_photo", CLINICIANS),
    screen("clinical_patient:upload_document", FRONT_DESK),
    screen("clinical_patient:consent", FRONT_DESK),
    screen("clinical_patient:guardian", FRONT_DESK),
    screen("clinical_patient:merge", FRONT_DESK),
    screen("clinical_patient:not_a_duplicate", FRONT_DESK),
    screen("clinical_patient:export", CLINICIANS),
    screen("clinical_patient_chooser:*", FRONT_DESK),
    screen("clinical_guardian:*", FRONT_DESK),
    screen("clinical_encounter:*", CLINICIANS),
    screen("clinical_referralsource:*", FRONT_DESK),
    screen("clinical_appointment:*", FRONT_DESK),
    screen("clinical_calendlydelivery:*", FRONT_DESK),
    screen("clinical_agenda:*", FRONT_DESK),
    screen("clinical_import:*", roles(ADMIN, RECEPTION)),
    screen("messaging_message:*", FRONT_DESK),
    screen("messaging_remindersettings:*", CLINIC_SETTINGS_READERS),
    # Commerce.
    screen("commerce_taxrate:*", COMMERCE_READERS),
    screen("commerce_productcategory:*", CATALOG_READERS),
    screen("commerce_product:*", CATALOG_READERS),
    screen("commerce_supplier:*", FINANCE),
    screen("commerce_purchaseorder:*", FINANCE),
    screen("commerce_inventorylot:*", COMMERCE_READERS),
    screen("commerce_stockbalance:*", COMMERCE_READERS),
    screen("commerce_stockmove:*", COMMERCE_READERS),
    screen("commerce_stock_adjust:*", FINANCE),
    screen("commerce_stock_valuation:*", FINANCE),
    screen("commerce_expiring_lots:*", COMMERCE_READERS),
    screen("commerce_sale:*", COMMERCE_READERS),
    screen("commerce_new_sale:*", FRONT_DESK),
    screen("commerce_payment:*", COMMERCE_READERS),
    screen("commerce_paymentmethod:*", COMMERCE_READERS),
    screen("commerce_cardfeerule:*", FINANCE),
    screen("commerce_invoice:*", COMMERCE_READERS),
    screen("commerce_invoice:credit", FINANCE),
    screen("commerce_creditnote:*", FINANCE),
    screen("commerce_fiscaljournalentry:*", FINANCE),
    screen("commerce_fiscalclosing:*", FINANCE),
    screen("commerce_fiscal_check:*", ADMINS),
    screen("commerce_sales_reports:*", FINANCE),
    screen("commerce_fec_export:*", FINANCE),
    # Social publishing.
    screen("social_account:*", MARKETERS),
    screen("social_asset:*", MARKETERS),
    screen("social_post:*", MARKETERS),
    screen("social_takedown:*", MARKETERS),
    # Distribution.
    screen("distribution_distributor:*", DISTRIBUTION),
    screen("distribution_pointofsale:*", DISTRIBUTION),
    screen("distribution_distributormember:*", DISTRIBUTION),
    screen("distribution_order:*", DISTRIBUTION),
    screen("distribution_queue:*", DISTRIBUTION),
)

# --- Everything else: the public site, operations, signed links -------------------------------

PAGES = table(
    page("healthz", EVERYONE),
    # A signed file link and an e-mail confirmation link carry their own short-lived secret.
    page("signed-file", EVERYONE),
    page("confirm-email", EVERYONE),
    page("appointment-reply", EVERYONE),  # signed, expiring, one-use link of a patient message
    # The public website: pages, lead forms, sitemap, robots, marketing documents and media.
    page("wagtail_serve", EVERYONE),
    page("website_lead", EVERYONE),
    page("website_sitemap", EVERYONE),
    page("website_robots", EVERYONE),
    page("wagtailcore_login", EVERYONE),
    page("wagtailcore_authenticate_with_password", EVERYONE),
    page("wagtaildocs_serve", EVERYONE),
    page("wagtaildocs_authenticate_with_password", EVERYONE),
    page("marketing-media", EVERYONE),  # /media/marketing/ when the buckets are local folders
    # The distributors' portal: sign-in, the invitation link (its own signed token), the language.
    page("distribution_portal:login", EVERYONE),
    page("distribution_portal:logout", SIGNED_IN),
    page("distribution_portal:welcome", EVERYONE),
    page("distribution_portal:language", EVERYONE),
    page("distribution_portal:*", PORTAL),
)

MATRIX: dict[str, Row] = table(API, ADMIN_SCREENS, PAGES)


# --- Reading the table --------------------------------------------------------------------------


def lookup(view_name: str | None) -> Row | None:
    """The row of a route: its exact name, else its admin namespace's ``namespace:*`` row."""
    if not view_name:
        return None
    if view_name in MATRIX:
        return MATRIX[view_name]
    namespace = view_name.rpartition(":")[0]
    while namespace:  # "a:b:name" -> "a:b:*", then "a:*"
        if f"{namespace}:*" in MATRIX:
            return MATRIX[f"{namespace}:*"]
        namespace = namespace.rpartition(":")[0]
    return None


def allowed_roles(view_name: str | None, method: str) -> frozenset[str]:
    """The roles that may call ``method`` on the route; empty when the route or method is not listed."""
    row = lookup(view_name)
    if row is None:
        return NOBODY
    method = method.upper()
    if method in ("HEAD", "OPTIONS") and method not in row:
        method = "GET"
    return row.get(method) or row.get(ANY_METHOD) or NOBODY


def user_roles(user) -> frozenset[str]:
    """A user's roles as the table names them (superusers are admins; several roles: the union)."""
    if user is None or not user.is_authenticated:
        return roles(ANONYMOUS)
    names = {AUTHENTICATED, *getattr(user, "role_names", ())}
    if user.is_superuser:
        names.add(ADMIN)
    return frozenset(names)


def permits(user, view_name: str | None, method: str) -> bool:
    if user is not None and user.is_authenticated and not user.is_active:
        return False
    return bool(user_roles(user) & allowed_roles(view_name, method))


def routes_for(role: str) -> Iterable[tuple[str, str]]:
    """Every (route, method) a role may use (for reviews and the test summary)."""
    for name, row in sorted(MATRIX.items()):
        for method, allowed in row.items():
            if role in allowed:
                yield name, method
