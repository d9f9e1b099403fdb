"""Settings for the konnectlite control plane.

Every setting that an operator may change is read from the environment; the README lists them.
The embedded default is SQLite (WAL) with the in-memory channel layer; DATABASE_URL and REDIS_URL
switch the same code to PostgreSQL and channels-redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KONNECTLITE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


SECRET_KEY = os.environ.get(
    "KONNECTLITE_SECRET_KEY", "insecure-development-key-set-KONNECTLITE_SECRET_KEY-in-production"
)
DEBUG = env_bool("KONNECTLITE_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("KONNECTLITE_ALLOWED_HOSTS", "*").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("KONNECTLITE_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "drf_spectacular",
    "django_htmx",
    "template_partials",
    "controlplane",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "konnectlite.security.security_headers_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the request's actor (user and address) for the audit log.
    "controlplane.audit_middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "konnectlite.urls"
ASGI_APPLICATION = "konnectlite.asgi.application"
AUTH_USER_MODEL = "controlplane.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Failed dashboard sign-ins are throttled per account and per client address (django-axes):
# after KONNECTLITE_LOGIN_FAILURE_LIMIT failures, either one is refused, even with the right
# password, until KONNECTLITE_LOGIN_LOCKOUT_MINUTES pass without another attempt. API tokens
# do not go through authenticate(), so they are never throttled.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("KONNECTLITE_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KONNECTLITE_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The sign-in form's field: authenticate() is called with username=, not with email=.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "controlplane.dashboard.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "controlplane.dashboard.views.accounts.client_address"
# Behind a reverse proxy every request comes from the proxy's address; this names the header
# in which the proxy passes on the client's (the last address in it is the one it added).
KONNECTLITE_CLIENT_IP_HEADER = os.environ.get("KONNECTLITE_CLIENT_IP_HEADER", "")
# Only failures are tracked; a log row for every successful sign-in would grow for ever.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False


def https_mode() -> str:
    """``auto``: per request (TLS or the proxy's header); ``on``: always HTTPS; ``off``: never."""
    value = os.environ.get("KONNECTLITE_HTTPS", "auto").strip().lower()
    modes = {"auto": "auto", "on": "on", "true": "on", "1": "on", "off": "off", "false": "off"}
    if value not in modes:
        raise ImproperlyConfigured(f"KONNECTLITE_HTTPS must be auto, on or off, not {value!r}")
    return modes[value]


def proxy_ssl_header() -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (meaning ``https``) or ``Name=value``, as Django's META key."""
    value = os.environ.get("KONNECTLITE_PROXY_SSL_HEADER", "").strip()
    if not value:
        return None
    name, _, expected = value.partition("=")
    return "HTTP_" + name.strip().upper().replace("-", "_"), expected.strip() or "https"


# Secure cookies and HSTS when the site is served over HTTPS (konnectlite/security.py).
KONNECTLITE_HTTPS = https_mode()
SECURE_PROXY_SSL_HEADER = proxy_ssl_header()
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = KONNECTLITE_HTTPS == "on"
KONNECTLITE_HSTS_SECONDS = env_int("KONNECTLITE_HSTS_SECONDS", 365 * 24 * 3600)
# The dashboard loads only its own static files (vendored htmx, app.js, app.css), with no
# inline script or style; data: is for the inline SVG favicon; 'self' covers its WebSocket.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

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
            ],
            # The dashboard's template tags live in a package that is not an app of its own.
            "libraries": {"dashboard": "controlplane.dashboard.templatetags.dashboard"},
        },
    },
]


def database_config() -> dict[str, object]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'konnectlite.sqlite3'}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN,
        # so two writers queue on busy_timeout instead of failing with "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        config["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
    else:
        # One test database per test process, so that parallel runs never share one.
        config["TEST"] = {"NAME": f"test_konnectlite_{os.getpid()}"}
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "konnectlite.layers.LocalChannelLayer"}}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# Bodies larger than this are refused with 413 before they are parsed. Declarative files of
# Kong's 30k-entity scale are about 30 MB, so the default leaves room for twice that.
KONNECTLITE_MAX_BODY_BYTES = env_int("KONNECTLITE_MAX_BODY_BYTES", 64 * 1024 * 1024)
# Single-entity Admin API bodies are much smaller; this limit applies to them.
KONNECTLITE_MAX_ENTITY_BODY_BYTES = env_int("KONNECTLITE_MAX_ENTITY_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = KONNECTLITE_MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100_000

# How many versions of each control plane's change log are kept; older ones are compacted.
# A node further behind than this receives a full snapshot instead of deltas.
KONNECTLITE_CHANGELOG_RETENTION = env_int("KONNECTLITE_CHANGELOG_RETENTION", 1000)
# Data-plane heartbeats: each side pings this often and drops a peer silent for the timeout.
KONNECTLITE_HEARTBEAT_INTERVAL = env_int("KONNECTLITE_HEARTBEAT_INTERVAL", 10)
KONNECTLITE_HEARTBEAT_TIMEOUT = env_int("KONNECTLITE_HEARTBEAT_TIMEOUT", 30)
# Node health (controlplane/health.py): a connected node lacking the current config with no
# ack for STALE_AFTER seconds is stale; behind or stale for OUT_OF_SYNC_GRACE seconds, it is
# out of sync (the dashboard's banner, the node.out_of_sync webhook).
KONNECTLITE_STALE_AFTER = env_int("KONNECTLITE_STALE_AFTER", 15)
KONNECTLITE_OUT_OF_SYNC_GRACE = env_int("KONNECTLITE_OUT_OF_SYNC_GRACE", 30)
# Hosts webhooks may target (comma-separated, e.g. "alerts.example.com,127.0.0.1"); empty: any.
KONNECTLITE_WEBHOOK_ALLOWED_HOSTS = [
    host.strip().lower()
    for host in os.environ.get("KONNECTLITE_WEBHOOK_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]
# GET /metrics: when set, Prometheus must send "Authorization: Bearer <token>"; unset, only
# loopback clients are answered (a reverse proxy on the same host would look local: set a token).
KONNECTLITE_METRICS_TOKEN = os.environ.get("KONNECTLITE_METRICS_TOKEN", "")

# Audit events older than this are deleted (at most once a minute, after a recorded action).
KONNECTLITE_AUDIT_RETENTION_DAYS = env_int("KONNECTLITE_AUDIT_RETENTION_DAYS", 90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "controlplane.api.authentication.PersonalAccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "controlplane.api.parsers.KongJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "controlplane.api.errors.kong_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "controlplane.api.schema.KongAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "konnectlite API",
    "DESCRIPTION": "Konnect-style control-plane API with Kong Admin API semantics.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KONNECTLITE_LOG_LEVEL", "INFO")},
    "loggers": {"django.channels.server": {"level": "WARNING"}},
}
