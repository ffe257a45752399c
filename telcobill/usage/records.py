"""Validating one usage record (CDR) into a typed record, exactly by specs/usage-records.md.

The CSV reader (`usage.csvfile`) and the JSON batch API hand `validate` the same fields, as
strings; a record that cannot be used gets a reason a person can act on, and is rejected alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from telcobill.catalogue.loading.countries import COUNTRY_CODES

REQUIRED_COLUMNS = ("record_id", "msisdn", "type", "started_at")
COLUMNS = REQUIRED_COLUMNS + (
    "direction", "peer", "peer_kind", "duration_s", "volume_bytes", "amount", "country", "network",
)
TYPES = ("voice", "sms", "mms", "data", "content")
# Set by the reader when a record could not even be split into fields (its shape, not its values).
READ_ERROR = "__error__"

MAX_RECORD_ID = 64
MAX_DIGITS = 18  # quantities: below 10^18, so they fit a 64-bit integer column
SHOWN_CHARS = 40  # longest value echoed back in a reason

_PEER_REQUIRED = frozenset(("voice", "sms", "mms", "content"))
_WHOLE_NUMBER = "a whole number ≥ 0"
_AMOUNT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,6})?")
# What a timestamp looks like, to say why one is refused.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
    r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_PEER_NUMBER_EXPECTED = (
    "expected an international number with its country code, 7 to 15 digits such as 33145678901 "
    "(peer_kind short for a short code or service number)"
)
_TIMESTAMP_EXPECTED = "expected ISO 8601 with an offset like 2026-10-03T14:05:09+02:00 or ...Z"


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """A usage record whose every field is checked; what the usage store keeps (with its source)."""

    record_id: str
    msisdn: str  # E.164 with "+"
    type: str  # voice | sms | mms | data | content
    started_at: datetime  # aware, with the offset given
    direction: str  # out | in
    peer: str  # digits only, no "+"; "" when absent
    peer_kind: str  # number | short
    quantity: int  # voice: duration_s; data: volume_bytes; sms, mms: 1; content: 0
    amount: Decimal | None  # content only: EUR including VAT, up to 6 decimals
    country: str  # ISO 3166-1 alpha-2
    network: str  # "", MCC (3 digits) or MCC+MNC (5 or 6 digits)


class _Refused(Exception):
    pass


def validate(fields: Mapping[str, str], line_number: int) -> ParsedRecord | str:
    """The record in `fields`, or why it cannot be used: "line N: <field> is <value>, expected ...".

    Values are stripped of surrounding spaces and an empty optional value counts as absent.
    Columns that do not apply to the record's type (duration_s of an SMS, amount of a call) are
    ignored. A READ_ERROR field (a record the CSV reader could not split) is the reason itself.
    Limits the spec leaves open:

    - msisdn: an international number, 8 to 15 digits not starting with 0, with or without "+";
    - peer with peer_kind number: 7 to 15 digits not starting with 0, with or without "+"
      (a national 0... number is refused rather than read as a wrong country);
    - peer with peer_kind short: 2 to 10 digits exactly as dialled, no "+";
    - duration_s, volume_bytes: at most 18 digits; amount: at most 12 digits before the point.
    """
    try:
        return _parse(fields)
    except _Refused as refusal:
        return f"line {line_number}: {refusal}"


def _parse(fields: Mapping[str, str]) -> ParsedRecord:
    # The accepting path is written inline (no helper calls): it runs for millions of records.
    get = fields.get
    read_error = get(READ_ERROR)
    if read_error:
        raise _Refused(read_error)

    record_id = get("record_id", "").strip()
    if not (0 < len(record_id) <= MAX_RECORD_ID and record_id.isprintable()):
        raise _Refused(_record_id_problem(record_id))
    msisdn = get("msisdn", "").strip()
    digits = msisdn[1:] if msisdn[:1] == "+" else msisdn
    if not (8 <= len(digits) <= 15 and digits.isdigit() and digits.isascii() and digits[0] != "0"):
        raise _Refused(_problem("msisdn", msisdn, "expected an E.164 number of 8 to 15 digits, "
                                                  "with or without +, such as 33612345678"))
    type_ = get("type", "").strip()
    if type_ not in TYPES:
        raise _Refused(_problem("type", type_, f"expected one of {', '.join(TYPES)}"))
    started_at = _timestamp(get("started_at", "").strip())
    direction = get("direction", "").strip() or "out"
    if direction != "out" and direction != "in":
        raise _Refused(_problem("direction", direction, "expected out or in"))

    peer_kind = get("peer_kind", "").strip() or "number"
    given_peer = get("peer", "").strip()
    peer = given_peer
    if peer_kind == "number":
        if peer[:1] == "+":
            peer = peer[1:]
        if given_peer and not (7 <= len(peer) <= 15 and peer.isdigit() and peer.isascii() and peer[0] != "0"):
            raise _Refused(_problem("peer", given_peer, _PEER_NUMBER_EXPECTED))
    elif peer_kind == "short":
        if peer and not (2 <= len(peer) <= 10 and peer.isdigit() and peer.isascii()):
            raise _Refused(_problem("peer", peer, "expected a short code of 2 to 10 digits as dialled, such as 3179"))
    else:
        raise _Refused(_problem("peer_kind", peer_kind, "expected number or short"))
    if not peer and type_ in _PEER_REQUIRED:
        raise _Refused(f"peer is required for a {type_} record")

    amount = None
    if type_ == "voice" or type_ == "data":
        name = "duration_s" if type_ == "voice" else "volume_bytes"
        value = get(name, "").strip()
        if not (0 < len(value) <= MAX_DIGITS and value.isdigit() and value.isascii()):
            raise _Refused(_quantity_problem(name, value, type_))
        quantity = int(value)
    elif type_ == "content":
        quantity = 0
        value = get("amount", "").strip()
        if not _AMOUNT.fullmatch(value):
            raise _Refused(_amount_problem(value))
        amount = Decimal(value)
    else:
        quantity = 1

    country = get("country", "").strip() or "FR"
    if country not in COUNTRY_CODES:
        raise _Refused(_country_problem(country))
    network = get("network", "").strip()
    if network and not (len(network) in (3, 5, 6) and network.isdigit() and network.isascii()):
        raise _Refused(_problem("network", network, "expected an MCC+MNC of 5 or 6 digits such as 20801, "
                                                    "or an MCC of 3 digits such as 901"))
    # Positional: a third faster than keywords for a frozen dataclass, in the order of the fields.
    return ParsedRecord(record_id, "+" + digits, type_, started_at, direction, peer, peer_kind,
                        quantity, amount, country, network)


def _timestamp(value: str) -> datetime:
    try:
        started_at = datetime.fromisoformat(value)
    except ValueError:
        started_at = None
    # fromisoformat also takes week dates, the basic form and any separator after the date: the
    # contract is the extended calendar form (2026-10-03T14:05:09+02:00).
    if (started_at is None or started_at.tzinfo is None
            or value[4:5] != "-" or value[7:8] != "-" or value[10:11] not in ("T", " ")):
        raise _Refused(_timestamp_problem(value))
    return started_at


def _timestamp_problem(value: str) -> str:
    shape = _TIMESTAMP.fullmatch(value)
    if shape is None:
        return _problem("started_at", value, _TIMESTAMP_EXPECTED)
    if shape.group(1) is None:
        return f"started_at is {_shown(value)} (no UTC offset), {_TIMESTAMP_EXPECTED}"
    return f"started_at is {_shown(value)} (no such date or time), {_TIMESTAMP_EXPECTED}"


def _quantity_problem(name: str, value: str, type_: str) -> str:
    if not value:
        return f"{name} is required for a {type_} record"
    if value.isdigit() and value.isascii():
        return _problem(name, value, f"expected {_WHOLE_NUMBER} of at most {MAX_DIGITS} digits")
    if value[:1] == "-" and value[1:].isdigit() and value[1:].isascii() and len(value) <= SHOWN_CHARS:
        return f"{name} is {value}, expected {_WHOLE_NUMBER}"
    return _problem(name, value, f"expected {_WHOLE_NUMBER}")


def _amount_problem(value: str) -> str:
    if not value:
        return "amount is required for a content record"
    return _problem("amount", value, "expected a price in euros including VAT, ≥ 0 with at most 6 decimals, "
                                     "such as 3.00")


def _record_id_problem(record_id: str) -> str:
    expected = f"expected 1 to {MAX_RECORD_ID} printable characters"
    if not record_id:
        return f"record_id is missing, {expected}"
    if len(record_id) > MAX_RECORD_ID:
        return f"record_id is {len(record_id)} characters, {expected}"
    return f"record_id is {_shown(record_id)} (a non-printable character), {expected}"


def _country_problem(country: str) -> str:
    if country.upper() in COUNTRY_CODES:
        return f"country is {_shown(country)}, expected an ISO 3166-1 alpha-2 code in capitals: {country.upper()}"
    return _problem("country", country, "expected an ISO 3166-1 alpha-2 country code such as FR or IT")


def _problem(name: str, value: str, expected: str) -> str:
    if not value:
        return f"{name} is missing, {expected}"
    return f"{name} is {_shown(value)}, {expected}"


def _shown(value: str) -> str:
    """The value quoted for a reason, cut short: a field can be megabytes long."""
    if len(value) <= SHOWN_CHARS:
        return repr(value)
    return f"{value[:SHOWN_CHARS]!r}... ({len(value)} characters)"
