"""The invoice generator: facts in, proposed lines out. Pure; it never persists.

Recurring fees are billed in advance, a month at a time. For each line and product, the days a
fee *should* cover in each month of a short look-back window are compared with the days issued
documents *did* bill: days owed become prorated charges, days billed but no longer owed (a
termination, a plan change, an option removed) become prorated credits at the price billed.
So a late change is corrected on the next invoice, and re-running gives the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from telcobill.catalogue.snapshot import CatalogueSnapshot
from telcobill.money import excl_vat, to_cents, to_micros

from . import proration
from .facts import AccountFacts, BilledFee, ChargeFact, LineFact, ProposedLine, UsageCharge

# Months before the cycle's month still checked for owed or overbilled days.
LOOKBACK_MONTHS = 3

SECTION_ORDER = ["plan_options", "communications", "one_off", "third_party", "adjustments", "penalties"]
KIND_ORDER = {"plan": 0, "option": 1}

WORDS = {
    "fr": {"prorata": "prorata {n} jours", "refund": "remboursement", "day": "jour",
           "late": "Régularisation {month} — "},
    "en": {"prorata": "prorated, {n} days", "refund": "refund", "day": "day", "late": "Adjustment {month} — "},
}


def propose_lines(facts: AccountFacts, cycle: str, catalogue: CatalogueSnapshot) -> list[ProposedLine]:
    """Everything the account owes or is owed for `cycle`: fees of the cycle's month in advance,
    corrections of earlier months, pending charges and the usage handed in by rating."""
    year, month = proration.parse_cycle(cycle)
    cycle_first = proration.month_start(year, month)
    months = [cycle_first]
    for _ in range(LOOKBACK_MONTHS):
        months.insert(0, proration.previous_month(months[0]))

    proposed: list[ProposedLine] = []
    billed = _billed_by_key(facts.billed_fees)
    for line in facts.lines:
        for product_code, intervals in _intervals_by_product(line).items():
            product = catalogue.product(product_code)
            for first in months:
                expected = proration.covered(first, intervals)
                already, daily_billed = _billed_days(billed.get((line.line_id, product_code), ()), first)
                owed = expected - already
                overbilled = already - expected
                if owed:
                    proposed.extend(_charges(line, product, first, owed, catalogue, facts.language))
                if overbilled:
                    proposed.extend(_credits(line, product, first, overbilled, daily_billed, catalogue,
                                             facts.language))
    for charge in facts.charges:
        proposed.append(_one_off(charge, catalogue, facts.language))
    proposed.extend(_usage_lines(facts, catalogue))
    kinds = {code: KIND_ORDER.get(p.kind, 2) for code, p in catalogue.products.items()}
    proposed.sort(key=lambda p: (SECTION_ORDER.index(p.section), p.msisdn, kinds.get(p.product_code, 3),
                                 p.period_start or date.min, p.product_code, p.description))
    return proposed


def _intervals_by_product(line: LineFact) -> dict[str, list[tuple[date | None, date | None]]]:
    """Per product, the [start, end) intervals the line had it, clipped to the line's service."""
    if line.activated_on is None:
        return {}
    service_end = None if line.terminated_on is None else date.fromordinal(line.terminated_on.toordinal() + 1)
    result: dict[str, list[tuple[date | None, date | None]]] = defaultdict(list)
    for sub in line.subscriptions:
        start = max(sub.starts_on, line.activated_on)
        end = sub.ends_on
        if service_end is not None and (end is None or service_end < end):
            end = service_end
        if end is None or start < end:
            result[sub.product_code].append((start, end))
    return result


def _billed_by_key(billed_fees: tuple[BilledFee, ...]) -> dict[tuple[int, str], list[BilledFee]]:
    result: dict[tuple[int, str], list[BilledFee]] = defaultdict(list)
    for fee in billed_fees:
        result[(fee.line_id, fee.product_code)].append(fee)
    return result


def _billed_days(fees, first: date) -> tuple[set[int], dict[int, Decimal]]:
    """Days of the month starting at `first` billed net of credits, and each day's billed price."""
    month = proration.month_days(first)
    days: set[int] = set()
    daily: dict[int, Decimal] = {}
    for fee in fees:
        lo = max(fee.period_start.toordinal(), month.start)
        hi = min(fee.period_end.toordinal() + 1, month.stop)
        if lo >= hi:
            continue
        span = set(range(lo, hi))
        if fee.quantity > 0:
            days |= span
            price = fee.unit_price if fee.unit_code == "DAY" else fee.unit_price / proration.days_in_month(first)
            for d in span:
                daily[d] = price
        else:
            days -= span
    return days, daily


def _price(product, day: date, catalogue: CatalogueSnapshot) -> tuple[Decimal, Decimal | None, str, Decimal, str]:
    """(monthly price excl. VAT, incl. VAT if advertised so, VAT category, rate, exemption reason)."""
    price = product.price_on(day)
    vat = catalogue.vat(product.vat_rule)
    rate = vat.rate_on(day)
    if price.includes_vat:
        return excl_vat(price.amount, rate), price.amount, vat.category, rate, vat.exemption_reason
    return price.amount, None, vat.category, rate, vat.exemption_reason


def _charges(line, product, first, owed, catalogue, language) -> list[ProposedLine]:
    result = []
    dim = proration.days_in_month(first)
    words = WORDS.get(language, WORDS["fr"])
    for start, end in proration.runs(owed):
        monthly, monthly_ttc, category, rate, reason = _price(product, start, catalogue)
        ndays = (end - start).days + 1
        if ndays == dim:
            quantity, unit, unit_price, ttc = Decimal(1), "MON", to_micros(monthly), monthly_ttc
            description = product.label(language)
        else:
            quantity, unit = Decimal(ndays), "DAY"
            unit_price = to_micros(monthly / dim)
            ttc = to_micros(monthly_ttc / dim) if monthly_ttc is not None else None
            description = f"{product.label(language)} ({words['prorata'].format(n=ndays)})"
        result.append(ProposedLine(
            section=product.section, description=description, quantity=quantity, unit_code=unit,
            unit_price=unit_price, net_amount=to_cents(quantity * unit_price), vat_category=category,
            vat_rate=rate, kind="fee", line_id=line.line_id, msisdn=line.msisdn, product_code=product.code,
            period_start=start, period_end=end, unit_price_incl_vat=ttc, vat_exemption_reason=reason,
        ))
    return result


def _credits(line, product, first, overbilled, daily_billed, catalogue, language) -> list[ProposedLine]:
    """Credit days billed but not owed, at the price they were billed, one line per run and price."""
    result = []
    words = WORDS.get(language, WORDS["fr"])
    by_price: dict[Decimal, set[int]] = defaultdict(set)
    for d in overbilled:
        by_price[to_micros(daily_billed[d])].add(d)
    for unit_price, days in by_price.items():
        for start, end in proration.runs(days):
            _, _, category, rate, reason = _price(product, start, catalogue)
            ndays = (end - start).days + 1
            quantity = Decimal(-ndays)
            ttc = to_micros(unit_price * (100 + rate) / 100) if product.price_on(start).includes_vat else None
            description = (f"{product.label(language)} — {words['refund']} "
                           f"({words['prorata'].format(n=ndays)})")
            result.append(ProposedLine(
                section=product.section, description=description, quantity=quantity, unit_code="DAY",
                unit_price=unit_price, net_amount=to_cents(quantity * unit_price), vat_category=category,
                vat_rate=rate, kind="fee", line_id=line.line_id, msisdn=line.msisdn, product_code=product.code,
                period_start=start, period_end=end, unit_price_incl_vat=ttc, vat_exemption_reason=reason,
            ))
    return result


def _one_off(charge: ChargeFact, catalogue: CatalogueSnapshot, language: str) -> ProposedLine:
    product = catalogue.product(charge.product_code) if charge.product_code else None
    vat = catalogue.vat(charge.vat_rule or (product.vat_rule if product else "standard"))
    rate = vat.rate_on(charge.charged_on)
    if charge.unit_price is not None:
        amount, includes_vat = charge.unit_price, charge.includes_vat
    else:
        if product is None:
            raise LookupError(f"charge {charge.charge_id} has neither a price nor a product")
        price = product.price_on(charge.charged_on)
        amount, includes_vat = price.amount, price.includes_vat
    unit_price = excl_vat(amount, rate) if includes_vat else to_micros(amount)
    quantity = charge.quantity
    if unit_price < 0:  # a credit is a negative quantity at a positive price (EN 16931 BR-27)
        quantity, unit_price, amount = -quantity, -unit_price, -amount
    description = charge.description or (product.label(language) if product else "")
    kind = {"adjustments": "adjustment", "penalties": "penalty"}.get(charge.section, "one_off")
    return ProposedLine(
        section=charge.section, description=description, quantity=quantity, unit_code="C62",
        unit_price=unit_price, net_amount=to_cents(quantity * unit_price), vat_category=vat.category,
        vat_rate=rate, kind=kind, line_id=charge.line_id, msisdn=charge.msisdn,
        product_code=charge.product_code, period_start=charge.charged_on, period_end=charge.charged_on,
        unit_price_incl_vat=to_micros(amount) if includes_vat else None,
        vat_exemption_reason=vat.exemption_reason, charge_id=charge.charge_id,
    )


def _usage_lines(facts: AccountFacts, catalogue: CatalogueSnapshot) -> list[ProposedLine]:
    """Usage owed minus usage already billed, per (line, charge, month): the usage month in full,
    and for a month rated again after late records, the difference (docs/billing.md)."""
    billed: dict[tuple, list] = {}
    for b in facts.billed_usage:
        entry = billed.setdefault((b.line_id, b.product_code, b.period_start), [Decimal(0), Decimal("0.00"), b])
        entry[0] += b.quantity
        entry[1] += b.net_amount
    latest = max(facts.usage_months) if facts.usage_months else None
    lines: list[ProposedLine] = []
    for usage in facts.usage:
        key = (usage.line_id, usage.product_code, usage.period_start)
        quantity, net, _ = billed.pop(key, (Decimal(0), Decimal("0.00"), None))
        if to_cents(usage.amount_excl_vat) == net:
            continue
        late = usage.period_start != latest or net != 0
        lines.append(_usage(usage, catalogue, quantity=usage.quantity - quantity,
                            amount=usage.amount_excl_vat - net, late=late, language=facts.language))
    for (line_id, code, first), (quantity, net, b) in billed.items():
        if net == 0 or first not in facts.usage_months:
            continue  # rated to nothing now: what was billed is credited
        vat = (b.vat_category, b.vat_rate, b.vat_exemption_reason)
        lines.append(_line(b.section, _late(b.description, first, facts.language), -quantity, b.unit_code, -net,
                           vat, line_id, b.msisdn, code, first, proration.last_day(first)))
    return lines


def _usage(usage: UsageCharge, catalogue: CatalogueSnapshot, *, quantity: Decimal, amount: Decimal, late: bool,
           language: str) -> ProposedLine:
    vat = catalogue.vat(usage.vat_rule)
    description = _late(usage.description, usage.period_start, language) if late else usage.description
    return _line(usage.section, description, quantity, usage.unit_code, amount,
                 (vat.category, vat.rate_on(usage.period_start), vat.exemption_reason), usage.line_id, usage.msisdn,
                 usage.product_code, usage.period_start, usage.period_end)


def _line(section, description, quantity, unit_code, amount, vat, line_id, msisdn, code, start, end) -> ProposedLine:
    """A usage line: the unit price is the amount over the quantity, never negative (BR-27): a
    credit has a negative quantity; a difference without one is one unit."""
    if quantity == 0 or (quantity < 0) != (amount < 0):
        quantity = Decimal(-1 if amount < 0 else 1)
    category, rate, reason = vat
    return ProposedLine(
        section=section, description=description, quantity=quantity, unit_code=unit_code,
        unit_price=to_micros(amount / quantity), net_amount=to_cents(amount), vat_category=category, vat_rate=rate,
        kind="usage", line_id=line_id, msisdn=msisdn, product_code=code, period_start=start, period_end=end,
        vat_exemption_reason=reason,
    )


def _late(description: str, month_first: date, language: str) -> str:
    from babel.dates import format_date

    month = format_date(month_first, "MMMM yyyy", locale="en" if language == "en" else "fr")
    return f"{WORDS[language if language in WORDS else 'fr']['late'].format(month=month)}{description}"
