"""Read the rating inputs from the database: the tariff, allowance rows, plans and subscriptions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from .allowances import AllowanceRow, Subscribed
from .inputs import PlanPeriod, SpecialNumber, Tariff, UsagePrice

HOME_COUNTRY_CODE = "33"


def load_tariff() -> Tariff:
    from telcobill.catalogue.models import Product, RoundingRule, ThirdPartyNumber, VatRate, Zone
    from telcobill.catalogue.models import UsagePrice as PriceRow

    destination, countries, networks, like_home, like_home_destinations = {}, {}, {}, set(), set()
    for zone in Zone.objects.all():
        if zone.kind == "destination":
            destination.update({p: zone.code for p in zone.prefixes})
            if zone.like_home:
                like_home_destinations.add(zone.code)
        else:
            countries.update({c: zone.code for c in zone.countries})
            networks.update({n: zone.code for n in zone.networks})
            if zone.like_home:
                like_home.add(zone.code)
    home = destination.get(HOME_COUNTRY_CODE, "")
    prices: dict[tuple, list[UsagePrice]] = defaultdict(list)
    for row in PriceRow.objects.select_related("zone", "vat_rule").order_by("valid_from"):
        prices[(row.zone.code, row.bucket, row.direction)].append(
            UsagePrice(row.valid_from, row.unit, row.amount, row.includes_vat, row.vat_rule.code))
    specials = {n.prefix: SpecialNumber(n.prefix, n.kind, n.name, n.per_call, n.per_minute, n.vat_rule.code)
                for n in ThirdPartyNumber.objects.select_related("vat_rule")}
    rates: dict[str, list] = defaultdict(list)
    for rate in VatRate.objects.select_related("vat_rule").order_by("valid_from"):
        rates[rate.vat_rule.code].append((rate.valid_from, rate.rate))
    rules = {r.code: (r.minimum, r.increment) for r in RoundingRule.objects.all()}
    rounding = {p.code: {bucket: rules[code] for bucket, code in (p.rounding or {}).items() if code in rules}
                for p in Product.objects.filter(kind="plan")}
    return Tariff(
        destination_prefixes=destination, home_destination=home, roaming_countries=countries,
        roaming_networks=networks, like_home=frozenset(like_home),
        prices={k: tuple(v) for k, v in prices.items()}, specials=specials,
        vat_rates={k: tuple(v) for k, v in rates.items()}, rounding=rounding,
        like_home_destinations=frozenset(like_home_destinations))


def load_allowance_rows() -> dict[str, tuple[AllowanceRow, ...]]:
    from telcobill.catalogue.models import Allowance

    rows: dict[str, list[AllowanceRow]] = defaultdict(list)
    for a in Allowance.objects.select_related("product").order_by("valid_from", "pk"):
        rows[a.product.code].append(AllowanceRow(a.valid_from, a.bucket, a.quantity, a.unit, a.scope,
                                                 tuple(a.zones or ())))
    return {k: tuple(v) for k, v in rows.items()}


def allowance_policy() -> str:
    from telcobill.catalogue.models import CataloguePolicy

    policy = CataloguePolicy.objects.first()
    return policy.allowance_on_change if policy else "prorated"


def load_subscriptions(first: date, end: date, line_ids=None) -> tuple[list[Subscribed], list[PlanPeriod],
                                                                       dict[int, int]]:
    """Subscriptions overlapping [first, end), the plan periods among them, and each line's customer."""
    from django.db.models import Q

    from telcobill.catalogue.models import Subscription

    query = Subscription.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=first), starts_on__lt=end)
    if line_ids is not None:
        query = query.filter(line_id__in=line_ids)
    subscribed, plans, customer_of = [], [], {}
    for line_id, code, kind, starts, ends, customer in query.values_list(
            "line_id", "product__code", "product__kind", "starts_on", "ends_on",
            "line__billing_account__customer_id").order_by("line_id", "starts_on", "pk"):
        if kind not in ("plan", "option"):
            continue
        subscribed.append(Subscribed(line_id, code, kind, starts, ends))
        customer_of[line_id] = customer
        if kind == "plan":
            plans.append(PlanPeriod(line_id, code, starts, ends))
    return subscribed, plans, customer_of
