"""Read the generator's facts for a batch of billing accounts (a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from telcobill.catalogue.models import Subscription
from telcobill.customers.models import Line
from telcobill.usage.charges import usage_charges, usage_months

from .. import proration
from ..facts import AccountFacts, BilledFee, BilledUsage, ChargeFact, LineFact, SubscriptionFact
from ..generator import LOOKBACK_MONTHS
from ..models import Charge, DocumentKind, InvoiceLine, InvoiceStatus


def window_start(cycle_first: date) -> date:
    first = cycle_first
    for _ in range(LOOKBACK_MONTHS):
        first = proration.previous_month(first)
    return first


def load_facts(accounts, cycle: str, issue_date: date) -> dict[int, AccountFacts]:
    year, month = proration.parse_cycle(cycle)
    cycle_first = proration.month_start(year, month)
    start = window_start(cycle_first)
    ids = [a.pk for a in accounts]

    lines_by_account: dict[int, list[Line]] = defaultdict(list)
    line_rows = (Line.objects.filter(billing_account_id__in=ids, activated_on__isnull=False)
                 .exclude(terminated_on__lt=start).order_by("msisdn", "pk"))
    for line in line_rows:
        lines_by_account[line.billing_account_id].append(line)
    line_ids = [ln.pk for lines in lines_by_account.values() for ln in lines]

    subs: dict[int, list[SubscriptionFact]] = defaultdict(list)
    for line_id, code, starts_on, ends_on in (
            Subscription.objects.filter(line_id__in=line_ids, starts_on__lt=proration.next_month(cycle_first))
            .exclude(ends_on__lte=start).order_by("starts_on", "pk")
            .values_list("line_id", "product__code", "starts_on", "ends_on")):
        subs[line_id].append(SubscriptionFact(code, starts_on, ends_on))

    billed: dict[int, list[BilledFee]] = defaultdict(list)
    for row in (InvoiceLine.objects.filter(invoice__billing_account_id__in=ids, invoice__status=InvoiceStatus.ISSUED,
                                           kind="fee", period_end__gte=start)
                .order_by("invoice__issued_at", "invoice_id", "position")
                .values_list("invoice__billing_account_id", "invoice__kind", "line_id", "product_code",
                             "period_start", "period_end", "quantity", "unit_code", "unit_price")):
        account_id, kind, line_id, code, p_start, p_end, quantity, unit, price = row
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        billed[account_id].append(BilledFee(line_id, code, p_start, p_end, sign * quantity, unit, price))

    charges: dict[int, list[ChargeFact]] = defaultdict(list)
    for charge in (Charge.objects.filter(billing_account_id__in=ids, charged_on__lte=issue_date)
                   .exclude(invoice__status=InvoiceStatus.ISSUED)
                   .select_related("product", "line").order_by("charged_on", "pk")):
        charges[charge.billing_account_id].append(ChargeFact(
            charge.pk, charge.line_id, charge.line.msisdn if charge.line else "",
            charge.product.code if charge.product else "", charge.description, charge.section, charge.charged_on,
            charge.quantity, charge.unit_price, charge.includes_vat, charge.vat_rule_code))

    usage_month = proration.previous_month(cycle_first)
    months = tuple(usage_months(usage_month))
    usage = usage_charges(ids, usage_month, {a.pk: a.language for a in accounts})
    billed_usage: dict[int, list[BilledUsage]] = defaultdict(list)
    for row in (InvoiceLine.objects.filter(invoice__billing_account_id__in=ids, invoice__status=InvoiceStatus.ISSUED,
                                           kind="usage", period_start__in=months)
                .order_by("invoice__issued_at", "invoice_id", "position")
                .values_list("invoice__billing_account_id", "invoice__kind", "line_id", "product_code",
                             "period_start", "quantity", "net_amount", "description", "msisdn", "section",
                             "unit_code", "vat_category", "vat_rate", "vat_exemption_reason")):
        account_id, kind, line_id, code, p_start, quantity, net, *rest = row
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        billed_usage[account_id].append(BilledUsage(line_id, code, p_start, sign * quantity, sign * net, *rest))
    facts = {}
    for account in accounts:
        facts[account.pk] = AccountFacts(
            account_id=account.pk,
            language=account.language,
            lines=tuple(LineFact(ln.pk, ln.msisdn, ln.activated_on, ln.terminated_on, tuple(subs.get(ln.pk, ())))
                        for ln in lines_by_account.get(account.pk, ())),
            billed_fees=tuple(billed.get(account.pk, ())),
            charges=tuple(charges.get(account.pk, ())),
            usage=tuple(usage.get(account.pk, ())),
            usage_months=months,
            billed_usage=tuple(billed_usage.get(account.pk, ())),
        )
    return facts
