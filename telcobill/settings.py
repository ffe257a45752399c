"""Django settings: every value comes from the environment, here and nowhere else.

Documented in docs/configuration.md; checked at start-up by `telcobill.checks`.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(env("TELCOBILL_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DOCUMENTS_DIR = DATA_DIR / "documents"
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file lives here by default

DEBUG = env_bool("TELCOBILL_DEBUG")
# No default secret: the demo and the tests set one explicitly (see Makefile and tests/conftest.py).
SECRET_KEY = env("TELCOBILL_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in env("TELCOBILL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("TELCOBILL_CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    # Components, in dependency order (an app imports only those above it).
    "telcobill.customers",
    "telcobill.catalogue",
    "telcobill.usage",
    "telcobill.billing",
    "telcobill.documents",
    "telcobill.payments",
    "telcobill.workflows",
    "telcobill.support",
    "telcobill.portal",
    "telcobill.backoffice",
    "telcobill.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "telcobill.urls"
WSGI_APPLICATION = "telcobill.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'telcobill.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent issuers queue instead of
    # failing on a lock upgrade; WAL lets readers go on while a bill run writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file, not shared-cache memory: concurrent connections then wait for the lock
    # (busy timeout) as they do in production instead of failing with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "customers.Person"
AUTHENTICATION_BACKENDS = ["telcobill.customers.auth.EmailOrMobileBackend"]
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
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:home"
# Failed sign-ins allowed per identifier within the window before a temporary lock-out.
LOGIN_MAX_FAILURES = int(env("TELCOBILL_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_SECONDS = int(env("TELCOBILL_LOGIN_LOCKOUT_SECONDS", "900"))

SESSION_COOKIE_AGE = int(env("TELCOBILL_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("TELCOBILL_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# Messages live in the session, not in a cookie: a new API token is shown once in one.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Files staff upload (tutorial videos and captions): served by the views that check who asks, never
# published as a folder.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

TASKS = {
    "default": {
        # Immediate in tests (TELCOBILL_TASKS=immediate); the database queue everywhere else.
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env("TELCOBILL_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

EMAIL_HOST = env("TELCOBILL_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("TELCOBILL_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("TELCOBILL_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("TELCOBILL_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("TELCOBILL_EMAIL_TLS")
DEFAULT_FROM_EMAIL = env("TELCOBILL_EMAIL_FROM", "facturation@telcobill.invalid")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("TELCOBILL_LOG_LEVEL", "WARNING")},
}

# --- The operator: its identity is printed on every document --------------------------------
# Defaults describe the fictional demo operator; a real operator sets every one of them.
OPERATOR = {
    "name": env("TELCOBILL_OPERATOR_NAME", "Telcobill Mobile"),
    "legal_form": env("TELCOBILL_OPERATOR_LEGAL_FORM", "SAS"),
    "share_capital": env("TELCOBILL_OPERATOR_SHARE_CAPITAL", "1 250 000 €"),
    "rcs": env("TELCOBILL_OPERATOR_RCS", "RCS Paris 732 829 320"),
    "siren": env("TELCOBILL_OPERATOR_SIREN", "732829320"),
    "siret": env("TELCOBILL_OPERATOR_SIRET", "73282932000074"),
    "vat_number": env("TELCOBILL_OPERATOR_VAT", "FR44732829320"),
    "address_line1": env("TELCOBILL_OPERATOR_ADDRESS", "12 rue de la Convention"),
    "postcode": env("TELCOBILL_OPERATOR_POSTCODE", "75015"),
    "city": env("TELCOBILL_OPERATOR_CITY", "Paris"),
    "country_code": env("TELCOBILL_OPERATOR_COUNTRY", "FR"),
    "creditor_identifier": env("TELCOBILL_SEPA_CREDITOR_ID", "FR72ZZZ123456"),
    "iban": env("TELCOBILL_OPERATOR_IBAN", "FR7630006000011234567890189"),
    "bic": env("TELCOBILL_OPERATOR_BIC", "AGRIFRPP"),
    "email": env("TELCOBILL_OPERATOR_EMAIL", "facturation@telcobill.invalid"),
    "support_phone": env("TELCOBILL_SUPPORT_PHONE", "3900"),
    "support_phone_business": env("TELCOBILL_SUPPORT_PHONE_BUSINESS", "09 69 32 39 00"),
    "support_url": env("TELCOBILL_SUPPORT_URL", "https://espace-client.telcobill.invalid"),
    "electronic_address": env("TELCOBILL_OPERATOR_ELECTRONIC_ADDRESS", "732829320"),
    # "option pour le paiement de la taxe d'après les débits"
    "vat_on_debits": env_bool("TELCOBILL_VAT_ON_DEBITS", True),
}

# --- Billing ---------------------------------------------------------------------------------
BILLING = {
    "invoice_series_prefix": env("TELCOBILL_INVOICE_PREFIX", "F"),
    "credit_note_series_prefix": env("TELCOBILL_CREDIT_NOTE_PREFIX", "AV"),
    "billing_day": int(env("TELCOBILL_BILLING_DAY", "1")),
    # A bill run's accounts whose total moved more than this from last cycle are reported.
    "variance_percent": int(env("TELCOBILL_BILLRUN_VARIANCE_PERCENT", "30")),
    "batch_size": int(env("TELCOBILL_BILLRUN_BATCH_SIZE", "500")),
    # A bill run lock not refreshed for this long belongs to a dead process.
    "lock_stale_seconds": int(env("TELCOBILL_BILLRUN_LOCK_STALE_SECONDS", "300")),
    "direct_debit_days": int(env("TELCOBILL_DIRECT_DEBIT_DAYS", "14")),
    "consumer_payment_days": int(env("TELCOBILL_CONSUMER_PAYMENT_DAYS", "15")),
    # Late-payment penalty rate printed on business invoices (ECB rate + 10 points).
    "late_penalty_text": env(
        "TELCOBILL_LATE_PENALTY_TEXT",
        "En cas de retard de paiement, pénalités au taux de refinancement de la BCE majoré de 10 points.",
    ),
    # Run the EN 16931 / Factur-X / BR-FR schematrons on business documents before numbering.
    "schematron": env_bool("TELCOBILL_SCHEMATRON", True),
}

# --- E-invoicing, e-reporting, paper, archive ------------------------------------------------
EINVOICING = {
    # Each platform's file exchange lives under <dir>/<platform code>/ unless it names its own.
    "dir": Path(env("TELCOBILL_EINVOICING_DIR", str(DATA_DIR / "einvoicing"))),
    # Business documents issued from this day go to a platform (reception mandatory: 1 Sep 2026).
    "since": date.fromisoformat(env("TELCOBILL_EINVOICING_SINCE", "2026-09-01")),
    # E-reporting cadence follows the operator's VAT regime (RULES.md, "check"): "decade" for the
    # réel normal mensuel (transactions every ten days, payments monthly), "month" otherwise.
    "ereporting_cadence": env("TELCOBILL_EREPORTING_CADENCE", "decade"),
    # Where print batches for the mail house are written (relative to DOCUMENTS_DIR).
    "print_dir": "print",
}
# The 10-year archive: write-once copies of every issued document and its lifecycle events.
ARCHIVE_DIR = Path(env("TELCOBILL_ARCHIVE_DIR", str(DATA_DIR / "archive")))

# --- Payments --------------------------------------------------------------------------------
PAYMENTS = {
    # A direct debit is collected at least this many days after its invoice (the invoice is the
    # pre-notification: RULES.md asks for 14 calendar days unless agreed otherwise).
    "prenotification_days": int(env("TELCOBILL_SEPA_PRENOTIFICATION_DAYS", "14")),
    # A debit returned for insufficient funds (AM04) is presented once more, this many days later.
    "retry_days": int(env("TELCOBILL_SEPA_RETRY_DAYS", "7")),
    # Where the pain.008 / pain.001 files are kept (the back office lists and serves them).
    "sepa_dir": DATA_DIR / "sepa",
    # Business customers paying late (Code de commerce L441-10): penalties at this yearly rate
    # (ECB refinancing rate + 10 points by default) and the fixed EUR 40 recovery indemnity.
    "late_penalty_rate": env("TELCOBILL_LATE_PENALTY_RATE", "12.15"),
    "recovery_indemnity": env("TELCOBILL_RECOVERY_INDEMNITY", "40.00"),
    # Payment plans a customer may set up alone: at most this many monthly instalments, each at
    # least this much, for an overdue amount of at most this much (staff may go beyond).
    "plan_max_instalments": int(env("TELCOBILL_PLAN_MAX_INSTALMENTS", "6")),
    "plan_min_instalment": env("TELCOBILL_PLAN_MIN_INSTALMENT", "15.00"),
    "plan_max_amount": env("TELCOBILL_PLAN_MAX_AMOUNT", "1500.00"),
    # An instalment not paid this many days after its date breaks the plan: dunning resumes.
    "plan_grace_days": int(env("TELCOBILL_PLAN_GRACE_DAYS", "5")),
    # Card payments: "stripe" with its keys, or "" (the card option then says it is unavailable).
    "card_provider": env("TELCOBILL_CARD_PROVIDER", "stripe" if env("TELCOBILL_STRIPE_SECRET_KEY") else ""),
    "stripe_secret_key": env("TELCOBILL_STRIPE_SECRET_KEY"),
    "stripe_webhook_secret": env("TELCOBILL_STRIPE_WEBHOOK_SECRET"),
    # Another Stripe API address (stripe-mock, the tests' loopback server); empty: Stripe's own.
    "stripe_api_base": env("TELCOBILL_STRIPE_API_BASE"),
    # Where the provider sends the customer back after a hosted payment page.
    "public_url": env("TELCOBILL_PUBLIC_URL", "http://127.0.0.1:8000"),
}

# --- Notifications: security codes and notices by e-mail or SMS -------------------------------
NOTIFICATIONS = {
    # An HTTP SMS gateway: POST {"to", "text", "sender"} as JSON with "Authorization: Bearer <token>".
    # Unset: people who chose SMS (or have only a mobile) cannot receive codes, and asking says so.
    "sms_gateway_url": env("TELCOBILL_SMS_GATEWAY_URL"),
    "sms_token": env("TELCOBILL_SMS_TOKEN"),
    "sms_sender": env("TELCOBILL_SMS_SENDER", "TELCOBILL"),
}

# --- Usage ------------------------------------------------------------------------------------
USAGE = {
    # Where accepted records are kept as Parquet: a folder, or any fsspec URL (s3://bucket/usage).
    "store": env("TELCOBILL_USAGE_STORE", str(DATA_DIR / "usage")),
    # Communication records are kept this long, then purged (RULES.md, CPCE L34-1).
    "retention_months": int(env("TELCOBILL_USAGE_RETENTION_MONTHS", "12")),
    # Records per transaction when a file is ingested (a crash keeps the committed ones).
    "chunk_records": int(env("TELCOBILL_USAGE_CHUNK_RECORDS", "250000")),
    # Rating engine: "duckdb" (embedded) or "spark" (needs the telcobill[spark] extra).
    "engine": env("TELCOBILL_RATING_ENGINE", "duckdb"),
    "spark_master": env("TELCOBILL_SPARK_MASTER", "local[2]"),
    # DuckDB's memory for rating; beyond it, it spills to the temporary folder.
    "rating_memory": env("TELCOBILL_RATING_MEMORY", "4GB"),
    # A month with more records is rated in parts of lines of about this many records.
    "rating_part_records": int(env("TELCOBILL_RATING_PART_RECORDS", "20000000")),
    # Roaming data spend cap outside the EU, EUR excl. VAT (RULES.md), alerted at 80 % and 100 %.
    "roaming_cap": env("TELCOBILL_ROAMING_CAP", "50.00"),
    # API batches smaller than this many records are compacted into one file per month.
    "compact_below": int(env("TELCOBILL_USAGE_COMPACT_BELOW", "50000")),
    # Plan advice (docs/advice.md): the last months compared (at most the retention), the fewest
    # a line needs, the lines rated together, and the monthly saving worth telling the customer.
    "advice_months": int(env("TELCOBILL_ADVICE_MONTHS", "12")),
    "advice_min_months": int(env("TELCOBILL_ADVICE_MIN_MONTHS", "3")),
    "advice_chunk_lines": int(env("TELCOBILL_ADVICE_CHUNK_LINES", "20000")),
    "advice_min_saving": env("TELCOBILL_ADVICE_MIN_SAVING", "1.00"),
}


# --- Accounting exports (docs/accounting.md) ---------------------------------------------------
def _account(key: str, number: str, label: str) -> dict[str, str]:
    """An account of the operator's chart: TELCOBILL_ACCOUNT_<KEY> and TELCOBILL_ACCOUNT_<KEY>_LABEL."""
    return {"number": env(f"TELCOBILL_ACCOUNT_{key}", number), "label": env(f"TELCOBILL_ACCOUNT_{key}_LABEL", label)}


ACCOUNTING = {
    # The fiscal year ends on this day (MM-DD): `telcobill accounting fec --year Y` exports the year ending in Y.
    "fiscal_year_end": env("TELCOBILL_FISCAL_YEAR_END", "12-31"),
    # The first three digits of a number are a class of the plan comptable général (checked, E007).
    "accounts": {
        "customers": _account("CUSTOMERS", "411000", "Clients"),
        "revenue": _account("REVENUE", "706000", "Prestations de services"),
        # Late-payment penalties and the EUR 40 recovery indemnity (invoice section "penalties").
        "penalties": _account("PENALTIES", "763100", "Revenus des créances commerciales"),
        "vat_collected": _account("VAT_COLLECTED", "445710", "TVA collectée"),
        "bank": _account("BANK", "512000", "Banque"),
        "bad_debts": _account("BAD_DEBTS", "654000", "Pertes sur créances irrécouvrables"),
        # The counterpart of the customers' balances carried into a new year.
        "opening": _account("OPENING", "890000", "Bilan d'ouverture"),
    },
    "journals": {
        "opening": {"code": env("TELCOBILL_JOURNAL_OPENING", "AN"), "label": "A-nouveaux"},
        "sales": {"code": env("TELCOBILL_JOURNAL_SALES", "VE"), "label": "Ventes"},
        "bank": {"code": env("TELCOBILL_JOURNAL_BANK", "BQ"), "label": "Banque"},
        "write_offs": {"code": env("TELCOBILL_JOURNAL_WRITE_OFFS", "OD"), "label": "Opérations diverses"},
    },
    # Where `telcobill accounting fec` writes the FEC when no -o is given.
    "export_dir": DATA_DIR / "accounting",
}
