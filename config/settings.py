"""Settings for the Tariff Talks Tracker, driven by environment variables.

Every variable has a safe default for `make run` on a laptop; production sets
DEBUG=false and must then also set SECRET_KEY and ALLOWED_HOSTS, or startup fails.
"""

import os
import re
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1e6:
        raise ImproperlyConfigured(f"{name} must be a number of seconds (0 for none), not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The search's lookups (trigram_word_similar) and full-text search; does nothing on
    # SQLite, where the search falls back to icontains (negotiations/search.py).
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "import_export",
    "simple_history",
    # Background tasks (Django's tasks API, backported) and their database backend.
    "django_tasks",
    "django_tasks_db",
    # Login throttling: failed logins are counted in the database, shared by every server.
    "axes",
    # The JSON API (api/): its docs page's template and Swagger UI's files, served by us.
    "ninja",
    # Change sets and version checks; knows neither app.
    "changes",
    # Only for its template (the admin's CSV import page): csvport has no models.
    "csvport",
    "tariffs",
    "negotiations",
    # Commands only: the benchmark's synthetic data and measurements (`make bench`).
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database fault in a view is a 503 with Retry-After, logged in one line (the
    # handler500 in config/urls.py does the same for one raised in a middleware).
    "config.faults.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a parameter: a NUL byte in the admin is a 400 in words.
    "config.bad_input.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Who made a change (the history's user) and one change set per request.
    "simple_history.middleware.HistoryRequestMiddleware",
    "changes.scope.ChangeSetMiddleware",
    # The Content-Security-Policy header on every response, the admin's included.
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while its user and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user
# name from one address, that pair may not log in for LOGIN_LOCKOUT_MINUTES; every
# further try restarts the wait. Counting the pair, not the address alone, means one
# address behind a shared proxy cannot lock everyone out; the address alone would.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.logins.locked_out"
# The client's address is the connection's unless PROXY_COUNT proxies (a load balancer)
# stand in front and append it to X-Forwarded-For: a header the client sets is ignored.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Only editors log in: their sessions end SESSION_HOURS after login (Django's default,
# two weeks, is long for an account that can rewrite the record).
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
LOGIN_URL = "admin:login"
# Where a login goes when its `next` is missing or refused (another site's address).
LOGIN_REDIRECT_URL = "admin:index"

# A strict policy: scripts and styles only from this site's own files (htmx is configured
# in base.html to inject no style and evaluate nothing; no inline script, style or event
# handler in any template), no plugins, no framing, forms posting only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"

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
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite is the zero-setup default for `make run`; production and the tests use
# PostgreSQL through DATABASE_URL. Persistent connections with health checks: a
# connection per request costs about ten times the throughput (see README).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s server and its task worker write the same file: a transaction takes
    # the write lock when it starts, so two never deadlock ("database is locked") when
    # each would turn its read into a write.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"

# Timeouts, so that a database that is down or stuck answers a page with a 503 in seconds
# rather than holding every worker until gunicorn kills it. They apply to every
# connection, commands included; long work lifts the statement timeout for itself:
# streamed downloads and `export_csv` (csvport/writing.py), applying an import
# (csvport/plans.py), generate_synthetic. 0 turns either off.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5)
DB_STATEMENT_TIMEOUT = env_seconds("DB_STATEMENT_TIMEOUT", 10)
if DB_CONNECT_TIMEOUT < 0:
    raise ImproperlyConfigured(f"DB_CONNECT_TIMEOUT must be 0 or more, not {DB_CONNECT_TIMEOUT}")


def postgresql_timeouts(options: dict, connect_timeout: int, statement_timeout: float) -> dict:
    """`options` (a PostgreSQL DATABASES entry's OPTIONS) with the two timeouts: libpq's
    connect_timeout (whole seconds; libpq counts anything under 2 as 2) and the server's
    statement_timeout for the session, after any `options` the URL gave."""
    options = dict(options)
    if connect_timeout:
        options["connect_timeout"] = connect_timeout
    if statement_timeout:
        milliseconds = max(1, round(statement_timeout * 1000))
        given = options.get("options", "")
        options["options"] = f"{given} -c statement_timeout={milliseconds}".strip()
    return options


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"] = postgresql_timeouts(
        DATABASES["default"].get("OPTIONS", {}), DB_CONNECT_TIMEOUT, DB_STATEMENT_TIMEOUT
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what pages compute from a negotiation's data, under its data version
# (negotiations/gap.py), so it is never stale, only cold; it must be shared by every app
# server. CACHE_URL: db:// (default) is a table in the database (create it with
# `manage.py createcachetable` wherever `migrate` runs); redis://host:6379/0 (or
# rediss://, unix://) a Redis server; locmem:// this process only, for one server.
CACHE_TABLE = "tracker_cache"


def cache_settings(url: str) -> dict:
    scheme = url.partition("://")[0]
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Two or three entries per negotiation and view (as of a round): 300, the
            # default, would cull entries pages still use once a few dozen are viewed.
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
        }
    if scheme in ("redis", "rediss", "unix"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 50_000)},
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must start with db://, redis://, rediss://, unix:// or locmem://, not {url!r}"
    )


CACHES = {"default": cache_settings(os.environ.get("CACHE_URL") or "db://")}

# Whole pages for readers without an account, cached under the versions of the data they
# show, today's date and the release (negotiations/page_cache.py): never stale, since a
# write changes a version. PAGE_CACHE_SECONDS=0 turns it off. RELEASE names the deployed
# code; by default a hash of the code, templates and static files.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 7 * 24 * 3600)
RELEASE = os.environ.get("RELEASE", "")
# The JSON API (/api/): anonymous reads per client address, counted in the cache above.
# "120/min" (or /s, /h, /day); empty: no limit.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120/min").strip()
if API_RATE_LIMIT and not re.fullmatch(
    r"[1-9][0-9]*/[0-9]*(s|sec|m|min|h|hour|d|day)", API_RATE_LIMIT
):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must be a number of requests per period, such as 120/min, 10/s, "
        f"5000/day, or empty for no limit; not {API_RATE_LIMIT!r}"
    )
# The client's address, as for login throttling: the connection's, unless PROXY_COUNT
# proxies append it to X-Forwarded-For (a header the client sets alone is not trusted).
NINJA_NUM_PROXIES = PROXY_COUNT

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# The manifest needs `collectstatic` first; development and tests serve from the
# source folders instead, so `make run` and `make test` need no build step.
# WhiteNoise warns when STATIC_ROOT does not exist; it only does before collectstatic,
# which development and tests never run.
warnings.filterwarnings("ignore", message="No directory at: ")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if not DEBUG:
    # Behind a load balancer that terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Off by default: the load balancer usually redirects, and HSTS is hard to undo.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    # Load balancers check health over plain HTTP, on the server's own address.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    # `check --deploy` warns while neither the app nor, as the operator declares, the
    # proxy in front redirects to HTTPS or sends HSTS: an unset variable hides nothing.
    SILENCED_SYSTEM_CHECKS = [
        check
        for check, done_by_proxy in (
            ("security.W004", env_bool("HSTS_BY_PROXY", False)),
            ("security.W008", env_bool("HTTPS_REDIRECT_BY_PROXY", False)),
        )
        if done_by_proxy
    ]

# CSV imports (csvport; README "Configuration"): what one file may hold, in the admin
# and through `manage.py import_csv`, and how much of a bad file a preview reports.
CSV_IMPORT_ADMIN_MAX_MB = env_int("CSV_IMPORT_ADMIN_MAX_MB", 5)
CSV_IMPORT_ADMIN_MAX_ROWS = env_int("CSV_IMPORT_ADMIN_MAX_ROWS", 50_000)
CSV_IMPORT_COMMAND_MAX_MB = env_int("CSV_IMPORT_COMMAND_MAX_MB", 1024)
CSV_IMPORT_MAX_ROWS = env_int("CSV_IMPORT_MAX_ROWS", 5_000_000)
CSV_IMPORT_MAX_PROBLEMS = env_int("CSV_IMPORT_MAX_PROBLEMS", 10_000)
CSV_IMPORT_MAX_SUGGESTIONS = env_int("CSV_IMPORT_MAX_SUGGESTIONS", 200)
# An upload waits this long for its confirmation; `manage.py clearsessions` removes it after.
CSV_IMPORT_PREVIEW_MINUTES = env_int("CSV_IMPORT_PREVIEW_MINUTES", 60)
# An admin upload with more rows than this is applied by a background task (csvport/
# background.py), not within the request.
CSV_IMPORT_BACKGROUND_ROWS = env_int("CSV_IMPORT_BACKGROUND_ROWS", 2_000)

# Background tasks: Django's tasks API through the django-tasks backport. The default
# backend keeps the queue in the database (`manage.py db_worker` runs it; `make run`
# starts one); TASKS_BACKEND names another (a distributed queue's, such as
# django_tasks_rq.RQBackend, or django_tasks.backends.immediate.ImmediateBackend to run
# each task within the request) without a change of code.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line a record, with its time: a database fault is one line (config/faults.py).
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes announces itself at every start; its lockouts are warnings, still shown.
    "loggers": {"axes": {"level": "WARNING"}},
}
