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
# The extended calendar form of the spec's examples; `datetime.fromisoformat` alone would also
# take week dates, the basic form and any character between date and time.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,9})?)?"
    r"(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
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
    ignored. Limits the spec leaves open:

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
    get = fields.get
    read_error = get(READ_ERROR)
    if read_error:
        raise _Refused(read_error)

    record_id = get("record_id", "").strip()
    if not 0 < len(record_id) <= MAX_RECORD_ID or not record_id.isprintable():
        raise _Refused(_record_id_problem(record_id))
    msisdn = get("msisdn", "").strip()
    digits = msisdn[1:] if msisdn[:1] == "+" else msisdn
    if not (8 <= len(digits) <= 15 and digits.isdigit() and digits.isascii() and digits[0] != "0"):
        raise _Refused(_problem("msisdn", msisdn, "expected an E.164 number of 8 to 15 digits, "
                                                  "with or without +, such as 33612345678"))
    type_ = get("type", "").strip()
    if type_ not in TYPES:
        raise _Refused(_problem("type", type_, f"expected one of {', '.join(TYPES)}"))
    started_at = _started_at(get("started_at", "").strip())
    direction = get("direction", "").strip() or "out"
    if direction != "out" and direction != "in":
        raise _Refused(_problem("direction", direction, "expected out or in"))
    peer_kind = get("peer_kind", "").strip() or "number"
    if peer_kind != "number" and peer_kind != "short":
        raise _Refused(_problem("peer_kind", peer_kind, "expected number or short"))
    peer = _peer(get("peer", "").strip(), peer_kind, type_)

    amount = None
    if type_ == "voice":
        quantity = _whole_number(get("duration_s", "").strip(), "duration_s", type_)
    elif type_ == "data":
        quantity = _whole_number(get("volume_bytes", "").strip(), "volume_bytes", type_)
    elif type_ == "content":
        quantity = 0
        amount = _amount(get("amount", "").strip())
    else:
        quantity = 1

    country = get("country", "").strip() or "FR"
    if country not in COUNTRY_CODES:
        raise _Refused(_country_problem(country))
    network = get("network", "").strip()
    if network and not (len(network) in (3, 5, 6) and network.isdigit() and network.isascii()):
        raise _Refused(_problem("network", network, "expected an MCC+MNC of 5 or 6 digits such as 20801, "
                                                    "or an MCC of 3 digits such as 901"))
    return ParsedRecord(
        record_id=record_id,
        msisdn="+" + digits,
        type=type_,
        started_at=started_at,
        direction=direction,
        peer=peer,
        peer_kind=peer_kind,
        quantity=quantity,
        amount=amount,
        country=country,
        network=network,
    )


def _started_at(value: str) -> datetime:
    match = _TIMESTAMP.fullmatch(value)
    if match is None:
        raise _Refused(_problem("started_at", value, _TIMESTAMP_EXPECTED))
    if match.group(1) is None:
        raise _Refused(f"started_at is {_shown(value)} (no UTC offset), {_TIMESTAMP_EXPECTED}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise _Refused(f"started_at is {_shown(value)} (no such date or time), {_TIMESTAMP_EXPECTED}") from None


def _peer(peer: str, peer_kind: str, type_: str) -> str:
    if not peer:
        if type_ in _PEER_REQUIRED:
            raise _Refused(f"peer is required for a {type_} record")
        return ""
    if peer_kind == "number":
        digits = peer[1:] if peer[:1] == "+" else peer
        if 7 <= len(digits) <= 15 and digits.isdigit() and digits.isascii() and digits[0] != "0":
            return digits
        raise _Refused(_problem("peer", peer, "expected an international number with its country code, "
                                              "7 to 15 digits such as 33145678901 (peer_kind short for a "
                                              "short code or service number)"))
    if 2 <= len(peer) <= 10 and peer.isdigit() and peer.isascii():
        return peer
    raise _Refused(_problem("peer", peer, "expected a short code of 2 to 10 digits as dialled, such as 3179"))


def _whole_number(value: str, name: str, type_: str) -> int:
    if 0 < len(value) <= MAX_DIGITS and value.isdigit() and value.isascii():
        return int(value)
    if not value:
        raise _Refused(f"{name} is required for a {type_} record")
    if len(value) > MAX_DIGITS and value.isdigit() and value.isascii():
        raise _Refused(_problem(name, value, f"expected {_WHOLE_NUMBER} of at most {MAX_DIGITS} digits"))
    if value[:1] == "-" and value[1:].isdigit() and value[1:].isascii() and len(value) <= SHOWN_CHARS:
        raise _Refused(f"{name} is {value}, expected {_WHOLE_NUMBER}")
    raise _Refused(_problem(name, value, f"expected {_WHOLE_NUMBER}"))


def _amount(value: str) -> Decimal:
    if _AMOUNT.fullmatch(value):
        return Decimal(value)
    if not value:
        raise _Refused("amount is required for a content record")
    raise _Refused(_problem("amount", value, "expected a price in euros including VAT, ≥ 0 with at most "
                                             "6 decimals, such as 3.00"))


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
