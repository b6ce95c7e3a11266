"""Gongxin settings: the one place that reads the environment (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def _read_dotenv(path):
    """Values from a `.env` file beside the project; the real environment wins."""
    values = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip().strip("'\"")
    return values


_DOTENV = _read_dotenv(BASE_DIR / ".env")


def envstr(name, default=""):
    return os.environ.get(name, _DOTENV.get(name, default))


def envbool(name, default):
    value = envstr(name, default).lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = envstr(name, str(default)) or str(default)  # `NAME=` in .env means the default
    try:
        return int(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from e


DEBUG = envbool("DEBUG", "false")


def _generated_secret_key(path):
    """A key made once for this installation and kept in var/ (mode 0600), when SECRET_KEY is unset."""
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = envstr("SECRET_KEY") or _generated_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = [h for h in envstr("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "gongxin.accounts.apps.GongxinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "gongxin.lib",
    "gongxin.accounts",
    "gongxin.registry",
    "gongxin.reporting",
    "gongxin.notices",
    "gongxin.analysis",
    "gongxin.alerts",
    "gongxin.briefs",
    "gongxin.projects",
    "gongxin.emergencies",
    "gongxin.reserves",
    "gongxin.prevention",
    "gongxin.resumption",
    "gongxin.permits",
    "gongxin.services",
    "gongxin.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gongxin.accounts.middleware.SessionActivityMiddleware",
    "gongxin.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "gongxin.replica.RememberWritesMiddleware",
    "gongxin.lib.middleware.HardeningMiddleware",
    "gongxin.lib.once.OnceMiddleware",  # last: its transaction holds only the view
]

ROOT_URLCONF = "gongxin.urls"
WSGI_APPLICATION = "gongxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongxin.accounts.context_processors.access",
                "gongxin.accounts.context_processors.script_settings",
                "gongxin.lib.middleware.data_anomalies",
            ],
            "builtins": ["gongxin.lib.templatetags.once"],  # {% once %}: the form applies once
        },
    },
]

# Database: DATABASE_URL, default SQLite under var/ (WAL, immediate transactions).
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # whitenoise expects STATIC_ROOT to exist
# Connections are kept for DB_CONN_MAX_AGE seconds (each gunicorn thread holds one) and checked
# before reuse: opening a PostgreSQL connection per request cost ~45% of a worker's CPU on the
# deadline-day load (bench/load.py). 0 closes after each request.
DB_CONN_MAX_AGE = envint("DB_CONN_MAX_AGE", 600)
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongxin.sqlite3'}"),
        conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=DB_CONN_MAX_AGE > 0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, except that a stored decimal beyond its column's precision reads as
    # 数据异常 (None, logged) instead of breaking the page (lib/sqlite_backend).
    DATABASES["default"]["ENGINE"] = "gongxin.lib.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for SQLite's one write lock; on the deadline day (bench/load.py) a busy
        # machine made waits beyond 5 s, each an error page: wait up to 20 s instead.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests run in memory, one database per pytest-xdist worker (named so pytest-django does not
    # derive a file name from this custom engine's path).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT costs ~100 ms per analysis query at province scale and gains nothing here.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A PostgreSQL streaming replica for read-only analysis (dashboards, exports, brief, API figures):
# `gongxin/replica.py` routes there, except for a user who has just written (read-your-writes).
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL")
REPLICA_READ_YOUR_WRITES_SECONDS = envint("REPLICA_READ_YOUR_WRITES_SECONDS", 30)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE,
                                                 conn_health_checks=DB_CONN_MAX_AGE > 0)
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {})}
    # Tests create their database on the primary only; the standby receives it by streaming.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gongxin.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Every password a person chooses (修改密码, forced change) passes these four.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gongxin.accounts.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# django-axes: lock a username+IP out after repeated failures.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Password spraying: one address failing this many times across all user names is locked out too
# (0 turns it off). Counted by accounts/lockout.py over axes' records.
AXES_IP_FAILURE_LIMIT = envint("AXES_IP_FAILURE_LIMIT", 20)
AXES_HANDLER = "gongxin.accounts.lockout.LockoutHandler"

# A session ends after this many minutes without a request (accounts/middleware.py renews it).
SESSION_IDLE_MINUTES = envint("SESSION_IDLE_MINUTES", 120)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["gongxin.formats"]  # thousands grouped 1,000,000 (gongxin/formats/zh_Hans)
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gongxin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

# Uploads (imports): size limit in MB; only these extensions are accepted.
MAX_UPLOAD_MB = envint("MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail for reminders (催报); leave EMAIL_HOST empty to keep reminders in-app only.
EMAIL_HOST = envstr("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "gongxin@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.locmem.EmailBackend"
)

# Imports: a workbook's first sheet is refused before loading when its declared dimensions or its
# cell count exceed these (a 1.6 KB file can declare XFD1048576 and ask for ~512 GB).
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = envint("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_CELLS = envint("IMPORT_MAX_CELLS", 5_000_000)
# Key products: 产量增长 compares 1-本月 with 上年1-同月 ("ytd", the default: the quarterly brief) or
# 本月 with 上年同月 ("month": monthly releases).
PRODUCTS_BASIS = envstr("PRODUCTS_BASIS", "ytd")
if PRODUCTS_BASIS not in ("ytd", "month"):
    raise ImproperlyConfigured(f"PRODUCTS_BASIS must be ytd or month, not {PRODUCTS_BASIS!r}")
# The engine reads the roll-ups (analysis/rollups.py) for county/town/industry/tier/group/product
# figures; false → every figure from the raw returns (the roll-ups are kept either way).
ROLLUPS = envbool("GONGXIN_ROLLUPS", "true")
# The warning rescan after a return changes runs off the request, this long after the change (a
# burst of submissions is scanned once); 0 scans in the committing request (alerts/pending.py).
RESCAN_DELAY_MS = envint("RESCAN_DELAY_MS", 1000)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind an HTTPS reverse proxy: SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto makes Django trust the
# proxy's header "X-Forwarded-Proto: https" (set it only when the proxy always sets or strips it).
_PROXY_HEADER = envstr("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_HEADER.upper().replace("-", "_"), "https") if _PROXY_HEADER else None
)
# HTTPS: SECURE_SSL_REDIRECT=true makes Django redirect plain HTTP (set it in production unless the
# proxy redirects; off by default so that `make run` and the tests work on plain HTTP). HSTS — the
# seconds browsers remember to use HTTPS only (0 = off) — is sent on HTTPS responses whenever cookies
# are secure (the default when DEBUG is off; `make run` on plain HTTP sets SECURE_COOKIES=false).
_HTTPS = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true" if _HTTPS else "false")
# Content-Security-Policy sent with every page (lib/middleware.py): scripts and styles from the site
# itself only; no inline scripts or event handlers (style attributes are allowed; blob: images are
# the checkpoint's photographed QR codes, read in the page).
CONTENT_SECURITY_POLICY = envstr(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)

# Logs go to stdout; LOG_FORMAT=json gives one JSON object per line for a log collector.
LOG_FORMAT = envstr("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# gunicorn (gongxin/gunicorn_conf.py reads these): worker processes × threads each.
WEB_WORKERS = envint("WEB_WORKERS", (os.cpu_count() or 1) * 2 + 1)
WEB_THREADS = envint("WEB_THREADS", 4)

# The open API (/api/v1/): Django REST framework, OpenAPI 3 by drf-spectacular (ReDoc served locally).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "工信运行监测平台开放接口",
    "DESCRIPTION": "县工信局平台的版本化接口：名录、报表、指标、项目、变更流。令牌由系统管理员在“接口客户端”页面创建。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "gongxin.api.schema.document_errors"],
}
# Disclosure control for clients without micro-data rights (统计法 第二十五条).
API_MIN_ENTERPRISES = envint("API_MIN_ENTERPRISES", 3)
API_DOMINANCE_PCT = envint("API_DOMINANCE_PCT", 85)
# Bulk imports of more rows than this run as a background job (202 + a job to poll).
API_ASYNC_ROWS = envint("API_ASYNC_ROWS", 5000)
# The shared key two bureaus sign exchange packages with (`gongxin exchange_export/import`).
EXCHANGE_KEY = envstr("EXCHANGE_KEY") or SECRET_KEY

# Vehicle permits (接驳证明): the Ed25519 key that signs permit QR codes (permits/signing.py).
# PERMIT_SIGNING_KEY is the 32-byte private key, base64url. Unset, a key is generated once into
# var/permit-signing.key (mode 0600; like SECRET_KEY above): right for one machine and the demo; set it
# explicitly when several servers sign. PERMIT_KEY_ID names the current key; PERMIT_OLD_PUBLIC_KEYS
# ("k0:<base64url public key>,…") keeps tokens signed before a rotation valid.
PERMIT_SIGNING_KEY = envstr("PERMIT_SIGNING_KEY")
PERMIT_KEY_ID = envstr("PERMIT_KEY_ID", "k1")
PERMIT_OLD_PUBLIC_KEYS = dict(
    item.split(":", 1) for item in envstr("PERMIT_OLD_PUBLIC_KEYS").split(",") if ":" in item
)
PERMIT_DEV_KEY_FILE = VAR_DIR / "permit-signing.key"
