"""Plan advice (docs/advice.md): for each line, what its real usage of the last complete months
would have cost on each plan and options on sale, re-rated by the rating engine, and the
cheapest of them. Computed after each bill run (not per page view) and kept in PlanAdvice.

Each line's offers are rated together: the line's records of a month are copied once per offer
under a virtual line number (line × 100 + offer), each virtual line with that offer's plan and
allowances. The line's current offer is rated first; an offer whose monthly fees alone already
cost more than the current offer's total cannot be cheaper and is not rated.

Compared for each month: the plan's and options' fees of that month, and the usage charged
beyond the allowances. Third-party services (content, premium numbers) cost the same whatever
the offer and are left out. A pooled allowance is counted for the line alone (its own share).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from telcobill.money import CENT, MICRO, ZERO, incl_vat, to_cents

from .. import store
from ..models import PlanAdvice, UsageRating
from ..rating import engine
from ..rating.allowances import Subscribed, allowance_groups
from ..rating.catalogue import allowance_policy, load_allowance_rows, load_tariff
from ..rating.inputs import PlanPeriod, month_bounds
from .rating import connect

SLOTS = 100  # virtual line = line × SLOTS + the offer's number
THIRD_PARTY = "third_party"
ADVISED_STATUSES = ("active", "suspended")


@dataclass(frozen=True, order=True)
class Choice:
    """A plan and its options."""

    plan: str
    options: tuple[str, ...] = ()


@dataclass
class LineCase:
    """A line to advise: its segment, the months it can be compared on, its current offer and the
    offers to rate (the current one first). Each offer is a plan's *base* (the line's options that
    go with the plan) or that base with one usage option more (`added`) or less (`removed`)."""

    line_id: int
    individual: bool
    months: list[date]
    current: Choice
    choices: list[Choice] = field(default_factory=list)
    base: list[int] = field(default_factory=list)  # per offer: the number of its plan's base
    added: list[str | None] = field(default_factory=list)
    removed: list[str | None] = field(default_factory=list)
    # (offer number, month) -> (fees, usage) as the customer reads them
    costs: dict[tuple[int, date], tuple[Decimal, Decimal]] = field(default_factory=dict)
    # (offer number, month) -> usage charged, micro-euros excl. VAT per (charge kind, VAT rule);
    # a charge kind is the charge's prefix: "voice", "sms_in", "special", "data", "data_eu"...
    micros: dict[tuple[int, date], dict[tuple[str, str], int]] = field(default_factory=dict)

    def total(self, index: int) -> Decimal:
        return sum((fees + usage for (i, _), (fees, usage) in self.costs.items() if i == index), ZERO)

    def usage(self, index: int) -> Decimal:
        return sum((usage for (i, _), (_, usage) in self.costs.items() if i == index), ZERO)

    def rated(self) -> set[int]:
        return {i for i, _ in self.costs}


@dataclass
class AdviceSummary:
    lines: int = 0  # advised
    skipped: int = 0  # too little history
    choices_rated: int = 0  # (line, offer) pairs rated
    choices_pruned: int = 0  # left out: they could not be cheaper (docs/advice.md)
    records: int = 0  # records read (each pass reads its months again: a chunk's year stays on disk)
    rated_records: int = 0  # records rated (copied per offer)
    seconds: float = 0.0


def advice_window(*, months: int | None = None) -> list[date]:
    """The months compared: the last `months` months rated for billing, ascending."""
    months = months or settings.USAGE["advice_months"]
    rated = list(UsageRating.objects.order_by("-month").values_list("month", flat=True)[:months])
    return sorted(rated)


def advise(*, now=None, line_ids: Iterable[int] | None = None, months: int | None = None, con=None) -> AdviceSummary:
    """Compute the advice of every active line (or of `line_ids`) and keep it; a line with fewer
    complete months than the minimum loses an advice it had."""
    from telcobill.catalogue.snapshot import load_snapshot

    started = time.perf_counter()
    now = now or timezone.now()
    summary = AdviceSummary()
    window = advice_window(months=months)
    cases, too_short = _cases(window, timezone.localdate(now), line_ids)
    summary.skipped = len(too_short)
    if cases:
        catalogue = load_snapshot()
        tariff, allowances, policy = load_tariff(), load_allowance_rows(), allowance_policy()
        con = con or connect()
        fees = _Fees(catalogue)
        chunk = settings.USAGE["advice_chunk_lines"]
        touched = _touched(allowances)

        def rate(part, wanted):
            _rate(part, wanted, window, tariff, allowances, policy, fees, con, summary, touched)

        for start in range(0, len(cases), chunk):
            part = cases[start:start + chunk]
            # 1. The current offers. 2. Each plan's base, unless its fees alone cost more than the
            # current offer. 3. The bases with an option more or less, unless even the best an
            # option can do (cover all the base's usage of its kinds) leaves it dearer than the
            # cheapest so far.
            rate(part, {c.line_id: [0] for c in part})
            rate(part, {c.line_id: [i for i in range(1, len(c.choices)) if c.base[i] == i
                                    and fees.total(c, i) < c.total(0)] for c in part})
            rate(part, {c.line_id: _may_be_cheaper(c, fees, touched, tariff) for c in part})
            summary.choices_pruned += sum(len(c.choices) - len(c.rated()) for c in part)
            _save(part, now, summary)
    with transaction.atomic():
        PlanAdvice.objects.filter(line_id__in=too_short).delete()
        if line_ids is None:  # a line terminated since: no advice
            PlanAdvice.objects.exclude(line__status__in=ADVISED_STATUSES).delete()
    summary.seconds = time.perf_counter() - started
    return summary


def _cases(window: list[date], today: date, line_ids) -> tuple[list[LineCase], list[int]]:
    """The lines to advise (active or suspended, with a plan today), each with the months of the
    window it was active on its current plan for the whole of, and their offers; and the lines
    with too few months."""
    from telcobill.catalogue.models import Product, ProductKind, Segment, Subscription
    from telcobill.customers.models import Line

    lines = Line.objects.filter(status__in=ADVISED_STATUSES)
    if line_ids is not None:
        lines = lines.filter(pk__in=list(line_ids))
    rows = list(lines.values_list("pk", "activated_on", "billing_account__customer__kind").order_by("pk"))
    held: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"plan": [], "option": []})
    in_force = (Subscription.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today), starts_on__lte=today,
                                            product__kind__in=[ProductKind.PLAN, ProductKind.OPTION])
                .values_list("line_id", "product__code", "product__kind", "starts_on")
                .order_by("line_id", "starts_on", "pk"))
    if line_ids is not None:
        in_force = in_force.filter(line_id__in=[r[0] for r in rows])
    plan_since: dict[int, date] = {}
    for line_id, code, kind, starts_on in in_force:
        held[line_id][kind].append(code)
        if kind == ProductKind.PLAN:
            plan_since[line_id] = starts_on
    products = list(Product.objects.filter(kind__in=[ProductKind.PLAN, ProductKind.OPTION])
                    .order_by("tier", "code").values_list("code", "kind", "segment", "compatible_plans", "retired"))
    with_allowances = set(Product.objects.filter(allowances__isnull=False).values_list("code", flat=True))
    minimum = settings.USAGE["advice_min_months"]
    cases, too_short = [], []
    for line_id, activated_on, kind in rows:
        offer = held.get(line_id)
        if not offer or not offer["plan"]:
            continue
        # Whole months on the current plan: usage on another plan says little of the line today.
        months = [m for m in window if activated_on and activated_on <= m and plan_since[line_id] <= m]
        if len(months) < minimum:
            too_short.append(line_id)
            continue
        current = Choice(offer["plan"][-1], tuple(sorted(offer["option"])))
        case = LineCase(line_id, kind == Segment.INDIVIDUAL, months, current)
        case.choices, case.base, case.added, case.removed = [current], [0], [None], [None]
        index = {current: 0}
        for choice, base, added, removed in _choices(current, kind, products, with_allowances):
            if choice in index:
                continue
            index[choice] = len(case.choices)
            case.choices.append(choice)
            case.base.append(index[base])  # a plan's base comes before its variants
            case.added.append(added)
            case.removed.append(removed)
        cases.append(case)
    return cases, too_short


def _choices(current: Choice, segment: str, products, with_allowances: set[str]):
    """For each plan on sale to the segment: its base (the options of the line that go with it),
    then the base with one usage option (one that brings allowances) on sale more, or one less.
    Yields (offer, its base, the option added, the option removed)."""
    plans = [code for code, kind, seg, _, retired in products
             if kind == "plan" and not retired and seg in ("all", segment)]
    compatible_with = {code: compatible for code, kind, _, compatible, _ in products if kind == "option"}
    on_sale = [code for code, kind, seg, _, retired in products
               if kind == "option" and not retired and seg in ("all", segment)]
    for plan in plans:
        kept = tuple(o for o in current.options if not compatible_with.get(o) or plan in compatible_with[o])
        base = Choice(plan, kept)
        yield base, base, None, None
        for option in on_sale:
            compatible = compatible_with[option]
            if option in with_allowances and option not in kept and (not compatible or plan in compatible):
                yield Choice(plan, tuple(sorted((*kept, option)))), base, option, None
        for option in kept:
            if option in with_allowances:
                yield Choice(plan, tuple(o for o in kept if o != option)), base, None, option


# Records an allowance can change, by its bucket, and the kinds of charges those records make:
# allowances are per bucket, so an option's allowances leave every other record rated as before.
CALLS, DATA = ("voice", "sms", "mms"), ("data",)
RECORDS_OF_BUCKET = {"voice": CALLS, "sms": CALLS, "mms": CALLS, "data": DATA, "data_eu": DATA}
KINDS_OF_RECORDS = {CALLS: {"voice", "voice_in", "sms", "sms_in", "mms", "mms_in", "special"},
                    DATA: {"data", "data_eu"}}


def _touched(allowances) -> dict[str, tuple[str, ...]]:
    """Per option, the types of records its allowances can change (CALLS, DATA or both)."""
    return {code: tuple(sorted({t for row in rows for t in RECORDS_OF_BUCKET.get(row.bucket, CALLS + DATA)}))
            for code, rows in allowances.items()}


def _kinds(types: tuple[str, ...]) -> set[str]:
    """The kinds of charges records of `types` make."""
    return set().union(*(kinds for group, kinds in KINDS_OF_RECORDS.items() if set(group) & set(types)))


def _may_be_cheaper(case: LineCase, fees: _Fees, touched: dict[str, tuple[str, ...]], tariff) -> list[int]:
    """The offers with an option more or less than their base that may beat the cheapest so far."""
    cheapest = min(map(case.total, case.rated()))
    return [i for i in range(1, len(case.choices))
            if case.base[i] != i and _lower_bound(case, i, fees, touched, tariff) < cheapest]


def _lower_bound(case: LineCase, index: int, fees: _Fees, touched: dict[str, tuple[str, ...]], tariff) -> Decimal:
    """The least offer `index` can cost: its fees, plus its base's usage less everything of the
    kinds of charges the option added or removed can change (a cent of rounding a month and kind)."""
    base = case.base[index]
    own = fees.total(case, index)
    if base not in case.rated():
        return own  # the base's fees already cost more than the current offer: so do these
    usage = case.usage(base)
    covered = _kinds(touched.get(case.added[index] or case.removed[index] or "", CALLS + DATA))
    for month in case.months:
        for (kind, rule), micros in case.micros.get((base, month), {}).items():
            if kind in covered:
                usage -= _as_read({rule: micros}, case.individual, tariff, month) + CENT
    return own + max(usage, ZERO)


def _as_read(micros_by_rule: dict[str, int], individual: bool, tariff, month: date) -> Decimal:
    """Usage as the customer reads it, as an invoice works it out: each VAT rule's amount to the
    cent, then its VAT for an individual."""
    total = ZERO
    for rule, micros in micros_by_rule.items():
        net = to_cents(Decimal(micros) * MICRO)
        total += incl_vat(net, tariff.vat_rate(rule, month)) if individual else net
    return total


class _Fees:
    """Monthly fees of an offer as the customer reads them, from the catalogue of that month."""

    def __init__(self, catalogue):
        from telcobill.catalogue.offers import price_of

        self.catalogue, self.price_of, self.cache = catalogue, price_of, {}

    def of(self, choice: Choice, month: date, individual: bool) -> Decimal:
        total = ZERO
        for code in (choice.plan, *choice.options):
            key = (code, month)
            if key not in self.cache:
                try:
                    self.cache[key] = self.price_of(self.catalogue.product(code), month, self.catalogue)
                except LookupError:  # no price that month (not sold yet): its first price
                    info = self.catalogue.product(code)
                    self.cache[key] = self.price_of(info, info.prices[0].valid_from, self.catalogue)
            amount = self.cache[key]
            total += amount.gross if individual else amount.net
        return total

    def total(self, case: LineCase, index: int) -> Decimal:
        """The offer's fees over the case's months."""
        return sum((self.of(case.choices[index], m, case.individual) for m in case.months), ZERO)


def _rate(cases: Sequence[LineCase], wanted: dict[int, list[int]], window: list[date], tariff, allowances, policy,
          fees: _Fees, con, summary: AdviceSummary, touched: dict[str, tuple[str, ...]]) -> None:
    """Rate the `wanted` offers of each case over its months and keep their costs. An offer that
    adds or removes an option to a base already rated is rated on the records the option can
    change only; its other charges are its base's."""
    by_line = {c.line_id: c for c in cases}
    summary.choices_rated += sum(len(indexes) for indexes in wanted.values())
    for month in window:
        first, end = month_bounds(month)
        virtual, subscribed, plans = [], [], []  # virtual: (line, virtual line, record types or None: all)
        for case in cases:
            if month not in case.months:
                continue
            for index in wanted.get(case.line_id, ()):
                number = case.line_id * SLOTS + index
                choice = case.choices[index]
                option = case.added[index] or case.removed[index]
                only = touched.get(option, CALLS + DATA) if option and case.base[index] in case.rated() else None
                virtual.append((case.line_id, number, only))
                plans.append(PlanPeriod(number, choice.plan, first, None))
                subscribed.append(Subscribed(number, choice.plan, "plan", first, None))
                subscribed.extend(Subscribed(number, o, "option", first, None) for o in choice.options)
        if not virtual:
            continue
        records = store.read_month(month, sorted({line for line, _, _ in virtual}))
        summary.records += records.num_rows
        rated: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        if records.num_rows:
            copied = _copies(records, virtual)
            summary.rated_records += copied.num_rows
            groups = allowance_groups(month, subscribed, allowances, {s.line_id: s.line_id for s in subscribed}, policy)
            parts = -(-copied.num_rows // settings.USAGE["rating_part_records"])
            summed = engine.rate_totals(con, engine.load_records(con, copied), tariff, plans, groups, month,
                                        parts=parts)
            for row in summed.select(["line_id", "charge", "section", "vat_rule", "amount_micros"]).to_pylist():
                if row["section"] != THIRD_PARTY:
                    rated[row["line_id"]][(row["charge"].split(":", 1)[0], row["vat_rule"])] += row["amount_micros"]
        for line_id, number, only in virtual:
            case = by_line[line_id]
            index = number - line_id * SLOTS
            micros = dict(rated.get(number, {}))
            if only is not None:  # the base's charges the option cannot change
                kept = _kinds(only)
                for (kind, rule), amount in case.micros[(case.base[index], month)].items():
                    if kind not in kept:
                        micros[(kind, rule)] = micros.get((kind, rule), 0) + amount
            case.micros[(index, month)] = micros
            by_rule: dict[str, int] = defaultdict(int)
            for (_, rule), amount in micros.items():
                by_rule[rule] += amount
            case.costs[(index, month)] = (fees.of(case.choices[index], month, case.individual),
                                          _as_read(by_rule, case.individual, tariff, month))


def _copies(records: pa.Table, virtual) -> pa.Table:
    """The records copied once per virtual line (as its line), only those of its record types
    when it has some."""
    import pyarrow.compute as pc

    tables = []
    for only in {v[2] for v in virtual}:
        chosen = [v for v in virtual if v[2] == only]
        source = records if only is None else records.filter(pc.is_in(records["type"], pa.array(list(only))))
        mapping = pa.table({"line_id": pa.array([v[0] for v in chosen], pa.int64()),
                            "virtual_line": pa.array([v[1] for v in chosen], pa.int64())})
        copied = source.join(mapping, "line_id", use_threads=False).drop_columns(["line_id"])
        copied = copied.rename_columns(["line_id" if n == "virtual_line" else n for n in copied.column_names])
        tables.append(copied.select(records.column_names))
    return pa.concat_tables(tables)


def _save(cases: Sequence[LineCase], now, summary: AdviceSummary) -> None:
    rows = []
    for case in cases:
        rated = sorted({i for i, _ in case.costs}, key=lambda i: (case.total(i), i != 0, case.choices[i]))
        best = rated[0]
        shown = rated[:6] if 0 in rated[:6] else [*rated[:5], 0]
        rows.append(PlanAdvice(
            line_id=case.line_id, computed_at=now, months=[m.isoformat() for m in case.months],
            includes_vat=case.individual, current_total=case.total(0), best_total=case.total(best),
            best_plan=case.choices[best].plan, best_options=list(case.choices[best].options),
            choices=[_choice_row(case, i) for i in shown]))
    with transaction.atomic():
        PlanAdvice.objects.filter(line_id__in=[c.line_id for c in cases]).delete()
        PlanAdvice.objects.bulk_create(rows, batch_size=1000)
    summary.lines += len(rows)


def _choice_row(case: LineCase, index: int) -> dict:
    choice = case.choices[index]
    monthly = []
    for month in case.months:
        fees, usage = case.costs[(index, month)]
        monthly.append({"month": month.isoformat(), "fees": str(fees), "usage": str(usage), "total": str(fees + usage)})
    return {"plan": choice.plan, "options": list(choice.options), "current": index == 0,
            "total": str(case.total(index)), "monthly": monthly}


@dataclass(frozen=True)
class OfferCost:
    """An offer of a line's advice, as the pages and the API show it."""

    plan: str
    options: tuple[str, ...]
    name: str  # "Forfait 20 Go + Option Data +10 Go"
    commitment_months: int
    current: bool
    total: Decimal
    per_month: Decimal
    saving: Decimal  # over the months compared, against the current offer (negative: dearer)
    monthly: tuple[tuple[date, Decimal, Decimal, Decimal], ...]  # (month, fees, usage, total)

    @property
    def extra(self) -> Decimal:
        """What it would have cost more than the current offer."""
        return -self.saving


@dataclass(frozen=True)
class Advice:
    """A line's plan advice, read: the offers cheapest first, the current one among them."""

    computed_at: object
    months: tuple[date, ...]
    includes_vat: bool
    offers: tuple[OfferCost, ...]
    current: OfferCost
    best: OfferCost
    worth_it: bool  # the best offer saves at least TELCOBILL_ADVICE_MIN_SAVING a month
    saving: Decimal  # over the months compared
    monthly_saving: Decimal


def advice_of(line, *, language: str = "fr") -> Advice | None:
    """The line's last computed advice, named in `language`; None before one was computed."""
    from telcobill.catalogue.snapshot import load_snapshot

    stored = PlanAdvice.objects.filter(line=line).first()
    if stored is None or not stored.choices:
        return None
    catalogue = load_snapshot()

    def info(code: str):
        try:
            return catalogue.product(code)
        except LookupError:
            return None

    count = len(stored.months)
    offers = []
    for row in stored.choices:
        codes = (row["plan"], *row["options"])
        products = [info(code) for code in codes]
        total = Decimal(row["total"])
        offers.append(OfferCost(
            row["plan"], tuple(row["options"]),
            " + ".join(p.label(language) if p else code for p, code in zip(products, codes, strict=True)),
            max((p.commitment_months for p in products if p), default=0), row["current"], total,
            to_cents(total / count), stored.current_total - total,
            tuple((date.fromisoformat(m["month"]), Decimal(m["fees"]), Decimal(m["usage"]), Decimal(m["total"]))
                  for m in row["monthly"])))
    return Advice(stored.computed_at, tuple(date.fromisoformat(m) for m in stored.months), stored.includes_vat,
                  tuple(offers), next(o for o in offers if o.current), offers[0],
                  stored.worth_telling and not offers[0].current, stored.savings, stored.monthly_savings)
