"""Valid-looking French identifiers for fictional demo customers (checksums right, never real)."""

from __future__ import annotations

import random

from stdnum import luhn
from stdnum.fr import siren as siren_mod
from stdnum.fr import siret as siret_mod
from stdnum.iban import is_valid as iban_is_valid


def siren(rng: random.Random) -> str:
    body = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    value = body + luhn.calc_check_digit(body)
    assert siren_mod.is_valid(value)
    return value


def siret(siren_value: str, rng: random.Random) -> str:
    nic = f"{rng.randrange(1, 9999):04d}"
    value = siren_value + nic + luhn.calc_check_digit(siren_value + nic)
    assert siret_mod.is_valid(value)
    return value


def vat_number(siren_value: str) -> str:
    return f"FR{(12 + 3 * (int(siren_value) % 97)) % 97:02d}{siren_value}"


def iban(rng: random.Random) -> str:
    """A French IBAN with a valid RIB key and IBAN check digits."""
    bank, branch = rng.choice(["30006", "30004", "10278", "20041", "30003", "11315"]), f"{rng.randrange(1, 99999):05d}"
    account = f"{rng.randrange(0, 10**11):011d}"
    key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97)
    bban = f"{bank}{branch}{account}{key:02d}"
    numeric = int("".join(str(int(c, 36)) for c in bban + "FR00"))
    value = f"FR{98 - numeric % 97:02d}{bban}"
    assert iban_is_valid(value)
    return value


def mobile(rng: random.Random, used: set[str]) -> str:
    while True:
        value = f"+33{rng.choice('67')}{rng.randrange(0, 10**8):08d}"
        if value not in used:
            used.add(value)
            return value
