"""The price effect of a plan or option change before the customer confirms it: what the next
invoice will carry for the line (prorata credited, prorata charged, the month in advance), the
date the change takes effect and the new monthly price.

Nothing is written. The change is checked by the same rules as the change itself
(`workflows.lines.check_*`), applied to the line's subscriptions as plain facts, and priced by
the bill run's own code: the facts loader and the invoice generator, for the cycle whose bill
run comes next. So the preview is what that bill run will bill, to the cent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from telcobill.billing.facts import AccountFacts, LineFact, ProposedLine, SubscriptionFact
from telcobill.billing.generator import propose_lines
from telcobill.billing.models import BillRun, BillRunStatus, Invoice, InvoiceStatus
from telcobill.billing.proration import cycle_of, next_month
from telcobill.billing.services.billrun import issue_date_of
from telcobill.billing.services.facts_loader import load_facts
from telcobill.billing.totals import Totals, compute_totals
from telcobill.catalogue.offers import Amount, price_of
from telcobill.catalogue.snapshot import CatalogueSnapshot, load_snapshot
from telcobill.customers.models import Line
from telcobill.money import ZERO

from .lines import check_add_option, check_plan_change, check_remove_option

# A run past these has its drafts fixed: a change made now goes to the next cycle's run.
_CYCLE_CLOSED = (BillRunStatus.APPROVED, BillRunStatus.ISSUING, BillRunStatus.ISSUED)


@dataclass(frozen=True)
class ChangePreview:
    effective_on: date
    cycle: str  # the bill run that bills the change
    issue_date: date  # that run's documents' date
    lines: tuple[ProposedLine, ...]  # the line's recurring fees on that document, once changed
    before: tuple[ProposedLine, ...]  # the same without the change
    monthly: Amount  # the line's plan and options per month from `effective_on`
    monthly_before: Amount
    commitment_end: date | None  # once changed

    @property
    def total(self) -> Amount:
        return _amount(self.lines)

    @property
    def total_before(self) -> Amount:
        return _amount(self.before)

    @property
    def credited(self) -> Amount:
        """Days already billed and no longer owed (negative)."""
        return _amount([p for p in self.lines if p.quantity < 0])

    @property
    def charged(self) -> Amount:
        """Days owed in part of a month (the prorata of a plan or option from its first day)."""
        return _amount([p for p in self.lines if p.quantity > 0 and p.unit_code == "DAY"])

    @property
    def in_advance(self) -> Amount:
        """Whole months billed in advance."""
        return _amount([p for p in self.lines if p.unit_code == "MON"])


def preview_plan_change(*, line: Line, plan_code: str, requested_on: date) -> ChangePreview:
    """What changing the line's plan on `requested_on` would bill (refusals as `change_plan`)."""
    change = check_plan_change(line=line, plan_code=plan_code, requested_on=requested_on)
    effective = change.effective_on

    def alter(subscriptions, catalogue):
        plans = {code for code, p in catalogue.products.items() if p.kind == "plan"}
        kept = []
        for sub in subscriptions:
            if sub.product_code in plans and sub.starts_on >= effective:
                continue  # a change planned later is replaced, as change_plan deletes it
            if sub.product_code in plans and sub.starts_on <= requested_on and (
                    sub.ends_on is None or sub.ends_on > requested_on):
                sub = replace(sub, ends_on=effective)
            kept.append(sub)
        return (*kept, SubscriptionFact(plan_code, effective, None))

    return _preview(line, effective, alter, requested_on, change.commitment_end)


def preview_add_option(*, line: Line, option_code: str, on: date) -> ChangePreview:
    """What adding the option on `on` would bill (refusals as `add_option`)."""
    check_add_option(line=line, option_code=option_code, on=on)
    return _preview(line, on, lambda subs, _: (*subs, SubscriptionFact(option_code, on, None)), on,
                    line.commitment_end)


def preview_remove_option(*, line: Line, option_code: str, on: date) -> ChangePreview:
    """What removing the option from `on` would bill (refusals as `remove_option`)."""
    check_remove_option(line=line, option_code=option_code, on=on)

    def alter(subscriptions, _):
        return tuple(replace(s, ends_on=on) if s.product_code == option_code and s.starts_on <= on
                     and (s.ends_on is None or s.ends_on > on) else s for s in subscriptions)

    return _preview(line, on, alter, on, line.commitment_end)


def next_cycle(account_id: int, today: date) -> str:
    """The cycle whose bill run will bill a change made `today`: this month's while its run can
    still compute the account, otherwise next month's."""
    cycle = cycle_of(today)
    closed = BillRun.objects.filter(cycle=cycle, status__in=_CYCLE_CLOSED).exists()
    billed = Invoice.objects.filter(billing_account_id=account_id, cycle=cycle, status=InvoiceStatus.ISSUED).exists()
    return cycle_of(next_month(today)) if closed or billed else cycle


def _preview(line: Line, effective: date, alter, today: date, commitment_end: date | None) -> ChangePreview:
    account = line.billing_account
    cycle = next_cycle(account.pk, today)
    issue_date = issue_date_of(cycle)
    catalogue = load_snapshot()
    facts = load_facts([account], cycle, issue_date)[account.pk]
    mine = next((f for f in facts.lines if f.line_id == line.pk), None)
    if mine is None:  # not billed in that window (not activated yet): nothing to compare with
        mine = LineFact(line.pk, line.msisdn, line.activated_on, line.terminated_on, ())
        facts = replace(facts, lines=(*facts.lines, mine))
    changed = replace(mine, subscriptions=tuple(alter(mine.subscriptions, catalogue)))
    after = replace(facts, lines=tuple(changed if f.line_id == line.pk else f for f in facts.lines))
    return ChangePreview(
        effective_on=effective, cycle=cycle, issue_date=issue_date,
        lines=_fees_of(line.pk, after, cycle, catalogue), before=_fees_of(line.pk, facts, cycle, catalogue),
        monthly=_monthly(changed.subscriptions, effective, catalogue),
        monthly_before=_monthly(mine.subscriptions, effective, catalogue),
        commitment_end=commitment_end)


def _fees_of(line_id: int, facts: AccountFacts, cycle: str, catalogue: CatalogueSnapshot) -> tuple[ProposedLine, ...]:
    return tuple(p for p in propose_lines(facts, cycle, catalogue) if p.line_id == line_id and p.kind == "fee")


def _monthly(subscriptions, day: date, catalogue: CatalogueSnapshot) -> Amount:
    """The monthly prices of the plan and options in force on `day`, excl. and incl. VAT."""
    net = gross = ZERO
    for sub in subscriptions:
        if sub.starts_on > day or (sub.ends_on is not None and sub.ends_on <= day):
            continue
        product = catalogue.product(sub.product_code)
        if product.kind in ("plan", "option"):
            price = price_of(product, day, catalogue)
            net, gross = net + price.net, gross + price.gross
    return Amount(net, gross)


def _amount(lines) -> Amount:
    totals: Totals = compute_totals(lines)
    return Amount(totals.net, totals.gross)
