"""Validation of the identifiers a customer record carries: SIREN, SIRET, VAT number, MSISDN."""

from __future__ import annotations

import phonenumbers
from stdnum.eu import vat
from stdnum.fr import siren, siret

from telcobill.errors import Invalid


def clean_siren(value: str) -> str:
    value = (value or "").replace(" ", "")
    if not siren.is_valid(value):
        raise Invalid(f"SIREN {value!r} is not valid: expected 9 digits with a correct Luhn checksum")
    return value


def clean_siret(value: str, *, siren_value: str = "") -> str:
    value = (value or "").replace(" ", "")
    if not siret.is_valid(value):
        raise Invalid(f"SIRET {value!r} is not valid: expected 14 digits with a correct checksum")
    if siren_value and not value.startswith(siren_value):
        raise Invalid(f"SIRET {value} does not belong to SIREN {siren_value}: it must start with it")
    return value


def clean_vat_number(value: str) -> str:
    value = (value or "").replace(" ", "").upper()
    if not vat.is_valid(value):
        raise Invalid(f"VAT number {value!r} is not a valid intra-EU VAT number (e.g. FR40303265045)")
    return value


# Overseas departments share the French national numbering plan (0690... is Guadeloupe).
NATIONAL_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT")


def clean_msisdn(value: str, *, region: str = "FR") -> str:
    """A mobile number as E.164 (+33612345678), from national or international writing."""
    raw = (value or "").strip()
    candidate = raw if raw.startswith("+") or raw.startswith("0") else "+" + raw
    regions = NATIONAL_REGIONS if region == "FR" and candidate.startswith("0") else (region,)
    for each in regions:
        try:
            number = phonenumbers.parse(candidate, each)
        except phonenumbers.NumberParseException:
            raise Invalid(f"{raw!r} is not a phone number: expected +33612345678 or 06 12 34 56 78") from None
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise Invalid(f"{raw!r} is not a valid phone number: expected +33612345678 or 06 12 34 56 78")


def format_msisdn(e164: str) -> str:
    """How a person reads it: 06 12 34 56 78 for a French number, international otherwise."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
