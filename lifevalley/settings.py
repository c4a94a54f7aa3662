"""Settings for the Life Valley portal, read from environment variables.

Development defaults are safe for a laptop: SQLite under ``data/``, local-memory cache,
debug on. Production sets ``DJANGO_DEBUG=0``, ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and ``REDIS_URL``; see README.md.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lifevalley.timezones import PARK_TIME_ZONE

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR", BASE_DIR / "data"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "modeltranslation",  # before admin, so translated fields show in it
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "axes",
    "csp",
    # Versions of every content object (history, restore), see lifevalley/history.py.
    "reversion",
    "lifevalley",
    "lifevalley.review",
    "directory",
    "zones",
    "events",
    "shortlist",
    "event_sources",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
    "api",
    "opendata",
    "space",
    "enquiries",
    # The top layer, composing the apps above (home, search, sitemaps, page cache).
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "lifevalley.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer early: CORS headers on the API's every reply.
    "corsheaders.middleware.CorsMiddleware",
    # Outside session, CSRF and messages: it must see the cookies they set (page_cache.py).
    "lifevalley.page_cache.PageCacheMiddleware",
    "lifevalley.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "lifevalley.middleware.AdminLanguageMiddleware",  # the admin in the staff's language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lock-out raised during login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "lifevalley.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lifevalley.context_processors.park",
                "lifevalley.context_processors.languages",
            ],
        },
    },
]

# Database: SQLite in data/ unless DATABASE_URL names another (PostgreSQL in production).
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'lifevalley.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
def postgres_timeouts(statement_ms, lock_ms):
    """libpq ``options`` giving every session a statement and a lock timeout (0: none).

    A query cancelled by either raises OperationalError, which DatabaseUnavailableMiddleware
    answers with the quick 503 page, instead of a worker waiting until gunicorn kills it.
    """
    return f"-c statement_timeout={int(statement_ms)} -c lock_timeout={int(lock_ms)}"


DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT_MS", "5000"))
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DJANGO_DB_LOCK_TIMEOUT_MS", "2000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    # Fail fast with a 503 page instead of hanging when PostgreSQL is unreachable.
    options.setdefault("connect_timeout", int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "3")))
    timeouts = postgres_timeouts(DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS)
    # Options given in DATABASE_URL (?options=...) come after ours, so they win.
    options["options"] = f"{timeouts} {options['options']}" if options.get("options") else timeouts

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

def redis_cache(url, *, timeout):
    """The shared Redis cache: its errors are cache misses (lifevalley/cache.py), and a socket
    timeout of a fraction of a second keeps a hung Redis from stalling requests."""
    return {
        "BACKEND": "lifevalley.cache.FailSoftRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "lifevalley",
        "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT = float(os.environ.get("DJANGO_REDIS_TIMEOUT", "0.25"))
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL, timeout=REDIS_TIMEOUT)}
else:
    # Room for the feed's VEVENTs (cached one per event version and language).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# django-axes checks every login attempt first and refuses it while its client is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Whole pages for anonymous visitors (lifevalley/page_cache.py): stored under a content version
# that every write moves, never past the next scheduled change, at most this many seconds.
PAGE_CACHE_ENABLED = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: English at unprefixed URLs, Simplified Chinese under /zh-hans/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "lifevalley" / "locale"]
# Long dates per language (lifevalley/formats/), beside Django's own locale formats.
FORMAT_MODULE_PATH = ["lifevalley.formats"]
# Content: staff write each text in English and Chinese; a missing Chinese text falls back
# to English (django-modeltranslation keeps the English text in the original column too).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = PARK_TIME_ZONE
USE_I18N = True
USE_TZ = True

# Static files are served by WhiteNoise; media through the configured storage backend.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# A static file missing from the manifest is served unhashed instead of failing every page.
WHITENOISE_MANIFEST_STRICT = False
# Files browsers ask for at the site's root (/favicon.ico), served as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Uploads larger than this are refused before they reach the image checks.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security: strict by default in production, each switch overridable.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from the site itself, no inline script or
# style, no plugins, never framed. Media on object storage (an absolute DJANGO_MEDIA_URL) is
# the one other origin images may come from.
_MEDIA_ORIGIN = (
    "/".join(MEDIA_URL.split("/")[:3]) if MEDIA_URL.startswith(("https://", "http://")) else None
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF] + ([_MEDIA_ORIGIN] if _MEDIA_ORIGIN else []),
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy is sent by lifevalley.security.PermissionsPolicyMiddleware.

# Proxies in front of the site that append the client's address to X-Forwarded-For: 0 when
# Django is reached directly (REMOTE_ADDR is the client), 1 behind one nginx. The login
# lock-out keys on the address this gives (lifevalley.security.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))

# Login throttling (django-axes, database handler: shared by every app server). Ten wrong
# passwords for one username from one address lock that pair out for 15 minutes. Keying on the
# pair means an attacker cannot lock a known admin out from everywhere, and colleagues behind
# the same office address keep logging in; the cool-off caps guessing at 40 tries an hour per
# username and address. A correct login clears the count. To unlock early:
# manage.py axes_reset_username <name>, axes_reset_ip <address>, or Access attempts in the admin.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lifevalley.security.client_ip"
AXES_LOCKOUT_CALLABLE = "lifevalley.security.lockout_response"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", True)
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Operations (lifevalley/observability.py): JSON log lines with a request id, a line per
# request (WARNING when slower than DJANGO_SLOW_REQUEST_MS), Prometheus metrics at /metrics.
INSTALLED_APPS += ["django_prometheus"]
# django-prometheus's pair wraps everything but django-axes, which asks to stay last (so a
# lock-out is counted with its own status, 429).
_AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "lifevalley.observability.RequestLogMiddleware",
    *(name for name in MIDDLEWARE if name != _AXES_MIDDLEWARE),
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    *([_AXES_MIDDLEWARE] if _AXES_MIDDLEWARE in MIDDLEWARE else []),
]
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
SLOW_REQUEST_MS = float(os.environ.get("DJANGO_SLOW_REQUEST_MS", "1000"))
ACCESS_LOG = env_bool("DJANGO_ACCESS_LOG", True)
if not DEBUG:
    # Scraped over plain HTTP on the private address, like /healthz.
    SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lifevalley.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Our request line replaces Django's own 4xx/5xx warnings ("Not Found: /x"), which
        # would say the same thing twice; errors with tracebacks still come from it.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
        # runserver prints "Watching for file changes" itself; logged, it showed twice.
        "django.utils.autoreload": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # its start-up banner, once per process
    },
}

# The site's own address, used where a URL leaves the site (iCal, sitemaps, subscribe links).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Personal shortlists (shortlist/): at most this many events a list, this many new lists an hour
# from one address, and lists unused this many days are deleted by `manage.py expire_shortlists`.
SHORTLIST_MAX_EVENTS = int(os.environ.get("DJANGO_SHORTLIST_MAX_EVENTS", "100"))
SHORTLIST_CREATIONS_PER_HOUR = int(os.environ.get("DJANGO_SHORTLIST_CREATIONS_PER_HOUR", "10"))
SHORTLIST_EXPIRY_DAYS = int(os.environ.get("DJANGO_SHORTLIST_EXPIRY_DAYS", "180"))

# Event sources (event_sources/): limits on fetching an organisation's calendar. Private,
# loopback and link-local addresses are refused unless DJANGO_EVENT_SOURCES_ALLOW_PRIVATE=1.
EVENT_SOURCES_MAX_BYTES = int(os.environ.get("DJANGO_EVENT_SOURCES_MAX_BYTES", "2000000"))
EVENT_SOURCES_TIMEOUT_SECONDS = float(os.environ.get("DJANGO_EVENT_SOURCES_TIMEOUT_SECONDS", "10"))
EVENT_SOURCES_ALLOW_PRIVATE = env_bool("DJANGO_EVENT_SOURCES_ALLOW_PRIVATE", False)
# The public API (api/): read-only JSON, documented at /developers/ -----------------------------
API_PAGE_SIZE = int(os.environ.get("DJANGO_API_PAGE_SIZE", "50"))
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Anonymous and read-only: no session, so no CSRF and no personal data in replies.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "api.policies.SitePagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.policies.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": os.environ.get("DJANGO_API_RATE_LIMIT", "120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Life Valley open data API",
    "DESCRIPTION": "Read-only data of the ZGC Life Science Park: zones, development projects, "
    "organisations, events, sectors and event categories, in English and (under /zh-hans/) "
    "Simplified Chinese.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/(zh-hans/)?api/v1",
    "SERVERS": [{"url": SITE_URL}],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "ZoneStatus": "zones.models.Zone.Status",
        "ProjectStatus": "zones.models.Project.Status",
        "EventStatus": "events.models.Event.Status",
    },
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}
# Any site may read the API and the downloads from a browser; nothing else of the site.
CORS_URLS_REGEX = r"^/(zh-hans/)?(api|data)/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]

# Enquiries about space (enquiries/): notification email, limits, how long they are kept -----
# Django's email backend: SMTP when DJANGO_EMAIL_HOST is set, else printed to the console.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is told about a new enquiry; empty: the park profile's email.
ENQUIRY_NOTIFY_EMAILS = env_list("DJANGO_ENQUIRY_EMAILS", [])
ENQUIRY_RETENTION_DAYS = int(os.environ.get("DJANGO_ENQUIRY_RETENTION_DAYS", "365"))
ENQUIRY_RATE_LIMIT_PER_HOUR = int(os.environ.get("DJANGO_ENQUIRY_RATE_LIMIT", "5"))
ENQUIRY_MAX_BYTES = 16 * 1024  # a full form with a 3,000-character message in Chinese fits
