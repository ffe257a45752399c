"""A month's allowance groups, from the subscriptions in force (docs/rating.md, section 3).

Pure: the catalogue's allowance rows and the subscriptions come in as plain data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .inputs import UNIT_SIZES, AllowanceGroup, month_bounds


@dataclass(frozen=True, slots=True)
class AllowanceRow:
    valid_from: date
    bucket: str
    quantity: Decimal | None  # in `unit`; None: unlimited
    unit: str
    scope: str  # line | pool
    zones: tuple[str, ...]

    def base_quantity(self) -> int | None:
        if self.quantity is None:
            return None
        return int(self.quantity * UNIT_SIZES[self.unit])


@dataclass(frozen=True, slots=True)
class Subscribed:
    """A plan or option on a line over [starts_on, ends_on)."""

    line_id: int
    product: str
    kind: str  # plan | option
    starts_on: date
    ends_on: date | None


def rows_in_force(rows: tuple[AllowanceRow, ...], day: date) -> list[AllowanceRow]:
    """The latest row of each (bucket, zones, scope) series dated on or before `day`."""
    latest: dict[tuple, AllowanceRow] = {}
    for row in sorted(rows, key=lambda r: r.valid_from):
        if row.valid_from <= day:
            latest[(row.bucket, row.zones, row.scope)] = row
    return list(latest.values())


def allowance_groups(month_first: date, subscriptions: list[Subscribed],
                     allowances: dict[str, tuple[AllowanceRow, ...]], customer_of: dict[int, int],
                     policy: str = "prorated") -> list[AllowanceGroup]:
    """Groups of the month: each line's rows summed per (bucket, zones); a line with a pooled row
    for a (bucket, zones) puts all its rows of that pair in its customer's pool."""
    first, end = month_bounds(month_first)
    month_days = (end - first).days
    # (line, bucket, zones) -> list of (base quantity or None, pooled)
    parts: dict[tuple[int, str, tuple], list[tuple[int | None, bool]]] = defaultdict(list)
    plan_days: dict[int, int] = defaultdict(int)
    plan_best: dict[tuple[int, str, tuple], tuple[int | None, bool]] = {}
    for sub in subscriptions:
        start = max(sub.starts_on, first)
        stop = min(sub.ends_on or end, end)
        days = (stop - start).days
        if days <= 0:
            continue
        for row in rows_in_force(allowances.get(sub.product, ()), start):
            full = row.base_quantity()
            pooled = row.scope == "pool"
            key = (sub.line_id, row.bucket, row.zones)
            if policy == "highest" and sub.kind == "plan":
                before = plan_best.get(key)
                if before is None or _larger(full, before[0]):
                    plan_best[key] = (full, pooled or (before is not None and before[1]))
                continue
            parts[key].append((None if full is None else full * days // month_days, pooled))
        if policy == "highest" and sub.kind == "plan":
            plan_days[sub.line_id] += days
    for (line_id, bucket, zones), (full, pooled) in plan_best.items():
        days = min(plan_days[line_id], month_days)
        parts[(line_id, bucket, zones)].append((None if full is None else full * days // month_days, pooled))

    groups: dict[str, dict] = {}
    for (line_id, bucket, zones), contributions in sorted(parts.items()):
        pooled = any(p for _, p in contributions)
        zone_part = "+".join(zones)
        key = f"P{customer_of[line_id]}:{bucket}:{zone_part}" if pooled else f"L{line_id}:{bucket}:{zone_part}"
        group = groups.setdefault(key, {"bucket": bucket, "zones": zones, "quantity": 0, "lines": []})
        for quantity, _ in contributions:
            group["quantity"] = None if group["quantity"] is None or quantity is None else group["quantity"] + quantity
        if line_id not in group["lines"]:
            group["lines"].append(line_id)
    return [AllowanceGroup(key, g["bucket"], g["zones"], g["quantity"], tuple(sorted(g["lines"])))
            for key, g in sorted(groups.items())]


def _larger(a: int | None, b: int | None) -> bool:
    if b is None:
        return False
    return a is None or a > b

