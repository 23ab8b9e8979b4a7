"""Settings for every environment, read from environment variables.

Development (scripts/serve) sets DJANGO_DEBUG=1; production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL). SQLite is the embedded default.
deploy/mscp.env.example lists and explains every variable read here.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MSCP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        # Empty: Django refuses whatever would sign with it (sessions, CSRF tokens), while
        # commands that sign nothing (makemigrations, migrate, check) still run. The web
        # servers refuse to start without a key (mscp/startup.py).
        return ""
    # Development only: a random key kept beside the SQLite database, so sign-ins survive
    # a restart of the dev server without a key being committed anywhere.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Earlier keys, comma-separated, after a rotation: what they signed still checks (password
# reset links, and the backup codes made under them: plans.two_step).
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_filters",
    "django_htmx",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "mscp",
    "plans",
    "actions",
    "reporting",
    "front",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "mscp.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mscp.sessions.SessionTimeoutMiddleware",
    # A form sent after the session ended is kept as a draft for after sign-in (front.drafts).
    "front.drafts.KeepDraftMiddleware",
    # More than MSCP_WRITES_PER_MINUTE saves by one person in a minute: refused (a script).
    "front.write_limit.WriteLimitMiddleware",
    # A user with two-step verification on who has given the password but not yet the code
    # reaches the code page and sign-out only, and no other page (the admin's included).
    "plans.two_step.TwoStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mscp.urls"
WSGI_APPLICATION = "mscp.wsgi.application"

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
                "front.context.session_timeout",
                "front.context.single_sign_on",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default under concurrency (the app server's threads and the worker, two
    # processes): write-ahead logging, so readers never wait for a writer; a writer waits up
    # to 20 s for another instead of failing at once with "database is locked"; and every
    # transaction takes the write lock when it begins (IMMEDIATE), because one that reads
    # first and then writes cannot wait for the lock (SQLite refuses it at once to avoid a
    # deadlock, whatever the timeout).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in
    # Django's ModelBackend, loading with the user whether two-step verification is on.
    "plans.two_step.Backend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

FORM_RENDERER = "mscp.renderers.GovukFormRenderer"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads (plan imports) stay small: openpyxl holds a whole workbook in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django-import-export: only users with the change permission may import, and choice
# fields are validated (it does neither by default).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Not its own formula escaping (it takes off one "=" and nothing else): the action admin's
# export writes xlsx through reporting.cells, as every spreadsheet of the app (reporting.admin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# HTTPS. nginx terminates TLS (deploy/nginx-mscp.conf); these are on unless DEBUG, so the
# development server keeps working on plain http://127.0.0.1:8000/.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer probes /healthz/ over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    # Only behind a proxy that sets X-Forwarded-Proto itself: otherwise any client could
    # claim its plain-http request was secure.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
MSCP_TRUST_X_FORWARDED_FOR = env_bool("DJANGO_BEHIND_TLS_PROXY")
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # no script reads it: every form carries the token
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A form whose token no longer holds (signed in again in another tab): a page in words that
# keeps what was typed (front.drafts), not Django's bare 403.
CSRF_FAILURE_VIEW = "front.views.errors.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): every script and style is a file of this site, so
# nothing inline runs. Django's own error pages in DEBUG are exempted by django-csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Background tasks (reporting.tasks: PDF pack renders) are queued in the database, which every
# app server shares, and run by `manage.py worker` (deploy/mscp-worker.service; scripts/serve
# starts one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Sessions live in the database (Django's default), so several app servers can share them.
# A session ends after MSCP_SESSION_IDLE_TIMEOUT seconds without a request, and in any
# case MSCP_SESSION_MAX_AGE seconds after sign-in (mscp.sessions): a board member's laptop
# left open in a meeting room does not stay signed in.
# How many saves (form posts) one person may make in a minute: far more than anyone makes
# by hand (a business support officer moving items up a list makes one a second at most),
# so only a script meets it (front.write_limit). 0: no limit.
MSCP_WRITES_PER_MINUTE = env_int("MSCP_WRITES_PER_MINUTE", 40)
# Keep the coming meetings' PDF packs, and each partnership's own, made again by the worker
# a few minutes after a change (reporting.prerender), so downloads are served at once.
MSCP_PRERENDER_PACKS = env_bool("MSCP_PRERENDER_PACKS", True)
# A PDF pack is laid out in parts, this many at once, each in a process of its own
# (reporting.pack_pdf); the parts are kept as files, so that a pack made again after one
# update lays out only the parts that changed. Parts go after 14 days, or when there are more
# than 1000 (a 500-action pack has about 40).
PACK_RENDER_PROCESSES = env_int("MSCP_PACK_RENDER_PROCESSES", 2)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pack_parts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        # The worker's to write: under systemd, its CacheDirectory (deploy/mscp-worker.service).
        "LOCATION": os.environ.get("MSCP_PACK_PARTS_DIR", str(VAR_DIR / "pack-parts")),
        "TIMEOUT": 14 * 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
MSCP_SESSION_IDLE_TIMEOUT = env_int("MSCP_SESSION_IDLE_TIMEOUT", 30 * 60)
MSCP_SESSION_MAX_AGE = env_int("MSCP_SESSION_MAX_AGE", 10 * 60 * 60)
SESSION_COOKIE_AGE = MSCP_SESSION_MAX_AGE

# django-axes: 5 wrong passwords for one username from one IP address lock that pair out
# for 30 minutes. The pair, not the username alone, so that someone who knows a colleague's
# username cannot lock them out from elsewhere; 5 because a person who mistypes gets there
# rarely, while a guesser gets at most 10 tries an hour per address, hopeless against
# 12-character passwords that are not common ones (AUTH_PASSWORD_VALIDATORS). Each attempt
# during the lock-out starts the 30 minutes again (django-axes' default), so a script that
# keeps trying stays locked out. The records are in the database, shared by every app server.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Wrong passwords and codes are forgotten when a sign-in is complete (password, and code if
# two-step verification is on: plans.two_step.forget_failures), never at the password alone.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "front.views.sign_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "plans.client_address.client_ip"
AXES_VERBOSE = False  # no start-up banner in the output of every manage.py command
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log (plans.audit); failures still count

# Two-step verification (django-otp, plans.two_step), optional for everyone and recommended to
# business support staff: an authenticator app (TOTP) and single-use backup codes. A wrong
# code counts towards the django-axes lock-out above like a wrong password, and django-otp
# makes each device wait 1, 2, 4, 8... seconds after successive wrong codes.
OTP_TOTP_ISSUER = "Partnership plans"  # the name the authenticator app shows
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key
# django-axes keeps what a failed attempt sent, masking passwords and these (its defaults
# and the codes).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "backup_code"]

# Single sign-on with OpenID Connect (mozilla-django-oidc; plans.single_sign_on), on when
# MSCP_OIDC_CLIENT_ID is set: a button on the sign-in page sends people to the deployment's
# identity provider (Microsoft Entra ID, say: deploy/README.md), for the members of the
# partnerships that turn it on (Partnership.single_sign_on). A sign-in there is matched by
# its verified email to a member or an invitation, and never makes a member by itself; the
# password and two-step verification stay for everyone else. The endpoints are those of the
# provider's OpenID configuration document.
OIDC_RP_CLIENT_ID = os.environ.get("MSCP_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("MSCP_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("MSCP_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("MSCP_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("MSCP_OIDC_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("MSCP_OIDC_JWKS_ENDPOINT", "")
# The ID token's issuer ("iss"), checked when given.
MSCP_OIDC_ISSUER = os.environ.get("MSCP_OIDC_ISSUER", "")
# What the sign-in page's button calls the provider: "Sign in with Merton Council account".
MSCP_OIDC_PROVIDER_NAME = os.environ.get("MSCP_OIDC_PROVIDER_NAME", "your organisation's account")
# Whether an email address without an email_verified claim counts as checked: Entra ID leaves
# the claim out, and a single-tenant registration's addresses are the tenant's own.
MSCP_OIDC_TRUST_EMAILS = env_bool("MSCP_OIDC_TRUST_EMAILS")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # plans.single_sign_on.Backend never does, whatever this says
OIDC_TIMEOUT = 10  # seconds to wait for the provider's token and user information
LOGIN_REDIRECT_URL_FAILURE = "two_step:sso_refused"
# A refusal at the single sign-on callback is not a wrong password: not counted by django-axes.
AXES_WHITELIST_CALLABLE = "plans.single_sign_on.not_a_password"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("plans.single_sign_on.Backend")

# Email: SMTP when DJANGO_EMAIL_HOST is set, else printed to the console in development.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL")
    EMAIL_TIMEOUT = 10
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's address, for links in emails sent outside a request (reporting.reminders):
# scheme and host, with no path, e.g. https://plans.example.org.
MSCP_SITE_URL = os.environ.get("MSCP_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# How long an invitation's link (plans.invitations) and a password reset link work.
MSCP_INVITATION_DAYS = env_int("MSCP_INVITATION_DAYS", 7)
PASSWORD_RESET_TIMEOUT = env_int("MSCP_PASSWORD_RESET_HOURS", 2) * 60 * 60

# Who runs this deployment, for the accessibility statement and the privacy notice (a
# public-sector body's duties under the Accessibility Regulations 2018 and UK GDPR): its name,
# the address that answers about access and personal data, and the date the statement was
# last reviewed (YYYY-MM-DD).
MSCP_OPERATOR_NAME = os.environ.get("MSCP_OPERATOR_NAME", "The partnership's business support team")
MSCP_OPERATOR_EMAIL = os.environ.get("MSCP_OPERATOR_EMAIL", "")
MSCP_STATEMENT_REVIEWED = os.environ.get("MSCP_STATEMENT_REVIEWED", "2026-12-07")

# Logs go to standard output, where systemd's journal (or a container runtime) keeps them.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # WeasyPrint logs every page of every pack at INFO, and fontTools every font subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
