"""dajuan settings: one file, driven by the environment (DAJUAN_*).

Every value that differs between a laptop, CI and production comes from an environment variable, so
tests run the very same settings on SQLite and PostgreSQL by changing only DAJUAN_DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DAJUAN_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: use 1/0, true/false, yes/no or on/off.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: must be a whole number.") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key() -> str:
    if path := os.environ.get("DAJUAN_SECRET_KEY_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    if key := os.environ.get("DAJUAN_SECRET_KEY"):
        return key
    if DEBUG:
        return "dajuan-insecure-development-key-only-for-debug-mode"
    raise ImproperlyConfigured(
        "DAJUAN_SECRET_KEY (or DAJUAN_SECRET_KEY_FILE) is required when DAJUAN_DEBUG is off. "
        'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )


DEBUG = envbool("DAJUAN_DEBUG", False)
SECRET_KEY = secret_key()
ALLOWED_HOSTS = envlist("DAJUAN_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DAJUAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "treebeard",
    "ninja",
    "dajuan.core",
    "dajuan.accounts",
    "dajuan.org",
    "dajuan.access",
    "dajuan.worktime",
    "dajuan.cases",
    "dajuan.notify",
    "dajuan.supervision",
    "dajuan.workbench",
    "dajuan.enterprise",
    "dajuan.intake",
    "dajuan.open311",
    "dajuan.meetings",
    "dajuan.policies",
    "dajuan.rollups",
    "dajuan.dashboard",
    "dajuan.assessment",
    "dajuan.routing",
    "dajuan.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dajuan.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dajuan.urls"
WSGI_APPLICATION = "dajuan.wsgi.application"

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
                "dajuan.core.context_processors.navigation",
            ],
        },
    },
]


def database() -> dict:
    url = os.environ.get("DAJUAN_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dajuan.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=envint("DAJUAN_DB_CONN_MAX_AGE", 0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend with a writer queue in front of BEGIN (dajuan/core/sqlite/base.py).
        config["ENGINE"] = "dajuan.core.sqlite"
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue instead of failing mid-transaction with "database is locked".
            # Pages are read through a memory map and kept in a 64 MiB cache per connection: with
            # SQLite's 2 MiB default every list and count re-reads its index pages through system calls.
            # Temporary storage (a savepoint's statement journal) in memory: on disk, every savepoint
            # that writes — two per registration — created, wrote and deleted a file.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; "
                "PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # Tests use a file too: concurrent connections to a shared-cache in-memory database fail at once
        # ("table is locked") instead of queueing as they do in production, so races could not be tested.
        config["TEST"] = {"NAME": str(VAR_DIR / "test-dajuan.sqlite3")}
    return config


DATABASES = {"default": database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failed logins (django-axes): per username *and* address, so one
# attacker cannot lock a colleague out from elsewhere; the message never says whether the
# account exists.
AXES_FAILURE_LIMIT = envint("DAJUAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("DAJUAN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("DAJUAN_PROXY_COUNT", 0) or None

OTP_TOTP_ISSUER = os.environ.get("DAJUAN_OTP_ISSUER", "dajuan 答卷")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries copied from node_modules by `make assets` (never committed).
STATICFILES_DIRS = [("vendor", VAR_DIR / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # Hashed, compressed names need `dajuan collectstatic`; tests and debug serve plain names.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("DAJUAN_STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("DAJUAN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Working-day deadlines (worktime): office hours and the same-day claim cut-off.
DAJUAN_OFFICE_OPENS = os.environ.get("DAJUAN_OFFICE_OPENS", "08:30")
DAJUAN_OFFICE_CLOSES = os.environ.get("DAJUAN_OFFICE_CLOSES", "17:30")
DAJUAN_CLAIM_CUTOFF = os.environ.get("DAJUAN_CLAIM_CUTOFF", "16:00")
DAJUAN_CLAIM_NEXT_DAY_BY = os.environ.get("DAJUAN_CLAIM_NEXT_DAY_BY", "12:00")

# Production security: `dajuan check --deploy` is clean when DAJUAN_DEBUG is off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("DAJUAN_SESSION_HOURS", 12) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("DAJUAN_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("DAJUAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DAJUAN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DAJUAN_HSTS_PRELOAD", True)
    if envbool("DAJUAN_BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"refusals": {"()": "dajuan.core.logging.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DAJUAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Replaces Django's default handlers for its own loggers, so they go through ours (and its filter).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def cache() -> dict:
    """Shared by every worker (rate limits count across processes): the database cache by default — one
    table, SQLite and PostgreSQL alike, nothing else to run — or Redis when DAJUAN_CACHE_URL names it."""
    url = os.environ.get("DAJUAN_CACHE_URL", "")
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dajuan_cache"}


CACHES = {"default": cache()}

# Intake: public form limits per hour (per client address, per phone) and tracking look-ups.
DAJUAN_PROXY_COUNT = envint("DAJUAN_PROXY_COUNT", 0)
DAJUAN_PUBLIC_SUBMITS_PER_IP_HOUR = envint("DAJUAN_PUBLIC_SUBMITS_PER_IP_HOUR", 20)
DAJUAN_PUBLIC_SUBMITS_PER_PHONE_HOUR = envint("DAJUAN_PUBLIC_SUBMITS_PER_PHONE_HOUR", 5)
DAJUAN_TRACKING_LOOKUPS_PER_IP_HOUR = envint("DAJUAN_TRACKING_LOOKUPS_PER_IP_HOUR", 30)

# Outgoing group messages (notify): "console" logs them; "locmem" keeps them for tests; or a dotted path.
DAJUAN_NOTIFY_BACKEND = os.environ.get("DAJUAN_NOTIFY_BACKEND", "console")

# The loop (cases).
DAJUAN_ATTACHMENT_MAX_MB = envint("DAJUAN_ATTACHMENT_MAX_MB", 10)
DAJUAN_ATTACHMENT_MAX_COUNT = envint("DAJUAN_ATTACHMENT_MAX_COUNT", 9)
# A satisfied evaluation closes the case (销号) at once; off: a dispatcher or supervisor closes it.
DAJUAN_CLOSE_AFTER_EVALUATION = envbool("DAJUAN_CLOSE_AFTER_EVALUATION", True)
# An open case with less office time than this left before its reply deadline is 即将超期 (due soon).
DAJUAN_DUE_SOON_WORKING_HOURS = envint("DAJUAN_DUE_SOON_WORKING_HOURS", 8)
# How many cases `demo_load` replays into the demo district (about a year of history).
DAJUAN_DEMO_CASES = envint("DAJUAN_DEMO_CASES", 420)
# The demo's enterprise service in per cent of the 2022 report's figures (100 = 512 包保 objects, 139
# breakfast meetings, 967 attendances, 737 + 750 problems, 1,323 group members, 1,682 policies). Smaller
# by default so `make run` stays quick; DAJUAN_DEMO_ENTERPRISE_PERCENT=100 replays the report's figures.
DAJUAN_DEMO_ENTERPRISE_PERCENT = envint("DAJUAN_DEMO_ENTERPRISE_PERCENT", 10)

# Background work (django-tasks): the database backend by default; `dajuan worker` runs it.
TASKS = {"default": {"BACKEND": os.environ.get("DAJUAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Notifications (notify): delivery tries before a message is marked failed; the SMS gateway class.
DAJUAN_NOTIFY_MAX_ATTEMPTS = envint("DAJUAN_NOTIFY_MAX_ATTEMPTS", 6)
DAJUAN_SMS_BACKEND = os.environ.get("DAJUAN_SMS_BACKEND", "dajuan.notify.senders.LoggingSmsGateway")
EMAIL_BACKEND = os.environ.get("DAJUAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DAJUAN_EMAIL_FROM", "dajuan@localhost")

# Dispatch intelligence (routing). Auto-dispatch is off unless a confidence (0-1, e.g. 0.95) is set.
DAJUAN_ROUTER_AUTO_DISPATCH = os.environ.get("DAJUAN_ROUTER_AUTO_DISPATCH", "")
DAJUAN_DUPLICATE_WINDOW_DAYS = envint("DAJUAN_DUPLICATE_WINDOW_DAYS", 30)
DAJUAN_HOTSPOT_WINDOW_DAYS = envint("DAJUAN_HOTSPOT_WINDOW_DAYS", 7)
DAJUAN_HOTSPOT_BASELINE_WINDOWS = envint("DAJUAN_HOTSPOT_BASELINE_WINDOWS", 8)
DAJUAN_HOTSPOT_MIN_CASES = envint("DAJUAN_HOTSPOT_MIN_CASES", 5)
# The similar-case index snapshot `dajuan warm_routing` (and the worker) write and servers load on first use;
# empty: every process builds its own index on first use. Shared storage when servers run on several hosts.
DAJUAN_SIMILARITY_SNAPSHOT = os.environ.get("DAJUAN_SIMILARITY_SNAPSHOT", str(VAR_DIR / "similarity-index.npz"))
