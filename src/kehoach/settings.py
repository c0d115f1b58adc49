"""One settings module, configured from the environment (twelve-factor).

Environment variables:
    DATABASE_URL   sqlite:///path.db (default: ./kehoach.db) or postgres://user@host/db
    SECRET_KEY     required in production; otherwise a random key kept in .secret_key
    DEBUG          false by default
    ALLOWED_HOSTS  comma-separated; default 127.0.0.1,localhost,[::1]
    HTTPS          true behind TLS: secure cookies, HSTS and redirect to https
    EMAIL_URL      smtp://user:pass@host:port (default: console backend)
    SITE_URL       https://kehoach.example.gov.vn: links in emails and webhooks are absolute
    KEHOACH_WEBHOOK_URL     notifications are also POSTed here as JSON (an SMS/Zalo gateway)
    KEHOACH_WEBHOOK_SECRET  the HMAC-SHA256 key of their X-Kehoach-Signature header
    KEHOACH_AUDIT_KEY       the audit chain's HMAC key; else read from (or made in) the file
    KEHOACH_AUDIT_KEY_FILE  default .audit_key in the data directory (mode 0600; never in the
                            database, never in a backup: keep a copy of it apart)
"""

import contextlib
import datetime
import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
DATA_DIR = Path(env.str("KEHOACH_DATA_DIR", default=str(Path.cwd()))).resolve()
# a data directory named but not there yet is made, as the database file in it would be; one
# that cannot be made is the command line's to report (kehoach.cli.data_dir_problem)
with contextlib.suppress(OSError):
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random one kept beside the data."""
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    path = DATA_DIR / ".secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    try:
        path.write_text(key)
        path.chmod(0o600)
    except OSError:
        pass  # read-only data dir: a per-process key (sessions end on restart)
    return key


SECRET_KEY = _secret_key()
# The audit chain's key (kehoach.audit.sealing): outside the database by design.
AUDIT_KEY = env.str("KEHOACH_AUDIT_KEY", default="")
AUDIT_KEY_FILE = Path(env.str("KEHOACH_AUDIT_KEY_FILE", default=str(DATA_DIR / ".audit_key")))
AUDIT_CHECKPOINT_FILE = DATA_DIR / "audit-checkpoints.txt"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "kehoach.apps.WhiteNoiseRunserverConfig",  # whitenoise.runserver_nostatic
    "django.contrib.staticfiles",
    "kehoach.apps.AxesConfig",  # axes, with a Vietnamese name (kehoach/apps.py)
    "kehoach.apps.SimpleHistoryConfig",  # simple_history
    "kehoach.orgunits",
    "kehoach.accounts",
    "kehoach.plans",
    "kehoach.registers",
    "kehoach.metrics",
    "kehoach.exchange",
    "kehoach.reporting",
    "kehoach.followup",
    "kehoach.notifications",
    "kehoach.audit",
    "kehoach.backups",
    "kehoach.web",
    "kehoach.documents",
    "kehoach.demo",
]

MIDDLEWARE = [
    "kehoach.web.middleware.ContentSecurityPolicyMiddleware",  # on every answer, errors too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kehoach.web.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kehoach.web.middleware.AtomicWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kehoach.web.middleware.RefuseUnstorableTextMiddleware",  # its 400 gets every header
    "simple_history.middleware.HistoryRequestMiddleware",
    "kehoach.audit.context.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: 5 failed logins for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "kehoach.urls"
WSGI_APPLICATION = "kehoach.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kehoach.web.context.navigation",
                "kehoach.web.plans.plan_links",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'kehoach.db'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    DATABASES["default"].setdefault("TEST", {"NAME": None})
# Connections are kept between requests (a minute at most, checked before reuse): opening
# one costs a PostgreSQL backend, or SQLite's file and pragmas, on every request otherwise.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first, English available; Vietnam's clock.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kehoach@localhost")
SITE_URL = env.str("SITE_URL", default="")
WEBHOOK_URL = env.str("KEHOACH_WEBHOOK_URL", default="")
WEBHOOK_SECRET = env.str("KEHOACH_WEBHOOK_SECRET", default="")

# Safe defaults whatever DEBUG says; HTTPS-only settings when served behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)  # one working day
CSRF_COOKIE_HTTPONLY = True
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# ============================================================================ API
# The REST API (kehoach.api, docs/api.md): token auth for systems, the session for the
# browser; JSON only; pages of 50 (up to 500); throttled through the default cache, which is
# per process (LocMem): several servers need a shared cache (CACHES) for the limits to hold.
INSTALLED_APPS += [
    "kehoach.apps.RestFramework",  # rest_framework
    "rest_framework.authtoken",
    "kehoach.apps.Spectacular",  # drf_spectacular
    "kehoach.apps.SpectacularSidecar",  # drf_spectacular_sidecar
    "kehoach.api",
]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",  # first: 401 + WWW-Authenticate
        "rest_framework.authentication.SessionAuthentication",  # CSRF enforced on writes
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["kehoach.api.parsers.JSONParser"],  # 400, never 500, on any body
    "DEFAULT_PAGINATION_CLASS": "kehoach.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "kehoach.api.throttling.AnonThrottle",
        "kehoach.api.throttling.UserThrottle",
        "kehoach.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "write": env.str("API_THROTTLE_WRITE", default="120/min"),
    },
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=None),
    "UNICODE_JSON": True,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kehoach API",
    "DESCRIPTION": (
        "The district plan's org units, plan, evidence registers, unit reports and their "
        "workflow, computed indicators and reporting status. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from drf-spectacular-sidecar: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kehoach.api.errors.document_refused_input",  # any operation may answer 400
    ],
    "ENUM_NAME_OVERRIDES": {
        "ReportStateEnum": "kehoach.reporting.models.ReportState",
        "TaskStatusEnum": "kehoach.reporting.models.TaskStatus",
        "IndicatorStatusEnum": "kehoach.api.serializers.INDICATOR_STATUSES",
        "OrgUnitKindEnum": "kehoach.orgunits.models.OrgUnitKind",
        "BudgetKindEnum": "kehoach.registers.models.BudgetKind",
        "FundingSourceEnum": "kehoach.plans.models.FundingSourceKind",
        "IPKindEnum": "kehoach.registers.models.IPKind",
        "StartupKindEnum": "kehoach.registers.models.Startup.Kind",
        "KeyProductKindEnum": "kehoach.registers.models.KeyProduct.Kind",
    },
}
# ============================================================================ end of API

# ============================================================================ Scale
# Past one machine (docs/deployment.md): the application tier keeps no state of its own, so
# any number of `kehoach serve` behind a load balancer answer alike.
#   DATABASE_REPLICA_URLS  comma-separated read replicas of the PostgreSQL primary
#                          (DATABASE_URL); reads go to them, writes and transactions to the
#                          primary (kehoach.db_routers)
#   REPLICA_PIN_SECONDS    after a write, a thread reads from the primary this long (5)
#   CACHE_URL              the shared cache, e.g. redis://cache.internal:6379/0 (needs the
#                          "redis" package); default: each process its own memory (locmem).
#                          API rate limits count in it; several servers need a shared one.
#   SESSION_ENGINE         where sessions live; default the database
#                          (django.contrib.sessions.backends.db), shared by every server;
#                          "django.contrib.sessions.backends.cached_db" reads them through
#                          the cache as well
#   STORAGE_BACKEND        where uploaded files (attachments) live; default the file system
#   STORAGE_OPTIONS        at MEDIA_ROOT, which several servers must share (NFS), or an
#                          object store's backend with its options as JSON
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = env.db_url_config(_url)
    for _key in ("OPTIONS", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if _key in DATABASES["default"]:
            _replica.setdefault(_key, DATABASES["default"][_key])
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["kehoach.db_routers.PrimaryReplicaRouter"]
REPLICA_PIN_SECONDS = env.float("REPLICA_PIN_SECONDS", default=5.0)
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://kehoach")}
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
STORAGES["default"] = {
    "BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env.json("STORAGE_OPTIONS", default={}),
}
# ============================================================================ end of Scale
