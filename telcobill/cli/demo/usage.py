"""The demo's usage: a month of realistic CDRs per line, written as CSV files in the interchange
format (specs/usage-records.md) and ingested through the ingestion use case, so invoices carry
real usage. Calls, SMS and data at home; summer roaming in Europe; a cruise on a maritime network;
international and premium numbers; content purchases; heavy users beyond their allowance; some
roaming records arriving late (billed as differences); a few malformed records (rejected)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from telcobill.billing.proration import next_month

GB = 1_073_741_824
MB = 1_048_576
DATA_GB = {"forfait_2h": 0.1, "forfait_20go": 20, "forfait_40go": 40, "forfait_80go_5g": 80, "forfait_150go_5g": 150,
           "forfait_5g_illimite": 60, "pro_10go": 10, "pro_100go_5g": 100, "pro_partage": 45, "pro_illimite_5g": 70}
VOICE_MINUTES = {"forfait_2h": 110}
FIELDS = ["record_id", "msisdn", "type", "direction", "started_at", "peer", "peer_kind", "duration_s",
          "volume_bytes", "amount", "country", "network"]
EU_TRIPS = [("IT", "22210"), ("ES", "21407"), ("GR", "20201"), ("PT", "26806"), ("DE", "26202"), ("BE", "20601")]
FAR_TRIPS = [("US", "310260"), ("MA", "60400"), ("CA", "302720"), ("TH", "52001"), ("CH", "22801"), ("GB", "23415")]
# Out-of-EU data price excl. VAT per MB, to stay under the 50 EUR spend cap the network enforces.
FAR_MB_PRICE = {"US": 0.1667, "CA": 0.1667, "MA": 0.4167, "TH": 0.4167, "CH": 0.0167, "GB": 0.0167}
ROAMING_CAP = 48.0  # EUR excl. VAT: just under the cap
UNLIMITED = {"forfait_5g_illimite", "pro_illimite_5g"}
FRENCH_PEERS = ["33145678901", "33612345678", "33698765432", "33478901234", "33556789012", "33240123456",
                "590590123456", "262262123456"]
INTERNATIONAL_PEERS = ["442079460000", "4930901820", "34915550123", "12125550123", "212522123456", "3228889900",
                       "41223456789", "8613912345678"]
SPECIAL_CALLS = [("118712", 0.5), ("3179", 0.3), ("36180", 0.2)]
CONTENT = ["81212"]


@dataclass(frozen=True)
class DemoLine:
    msisdn: str
    plan: str
    business: bool
    active_from: date
    active_until: date  # inclusive


def _stamp(day: date, rng: random.Random) -> str:
    # Local time in Paris written with its offset, as a switch writes it.
    offset = 2 if 3 < day.month < 11 else 1
    moment = datetime(day.year, day.month, day.day, rng.choice(range(7, 23)), rng.randrange(60), rng.randrange(60))
    return f"{moment:%Y-%m-%dT%H:%M:%S}+0{offset}:00"


def month_files(rng: random.Random, month: date, lines: list[DemoLine], folder: Path, *, until: date | None = None
                ) -> tuple[Path, Path, list[dict]]:
    """Write the month's national file and roaming file; return them with the roaming records
    held back to arrive late (a roaming partner's file of the next month)."""
    end = min(until or next_month(month) - timedelta(days=1), next_month(month) - timedelta(days=1))
    national, roaming, late = [], [], []
    serial = 0
    for line in lines:
        first, last = max(line.active_from, month), min(line.active_until, end)
        if first > last:
            continue
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        # The share of the month the line was in service: its allowances are prorated the same way.
        share = len(days) / (next_month(month) - month).days
        seed = int(line.msisdn[-6:])
        heavy = seed % 10 == 0
        traveller = seed % 4 == 0
        cruiser = seed % 97 == 0
        caller_abroad = seed % 5 == 0

        number = line.msisdn.lstrip("+")

        def add(target, msisdn=number, **fields):
            nonlocal serial
            serial += 1
            target.append({"record_id": f"{month:%Y%m}-{serial:07d}", "msisdn": msisdn, **fields})

        minutes = VOICE_MINUTES.get(line.plan, 300) * share * (1.15 if heavy else rng.uniform(0.3, 0.8))
        calls = max(1, int(rng.uniform(12, 30) * share))
        for _ in range(calls):
            add(national, type="voice", direction=rng.choice(["out", "out", "in"]), started_at=_stamp(
                rng.choice(days), rng), peer=rng.choice(FRENCH_PEERS), duration_s=int(minutes * 60 / calls))
        for _ in range(int(rng.uniform(10, 40) * share)):
            add(national, type="sms", direction=rng.choice(["out", "in"]), started_at=_stamp(rng.choice(days), rng),
                peer=rng.choice(FRENCH_PEERS))
        if caller_abroad or rng.random() < 0.15:
            for _ in range(rng.randint(1, 4)):
                add(national, type="voice", started_at=_stamp(rng.choice(days), rng),
                    peer=rng.choice(INTERNATIONAL_PEERS), duration_s=rng.randint(30, 900))
        for code, chance in SPECIAL_CALLS:
            if rng.random() < chance * 0.2:
                add(national, type="voice", started_at=_stamp(rng.choice(days), rng), peer=code, peer_kind="short",
                    duration_s=rng.randint(20, 240))
        if not line.business and rng.random() < 0.04:
            add(national, type="content", started_at=_stamp(rng.choice(days), rng), peer=rng.choice(CONTENT),
                peer_kind="short", amount=rng.choice(["1.50", "2.99", "4.99"]))
        volume = DATA_GB[line.plan] * GB * share * rng.uniform(0.2, 0.7)
        if heavy and line.plan not in UNLIMITED:
            # A heavy user goes a little beyond the allowance before buying more or slowing down.
            volume = DATA_GB[line.plan] * GB * share + rng.randint(20, 400) * MB
        sessions = max(1, int(rng.uniform(10, 25) * share))
        away = None
        far_spend = 0.0
        if traveller and month.month in (7, 8) and len(days) > 10:
            away = (rng.choice(EU_TRIPS), set(days[5:5 + rng.randint(5, 12)]))
        elif traveller and month.month in (4, 10) and rng.random() < 0.3 and len(days) > 10:
            away = (rng.choice(FAR_TRIPS), set(days[3:3 + rng.randint(3, 7)]))
        for _ in range(sessions):
            day = rng.choice(days)
            size = int(volume / sessions * rng.uniform(0.5, 1.5))
            if away and day in away[1]:
                (country, network) = away[0]
                target = late if rng.random() < 0.08 else roaming
                if country not in dict(EU_TRIPS):
                    room = (ROAMING_CAP - far_spend) / FAR_MB_PRICE[country]
                    size = int(min(size, 60 * MB, max(room, 0) * MB))
                    far_spend += size / MB * FAR_MB_PRICE[country]
                if size:
                    add(target, type="data", started_at=_stamp(day, rng), volume_bytes=size, country=country,
                        network=network)
                add(target, type="voice", started_at=_stamp(day, rng), peer=rng.choice(FRENCH_PEERS),
                    duration_s=rng.randint(30, 600), country=country, network=network)
                add(target, type="voice", direction="in", started_at=_stamp(day, rng), peer=rng.choice(FRENCH_PEERS),
                    duration_s=rng.randint(30, 300), country=country, network=network)
            else:
                add(national, type="data", started_at=_stamp(day, rng), volume_bytes=size)
        if cruiser and month.month == 8:
            for _ in range(3):
                day = rng.choice(days)
                # 9.99 EUR/MB at sea: a cruise's classic bill shock, a few MB before the cap cuts it.
                add(roaming, type="data", started_at=_stamp(day, rng), volume_bytes=rng.randint(256, 1800) * 1024,
                    country="GR", network="90112")
                add(roaming, type="voice", started_at=_stamp(day, rng), peer=rng.choice(FRENCH_PEERS),
                    duration_s=rng.randint(60, 400), country="GR", network="90112")
    # A few records a mediation platform gets wrong: rejected alone, the rest ingested.
    for n, broken in enumerate(rng.sample(national, k=min(3, len(national)))):
        bad = dict(broken, record_id=f"{broken['record_id']}-x{n}")
        if n == 0:
            bad.update(type="voice", duration_s=-12, peer=bad.get("peer") or FRENCH_PEERS[0])
        elif n == 1:
            bad.update(started_at=bad["started_at"][:19])  # no UTC offset
        else:
            bad.update(msisdn="33700000000")  # no such line
        national.append(bad)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in ((f"mediation-{month:%Y-%m}.csv", national), (f"roaming-{month:%Y-%m}.csv", roaming)):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths[0], paths[1], late


def late_file(folder: Path, month: date, rows: list[dict]) -> Path:
    path = folder / f"roaming-{month:%Y-%m}-late.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
