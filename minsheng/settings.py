"""Settings, read only from the environment (12-factor).

One code path for development and production; they differ only by variables:
``DATABASE_URL`` (default: a SQLite file under ``var/``), ``SECRET_KEY`` (required unless
``DEBUG`` is on), ``DEBUG``, ``ALLOWED_HOSTS``, the HTTPS switches (``SECURE_*``),
``REDIS_URL`` (unset: tasks run inline), and the ``MINSHENG_*`` policy knobs below.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MINSHENG_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return default if raw is None or raw == "" else float(raw)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_rate(name: str, default: str) -> str:
    """A request rate as Django REST framework reads it: ``N/second|minute|hour|day``."""
    raw = os.environ.get(name, "").strip() or default
    count, _slash, period = raw.partition("/")
    if not (count.isdigit() and period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(f"{name} must be like 30/minute (or /second, /hour, /day)")
    return raw


def env_header(name: str) -> tuple[str, str] | None:
    """``"X-Forwarded-Proto: https"`` as Django's ``("HTTP_X_FORWARDED_PROTO", "https")``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, colon, value = (part.strip() for part in raw.partition(":"))
    if not (header and colon and value):
        raise ImproperlyConfigured(
            f'{name} must be "Header-Name: value", such as "X-Forwarded-Proto: https"; not {raw!r}'
        )
    return "HTTP_" + header.upper().replace("-", "_"), value


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, e.g. "
            "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "`make demo` and `make test` keep one in var/secret_key. "
            "Only with DEBUG=1 does a public development key stand in."
        )
    # Public, so never for production: `check --deploy` refuses every key that starts with
    # "minsheng-insecure-" (minsheng.core.checks).
    SECRET_KEY = "minsheng-insecure-development-key-change-me-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    # First: its changepassword command replaces django.contrib.auth's.
    "minsheng.accounts",
    # django.contrib.admin, with our site's login and password forms (minsheng.accounts.sites).
    "minsheng.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "minsheng.core",
    "minsheng.regions",
    "minsheng.catalog",
    "minsheng.notify",
    "minsheng.orders",
    "minsheng.voice",
    "minsheng.facilities",
    "minsheng.insights",
    "minsheng.open311",
    "minsheng.demo",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minsheng.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a locked-out login's answer into a 429 (minsheng.accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = os.environ.get("MINSHENG_URLCONF", "minsheng.urls")
WSGI_APPLICATION = "minsheng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "minsheng.accounts.context_processors.profile",
                "minsheng.orders.context_processors.navigation",
                "minsheng.notify.context_processors.unread",
                "minsheng.voice.context_processors.navigation",
                "minsheng.insights.context_processors.navigation",
                "minsheng.facilities.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'minsheng.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two transitions on one
    # order queue up instead of both reading the old state (SQLite has no row locks).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# axes' backend first (minsheng.accounts.backends): a locked-out attempt is refused before any
# password is hashed.
AUTHENTICATION_BACKENDS = [
    "minsheng.accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A resident's mobile number in place of the username (sign-in by phone).
    "minsheng.accounts.backends.MobilePasswordBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
# Each person lands on their own console (orders.policy.landing_url_name).
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
# Each language named in its own words on the switch ("English" stays English on a Chinese
# page): not marked for translation, and shown by minsheng_ui.language_choices.
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project-wide stylesheet and script (minsheng/ itself is not an app).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve straight from the apps' static folders: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# --- Uploaded files (order photos) -------------------------------------------------------------
# Local files under var/media by default; S3-compatible object storage (django-storages, the
# optional [s3] extra) with MINSHENG_MEDIA_STORAGE=s3 and the AWS_* variables of
# docs/deployment.md. No URL serves these files: photos are streamed by a view that asks
# orders.policy first (orders.views.photos), so MEDIA_URL is never routed.
MEDIA_ROOT = Path(os.environ.get("MINSHENG_MEDIA_ROOT", VAR_DIR / "media"))
MINSHENG_MEDIA_STORAGE = os.environ.get("MINSHENG_MEDIA_STORAGE", "local").strip().lower()
MEDIA_STORAGE: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MINSHENG_MEDIA_STORAGE == "s3":
    _bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not _bucket:
        raise ImproperlyConfigured("MINSHENG_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("MINSHENG_MEDIA_PREFIX", "minsheng"),
            # Private objects, whatever the bucket's default: readable only with credentials.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif MINSHENG_MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"MINSHENG_MEDIA_STORAGE must be local or s3, not {MINSHENG_MEDIA_STORAGE!r}"
    )

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("MINSHENG_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- HTTPS (production sets these; see docs/deployment.md) ------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# The header (and value) by which the reverse proxy says the client came over HTTPS; the proxy
# must set it on every request, overwriting what a client sent.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")

# --- Map base layer (issue 8; docs/deployment.md) ----------------------------------------------
# Maps draw the county's own boundaries with no base map. A tile server's URL template
# (Leaflet's, e.g. https://tiles.example.org/{z}/{x}/{y}.png; {s} for its a/b/c hosts) adds
# one, credited by the attribution; the Content-Security-Policy then allows that host's
# images, and only then.
MINSHENG_MAP_TILE_URL = os.environ.get("MINSHENG_MAP_TILE_URL", "").strip()
MINSHENG_MAP_TILE_ATTRIBUTION = os.environ.get("MINSHENG_MAP_TILE_ATTRIBUTION", "").strip()


def tile_image_sources(url: str) -> list[str]:
    """The CSP img-src entry for a tile URL template: its scheme and host (``{s}``, the
    subdomain placeholder, becomes a wildcard); nothing for no URL."""
    if not url:
        return []
    scheme, sep, rest = url.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    if not sep or scheme not in ("http", "https") or not host or "{" in host:
        raise ImproperlyConfigured(
            "MINSHENG_MAP_TILE_URL must be an http(s) URL template with a fixed host, "
            f"e.g. https://tiles.example.org/{{z}}/{{x}}/{{y}}.png (got {url!r})"
        )
    return [f"{scheme}://{host}"]


# Content-Security-Policy (django-csp): this site's own files only. No page has an inline
# script, style or event handler; the API docs page adds the hash of its one inline style
# (minsheng.api.docs). Inline data: images are Swagger UI's icons; a map's tile server, when
# set, is the one other image source.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_image_sources(MINSHENG_MAP_TILE_URL)],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Minsheng policy -------------------------------------------------------------------------
# --- a dispatcher's day (issue 8, dispatch) ---
# Likely duplicates (重复件): orders of the same place within this many hours of each other,
# of the same resident or contact phone and service, or with descriptions at least this
# similar (rapidfuzz's 0-100 ratio); the console refreshes its queue this often.
MINSHENG_DUPLICATE_WINDOW_HOURS = env_int("MINSHENG_DUPLICATE_WINDOW_HOURS", 72)
MINSHENG_DUPLICATE_TEXT_SIMILARITY = env_float("MINSHENG_DUPLICATE_TEXT_SIMILARITY", 85.0)
MINSHENG_QUEUE_REFRESH_SECONDS = env_int("MINSHENG_QUEUE_REFRESH_SECONDS", 30)
# --- end of a dispatcher's day ---
# A delivered order nobody rated is closed after this many days.
MINSHENG_AUTO_CLOSE_DAYS = int(os.environ.get("MINSHENG_AUTO_CLOSE_DAYS", "7"))
# 12345 practice: "basically satisfied" counts 0.9 of "satisfied".
MINSHENG_BASIC_SATISFIED_WEIGHT = env_float("MINSHENG_BASIC_SATISFIED_WEIGHT", 0.9)
# Composite = response·w_r + resolution·w_s + satisfaction·w_sat (a practitioner default).
MINSHENG_RATE_WEIGHTS = {
    "response": env_float("MINSHENG_WEIGHT_RESPONSE", 0.1),
    "resolution": env_float("MINSHENG_WEIGHT_RESOLUTION", 0.5),
    "satisfaction": env_float("MINSHENG_WEIGHT_SATISFACTION", 0.4),
}
# Planning dashboard (issue 11): the happiness index = 100 × (w_sat·A_sat + w_survey·A_survey)
# / (w_sat + w_survey), A = the attainment (capped at 1) of the satisfaction rate and of the
# survey score; a month without one of them is the other alone (docs/balance.md).
MINSHENG_HAPPINESS_WEIGHTS = {
    "satisfaction": env_float("MINSHENG_HAPPINESS_W_SATISFACTION", 0.6),
    "survey": env_float("MINSHENG_HAPPINESS_W_SURVEY", 0.4),
}
# Candidate ranking weights: past performance, nearness, spare capacity.
MINSHENG_DISPATCH_WEIGHTS = {
    "performance": env_float("MINSHENG_DISPATCH_W_PERFORMANCE", 0.5),
    "distance": env_float("MINSHENG_DISPATCH_W_DISTANCE", 0.3),
    "capacity": env_float("MINSHENG_DISPATCH_W_CAPACITY", 0.2),
}
# Beyond this distance a provider's nearness scores zero.
MINSHENG_DISPATCH_FAR_KM = env_float("MINSHENG_DISPATCH_FAR_KM", 40.0)
# --- the ranking (issue 8) ---
# A township or provider with fewer valid ratings than this in a month is listed as
# "sample too small", not ranked (docs/ranking.md).
MINSHENG_RANKING_MIN_SAMPLE = env_int("MINSHENG_RANKING_MIN_SAMPLE", 10)
# --- end of the ranking ---
# --- asking the people (issue 9) ---
# A suggestion is owed an official reply once this many people in its region support it
# within MINSHENG_SUGGESTION_SUPPORT_DAYS of its posting; the reply is due
# MINSHENG_SUGGESTION_REPLY_DAYS after the threshold is reached.
MINSHENG_SUGGESTION_THRESHOLD = env_int("MINSHENG_SUGGESTION_THRESHOLD", 20)
MINSHENG_SUGGESTION_SUPPORT_DAYS = env_int("MINSHENG_SUGGESTION_SUPPORT_DAYS", 90)
MINSHENG_SUGGESTION_REPLY_DAYS = env_int("MINSHENG_SUGGESTION_REPLY_DAYS", 15)
# A suggestion reported by this many different people is hidden until a moderator looks.
MINSHENG_SUGGESTION_FLAGS_TO_HIDE = env_int("MINSHENG_SUGGESTION_FLAGS_TO_HIDE", 3)
# --- end of asking the people ---

PROJECT_NAME = _("Minsheng")

# --- Celery -----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL) or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL) or None
# No broker configured: run tasks inline, in the caller's process (the embedded set-up).
CELERY_TASK_ALWAYS_EAGER = not (os.environ.get("CELERY_BROKER_URL") or REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "sweep-orders": {
        "task": "minsheng.orders.tasks.sweep_orders",
        "schedule": float(os.environ.get("MINSHENG_SWEEP_SECONDS", "60")),
        # A sweep that waited longer than its period is superseded by the next one.
        "options": {"expires": float(os.environ.get("MINSHENG_SWEEP_SECONDS", "60"))},
    },
}

# Reference data (regions, the menu) read on every order is kept per process this long.
MINSHENG_REFERENCE_CACHE_SECONDS = env_float("MINSHENG_REFERENCE_CACHE_SECONDS", 10.0)

# Shared cache: Redis when REDIS_URL is set (rate-limit counters must be shared by every
# worker process), else this process's memory (development, tests).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("CACHE_URL", REDIS_URL),
            "KEY_PREFIX": "minsheng",
        }
        if os.environ.get("CACHE_URL", REDIS_URL)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Login throttling (minsheng.accounts.lockout; docs/deployment.md) --------------------------
# django-axes counts failed logins in the database, on every way in (the login page, the
# admin's, the REST token endpoint, the current-password check of a password change). This
# many failures within the cool-off lock the account (from every address: stops guessing
# spread over many machines) and, separately, the client address (for every account: stops
# one machine trying many accounts). A lock ends a cool-off after the failure that set it:
# attempts while locked are refused without a write (cheap under a flood) and do not prolong
# it. A success does not clear the count (it would let anyone with an account unlock their
# address). An administrator lifts a lock in the admin (Access attempts) or with `minsheng
# axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("MINSHENG_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("MINSHENG_LOGIN_COOLOFF_MINUTES", 15.0))
if AXES_COOLOFF_TIME.total_seconds() <= 0:
    raise ImproperlyConfigured("MINSHENG_LOGIN_COOLOFF_MINUTES must be more than 0")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "minsheng.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "minsheng.core.network.client_address"
# Behind a reverse proxy: the header it sets to the client's address (e.g. X-Real-IP). Unset,
# the address is the TCP peer's (REMOTE_ADDR); a header the proxy does not overwrite would
# let a client choose its own address.
MINSHENG_CLIENT_IP_HEADER = os.environ.get("MINSHENG_CLIENT_IP_HEADER", "").strip()
# Requests to POST /api/v1/auth/token/ per client address and per account name, counted in
# the cache before the database is asked (DRF rates: N/second, N/minute, N/hour, N/day).
MINSHENG_LOGIN_ADDRESS_RATE = env_rate("MINSHENG_LOGIN_ADDRESS_RATE", "30/minute")
MINSHENG_LOGIN_ACCOUNT_RATE = env_rate("MINSHENG_LOGIN_ACCOUNT_RATE", "10/minute")

# --- REST API (/api/v1/) ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Minsheng API",
    "DESCRIPTION": "A county's public services on order: regions, the service menu, "
    "providers, orders and their lifecycle, ratings and callbacks.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No online validator badge: it would fetch from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set used by several fields (an order's and an event's statuses).
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "minsheng.orders.models.Status",
        "OrderActionEnum": "minsheng.orders.models.Action",
        "ChannelEnum": "minsheng.orders.models.Channel",
        # issue 9, suggestions
        "SuggestionStatusEnum": "minsheng.voice.models.SuggestionStatus",
        "SuggestionKindEnum": "minsheng.voice.models.SuggestionKind",
        # the monthly topic (issue 9, part "topics")
        "TopicStatusEnum": "minsheng.voice.models.TopicStatus",
        "TopicActionEnum": "minsheng.voice.models.TopicAction",
        "SurveyStatusEnum": "minsheng.voice.models.SurveyStatus",  # issue 9, surveys
        # issue 10, facilities (the register part)
        "FacilityKindEnum": "minsheng.facilities.models.Kind",
        "FacilityStatusEnum": "minsheng.facilities.models.Status",
    },
}

# --- Open311 GeoReport v2 (/open311/v2/) -----------------------------------------------------
# The jurisdiction this server answers for; requests naming another one get a 404.
MINSHENG_OPEN311_JURISDICTION = os.environ.get("MINSHENG_OPEN311_JURISDICTION", "minsheng.local")
MINSHENG_OPEN311_CONTACT = os.environ.get(
    "MINSHENG_OPEN311_CONTACT", "12345 county hotline / open311@minsheng.local"
)
# Requests per minute: per API key, and per client address for calls without a key.
MINSHENG_OPEN311_KEY_RATE = int(os.environ.get("MINSHENG_OPEN311_KEY_RATE", "120"))
MINSHENG_OPEN311_ANON_RATE = int(os.environ.get("MINSHENG_OPEN311_ANON_RATE", "600"))
# A point given as lat/long is placed in the nearest village or township centroid within
# this many kilometres; farther away it is outside the county and refused.
MINSHENG_OPEN311_MAX_KM = float(os.environ.get("MINSHENG_OPEN311_MAX_KM", "10"))

# --- Maps (issue 8: village boundaries, locating a point; docs/deployment.md) ------------------
# A point inside no village's boundary belongs to the village whose centre is nearest, within
# this many km; farther, it is outside the county.
MINSHENG_LOCATE_MAX_KM = env_float("MINSHENG_LOCATE_MAX_KM", 2.0)
# An order's point may lie this far outside its village's boundary (GPS wander, a tap on a
# border).
MINSHENG_BORDER_TOLERANCE_KM = env_float("MINSHENG_BORDER_TOLERANCE_KM", 0.1)

# A client application's key may add public updates to the requests it created (True), or
# this server takes no updates from keys at all (False).
MINSHENG_OPEN311_KEY_UPDATES = env_bool("MINSHENG_OPEN311_KEY_UPDATES", True)

# --- Order photos (minsheng.orders.services.photos) ---------------------------------------------
# A photo file larger than this is refused before it is read (bytes; 8 MB).
MINSHENG_PHOTO_MAX_BYTES = env_int("MINSHENG_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
# A photo of more pixels than this is refused before it is decoded (a decompression bomb
# declares a huge size in a small file); 50 megapixels holds any phone camera's photo.
MINSHENG_PHOTO_MAX_PIXELS = env_int("MINSHENG_PHOTO_MAX_PIXELS", 50_000_000)
# At most this many photos per order of each kind (the resident's, the provider's proof).
MINSHENG_PHOTO_MAX_PER_KIND = env_int("MINSHENG_PHOTO_MAX_PER_KIND", 6)
# Stored photos are scaled down to this longest edge, thumbnails to this one (pixels).
MINSHENG_PHOTO_MAX_EDGE = env_int("MINSHENG_PHOTO_MAX_EDGE", 2048)
MINSHENG_PHOTO_THUMB_EDGE = env_int("MINSHENG_PHOTO_THUMB_EDGE", 320)

# SMS (minsheng.notify.sms): the gateway class, the signature in 【】 that the provider
# registered, and the console gateway's outbox (JSON lines; the demo prints from it).
MINSHENG_SMS_BACKEND = os.environ.get("MINSHENG_SMS_BACKEND", "minsheng.notify.sms.ConsoleGateway")
MINSHENG_SMS_SIGNATURE = os.environ.get("MINSHENG_SMS_SIGNATURE", "【民生】")
MINSHENG_SMS_OUTBOX = os.environ.get("MINSHENG_SMS_OUTBOX", str(VAR_DIR / "sms-outbox.jsonl"))
MINSHENG_SMS_ECHO = env_bool("MINSHENG_SMS_ECHO", DEBUG)

# --- Sign-in by phone (minsheng.accounts.services; docs/deployment.md, "Sign-in by phone") ---
# One-time SMS codes: 6 digits, valid this long, single use, dead after this many wrong tries.
MINSHENG_CODE_TTL_SECONDS = env_int("MINSHENG_CODE_TTL_SECONDS", 300)
MINSHENG_CODE_MAX_TRIES = env_int("MINSHENG_CODE_MAX_TRIES", 5)
# At least this long between two codes to one number, and at most this many codes to one
# number, and asked from one client address, in any 24 hours. Counted from the codes' own
# rows in the database: every app server sees the same counts.
MINSHENG_CODE_INTERVAL_SECONDS = env_int("MINSHENG_CODE_INTERVAL_SECONDS", 60)
MINSHENG_CODE_NUMBER_DAILY = env_int("MINSHENG_CODE_NUMBER_DAILY", 10)
# Many phones share one address behind a carrier's or a village office's NAT: generous.
MINSHENG_CODE_ADDRESS_DAILY = env_int("MINSHENG_CODE_ADDRESS_DAILY", 50)
# Following an order without an account (/track/): wrong number-and-phone pairs allowed per
# client address per minute, counted in the shared cache (Redis when REDIS_URL is set).
MINSHENG_TRACK_FAILURES_PER_MINUTE = env_int("MINSHENG_TRACK_FAILURES_PER_MINUTE", 5)
# --- Notifications (minsheng.notify; docs/deployment.md "Notifications") ----------------------
# The address this site is reached at, for links in SMS and e-mail (no trailing slash).
MINSHENG_SITE_URL = os.environ.get("MINSHENG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A failed SMS or e-mail is tried again after this many seconds, doubling each time (at most
# an hour), until this many attempts in all have failed.
MINSHENG_NOTIFY_RETRY_SECONDS = env_float("MINSHENG_NOTIFY_RETRY_SECONDS", 30.0)
MINSHENG_NOTIFY_MAX_ATTEMPTS = env_int("MINSHENG_NOTIFY_MAX_ATTEMPTS", 5)
# The shared secret the SMS provider sends with each inbound reply (header
# X-Minsheng-Secret); unset, the inbound webhook refuses everything.
MINSHENG_SMS_INBOUND_SECRET = os.environ.get("MINSHENG_SMS_INBOUND_SECRET", "")
# Staff are told once when an open order's current step is due within this many hours.
MINSHENG_DEADLINE_WARNING_HOURS = env_float("MINSHENG_DEADLINE_WARNING_HOURS", 2.0)
# A rating link (/r/<token>/) sent when an order is delivered works this many days.
MINSHENG_RATING_LINK_DAYS = env_int("MINSHENG_RATING_LINK_DAYS", 30)
# E-mail through Django's mail backends: the console (printed) in DEBUG, SMTP otherwise.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "minsheng@localhost")
CELERY_BEAT_SCHEDULE.update(
    {
        "notify-send-due": {
            "task": "minsheng.notify.tasks.send_due",
            "schedule": 60.0,
            "options": {"expires": 60.0},
        },
        "orders-deadline-warnings": {
            "task": "minsheng.orders.tasks.warn_deadlines",
            "schedule": 300.0,
            "options": {"expires": 300.0},
        },
        # issue 9, demand analysis: this month and the previous one, every night at 02:30
        # local time (docs/demand.md); a run missed for a day is superseded by the next.
        "insights-demand-snapshot": {
            "task": "minsheng.insights.tasks.demand_snapshot_nightly",
            "schedule": crontab(hour=2, minute=30),
            "options": {"expires": 23 * 3600.0},
        },
        # issue 11, indicators: this month and the previous one, after the demand snapshot
        # they read (docs/balance.md).
        "insights-indicator-snapshot": {
            "task": "minsheng.insights.tasks.indicator_snapshot_nightly",
            "schedule": crontab(hour=3, minute=0),
            "options": {"expires": 23 * 3600.0},
        },
        # issue 9: suggestions whose official reply is past due (docs/suggestions.md)
        "suggestions-overdue": {
            "task": "minsheng.voice.tasks.mark_overdue_suggestions",
            "schedule": 3600.0,
            "options": {"expires": 3600.0},
        },
        # the monthly topic (每月一题): last month's candidates, early on the 1st
        "voice-topic-candidates": {
            "task": "minsheng.voice.tasks.topic_candidates",
            "schedule": crontab(minute=30, hour=2, day_of_month=1),
        },
    }
)
# issue 10, use: orders delivered at facilities counted as their use, nightly at 01:40 for
# the last 7 days (docs/facility-use.md); idempotent, so a missed night is caught up.
CELERY_BEAT_SCHEDULE["facilities-order-use"] = {
    "task": "minsheng.facilities.tasks.collect_order_use",
    "schedule": crontab(hour=1, minute=40),
    "options": {"expires": 23 * 3600.0},
}

# issue 10, collections: the price of a book in the acquisition list (whole yuan; a price
# given on the page overrides it), docs/collections.md.
MINSHENG_BOOK_PRICE = env_int("MINSHENG_BOOK_PRICE", 40)
# issue 10, medicines: residents' medicine requests read from their orders, nightly at 03:10
# (docs/medicines.md); idempotent, so a missed night is caught up by the next.
CELERY_BEAT_SCHEDULE["facilities-medicine-requests"] = {
    "task": "minsheng.facilities.tasks.medicine_requests_nightly",
    "schedule": crontab(hour=3, minute=10),
    "options": {"expires": 23 * 3600.0},
}

# issue 10, activities: the activity status enum in the REST schema
_enum_names = SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
assert isinstance(_enum_names, dict)
_enum_names["ActivityStatusEnum"] = "minsheng.facilities.models.ActivityStatus"

# issue 10, maintenance: work orders from the plans falling due, every night at 01:15
# (docs/maintenance.md); idempotent, so a missed night is caught up by the next.
CELERY_BEAT_SCHEDULE["facilities-work-orders-generate"] = {
    "task": "minsheng.facilities.tasks.work_orders_generate",
    "schedule": crontab(hour=1, minute=15),
    "options": {"expires": 23 * 3600.0},
}

# issue 10, idle and decay detection (docs/idle-facilities.md): idle when the use per served
# resident is below this fraction of the peers' median, or when use fell by more than this
# share against the 90 days before; each flag's follow-up is due this many days later.
MINSHENG_IDLE_FRACTION = env_float("MINSHENG_IDLE_FRACTION", 0.5)
MINSHENG_IDLE_TREND_DROP = env_float("MINSHENG_IDLE_TREND_DROP", 0.5)
MINSHENG_IDLE_FOLLOWUP_DAYS = env_int("MINSHENG_IDLE_FOLLOWUP_DAYS", 14)
CELERY_BEAT_SCHEDULE.update(
    {
        # issue 10: idle facilities, every night at 03:15 local time, after the use is counted
        "facilities-idle-detect": {
            "task": "minsheng.facilities.tasks.facilities_idle_detect",
            "schedule": crontab(hour=3, minute=15),
            "options": {"expires": 23 * 3600.0},
        },
    }
)
