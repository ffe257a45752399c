"""Checking a chunk of usage records column-wise (Arrow): the records that are certainly good,
already typed as the store keeps them; every other record goes to `records.validate` and the
ingestion `Checker`, one by one, which accept or reject it with its reason.

The column-wise rules are the per-record rules made stricter, never looser: a value is taken
here only in its plain form (no surrounding spaces, ASCII digits, a timestamp to the second with
`Z` or `+hh:mm`); anything else — a space to strip, a fraction of a second, a line not in
service, a record that would be rejected — is left to the per-record path, so a record is
accepted with the same values, or rejected with the same reason, whichever path decides it.
tests/usage/test_screen.py holds the two paths to that on random and malformed records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from telcobill.catalogue.loading.countries import COUNTRY_CODES

from .records import MAX_DIGITS, MAX_RECORD_ID, TYPES

# The plain forms (RE2, anchored by the full match).
_RECORD_ID = rf"[!-~]([ -~]{{0,{MAX_RECORD_ID - 2}}}[!-~])?"
_MSISDN = r"\+?[1-9][0-9]{7,14}"
_PEER_NUMBER = r"\+?[1-9][0-9]{6,14}"
_PEER_SHORT = r"[0-9]{2,10}"
_TIMESTAMP = (r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
              r"(\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])")
_QUANTITY = rf"[0-9]{{1,{MAX_DIGITS}}}"
_AMOUNT = r"[0-9]{1,12}(\.[0-9]{1,6})?"
_NETWORK = r"[0-9]{3}|[0-9]{5,6}"
_COUNTRIES = pa.array(sorted(COUNTRY_CODES))
SECOND = 1_000_000  # microseconds


@dataclass(frozen=True)
class Screened:
    """`good`: the records taken, in the store's columns (source and batch aside) with `pos`,
    their index in the chunk; `rest`: the indexes of the records left to the per-record path."""

    good: pa.Table
    rest: list[int]


@dataclass(frozen=True)
class Context:
    """What the checks need, column-wise: the lines' periods of service, the retention, the
    catalogue's zones."""

    lines: pa.Table  # msisdn, activated (date32), terminated (date32), line_id
    oldest: date
    latest: date
    countries: pa.Array  # the home countries and those of a roaming zone
    network_zone: Callable[[str], str | None]  # the roaming zone of a network, by its prefixes
    prefixes: dict[int, pa.Array]  # destination prefixes by length


GOOD_SCHEMA = pa.schema([
    ("pos", pa.int64()), ("record_id", pa.string()), ("line_id", pa.int64()), ("msisdn", pa.string()),
    ("type", pa.string()), ("direction", pa.string()), ("started_at", pa.timestamp("us", tz="UTC")),
    ("day", pa.date32()), ("peer", pa.string()), ("peer_kind", pa.string()), ("quantity", pa.int64()),
    ("amount", pa.decimal128(18, 6)), ("country", pa.string()), ("network", pa.string()),
])


def screen(count: int, col: dict[str, pa.Array] | None, context: Context) -> Screened:
    """Split `count` records, given as the spec's columns of strings ("" where absent; None:
    some value is not text), into the certainly good, typed, and the rest."""
    if not count:
        return Screened(GOOD_SCHEMA.empty_table(), [])
    if col is None:
        return Screened(GOOD_SCHEMA.empty_table(), list(range(count)))
    good, typed = _checked(col, context)
    if not pc.any(good).as_py():
        return Screened(GOOD_SCHEMA.empty_table(), list(range(count)))
    positions = pa.array(range(count), pa.int64())
    table = pa.table({"pos": positions, **typed}).filter(good).select(GOOD_SCHEMA.names).cast(GOOD_SCHEMA)
    rest = pc.filter(positions, pc.invert(good)).to_pylist()
    return Screened(table, rest)


def _checked(col: dict[str, pa.Array], context: Context) -> tuple[pa.Array, dict[str, pa.Array]]:
    """The mask of the records taken, and every column typed (meaningful where taken)."""
    def full(array, pattern):
        return pc.match_substring_regex(array, f"^(?:{pattern})$")

    kind, direction, peer_kind = col["type"], col["direction"], col["peer_kind"]
    is_voice, is_data, is_content = pc.equal(kind, "voice"), pc.equal(kind, "data"), pc.equal(kind, "content")
    is_call = pc.is_in(kind, pa.array(["voice", "sms", "mms"]))
    peer_kind = pc.if_else(pc.equal(peer_kind, ""), "number", peer_kind)
    direction = pc.if_else(pc.equal(direction, ""), "out", direction)
    peer = col["peer"]
    peer_ok = pc.if_else(pc.equal(peer_kind, "number"),
                         pc.or_(pc.equal(peer, ""), full(peer, _PEER_NUMBER)),
                         pc.and_(pc.equal(peer_kind, "short"), pc.or_(pc.equal(peer, ""), full(peer, _PEER_SHORT))))
    peer_given = pc.or_(pc.not_equal(peer, ""), pc.invert(pc.or_(is_call, is_content)))
    quantity_text = pc.if_else(is_voice, col["duration_s"], pc.if_else(is_data, col["volume_bytes"], "0"))
    amount_text = pc.if_else(is_content, col["amount"], "0")
    country = pc.if_else(pc.equal(col["country"], ""), "FR", col["country"])
    network = col["network"]
    stamp = col["started_at"]

    good = _all(
        full(col["record_id"], _RECORD_ID), full(col["msisdn"], _MSISDN), pc.is_in(kind, pa.array(TYPES)),
        full(stamp, _TIMESTAMP), pc.is_in(direction, pa.array(["out", "in"])), peer_ok, peer_given,
        full(quantity_text, _QUANTITY), full(amount_text, _AMOUNT), pc.is_in(country, _COUNTRIES),
        pc.or_(pc.equal(network, ""), full(network, _NETWORK)))
    # Values of the records taken so far; the others become harmless placeholders.
    stamp = pc.if_else(good, stamp, "2000-01-01T00:00:00Z")
    quantity_text = pc.if_else(good, quantity_text, "0")
    amount_text = pc.if_else(good, amount_text, "0")

    started_at, real = _timestamps(stamp)
    good = pc.and_(good, real)
    day = pc.local_timestamp(started_at.cast(pa.timestamp("us", tz="Europe/Paris"))).cast(pa.date32())
    good = _all(good, pc.greater_equal(day, pa.scalar(context.oldest)), pc.less_equal(day, pa.scalar(context.latest)))

    msisdn = pc.binary_join_element_wise("+", pc.utf8_ltrim(col["msisdn"], "+"), "")
    line_id, one_line = _line_ids(msisdn, day, good, context.lines)
    good = pc.and_(good, one_line)
    networks = [n for n in pc.unique(network).to_pylist() if n and context.network_zone(n)]
    roaming_ok = pc.or_(pc.is_in(country, context.countries), pc.is_in(network, pa.array(networks, pa.string())))
    peer = pc.if_else(pc.equal(peer_kind, "number"), pc.utf8_ltrim(peer, "+"), peer)
    needs_zone = _all(is_call, pc.equal(direction, "out"), pc.equal(peer_kind, "number"))
    good = _all(good, roaming_ok, pc.or_(pc.invert(needs_zone), _has_prefix(peer, context.prefixes)))

    quantity = pc.if_else(pc.is_in(kind, pa.array(["sms", "mms"])), "1", quantity_text).cast(pa.int64())
    amount = pc.if_else(is_content, amount_text.cast(pa.decimal128(18, 6)), pa.scalar(None, pa.decimal128(18, 6)))
    typed = {"record_id": col["record_id"], "line_id": line_id, "msisdn": msisdn, "type": kind,
             "direction": direction, "started_at": started_at, "day": day, "peer": peer, "peer_kind": peer_kind,
             "quantity": quantity, "amount": amount, "country": country, "network": network}
    return good, typed


def _all(*masks):
    result = masks[0]
    for mask in masks[1:]:
        result = pc.and_(result, mask)
    return result


def _timestamps(stamp: pa.Array) -> tuple[pa.Array, pa.Array]:
    """UTC instants of `YYYY-MM-DDTHH:MM:SS[.ffffff]` + `Z` or `±hh:mm`, and whether each is a real
    date (the parser rolls 30 February over to March: such a value is left to the per-record path)."""
    local = pc.utf8_slice_codeunits(stamp, 0, 19)
    parsed = pc.strptime(local, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    written = pc.utf8_slice_codeunits(pc.strftime(parsed, format="%Y-%m-%dT%H:%M:%S"), 0, 19)
    real = pc.fill_null(pc.equal(written, local), False)
    parts = pc.extract_regex(stamp, r"^.{19}(?:\.(?P<fraction>[0-9]*))?(?P<zone>.*)$")
    fraction = pc.utf8_rpad(pc.struct_field(parts, "fraction"), 6, "0").cast(pa.int64())
    zone = pc.struct_field(parts, "zone")
    hours = pc.if_else(pc.equal(zone, "Z"), "0", pc.utf8_slice_codeunits(zone, 1, 3)).cast(pa.int64())
    minutes = pc.if_else(pc.equal(zone, "Z"), "0", pc.utf8_slice_codeunits(zone, 4, 6)).cast(pa.int64())
    sign = pc.if_else(pc.starts_with(zone, "-"), -1, 1)
    offset = pc.multiply(sign, pc.add(pc.multiply(hours, 3600), pc.multiply(minutes, 60)))
    seconds = pc.fill_null(parsed, 0).cast(pa.int64())
    utc = pc.add(pc.multiply(pc.subtract(seconds, offset), SECOND), fraction).cast(pa.timestamp("us", tz="UTC"))
    return utc, real


def _line_ids(msisdn: pa.Array, day: pa.Array, good: pa.Array, lines: pa.Table) -> tuple[pa.Array, pa.Array]:
    """The line in service on the day for each record, and whether there is exactly one."""
    count = len(msisdn)
    wanted = pa.table({"pos": pa.array(range(count), pa.int64()), "msisdn": msisdn, "day": day}).filter(good)
    found = wanted.join(lines, "msisdn", join_type="inner")
    found = found.filter(pc.and_(pc.less_equal(found["activated"], found["day"]),
                                 pc.less_equal(found["day"], found["terminated"])))
    per_record = found.group_by("pos").aggregate([("line_id", "min"), ("line_id", "count")])
    single = per_record.filter(pc.equal(per_record["line_id_count"], 1)).select(["pos", "line_id_min"])
    every = pa.table({"pos": pa.array(range(count), pa.int64())})
    placed = every.join(single, "pos", join_type="left outer").sort_by("pos")["line_id_min"]
    return pc.fill_null(placed, 0).combine_chunks(), pc.is_valid(placed).combine_chunks()


def _has_prefix(peer: pa.Array, prefixes: dict[int, pa.Array]) -> pa.Array:
    """Whether some destination prefix starts `peer`."""
    found = pa.array([False] * len(peer))
    length = pc.utf8_length(peer)
    for size, values in prefixes.items():
        hit = pc.and_(pc.greater_equal(length, size), pc.is_in(pc.utf8_slice_codeunits(peer, 0, size), values))
        found = pc.or_(found, hit)
    return found
