"""A synthetic operator month for the rating benchmark and the Spark parity test: a tariff shaped
like the demo catalogue's (nested destination prefixes, roaming zones, special numbers, VAT
included and not), lines with plan changes, line and pooled allowance groups, and N records
generated column-wise (numpy) in the store's schema. Deterministic for a seed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..store import SCHEMA
from .inputs import AllowanceGroup, PlanPeriod, SpecialNumber, Tariff, UsagePrice

MONTH = date(2026, 11, 1)  # no daylight-saving change inside: Paris is UTC+1 all month
GB = 1_073_741_824


def _prices(rows: dict) -> dict:
    out = {}
    for (zone, bucket, direction), (unit, amounts, incl) in rows.items():
        out[(zone, bucket, direction)] = tuple(
            UsagePrice(date.fromisoformat(day), unit, Decimal(amount), incl, "standard") for day, amount in amounts)
    return out


def tariff() -> Tariff:
    destinations = {"33": "dest_france", "590": "dest_france", "262": "dest_france", "1": "dest_na"}
    europe = ["30", "31", "32", "34", "351", "352", "353", "36", "39", "40", "41", "420", "43", "44", "45", "46",
              "47", "48", "49"]
    destinations.update({p: "dest_europe" for p in europe})
    world = [str(p) for p in range(20, 30)] + [str(p) for p in range(50, 99)] + ["212", "213", "216", "8613"]
    destinations.update({p: "dest_world" for p in world if p not in destinations})
    prices = _prices({
        ("dest_france", "voice", "out"): ("min", [("2025-01-01", "0.05")], True),
        ("dest_france", "sms", "out"): ("sms", [("2025-01-01", "0.05")], True),
        ("dest_france", "mms", "out"): ("mms", [("2025-01-01", "0.15")], True),
        ("dest_france", "data", "out"): ("MB", [("2025-01-01", "0.05")], True),
        ("dest_europe", "voice", "out"): ("min", [("2025-01-01", "0.19"), ("2026-11-15", "0.17")], True),
        ("dest_europe", "sms", "out"): ("sms", [("2025-01-01", "0.07")], True),
        ("dest_na", "voice", "out"): ("min", [("2025-01-01", "0.39")], False),
        ("dest_world", "voice", "out"): ("min", [("2025-01-01", "1.19")], True),
        ("dest_world", "sms", "out"): ("sms", [("2025-01-01", "0.29")], True),
        ("roam_eu", "data_eu", "out"): ("MB", [("2025-01-01", "0.001289")], True),
        ("roam_us", "voice", "out"): ("min", [("2025-01-01", "0.99")], True),
        ("roam_us", "voice", "in"): ("min", [("2025-01-01", "0.49")], True),
        ("roam_us", "data", "out"): ("MB", [("2025-01-01", "0.20")], True),
        ("roam_sea", "data", "out"): ("MB", [("2025-01-01", "9.99")], True),
        ("roam_sea", "voice", "out"): ("min", [("2025-01-01", "4.99")], True),
    })
    specials = {
        "3179": SpecialNumber("3179", "service", "RIO", Decimal(0), Decimal(0), "standard"),
        "118712": SpecialNumber("118712", "service", "118 712", Decimal("2.99"), Decimal("0.99"), "standard"),
        "0899": SpecialNumber("0899", "premium", "0899", Decimal("0.35"), Decimal("0.80"), "standard"),
        "81212": SpecialNumber("81212", "content", "SMS+", Decimal("0.99"), Decimal(0), "reduced"),
    }
    return Tariff(
        destination_prefixes=destinations, home_destination="dest_france",
        roaming_countries={"IT": "roam_eu", "ES": "roam_eu", "DE": "roam_eu", "US": "roam_us"},
        roaming_networks={"901": "roam_sea"}, like_home=frozenset({"roam_eu"}), prices=prices, specials=specials,
        vat_rates={"standard": ((date(2014, 1, 1), Decimal("20.00")),),
                   "reduced": ((date(2014, 1, 1), Decimal("10.00")), (date(2026, 11, 20), Decimal("5.50")))},
        rounding={"small": {"voice": (1, 1), "data": (1024, 1024)}, "large": {"voice": (30, 1), "data": (1024, 1024)},
                  "pro": {"voice": (60, 60), "data": (1024, 1024)}})


def lines_and_groups(lines: int) -> tuple[list[PlanPeriod], list[AllowanceGroup]]:
    """Every 10th line changes plan on the 16th; lines 1-20 of each 100 share a pooled data group."""
    plans, groups = [], []
    pools: dict[int, list[int]] = {}
    for line in range(1, lines + 1):
        plan = ("small", "large", "pro")[line % 3]
        if line % 10 == 0:
            plans += [PlanPeriod(line, plan, date(2026, 1, 1), date(2026, 11, 16)),
                      PlanPeriod(line, "large", date(2026, 11, 16), None)]
        else:
            plans.append(PlanPeriod(line, plan, date(2026, 1, 1), None))
        voice = {"small": 7200, "large": None, "pro": None}[plan]
        groups.append(AllowanceGroup(f"L{line}:voice:", "voice", (), voice, (line,)))
        groups.append(AllowanceGroup(f"L{line}:sms:", "sms", (), None, (line,)))
        if line % 7 == 0:
            groups.append(AllowanceGroup(f"L{line}:voice:dest_europe+dest_na", "voice", ("dest_europe", "dest_na"),
                                         18000, (line,)))
        if line % 100 < 20 and plan == "pro":
            pools.setdefault(line // 100, []).append(line)
        else:
            data = {"small": 1 * GB, "large": 40 * GB, "pro": 10 * GB}[plan]
            groups.append(AllowanceGroup(f"L{line}:data:", "data", (), data, (line,)))
            groups.append(AllowanceGroup(f"L{line}:data_eu:", "data_eu", (), data // 20, (line,)))
        if line % 11 == 0:
            groups.append(AllowanceGroup(f"L{line}:data:roam_us", "data", ("roam_us",), GB // 2, (line,)))
    for pool, members in pools.items():
        groups.append(AllowanceGroup(f"P{pool}:data:", "data", (), 20 * GB * len(members), tuple(members)))
    return plans, groups


PEERS = np.array(["33145678901", "33612345678", "33698765432", "590590123456", "262262123456", "33899123456",
                  "442079460000", "4930901820", "34915550123", "12125550123", "212522123456", "8613912345678",
                  "351213456789", "41223456789", "2250102030405"])
SHORTS = np.array(["3179", "118712", "81212", "36180"])


def records(count: int, lines: int, *, seed: int = 7) -> pa.Table:
    """`count` records of November 2026 over `lines` lines, in the store's schema."""
    rng = np.random.default_rng(seed)
    start = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp()) - 3600  # midnight in Paris
    seconds = np.sort(rng.integers(0, 30 * 86400, count)) + start
    kinds = rng.choice(np.array(["voice", "sms", "data", "mms", "content"]), count, p=[0.42, 0.25, 0.30, 0.02, 0.01])
    direction = np.where((kinds != "data") & (kinds != "content") & (rng.random(count) < 0.3), "in", "out")
    short = (kinds != "data") & (rng.random(count) < 0.03) | (kinds == "content")
    peer = np.where(short, SHORTS[rng.integers(0, len(SHORTS), count)], PEERS[rng.integers(0, len(PEERS), count)])
    peer = np.where(kinds == "data", "", peer)
    quantity = np.select([kinds == "voice", kinds == "data", kinds == "content"],
                         [rng.exponential(150, count).astype(np.int64),
                          (rng.exponential(40, count) * 1_048_576).astype(np.int64), np.zeros(count, np.int64)],
                         np.ones(count, np.int64))
    roaming = rng.random(count)
    country = np.select([roaming < 0.04, roaming < 0.06, roaming < 0.07], ["IT", "ES", "US"], "FR")
    network = np.where(roaming > 0.998, "90112", "")
    cents = rng.integers(50, 1000, count)
    amounts = _amounts(kinds, cents)
    stamps = pa.array(seconds * 1_000_000, pa.timestamp("us", tz="UTC"))
    days = pa.array(((seconds + 3600) // 86400).astype("int32"), pa.date32())
    ids = pc.binary_join_element_wise("r", pc.cast(pa.array(np.arange(count)), pa.string()), "")
    return pa.table({
        "source": pa.array(np.where(rng.random(count) < 0.5, "mediation", "roaming")),
        "record_id": ids, "line_id": pa.array(rng.integers(1, lines + 1, count)),
        "msisdn": pa.array(np.full(count, "+33600000000")), "type": pa.array(kinds),
        "direction": pa.array(direction), "started_at": stamps, "day": days, "peer": pa.array(peer),
        "peer_kind": pa.array(np.where(short, "short", "number")), "quantity": pa.array(quantity),
        "amount": amounts, "country": pa.array(country), "network": pa.array(network),
        "batch_id": pa.array(np.ones(count, np.int64)),
    }, schema=SCHEMA)


def _amounts(kinds, cents) -> pa.Array:
    """Content amounts column-wise (Decimal objects are too slow for millions)."""
    # A decimal128(18, 6) holds the integer of micro-euros: build it from those integers' bytes.
    micros = np.where(kinds == "content", cents * 10_000, 0).astype(np.int64)
    words = np.zeros((len(micros), 2), dtype=np.int64)
    words[:, 0] = micros  # little-endian low word; amounts are positive, so the high word is 0
    valid = pa.array(kinds == "content").buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 6), len(micros), [valid, pa.py_buffer(words.tobytes())])
