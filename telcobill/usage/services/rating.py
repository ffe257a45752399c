"""Rating a month: the inputs from the database, the engine chosen in settings, the totals kept
for billing (docs/rating.md; ARCHITECTURE.md "Billing cycle": late usage)."""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from telcobill.money import MICRO

from .. import store
from ..models import IngestBatch, UsageFile, UsageRating, UsageTotal
from ..rating import engine
from ..rating.allowances import allowance_groups
from ..rating.catalogue import allowance_policy, load_allowance_rows, load_subscriptions, load_tariff
from ..rating.inputs import month_bounds, months_back


def connect():
    return engine.connect(settings.USAGE["engine"], spark_master=settings.USAGE["spark_master"],
                          memory_limit=settings.USAGE["rating_memory"], temp_directory=tempfile.gettempdir())


def lines_sharing(line_ids) -> list[int]:
    """The lines, and every line of the same customers (a pooled allowance spans them)."""
    from telcobill.customers.models import Line

    customers = Line.objects.filter(pk__in=list(line_ids)).values("billing_account__customer_id")
    return list(Line.objects.filter(billing_account__customer_id__in=customers).values_list("pk", flat=True))


def month_inputs(month: date, line_ids=None):
    """(tariff, plan periods, allowance groups) of the month, for some lines or all."""
    first, end = month_bounds(month)
    subscribed, plans, customer_of = load_subscriptions(first, end, line_ids)
    groups = allowance_groups(month, subscribed, load_allowance_rows(), customer_of, allowance_policy())
    return load_tariff(), plans, groups


def rate_month(month: date, line_ids=None, *, con=None) -> pa.Table:
    """The month's rated records (engine.OUTPUT columns), of some lines (and the lines sharing
    their pools) or all."""
    return rate_month_with_groups(month, line_ids, con=con)[0]


def rate_month_with_groups(month: date, line_ids=None, *, con=None):
    """(rated records, allowance groups, the lines in scope, like-home zones) of the month."""
    scope = None if line_ids is None else lines_sharing(line_ids)
    records = store.read_month(month, scope)
    tariff, plans, groups = month_inputs(month, scope)
    if records.num_rows == 0:
        rated = pa.table({name: [] for name in engine.OUTPUT})
    else:
        rated = engine.rate_table(records, tariff, plans, groups, month, con=con or connect())
    return rated, groups, scope or [], tariff.like_home


def totals_of(con, month: date):
    """The rated month summed per (line, charge), inside the backend; a big month in parts of
    lines (TELCOBILL_RATING_PART_RECORDS records each, roughly)."""
    records = store.read_month(month)
    if records.num_rows == 0:
        return pa.table({"line_id": pa.array([], pa.int64())}).slice(0, 0), 0
    tariff, plans, groups = month_inputs(month)
    parts = -(-records.num_rows // settings.USAGE["rating_part_records"])
    summed = engine.rate_totals(con, engine.load_records(con, records), tariff, plans, groups, month, parts=parts)
    return summed, records.num_rows


def rate_for_billing(usage_month: date, *, now=None) -> list[date]:
    """Rate the usage month, and every earlier month within the retention that received records
    since it was last rated (late usage), and keep their totals. Returns the months rated."""
    now = now or timezone.now()
    oldest = months_back(usage_month, settings.USAGE["retention_months"] - 1)
    last_batch = IngestBatch.objects.filter(status="committed").aggregate(m=Max("pk"))["m"] or 0
    ratings = {r.month: r for r in UsageRating.objects.filter(month__gte=oldest, month__lte=usage_month)}
    months = [usage_month]
    newer = (UsageFile.objects.filter(month__gte=oldest, month__lt=usage_month)
             .values_list("month", "batch_id").distinct())
    for month, batch_id in newer:
        rating = ratings.get(month)
        if month not in months and (rating is None or (batch_id or 0) > rating.last_batch_id):
            months.append(month)
    live = set(UsageFile.objects.filter(month__gte=oldest, month__lte=usage_month, live=True)
               .values_list("month", flat=True))
    con = None
    for month in sorted(months):
        if month not in ratings and month not in live:
            continue  # nothing ever ingested for it
        con = con or connect()
        summed, count = totals_of(con, month)
        rows = summed.to_pylist()
        with transaction.atomic():
            UsageTotal.objects.filter(month=month).delete()
            UsageTotal.objects.bulk_create([
                UsageTotal(line_id=r["line_id"], month=month, charge=r["charge"], section=r["section"],
                           vat_rule=r["vat_rule"], records=r["records"], rounded=r["rounded"],
                           chargeable=r["chargeable"], amount=(Decimal(r["amount_micros"]) * MICRO).quantize(MICRO))
                for r in rows], batch_size=2000)
            previous = ratings.get(month)
            UsageRating.objects.update_or_create(month=month, defaults={
                "rated_at": now, "last_batch_id": last_batch, "records": count,
                "late": bool(previous and (previous.late or month < usage_month))})
    return sorted(months)


def usage_month_of(cycle: str) -> date:
    """The month whose usage a cycle bills in arrears: October for cycle 2026-11."""
    year, month = (int(part) for part in cycle.split("-"))
    return months_back(date(year, month, 1), 1)
