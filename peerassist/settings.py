"""Settings for peerassist, read from the environment (and `.env` when present).

Every variable is documented in `.env.example` and in the README. Defaults are
the embedded set-up: SQLite under `var/`, in-memory cache, console e-mail.
"""

import ipaddress
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PEERASSIST_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# Variables already set in the process environment win over the file.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; in DEBUG, a generated key kept in var/."""
    key: str = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(DEBUG is off, so peerassist will not invent one)."
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    generated: str = key_file.read_text().strip()
    return generated


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "peerassist.core.adminsite.OperatorAdminConfig",  # django.contrib.admin, operators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Single sign-on: each organisation's OpenID Connect provider (accounts/sso.py).
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",  # serves the API docs page's assets locally instead of from a CDN
    "peerassist.core",
    "peerassist.accounts",
    "peerassist.members",
    "peerassist.audit",
    "peerassist.people",
    "peerassist.communities",
    "peerassist.assists",
    "django_tasks_db",
    "peerassist.live",
    "peerassist.writeups",
    "peerassist.reports",
    "peerassist.search",
    "peerassist.invitations",
    "peerassist.notifications",
    "peerassist.webhooks",
    "peerassist.api",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer probes by IP over plain HTTP (no redirect, no host check).
    "peerassist.core.health.HealthMiddleware",
    "peerassist.core.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "peerassist.core.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "peerassist.core.errors.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After LocaleMiddleware and authentication: a signed-in person's saved language wins.
    "peerassist.core.middleware.UserLanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peerassist.core.middleware.OrganisationMiddleware",
    "peerassist.core.middleware.TimeZoneMiddleware",
    "peerassist.core.middleware.RequireTwoFactorMiddleware",
    "peerassist.core.middleware.RefusalAsMessageMiddleware",
    "peerassist.core.errors.ErrorPageMiddleware",
]
CSRF_FAILURE_VIEW = "peerassist.core.errors.csrf_failure"

ROOT_URLCONF = "peerassist.urls"
ASGI_APPLICATION = "peerassist.asgi.application"
WSGI_APPLICATION = "peerassist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "peerassist" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerassist.core.context_processors.organisation",
                "peerassist.core.context_processors.time_zone",
                "peerassist.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'peerassist.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so concurrent writers queue on the busy timeout instead of failing.
    # Keep the connection: the live room's database thread would otherwise reopen SQLite
    # (and rerun the PRAGMAs) for every message.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits live here) -------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The live room's channel layer: in memory for one process; Redis so that several server
# processes share rooms (one layer message per event per process, see live/fanout.py).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py gives up on a reply after 5 s by default: exactly how long the layer's
                # BZPOPMIN waits for a message, so on a busy machine a message Redis handed
                # over just before its 5 s was dropped with the timed-out connection (a lost
                # room event). The socket now waits longer than any blocking call.
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": 15, "socket_connect_timeout": 5}
                ],
                "capacity": 5000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The live room's limits, per server process (see live/PROTOCOL.md): sockets one user may
# have open, sockets one room may hold, and messages one user may send (a burst, then a rate).
LIVE_MAX_SOCKETS_PER_USER = env.int("LIVE_MAX_SOCKETS_PER_USER", default=20)
LIVE_MAX_SOCKETS_PER_ROOM = env.int("LIVE_MAX_SOCKETS_PER_ROOM", default=1000)
LIVE_USER_MESSAGE_BURST = env.int("LIVE_USER_MESSAGE_BURST", default=30)
LIVE_USER_MESSAGES_PER_SECOND = env.float("LIVE_USER_MESSAGES_PER_SECOND", default=3.0)
# Origins, besides SITE_URL's, CSRF_TRUSTED_ORIGINS and the request's own, that may open
# the room's socket; each is scheme://host[:port] and must match all three exactly.
WEBSOCKET_ALLOWED_ORIGINS = env.list("WEBSOCKET_ALLOWED_ORIGINS", default=[])

# Webhooks reach public addresses only; these open the way to internal receivers.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])
# Single sign-on reaches identity providers on public addresses only; these open the way to
# an identity provider on the internal network (docs/sso.md).
SSO_ALLOWED_HOSTS = env.list("SSO_ALLOWED_HOSTS", default=[])
SSO_ALLOWED_NETWORKS = env.list("SSO_ALLOWED_NETWORKS", default=[])
for _setting, _networks in (
    ("WEBHOOK_ALLOWED_NETWORKS", WEBHOOK_ALLOWED_NETWORKS),
    ("SSO_ALLOWED_NETWORKS", SSO_ALLOWED_NETWORKS),
):
    for _network in _networks:
        try:
            ipaddress.ip_network(_network, strict=False)
        except ValueError as _exc:
            raise ImproperlyConfigured(
                f"{_setting}: {_network!r} is not a network such as 10.20.0.0/16"
            ) from _exc

# --- Auth ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "peerassist.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_RATE_LIMITS = {
    # After 5 wrong passwords for one account, even the right one is refused for 15 minutes.
    "login_failed": "10/m/ip,5/15m/key",
    "reset_password": "20/m/ip,3/15m/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[peerassist] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Accounts are created by organisation admins and CSV import; open sign-up is opt-in.
ALLOW_SIGNUP = env.bool("ALLOW_SIGNUP", default=False)
#: Days the audit log keeps an entry (the worker deletes older ones).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
#: How long the link in a member invitation e-mail works.
MEMBER_INVITATION_DAYS = env.int("MEMBER_INVITATION_DAYS", default=14)
# Single sign-on: the apps come from each organisation's configuration (accounts/sso.py).
SOCIALACCOUNT_ADAPTER = "peerassist.accounts.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True  # just-in-time membership; the adapter decides who may
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is the adapter's decision, never implicit
SOCIALACCOUNT_STORE_TOKENS = False  # peerassist never calls the provider on the user's behalf
SOCIALACCOUNT_LOGIN_ON_GET = False  # a top-level link must not start a sign-in (login CSRF)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "peerassist"

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading HSTS into browsers is hard to undo: it stays the operator's explicit opt-in.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy, `peerassist serve` (uvicorn) takes the scheme and client
# address from X-Forwarded-Proto/For, but only from TRUSTED_PROXIES; Django then reads them
# from the ASGI scope. Django's own SECURE_PROXY_SSL_HEADER is not used: it would trust the
# header from any client that reaches the server directly.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
# The server makes one small PDF in the background when it starts, so that the first export
# does not wait for WeasyPrint and the fonts to load (seconds). Off: PDF_WARM_UP=false.
PDF_WARM_UP = env.bool("PDF_WARM_UP", default=True)
# Probes come by IP over plain HTTP; HealthMiddleware answers them first, this is a backstop.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# /metrics (Prometheus): with a token, only `Authorization: Bearer <token>`; without one,
# only from these addresses. See docs/deploy.md.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail --------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Background work (emails, reminders, webhooks, follow-ups) runs in Django's task
# framework on the database; `peerassist worker` runs the tasks and the periodic jobs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: Idempotent jobs the worker runs every PERIODIC_INTERVAL seconds (and `send-reminders` once).
PERIODIC_JOBS: list[str] = []
PERIODIC_INTERVAL = env.int("PERIODIC_INTERVAL", default=60)

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="peerassist <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "peerassist" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# One house style for dates and times in every language (peerassist/core/when.py).
FORMAT_MODULE_PATH = ["peerassist.formats"]
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
# Uploaded files (brief attachments). Never served directly: views check who may read them.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of every PDF at INFO; its warnings still show.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
