"""Settings, read from environment variables with safe development defaults.

Production (``OUVIDORIA_ENV=production``) refuses to start without ``SECRET_KEY`` and
``OUVIDORIA_ENCRYPTION_KEYS``.
"""

import importlib.util
from pathlib import Path
from typing import Any, cast

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from ouvidoria.lib.env import env_bool, env_int, env_list, env_str

# Lets admin.ModelAdmin[Model] and friends be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OUVIDORIA_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env_str("OUVIDORIA_ENV", "development") == "production"

# Development-only fallbacks. They are public, so production refuses them.
_DEV_SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"  # noqa: S105
# A Fernet key (32 url-safe base64 bytes) for development and tests only.
_DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM="

SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
# Comma-separated Fernet keys: the first encrypts, all decrypt (key rotation).
ENCRYPTION_KEYS = env_list("OUVIDORIA_ENCRYPTION_KEYS", "" if PRODUCTION else _DEV_ENCRYPTION_KEY)
# Key for the keyed hashes (blind indexes) beside CPF/CNPJ and e-mail; defaults to one derived
# from the first encryption key.
BLIND_INDEX_KEY = env_str("OUVIDORIA_BLIND_INDEX_KEY", "")

if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in production.")
    if not ENCRYPTION_KEYS or _DEV_ENCRYPTION_KEY in ENCRYPTION_KEYS:
        raise ImproperlyConfigured("OUVIDORIA_ENCRYPTION_KEYS must be set in production.")

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ouvidoria.accounts.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "huey.contrib.djhuey",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "ouvidoria.catalogue",
    "ouvidoria.entities",
    "ouvidoria.cases",
    "ouvidoria.api",
    "ouvidoria.imports",
    "ouvidoria.indicators",
    "ouvidoria.accounts",
    "ouvidoria.workspace",
    "ouvidoria.reports",
    "ouvidoria.portal",
    "ouvidoria.front",
    "ouvidoria.notify",
    "ouvidoria.faq",
    "ouvidoria.opin",
    "ouvidoria.audit",
    "ouvidoria.inbox",
    "ouvidoria.privacy",
    "ouvidoria.dossier",
    "ouvidoria.retention",
    "ouvidoria.rights",
    "ouvidoria.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the authentication backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/address pair is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:queue"

# Lockout after repeated failures (django-axes): 5 wrong passwords for the same username from the same address
# lock that pair for 30 minutes; an administrator can lift it earlier (``manage.py axes_reset``).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Shown in the authenticator app next to the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Ouvidoria")

ROOT_URLCONF = "ouvidoria.urls"
WSGI_APPLICATION = "ouvidoria.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ouvidoria.accounts.context_processors.access",
            ],
        },
    },
]

DATABASES: dict[str, Any] = {
    "default": cast(
        dict[str, Any],
        dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ouvidoria.sqlite3'}"),
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        ),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let web, workers and commands share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)")]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env_str("OUVIDORIA_MEDIA_ROOT", str(VAR_DIR / "attachments")))

# Backups (docs/security.md, "Cópias de segurança"): the nightly job writes into this folder when it is set. The
# archives are encrypted with OUVIDORIA_BACKUP_KEY when set, else with a key derived from the first encryption key.
BACKUP_DIR = env_str("OUVIDORIA_BACKUP_DIR", "")
BACKUP_KEY = env_str("OUVIDORIA_BACKUP_KEY", "")

# Files uploaded for import from the workspace (administrators).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 200 * 1024 * 1024)

# Attachments are stored outside the web root and served only through permission-checked views.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# The signed case dossier (ouvidoria/dossier, docs/security.md "Dossiê assinado"): the entity's certificate as a
# PKCS#12 file (an ICP-Brasil A1 .pfx in production) and its password; extra CA certificates trusted when verifying.
# Unset in development: a self-signed certificate is made under var/; unset in production: the dossier is refused.
OUVIDORIA_DOSSIER_PKCS12 = env_str("OUVIDORIA_DOSSIER_PKCS12", "")
OUVIDORIA_DOSSIER_PKCS12_PASSWORD = env_str("OUVIDORIA_DOSSIER_PKCS12_PASSWORD", "")
OUVIDORIA_DOSSIER_TRUST_ROOTS = env_list("OUVIDORIA_DOSSIER_TRUST_ROOTS")
# The largest PDF the verification page accepts.
DOSSIER_VERIFY_MAX_BYTES = env_int("DOSSIER_VERIFY_MAX_BYTES", 30 * 1024 * 1024)

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# In transit (seed 000 §9.2, "criptografia em trânsito"): production answers only over HTTPS. Each is a setting of the
# environment, on by default in production (docs/security.md, "Em trânsito"). Behind a proxy that terminates TLS, it
# must set X-Forwarded-Proto and SECURE_PROXY_SSL_HEADER=1 tells Django to trust it; otherwise every request would be
# redirected forever.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# The preload directive only matters once the domain is submitted to the browsers' list (hstspreload.org).
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ouvidoria.api.authentication.ApiTokenAuthentication",
        "ouvidoria.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "ouvidoria.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "ouvidoria.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "DEFAULT_PARSER_CLASSES": [
        "ouvidoria.api.parsers.JSONParser",
        "ouvidoria.api.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": None,
}

# How long a process trusts a verified API token before reading it again (revocations reach other processes within
# this time; the process that revokes forgets at once).
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 30)

SPECTACULAR_SETTINGS = {
    "TITLE": "Ouvidoria API",
    "DESCRIPTION": "Registro e tratamento de manifestações (SAC e Ouvidoria) com prazos regulatórios.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Every handler takes personal data out of what it writes (ouvidoria/lib/logfilter.py, from the classification
# table; docs/security.md, "Classificação da informação"). Django's own handlers are redefined here so that they too
# carry the filter: its console handler of DEBUG is dropped (the records reach the root's), the server's request
# lines and the error e-mails to ADMINS keep theirs. ouvidoria/lib/tests/test_logfilter.py checks every handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "ouvidoria.lib.logfilter.PersonalDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["personal_data"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request bodies carry personal data: never log them (see docs/privacy in the README).
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
    },
}

# Development writes each e-mail as a file under var/mail, to read what requesters would receive.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
# TLS to the mail server (docs/security.md, "Em trânsito"): STARTTLS on 587 (EMAIL_USE_TLS) or TLS from the first
# byte on 465 (EMAIL_USE_SSL); never both.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ouvidoria@localhost")
# Where people reach the product: the links in the e-mails to the team.
PUBLIC_URL = env_str("OUVIDORIA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def _needs_redis(variable: str) -> None:
    """Redis's client is an optional extra (``uv sync --extra redis``): huey imports it whenever it is installed,
    which costs every process ~0.1 s of start-up where the SQLite queue and the file cache do."""
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(f"{variable} is set: install Redis's client with `uv sync --extra redis`.")


# Background jobs (huey): a SQLite file beside the database by default, Redis when HUEY_REDIS_URL is set (several
# machines). Tests run tasks at once, in the calling thread (conftest sets immediate mode).
_HUEY_REDIS_URL = env_str("HUEY_REDIS_URL", "")
HUEY: dict[str, Any] = {
    "name": "ouvidoria",
    "immediate": env_bool("HUEY_IMMEDIATE", default=False),
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread", "periodic": True},
}
if _HUEY_REDIS_URL:
    _needs_redis("HUEY_REDIS_URL")
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _HUEY_REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# A cache every process shares: the portal's rate limits count across gunicorn workers. Files under var/ by default;
# Redis when OUVIDORIA_CACHE_REDIS_URL is set.
_CACHE_REDIS_URL = env_str("OUVIDORIA_CACHE_REDIS_URL", "")
if _CACHE_REDIS_URL:
    _needs_redis("OUVIDORIA_CACHE_REDIS_URL")
CACHES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_REDIS_URL}
    if _CACHE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
}
