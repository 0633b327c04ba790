"""One settings module, read from the environment.

DJANGO_ENV selects the profile: ``development`` (default, works with no .env), ``test`` (pytest) or
``production`` (refuses to start without its secrets, passes ``manage.py check --deploy``).
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("DJANGO_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV inconnu : {ENV!r} (development, test ou production).")
PRODUCTION = ENV == "production"


def env(name, default=None):
    """A variable of the environment; in production, a missing required one stops the start."""
    value = os.environ.get(name)
    if value not in (None, ""):
        return value
    if PRODUCTION and default is None:
        raise ImproperlyConfigured(f"La variable d'environnement {name} est obligatoire en production.")
    return default


def env_bool(name, default):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "oui", "on"}


def env_list(name, default):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", None if PRODUCTION else "dev-insecure-secret-key-do-not-use-in-production")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY doit compter au moins 50 caractères en production.")
# Former keys, comma-separated, while rotating SECRET_KEY: sessions, links and the encrypted TOTP secrets
# (guichet/deux_facteurs.py) stay readable with them.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("DEBUG", ENV == "development")
SITE_URL = env("SITE_URL", None if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", None if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "") if os.environ.get("CSRF_TRUSTED_ORIGINS") else []

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guichet",
    "acheteurs",
    "conventions",
    "marches",
    "entreprises",
    "publics",
    "reporting",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Idle and absolute expiry of signed-in sessions.
    "guichet.middleware.SessionExpirationMiddleware",
    # After the messages: a database error or a task put off says so in French. Around the guichet's transaction,
    # so that it sees the tasks sent when that transaction commits.
    "guichet.middleware.PannesMiddleware",
    # After authentication: resolves the guichet of the URL, checks membership, enters the scope and the
    # transaction whose first statement sets the guichet for row-level security.
    "guichet.middleware.GuichetMiddleware",
]

ROOT_URLCONF = "guichet.urls"
WSGI_APPLICATION = "guichet.wsgi.application"
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
                "django.template.context_processors.csp",
                "guichet.context_processors.guichet",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", None if PRODUCTION else "postgres://postgres@127.0.0.1:5432/clauses_sociales"),
        conn_max_age=int(env("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Per-connection planner settings, for many short queries that each read one guichet's rows:
# * no JIT: it compiles the reporting's aggregates (correlated subqueries over the ledger) for longer than they run
#   (0.6 s of a 0.8 s query on a large guichet);
# * ``random_page_cost`` 1.1, the usual value for SSD storage (PostgreSQL's default of 4 assumes spinning disks):
#   with 4, joining a guichet's 1 500 lots to their marchés read all 300 000 marchés of the national network
#   (75 ms) instead of 1 500 index lookups (4 ms);
# * no parallel workers: a web request shares two cores with the other requests, a worker more only adds its start.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c jit=off -c random_page_cost=1.1 -c max_parallel_workers_per_gather=0"
)
# Row-level security (guichet/rls.py): DATABASE_URL is the application's role, neither owner of the tables nor
# superuser, so PostgreSQL's policies apply to it; DATABASE_OWNER_URL is the role that owns the tables and runs
# `migrate` (our `migrate` command switches to it): its user, password, host and port (it may bypass a pooler), on
# DATABASE_URL's database. Without it (a newcomer's single superuser URL), migrations run with DATABASE_URL and the
# policies do not bind the application, since an owner or a superuser bypasses them: scripts/services.sh sets both.
# The application role as configured, kept apart: `migrate` (and the tests) switch the connection to the owner.
DATABASE_APP = {"USER": DATABASES["default"]["USER"], "PASSWORD": DATABASES["default"].get("PASSWORD", "")}
DATABASE_OWNER = None
if env("DATABASE_OWNER_URL", ""):
    _proprietaire = dj_database_url.parse(env("DATABASE_OWNER_URL"))
    DATABASE_OWNER = {cle: _proprietaire.get(cle, "") for cle in ("USER", "PASSWORD", "HOST", "PORT")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", None if PRODUCTION else "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Django's Redis cache, which answers "not cached" while Redis is down instead of failing the page.
        "BACKEND": "guichet.cache.RedisCacheTolerante",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"clauses-{ENV}",
        # A Redis that does not answer costs a page at most these seconds per cache call.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}

AUTH_USER_MODEL = "guichet.Utilisateur"
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "mes_guichets"
LOGOUT_REDIRECT_URL = "connexion"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation and reset links stay valid three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Failed sign-ins: after this many failures for one account (or many more from one address, which may
# be a whole office behind one NAT) within the window, refuse.
LOGIN_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(env("LOGIN_FAILURE_WINDOW", "900"))
LOGIN_FAILURE_LIMIT_IP = int(env("LOGIN_FAILURE_LIMIT_IP", "50"))

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Private files (signed conventions, proofs, bilans, exports): never under STATIC or a public URL,
    # served only by views that check the member's rights.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / ".data" / "fichiers"))},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Largest document one may upload (signed conventions, minutes, supporting documents).
FICHIER_TAILLE_MAX_MO = int(env("FICHIER_TAILLE_MAX_MO", "20"))
# Largest relevé file one may import (XLSX or CSV); 10 000 lines weigh well under 1 Mo.
RELEVE_IMPORT_TAILLE_MAX_MO = int(env("RELEVE_IMPORT_TAILLE_MAX_MO", "5"))

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", None if PRODUCTION else "guichet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content-Security-Policy (Django 6): no inline script or style, every asset is vendored.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions: at most a working day from sign-in (SESSION_COOKIE_AGE), ended after an hour without a request
# (SESSION_INACTIVITE), and the cookie dies with the browser (guichet.middleware.SessionExpirationMiddleware).
# Shared office computers are common in guichets: a forgotten session must not last.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_INACTIVITE = int(env("SESSION_INACTIVITE", "3600"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "guichet.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "guichet.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "guichet.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "guichet.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "guichet.api.parsers.MultiPartParser",
    ],
    "DATE_INPUT_FORMATS": ["iso-8601"],
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "guichet.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du guichet unique de la clause sociale",
    "DESCRIPTION": "API REST v1 : ressources d'un guichet sous /api/v1/guichets/<slug>/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "FrequenceEnum": "conventions.enums.Frequence",
        "TypeStructureEnum": "entreprises.enums.TypeStructure",
        "TypeConsiderationEnum": "guichet.enums.TypeConsideration",
        "TypeAcheteurEnum": "acheteurs.enums.TypeAcheteur",
        "TypeEvenementEnum": "conventions.enums.TypeEvenement",
        "SecteurEnum": "guichet.enums.Secteur",
        "ModeCalculEnum": "marches.enums.ModeCalcul",
        "RoleAttributionEnum": "marches.enums.RoleAttribution",
        "TypeContratMarcheEnum": "marches.enums.TypeContrat",
        "TypeContratTravailEnum": "publics.enums.TypeContrat",
        "ModaliteEnum": "publics.enums.Modalite",
        "ModaliteDecompteEnum": "entreprises.enums.ModaliteDecompte",
        "CritereEnum": "publics.enums.Critere",
        "TypeBilanEnum": "reporting.enums.TypeBilan",
        "TypeExportEnum": "reporting.enums.TypeExport",
    },
}

# Celery: Redis is the broker; results live in our own Tache table, so the API can answer.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
# A task's message is acknowledged once the task has run, and given back to the queue when the process running it
# dies (OOM, SIGKILL): the task runs again instead of being lost. Every task may run twice (the recompute reads
# everything afresh, a bilan is rendered again): tests/fiabilite/test_worker_tue.py kills one mid-recompute.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Tests run tasks in-process; a real worker started by the tests turns it off, so that what a task sends (a retry,
# the nightly job's tasks) goes through the broker too.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", ENV == "test")
CELERY_TASK_EAGER_PROPAGATES = ENV == "test"
CELERY_BEAT_SCHEDULE = {
    "purger-taches": {"task": "guichet.tasks.taches_purger", "schedule": crontab(hour=3, minute=15)},
    # The table of writes behind the data's versions (guichet/versions.py) shrinks to one row per guichet.
    "compacter-ecritures": {"task": "guichet.tasks.ecritures_compacter", "schedule": crontab(hour=3, minute=45)},
    # The tasks kept while Redis was down leave as soon as it is back (guichet.services.taches_relancer).
    "relancer-taches": {"task": "guichet.tasks.taches_relancer", "schedule": 60.0},
    # Tacit renewals, then warnings of conventions nearing their end (before the facilitators' day).
    "echeances-conventions": {
        "task": "conventions.tasks.conventions_echeances",
        "schedule": crontab(hour=6, minute=30),
    },
    # Companies whose last month's relevé is missing past the guichet's deadline day get one reminder.
    "relances-releves": {"task": "entreprises.tasks.releves_relancer", "schedule": crontab(hour=7, minute=0)},
    # The hours recompute of every guichet (domain.md §5.5), after the relevés validated during the day.
    "decompte-nuit": {"task": "entreprises.tasks.decompte_nuit", "schedule": crontab(hour=2, minute=30)},
    # Retention of personal data (domain.md §10): people inactive for `conservation_mois` are anonymised monthly.
    "conservation-beneficiaires": {
        "task": "publics.tasks.beneficiaires_conservation",
        "schedule": crontab(day_of_month=1, hour=4, minute=0),
    },
}
# The hours recompute waits at most this many seconds for another recompute of the same company (or guichet) to
# finish; beyond, its task is retried later (entreprises/decompte.py).
DECOMPTE_ATTENTE_VERROU = float(env("DECOMPTE_ATTENTE_VERROU", "60"))
# Finished task records (and their files) are kept this many days.
TACHES_CONSERVATION_JOURS = int(env("TACHES_CONSERVATION_JOURS", "30"))
# Answers of the pages and API lists that only read, kept while the guichet's data do not change (guichet/versions.py),
# at most this many seconds; 0: none kept.
PAGES_CACHE_SECONDES = int(env("PAGES_CACHE_SECONDES", "600"))

if ENV == "test":
    # A queue of its own, so the test that starts a real worker never meets a developer's worker.
    CELERY_TASK_DEFAULT_QUEUE = f"clauses-tests-{os.getpid()}"
    STORAGES["default"]["OPTIONS"]["location"] = env(
        "PRIVATE_MEDIA_ROOT", str(Path(tempfile.gettempdir()) / f"clauses-tests-{os.getpid()}")
    )
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CACHES["default"]["KEY_PREFIX"] = f"clauses-test-{os.getpid()}"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint tells each step of each page of a PDF at INFO: only its warnings are worth a log line.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}
