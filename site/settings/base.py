"""Settings of the clinic platform, read from the environment.

Development needs no variable at all: an embedded PostgreSQL under ``var/pgdata``, local folders
for the three buckets, an SQLite-backed task queue and a secret key made once and kept in
``var/``. With ``DEBUG=0`` the settings harden themselves and refuse to start without a real
``SECRET_KEY`` and a ``DATABASE_URL``.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from django.utils.translation import gettext_lazy as _

from erp.core.s3config import s3_client_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key, made once and kept so sessions survive restarts.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps first so their templates override the libraries'.
    "erp.core",
    "erp.ops",
    "erp.clinical",
    "erp.commerce",
    "erp.social",
    "erp.distribution",
    "erp.messaging",
    "cms.website",
    "erp.workspace",  # the admin's home per role (its wagtailadmin/home.html overrides Wagtail's)
    # Wagtail and wagtail-localize
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # API
    "rest_framework",
    "knox",  # API tokens: one per client, hashed at rest, expiring (erp/core/api/authentication.py)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Tasks and storage
    "huey.contrib.djhuey",
    "storages",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "erp.core.middleware.NoStoreMiddleware",  # API responses and admin pages are never cached
    "erp.core.middleware.ApiErrorsMiddleware",  # every error under /api/ is JSON, DEBUG or not
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "erp.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "cms.website.middleware.PublicPageCacheMiddleware",  # whole pages for visitors not signed in
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "erp.core.middleware.AccessMatrixMiddleware",
    "erp.ops.audit.AuditRequestMiddleware",
    "erp.core.middleware.SettingsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "erp.core.middleware.DependencyErrorsMiddleware",
]

ROOT_URLCONF = "site.urls"
WSGI_APPLICATION = "site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------


def database_url() -> str:
    """``DATABASE_URL``: a PostgreSQL server, required when DEBUG is off; in development, without
    it, the embedded PostgreSQL under ``var/pgdata`` (``erp.core.embedded_postgres``)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        if not DEBUG:
            raise ImproperlyConfigured("DATABASE_URL must be set when DEBUG is off.")
        from erp.core.embedded_postgres import embedded_postgres_url

        url = embedded_postgres_url(VAR_DIR / "pgdata", "clinic")
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL: the clinic runs on PostgreSQL only.")
    return url


def prepared_statements(database: dict) -> dict:
    """Parameters bound by the server and a statement prepared once a connection has run it 5
    times (psycopg's ``prepare_threshold``): PostgreSQL then plans it once, not at every request
    (bench/profiling.md, ninth pass). A pooler that cannot keep prepared statements (PgBouncer in
    transaction mode before 1.21) needs DB_PREPARED_STATEMENTS=0, which keeps Django's default
    (client-side binding, nothing prepared)."""
    if env_bool("DB_PREPARED_STATEMENTS", True):
        database.setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
    return database


DATABASES = {
    "default": prepared_statements(
        dj_database_url.parse(
            database_url(),
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
}
# Seconds a statement waits for a row or advisory lock another transaction holds: set on every
# connection (PostgreSQL's lock_timeout), so no request, task or migration waits forever. A
# service's lock that times out answers 409 ``record_busy`` (erp.core.locking).
DATABASE_LOCK_TIMEOUT = float(os.environ.get("DATABASE_LOCK_TIMEOUT") or "5")
# What the planner counts for reading a page out of order: the database is on SSD or in memory,
# where that costs about a page read in order (PostgreSQL's default, 4, is for spinning disks).
# With 4 a patient search for a common name prefix reads the table in order instead of the name's
# GIN index (bench/profiling.md, thirteenth pass).
DATABASE_RANDOM_PAGE_COST = float(os.environ.get("DATABASE_RANDOM_PAGE_COST") or "1.1")
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    f"-c lock_timeout={round(DATABASE_LOCK_TIMEOUT * 1000)} -c random_page_cost={DATABASE_RANDOM_PAGE_COST}"
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# How long an e-mail confirmation link stays valid, in seconds.
EMAIL_CONFIRMATION_MAX_AGE = int(os.environ.get("EMAIL_CONFIRMATION_MAX_AGE", str(72 * 3600)))
# Patient messages (erp.messaging): how long the confirm/cancel link of a message stays valid
# (never past the appointment's start), and the SMS provider: "console" (the log) or "brevo".
APPOINTMENT_LINK_MAX_AGE = int(os.environ.get("APPOINTMENT_LINK_MAX_AGE") or str(30 * 24 * 3600))
SMS_BACKEND = os.environ.get("SMS_BACKEND") or "console"
SMS_SENDER = os.environ.get("SMS_SENDER") or "Clinique"
SMS_TIMEOUT = int(os.environ.get("SMS_TIMEOUT") or "10")
BREVO_API_KEY = os.environ.get("BREVO_API_KEY", "")
BREVO_API_URL = os.environ.get("BREVO_API_URL") or "https://api.brevo.com/v3"

# --- Languages, time, money ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("hy", _("Armenian")),
    ("es", _("Spanish")),
]
LANGUAGE_CODES = [code for code, _name in LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and time formats of the languages Django has none for (Armenian).
FORMAT_MODULE_PATH = ["cms.website.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
CURRENCY = "EUR"
DEFAULT_COUNTRY_CODE = "FR"

# --- Static files and the three buckets ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "cms" / "website" / "static_src"] if (
    BASE_DIR / "cms" / "website" / "static_src"
).is_dir() else []
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
BUCKET_NAMES = {
    "clinical": os.environ.get("S3_BUCKET_CLINICAL", "clinical"),
    "documents": os.environ.get("S3_BUCKET_DOCUMENTS", "documents"),
    "marketing": os.environ.get("S3_BUCKET_MARKETING", "marketing"),
}
# How long a signed URL for a private file stays valid, in seconds.
SIGNED_URL_TTL = int(os.environ.get("SIGNED_URL_TTL", "300"))


# How long a bucket may take before an upload is refused with a 503 (seconds, and tries in all).
S3_CONNECT_TIMEOUT = float(os.environ.get("S3_CONNECT_TIMEOUT", "3"))
S3_READ_TIMEOUT = float(os.environ.get("S3_READ_TIMEOUT", "15"))
S3_MAX_ATTEMPTS = int(os.environ.get("S3_MAX_ATTEMPTS", "2"))


def bucket_storages(
    endpoint_url: str,
    media_root: Path,
    *,
    connect_timeout: float | None = None,
    read_timeout: float | None = None,
    max_attempts: int | None = None,
) -> dict:
    """The three named storages: S3 buckets when an endpoint is set, local folders otherwise."""
    if endpoint_url:
        common = {
            "endpoint_url": endpoint_url,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "file_overwrite": False,
            "default_acl": None,
            "signature_version": "s3v4",
            "addressing_style": "path",
        }
        timeouts = {
            "connect_timeout": connect_timeout or S3_CONNECT_TIMEOUT,
            "read_timeout": read_timeout or S3_READ_TIMEOUT,
            "max_attempts": max_attempts or S3_MAX_ATTEMPTS,
        }
        private_common = {**common, "client_config": s3_client_config(**timeouts)}
        private = {"querystring_auth": True, "querystring_expire": SIGNED_URL_TTL}
        public_url = os.environ.get("S3_MARKETING_PUBLIC_URL", "")
        return {
            "clinical": {
                "BACKEND": "erp.core.storage.PrivateS3Storage",
                "OPTIONS": {**private_common, **private, "bucket_name": BUCKET_NAMES["clinical"]},
            },
            "documents": {
                "BACKEND": "erp.core.storage.PrivateS3Storage",
                "OPTIONS": {**private_common, **private, "bucket_name": BUCKET_NAMES["documents"]},
            },
            "marketing": {
                # Timeouts as plain numbers: Wagtail hands this storage's options to its file
                # deletion task as JSON (erp.core.storage.PublicS3Storage).
                "BACKEND": "erp.core.storage.PublicS3Storage",
                "OPTIONS": {
                    **common,
                    **timeouts,
                    "bucket_name": BUCKET_NAMES["marketing"],
                    "querystring_auth": False,
                    **({"custom_domain": public_url} if public_url else {}),
                },
            },
        }
    return {
        "clinical": {
            "BACKEND": "erp.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": media_root / "clinical"},
        },
        "documents": {
            "BACKEND": "erp.core.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": media_root / "documents"},
        },
        "marketing": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media_root / "marketing", "base_url": "/media/marketing/"},
        },
    }


STORAGES = {
    **bucket_storages(S3_ENDPOINT_URL, MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Wagtail images and documents are marketing media: they live in the public marketing bucket.
STORAGES["default"] = STORAGES["marketing"]

# --- Cache and tasks ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Per process. Room for every page of the site in six languages, its fragments and renditions
    # (Django's default of 300 entries would cull them on a site of ~60 pages).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 3000}}}
# The page cache: whole pages (cms.website.middleware) and {% wagtailpagecache %} fragments (in
# the "template_fragments" cache when it exists). WEBSITE_PAGE_CACHE=0 turns both off (every page
# rendered cold, the benchmarks' "page cache off" figures) while the framework's own caches (site
# root paths, settings) stay.
WEBSITE_PAGE_CACHE = env_bool("WEBSITE_PAGE_CACHE", True)
if not WEBSITE_PAGE_CACHE:
    CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}

HUEY = {
    "name": "clinic",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS (port 587) or implicit TLS (port 465): one or the other, never both.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them.")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or "10")  # seconds: a dead server never hangs a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "clinic@localhost"

# --- Invoicing (legal mentions of a French invoice) -------------------------------------------
# The seller's name and address are the website's (website settings of the default site); its
# legal identifiers are set per deployment. With DEBUG off a missing one refuses to issue invoices.
SELLER_SIREN = os.environ.get("SELLER_SIREN", "")
SELLER_SIRET = os.environ.get("SELLER_SIRET", "")
SELLER_VAT_NUMBER = os.environ.get("SELLER_VAT_NUMBER", "")
SELLER_IDENTITY_REQUIRED = not DEBUG
INVOICE_NUMBER_PREFIX = os.environ.get("INVOICE_NUMBER_PREFIX", "FA")
CREDIT_NOTE_NUMBER_PREFIX = os.environ.get("CREDIT_NOTE_NUMBER_PREFIX", "AV")
CARD_PAYMENT_PROVIDER = os.environ.get("CARD_PAYMENT_PROVIDER", "SumUp")

# --- Integrations -------------------------------------------------------------------------------
# Calendly's webhook signing key: deliveries whose signature does not match are refused (401).
CALENDLY_WEBHOOK_SIGNING_KEY = os.environ.get("CALENDLY_WEBHOOK_SIGNING_KEY", "")

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF takes the first class's WWW-Authenticate, so a refused call is a 401.
        "erp.core.api.authentication.TokenAuthentication",  # knox's, with the user's roles
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        # The access matrix (erp/core/access.py) first, then the model permissions.
        "erp.core.api.permissions.RoleAccess",
        "rest_framework.permissions.IsAuthenticated",
        "erp.core.api.permissions.ModelPermissions",
    ],
    # JSON only; the upload actions choose multipart themselves (their get_parsers).
    "DEFAULT_PARSER_CLASSES": ["erp.core.api.parsers.JSONParser"],  # bounded in size and depth
    "DEFAULT_PAGINATION_CLASS": "erp.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Only the filters and ordering fields each view lists: anything else is a 400 (erp/core/api/filters.py).
    "DEFAULT_FILTER_BACKENDS": [
        "erp.core.api.filters.StrictFilterBackend",
        "erp.core.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "erp.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "erp.core.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic platform API",
    "DESCRIPTION": "The ERP operations of the clinic: identity, locations, settings and the apps built on them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["erp.core.api.permissions.RoleAccess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["erp.core.api.schema.only_the_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "erp.core.api.schema.document_errors",
        "erp.core.api.schema.refuse_unknown_fields",
    ],
    # A sale's status is shown by the sale and by the sales list: one enum, named after it.
    "ENUM_NAME_OVERRIDES": {
        "SaleStatusEnum": "erp.commerce.models.sales.SaleStatus",
        "ImportKindEnum": "erp.clinical.models.imports.ImportKind",
        "ImportOutcomeEnum": "erp.clinical.models.imports.ImportOutcome",
        # The names these two had before the imports' enums of the same field names came.
        "KindEnum": "erp.clinical.models.DocumentKind",
        "OutcomeEnum": "erp.clinical.models.agenda.CalendlyOutcome",
        "MessageKindEnum": "erp.messaging.models.MessageKind",
        # Shown by the appointment and by the agenda's read (and Encounter.type): one enum each.
        "AppointmentStatusEnum": "erp.clinical.models.agenda.AppointmentStatus",
        "EncounterTypeEnum": "erp.clinical.models.EncounterType",
    },
}

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Clinique"


def _admin_base_url() -> str:
    """``WAGTAILADMIN_BASE_URL``: the links in the admin's e-mails (password reset, notifications) start with it.

    Required when DEBUG is off: a scheme and a host that ``ALLOWED_HOSTS`` accepts, HTTPS unless
    ``SECURE_SSL_REDIRECT=0``; never a guess from a request's Host header.
    """
    url = os.environ.get("WAGTAILADMIN_BASE_URL", "").strip().rstrip("/")
    if not url:
        if not DEBUG:
            raise ImproperlyConfigured("WAGTAILADMIN_BASE_URL must be set when DEBUG is off (e.g. https://clinic.example).")
        return "http://127.0.0.1:8000"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"WAGTAILADMIN_BASE_URL must be a scheme and a host (e.g. https://clinic.example), not {url!r}."
        )
    if not DEBUG:
        if parts.scheme != "https" and env_bool("SECURE_SSL_REDIRECT", True):
            raise ImproperlyConfigured("WAGTAILADMIN_BASE_URL must be an https:// URL when DEBUG is off.")
        if ALLOWED_HOSTS and not validate_host(parts.hostname, ALLOWED_HOSTS):
            raise ImproperlyConfigured(f"WAGTAILADMIN_BASE_URL's host {parts.hostname!r} is not in ALLOWED_HOSTS.")
    return url


WAGTAILADMIN_BASE_URL = _admin_base_url()
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# A translation goes live only when it is published in wagtail-localize's editor: submitting a page
# for translation creates drafts (wagtail-localize would otherwise publish them, in the source
# language, because the source is live), and no locale's tree is filled with aliases of another's.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False
WAGTAILIMAGES_IMAGE_MODEL = "website.MarketingImage"
WAGTAILDOCS_DOCUMENT_MODEL = "website.MarketingDocument"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]  # never "svg": it can carry scripts
# Wagtail reads the dimensions from the header and refuses a pixel flood before decoding it.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
# Marketing documents are price lists and brochures: PDF only, checked from the bytes too.
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.website.forms.MarketingDocumentForm"
# Marketing images need alt text (accessibility): the image form requires it.
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.website.forms.MarketingImageForm"
WAGTAILDOCS_SERVE_METHOD = "direct"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_PASSWORD_RESET_ENABLED = True

# --- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "huey": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}

# --- Security hardening (issue 10): one block, merged as a whole -------------------------------
# Production (DEBUG=0) turns on HSTS, secure cookies and the HTTPS redirect; the headers, the CSP,
# brute-force protection (django-axes), staff session limits and the second factor (django-otp)
# are on in every environment so that development and the tests run what production runs.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["axes", "csp", "django_otp", "django_otp.plugins.otp_totp"]
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE.insert(_after_security, "erp.core.security.CSPMiddleware")  # headers on every response
_after_auth = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_after_auth:_after_auth] = [
    "erp.core.security.SessionLimitsMiddleware",  # idle and absolute limits of a signed-in session
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified()
    "erp.core.otp.SecondFactorMiddleware",  # a confirmed device (or, for admins, enrolment) comes first
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: turns a lockout into its response
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]

# Headers on every response.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the admin's JavaScript reads it
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing is framed by another site; Wagtail's own preview opts back in to SAMEORIGIN per view.
X_FRAME_OPTIONS = "DENY"

# Sessions: stored with their user's id (so disabling an account ends them), 30 minutes idle and
# 12 hours in all; the last activity is written at most once a minute.
SESSION_ENGINE = "erp.core.sessions"
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT", str(12 * 3600)))
SESSION_ACTIVITY_WRITE_INTERVAL = 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
# API tokens (django-rest-knox) live like a staff session: each call moves the expiry to
# SESSION_IDLE_TIMEOUT ahead (written at most once a minute), never past SESSION_ABSOLUTE_TIMEOUT
# after the sign-in.
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=SESSION_IDLE_TIMEOUT),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": timedelta(seconds=SESSION_ABSOLUTE_TIMEOUT),
    "MIN_REFRESH_INTERVAL": SESSION_ACTIVITY_WRITE_INTERVAL,
}

# Brute force: 5 failures for one e-mail from one address lock both out for 15 minutes; the
# answer is the same whether the account exists or not. Second-factor codes count as failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are forgotten at a complete sign-in (password and, when owed, the code): see otp.py.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "erp.core.security.axes_username"
AXES_LOCKOUT_CALLABLE = "erp.core.security.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# On top of that lock, a soft delay per account (erp.core.security.AxesHandler): 10 failures of
# one e-mail from any addresses within the cool-off period make it wait 2 s before the next
# attempt, then 4, 8, 16, 32 and at most 60 s; an attempt too soon is answered 429 with
# Retry-After and is not counted. Nobody can lock a real user out for longer than a minute.
AXES_HANDLER = "erp.core.security.AxesHandler"
ACCOUNT_DELAY_AFTER = 10
ACCOUNT_DELAY_BASE = 2  # seconds
ACCOUNT_DELAY_MAX = 60  # seconds


def _trusted_proxies(value: str) -> int | tuple:
    """``TRUSTED_PROXIES``: empty, a number of proxies, or their addresses and networks (CIDR)."""
    value = value.strip()
    if not value:
        return ()
    if value.isdigit():
        return int(value)
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in value.split(",") if item.strip())
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error} (a number, or addresses and CIDR networks).") from error


# The client's address (erp.core.security.client_ip, for axes, the rate limits and the audit
# rows): REMOTE_ADDR unless TRUSTED_PROXIES names the reverse proxies in front of the app, whose
# X-Forwarded-For is then believed (a header from anyone else could be forged to dodge a limit).
TRUSTED_PROXIES = _trusted_proxies(os.environ.get("TRUSTED_PROXIES", ""))
AXES_CLIENT_IP_CALLABLE = "erp.core.security.client_ip"

# Rate limits (django-ratelimit, on the default cache: shared between processes when REDIS_URL
# is set). Website lead forms: 5 a minute from one address. Password-reset requests: 3 an hour
# for one e-mail, 10 an hour from one address. django_ratelimit is not an installed app: its only
# use there is a system check that refuses the per-process cache of a development machine.
LEAD_FORM_RATE = "5/m"
PASSWORD_RESET_RATE_PER_EMAIL = "3/h"
PASSWORD_RESET_RATE_PER_IP = "10/h"

# Second factor (TOTP): optional for staff, required for the roles below.
OTP_REQUIRED_ROLES = ["admin"]
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Content-Security-Policy (django-csp 4). The public site and the API docs need nothing inline but
# what carries the request's nonce. CSP_PATH_OVERRIDES replaces directives per path prefix, with the
# minimum each part needs.
_marketing_origin = os.environ.get("S3_MARKETING_PUBLIC_URL", "") or S3_ENDPOINT_URL
_media_sources = [_marketing_origin.rstrip("/")] if _marketing_origin.startswith("http") else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_media_sources],
        "media-src": [SELF, *_media_sources],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "frame-src": [SELF],
    },
}
CSP_PATH_OVERRIDES = {
    # Wagtail 8 writes inline <script> blocks with no nonce (InlinePanel, date/time widgets,
    # chooser modals) and sets inline styles; it previews pages in a same-origin frame and
    # shows image uploads from blob: URLs.
    "/admin/": {
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_media_sources],
        "frame-ancestors": [SELF],
    },
}

# The admin loads nothing from other sites: no Gravatar (staff e-mail hashes), no update check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

if not DEBUG:
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The container's health probe calls /healthz over plain HTTP from inside (docker/compose.yaml).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or str(60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# --- End of security hardening -------------------------------------------------------------------
