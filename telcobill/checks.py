"""Start-up checks of the configuration (run by every `telcobill` command and the web server)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from stdnum.eu import at_02, vat
from stdnum.fr import siren, siret


@register(Tags.security, deploy=False)
def check_secret_key(app_configs, **kwargs):
    if not settings.SECRET_KEY:
        return [Error("TELCOBILL_SECRET_KEY is not set", hint="Set it in the environment (docs/configuration.md).",
                      id="telcobill.E001")]
    if not settings.DEBUG and len(settings.SECRET_KEY) < 32:
        return [Warning("TELCOBILL_SECRET_KEY is short for production", hint="Use 50 random characters.",
                        id="telcobill.W001")]
    return []


@register()
def check_operator_identity(app_configs, **kwargs):
    """The operator's identity is printed on every document: refuse to start with a wrong one."""
    op = settings.OPERATOR
    errors = []
    for key, valid, env, expected in [
        ("siren", siren.is_valid, "TELCOBILL_OPERATOR_SIREN", "9 digits with a valid checksum"),
        ("siret", siret.is_valid, "TELCOBILL_OPERATOR_SIRET", "14 digits with a valid checksum"),
        ("vat_number", vat.is_valid, "TELCOBILL_OPERATOR_VAT", "an intra-EU VAT number such as FR44732829320"),
        ("creditor_identifier", at_02.is_valid, "TELCOBILL_SEPA_CREDITOR_ID", "a SEPA creditor identifier (ICS)"),
    ]:
        if not valid(op[key]):
            errors.append(Error(f"{env}={op[key]!r} is not valid: expected {expected}", id="telcobill.E002"))
    if op["siret"] and not op["siret"].startswith(op["siren"]):
        errors.append(Error("TELCOBILL_OPERATOR_SIRET does not start with TELCOBILL_OPERATOR_SIREN",
                            id="telcobill.E003"))
    for key in ("name", "legal_form", "share_capital", "rcs", "address_line1", "postcode", "city"):
        if not op[key].strip():
            errors.append(Error(f"the operator's {key} is empty: every invoice must print it", id="telcobill.E004"))
    return errors


@register()
def check_direct_debit_notice(app_configs, **kwargs):
    """The invoice is the direct debit's pre-notification: the date it prints must leave the
    debtor the notice (RULES.md: 14 days unless agreed otherwise)."""
    days, notice = settings.BILLING["direct_debit_days"], settings.PAYMENTS["prenotification_days"]
    if days < notice:
        return [Error(f"TELCOBILL_DIRECT_DEBIT_DAYS={days} is shorter than TELCOBILL_SEPA_PRENOTIFICATION_DAYS="
                      f"{notice}: invoices would print a collection date sooner than the notice allows",
                      hint="Raise TELCOBILL_DIRECT_DEBIT_DAYS, or lower the notice if the mandates say so.",
                      id="telcobill.E006")]
    return []


@register()
def check_data_dir(app_configs, **kwargs):
    try:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        probe = settings.DATA_DIR / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        return [Error(f"TELCOBILL_DATA_DIR {settings.DATA_DIR} is not writable: {exc}", id="telcobill.E005")]
    return []


@register()
def check_accounting(app_configs, **kwargs):
    """The FEC requires account numbers whose first three characters are digits of the plan comptable
    général, and a fiscal year end that exists every year (docs/accounting.md)."""
    accounting = settings.ACCOUNTING
    errors = []
    for key, account in accounting["accounts"].items():
        if not (account["number"][:3].isdigit() and account["number"].isalnum()):
            errors.append(Error(f"TELCOBILL_ACCOUNT_{key.upper()}={account['number']!r} is not an account number: "
                                "expected 3 digits of the plan comptable général, then letters or digits",
                                id="telcobill.E007"))
    codes = [journal["code"] for journal in accounting["journals"].values()]
    if len(set(codes)) != len(codes) or not all(code.isalnum() for code in codes):
        errors.append(Error(f"journal codes {codes}: expected distinct codes of letters and digits",
                            id="telcobill.E007"))
    try:
        month, day = map(int, accounting["fiscal_year_end"].split("-"))
        date(2025, month, day)  # not a leap year: a 29 February would not exist every year
    except ValueError:
        errors.append(Error(f"TELCOBILL_FISCAL_YEAR_END={accounting['fiscal_year_end']!r} is not a day of every "
                            "year: expected MM-DD, like 12-31", id="telcobill.E007"))
    return errors


@register()
def check_ereporting_cadence(app_configs, **kwargs):
    """E-reporting periods follow the operator's VAT regime: a wrong word would stop the reports."""
    cadence = settings.EINVOICING["ereporting_cadence"]
    if cadence not in ("decade", "month"):
        return [Error(f"TELCOBILL_EREPORTING_CADENCE={cadence!r} is not valid: expected 'decade' (réel normal "
                      "mensuel) or 'month'", id="telcobill.E008")]
    return []
