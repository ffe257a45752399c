"""One-time codes that confirm a sensitive change (a new IBAN, a new e-mail address or mobile):
6 digits, valid 10 minutes, 5 attempts, used once, kept only as an HMAC.

The use case owns its challenge row (what is being confirmed, and by whom); this module owns the
mechanics every such row shares: `code_hash`, `expires_at`, `used_at` and `attempts`.

    code = new_code()
    row.code_hash = code_hash(SALT, account.pk, person.pk, iban, code=code)
    ...
    check_usable(row, now)                                    # NotAllowed: used, dead or expired
    refusal = attempt(row, typed, SALT, account.pk, person.pk, iban)   # None when it matches
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Protocol

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from telcobill.errors import Invalid, NotAllowed

DIGITS = 6
MINUTES = 10
MAX_ATTEMPTS = 5


class Challenge(Protocol):
    code_hash: str
    expires_at: datetime
    attempts: int
    used_at: datetime | None

    def save(self, *, update_fields: list[str]) -> None: ...


def new_code() -> str:
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def expiry(now: datetime) -> datetime:
    return now + timedelta(minutes=MINUTES)


def code_hash(salt: str, *bound: object, code: str) -> str:
    """HMAC-SHA256 keyed by SECRET_KEY over the code and what it authorises (`bound`: this IBAN,
    this account, this person...): a copy of the database alone does not give a code away, and a
    code cannot be moved to another change by editing a row. A slow password hash would add nothing
    against someone who has the key (a million candidates), and the code dies in minutes."""
    value = ":".join([*(str(part) for part in bound), "".join(code.split())])
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()


def check_usable(challenge: Challenge, now: datetime, *, used: str = "") -> None:
    """NotAllowed when the code was used (`used` says what became of the change), killed by wrong
    codes, or expired."""
    if challenge.used_at:
        raise NotAllowed(used or _("ce code a déjà été utilisé"), code="already_used")
    if challenge.attempts >= MAX_ATTEMPTS:
        raise NotAllowed(_("trop de codes incorrects : demandez un nouveau code"), code="too_many_attempts")
    if challenge.expires_at <= now:
        raise NotAllowed(_("le code a expiré, demandez-en un nouveau"), code="expired")


def attempts_left(challenge: Challenge) -> int:
    """How many more codes may be tried (0: the challenge is dead)."""
    return max(0, MAX_ATTEMPTS - challenge.attempts)


def attempt(challenge: Challenge, code: str, salt: str, *bound: object) -> Invalid | None:
    """None when `code` (spaces allowed) is the challenge's; otherwise the attempt is counted and
    saved, and the refusal to raise is returned, so that the caller raises it outside its
    transaction (the attempt counted stays counted)."""
    if constant_time_compare(code_hash(salt, *bound, code=code), challenge.code_hash):
        return None
    challenge.attempts += 1
    challenge.save(update_fields=["attempts"])
    left = attempts_left(challenge)
    if left <= 0:
        return Invalid(_("code incorrect ; plus aucun essai possible : demandez un nouveau code"), code="wrong_code")
    return Invalid(ngettext("code incorrect : encore %(left)d essai", "code incorrect : encore %(left)d essais",
                            left) % {"left": left}, code="wrong_code")
