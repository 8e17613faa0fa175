"""One settings file for every environment; every value that differs comes from an environment variable.

Defaults are safe for production (DEBUG off, secure cookies when not DEBUG); `imo demo` sets the
variables it needs (DEBUG, a generated SECRET_KEY kept in var/) before Django starts.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IMO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
# Without SECRET_KEY the project still starts (tests, `imo check`), but never with a key that could
# be shared: production must set it, and `check --deploy` warns about the insecure default.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-imo-local-only-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The address people open the system at: links in e-mails sent by background jobs (no request to take the
# host from), e.g. https://imo.example.ru. The demo serves at the local address.
IMO_SITE_URL = os.environ.get("IMO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "imo.core",
    "imo.core.jobs",
    "imo.core.imports",
    "imo.core.documents",
    "imo.core.mail",
    "imo.accounts",
    "imo.orgs",
    "imo.reference",
    "imo.staff",
    "imo.attestation",
    "imo.mentorship",
    "imo.training",
    "imo.olympiads",
    "imo.library",
    "imo.surveys",
    "imo.audit",
    "imo.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost after security: turns a database outage in any view into the Russian 503 page.
    "imo.core.middleware.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: there is one language (LANGUAGES), which Django uses by default; the middleware
    # only negotiated it again on every request (~1 % of a web worker's time under load) and made every
    # response vary on Accept-Language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "imo.core.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the header built once (no view changes the policy).
    "imo.core.middleware.FixedCSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes must be last: it turns a lockout into the Russian lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "imo.urls"
WSGI_APPLICATION = "imo.wsgi.application"

# The common form widgets are written in Python, the same bytes as Django's templates (imo/core/widgets.py).
FORM_RENDERER = "imo.core.widgets.FastWidgetRenderer"

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
                "imo.portal.context_processors.shell",
            ],
            # After Django's own: `{% url %}` keeping each address per process (imo/core/links.py).
            "builtins": ["imo.core.templatetags.kept_url"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_OPTIONS = {
    # WAL and IMMEDIATE transactions avoid most "database is locked" errors under concurrent use.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    "transaction_mode": "IMMEDIATE",
    # How long a writer waits for the lock before "database is locked" (Python's default is 5 s). Writers
    # queue at BEGIN IMMEDIATE; on a busy or slow server 5 s was not enough for 8 people saving at once
    # (tests/faults/test_sqlite_writers.py), 20 s is: a page that waits is better than a lost save.
    "timeout": 20,
}
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'imo.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default database lives in var/; create the folder so a fresh checkout just works.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' statements take milliseconds, and PostgreSQL's JIT (on by default)
    # compiled a few of them because of a high cost estimate, spending 60 ms of CPU to save nothing
    # (pg_stat_statements under `make loadtest`). An operator can still turn it on for their own reports.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    if env_bool("IMO_DB_PREPARED", True):
        # Parameters bound by the server, and a statement prepared once a connection has run it five times
        # (psycopg's prepare_threshold): PostgreSQL then parses and plans a page's dozen statements once per
        # connection, not on every request (15 % less of its CPU under `make loadtest`). IMO_DB_PREPARED=0
        # turns it off, e.g. behind a connection pooler that cannot keep prepared statements.
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login safety -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "imo.accounts.backends.UsernameOrEmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Password-reset requests (each sends an e-mail) are limited per client address and per e-mail address in
# an hour (imo.core.ratelimit): against mail flooding of a person and the office's mail server being listed.
IMO_PASSWORD_RESET_PER_IP_HOURLY = int(os.environ.get("IMO_PASSWORD_RESET_PER_IP_HOURLY", "10"))
IMO_PASSWORD_RESET_PER_EMAIL_HOURLY = int(os.environ.get("IMO_PASSWORD_RESET_PER_EMAIL_HOURLY", "3"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rate-limit counters must be shared by gunicorn's worker processes: files in var/, no server needed.
    "ratelimit": {
        "BACKEND": "imo.core.filecache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "ratelimit"),
    },
    # Public pages and dashboard figures (imo/core/pagecache.py): shared by the worker processes too.
    "pages": {
        "BACKEND": "imo.core.filecache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    "page_generations": {
        "BACKEND": "imo.core.filecache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "page_generations"),
    },
    # Signed-in sessions (SESSION_ENGINE below): shared by the worker processes, so a sign-out holds at
    # once on every one of them. A culled or missing item is read from the database again.
    "sessions": {
        "BACKEND": "imo.core.filecache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "sessions"),
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
}
# Off: every page computed afresh (to compare, or to rule the cache out when looking for a fault).
IMO_PAGE_CACHE = env_bool("IMO_PAGE_CACHE", True)

# Every signed-in request reads its session: from the shared file cache (a file read), not the database
# (a statement compiled and run: ~15 % of a small page under `make loadtest`); writes go to both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"
# Sessions end after IMO_SESSION_IDLE_MINUTES without a request (IdleSessionMiddleware renews them).
SESSION_IDLE_SECONDS = int(os.environ.get("IMO_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # an invitation link stays valid for three days

# --- Security headers (production values unless DEBUG) -------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Only a directive: the domain joins browsers' preload lists when its owner submits it, not before.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Language, time ------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d.m.Y"
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"]

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("IMO_PLAIN_STATIC", DEBUG)
            else "imo.core.staticfiles.KeptURLStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
WHITENOISE_MAX_AGE = 3600

# --- E-mail --------------------------------------------------------------------------------------
# Production sends through SMTP (the EMAIL_* variables below); with DEBUG on (the demo) nothing leaves the
# computer: imo.core.mail's LogBackend records every message on the administrator's «Журнал почты» page.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "imo.core.mail.backends.LogBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ИМО <imo@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Audit ---------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging -------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Background jobs (imo.core.jobs) ------------------------------------------------------------
# django-tasks with its database backend: a job waits in the database until `imo worker` (production:
# a separate service; the demo's `imo serve` starts one itself) runs it, so queued jobs survive restarts.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job's progress is written at most this often (seconds), and only when it changed.
IMO_JOBS_PROGRESS_INTERVAL = float(os.environ.get("IMO_JOBS_PROGRESS_INTERVAL", "0.5"))
# The worker marks its running jobs alive this often; a running job not marked for IMO_JOBS_STALE_AFTER
# seconds belongs to a worker that died (a restart, a crash) and is marked failed, never re-run.
IMO_JOBS_HEARTBEAT_SECONDS = float(os.environ.get("IMO_JOBS_HEARTBEAT_SECONDS", "30"))
IMO_JOBS_STALE_AFTER = float(os.environ.get("IMO_JOBS_STALE_AFTER", "300"))
# The demo job kind (a job that only advances its progress bar): on in DEBUG, for people to try.
IMO_JOBS_DEMO = env_bool("IMO_JOBS_DEMO", DEBUG)
# Import runs (their uploaded files and previews) older than this are deleted by `imo worker`.
IMO_IMPORT_RUNS_KEEP_DAYS = int(os.environ.get("IMO_IMPORT_RUNS_KEEP_DAYS", "90"))

# --- The office's own settings -------------------------------------------------------------------
IMO_SITE_NAME = os.environ.get("IMO_SITE_NAME", "ИМО")
