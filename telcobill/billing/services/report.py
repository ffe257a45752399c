"""The bill run report staff read before approving: totals, counts, what looks unusual."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum

from telcobill.money import to_cents

from .. import proration
from ..models import BillRun, BillRunHold, DocumentKind, Invoice, InvoiceStatus


def _cents(value) -> str:
    # SQLite sums decimals as floats: bring them back to the cent.
    return str(to_cents(Decimal(str(value or 0))))


def _signed(kind: str, amount: Decimal) -> Decimal:
    return -amount if kind == DocumentKind.CREDIT_NOTE else amount


def build_report(run: BillRun, *, variance_percent: int | None = None, limit: int = 50) -> dict:
    """Totals and counts by kind and status; accounts at zero; credit notes (net credits);
    accounts whose total moved more than `variance_percent` from the previous cycle; holds."""
    variance_percent = settings.BILLING["variance_percent"] if variance_percent is None else variance_percent
    docs = Invoice.objects.filter(bill_run=run)
    by = {}
    for row in docs.values("kind", "status").annotate(n=Count("id"), net=Sum("total_net"), vat=Sum("total_vat"),
                                                       gross=Sum("total_gross")):
        by[f"{row['kind']}:{row['status']}"] = {"count": row["n"], "net": _cents(row["net"]),
                                                "vat": _cents(row["vat"]), "gross": _cents(row["gross"])}
    current = {a: (k, g, n) for a, k, g, n in docs.values_list("billing_account_id", "kind", "total_gross",
                                                                 "billing_account__number")}
    year, month = proration.parse_cycle(run.cycle)
    previous_cycle = proration.cycle_of(proration.previous_month(proration.month_start(year, month)))
    previous = {a: _signed(k, g) for a, k, g in Invoice.objects.filter(
        cycle=previous_cycle, bill_run__isnull=False, status=InvoiceStatus.ISSUED).values_list(
        "billing_account_id", "kind", "total_gross")}
    zero, credits, varying = [], [], []
    for account_id, (kind, gross, number) in sorted(current.items(), key=lambda kv: kv[1][2]):
        signed = _signed(kind, gross)
        if signed == 0:
            zero.append(number)
        if kind == DocumentKind.CREDIT_NOTE:
            credits.append({"account": number, "amount": str(signed)})
        before = previous.get(account_id)
        if before and abs(signed - before) * 100 > abs(before) * variance_percent:
            varying.append({"account": number, "previous": str(before), "current": str(signed),
                            "change_percent": str(((signed - before) * 100 / abs(before)).quantize(Decimal("1")))})
    held = [{"account": n, "problems": p} for n, p in docs.filter(status=InvoiceStatus.HELD).values_list(
        "billing_account__number", "problems")[:limit]]
    staff_holds = [{"account": n, "reason": r, "by": b} for n, r, b in BillRunHold.objects.filter(
        cycle=run.cycle).values_list("billing_account__number", "reason", "created_by")]
    totals = docs.exclude(status=InvoiceStatus.HELD).values("kind").annotate(gross=Sum("total_gross"))
    net_gross = to_cents(sum((_signed(t["kind"], t["gross"]) for t in totals), Decimal("0.00")))
    return {
        "cycle": run.cycle, "issue_date": run.issue_date.isoformat(), "status": run.status, "trial": run.trial,
        "documents": len(current), "by_kind_and_status": by, "total_gross_signed": str(net_gross),
        "accounts_at_zero": len(zero), "accounts_at_zero_sample": zero[:limit],
        "credit_notes": len(credits), "credit_notes_sample": credits[:limit],
        "variance_percent": variance_percent, "varying": len(varying), "varying_sample": varying[:limit],
        "held_by_validation": docs.filter(status=InvoiceStatus.HELD).count(), "held_sample": held,
        "held_by_staff": staff_holds,
    }
