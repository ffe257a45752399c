"""Live consumption: after each ingestion, the touched lines' month is rated again and their
counters replaced — used, included, out-of-plan amount so far, newest record counted — then
thresholds crossed become alerts (once per group, month and threshold), sent after commit."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from telcobill.money import MICRO

from ..models import LineCounter, UsageAlert
from ..rating.inputs import HOME
from .rating import rate_month_with_groups

THRESHOLDS = (80, 100)  # the roaming cap's, and an allowance's by default (AlertPreference)
ROAMING_SPEND = "roaming_spend"


def refresh_counters(months: list[date], line_ids: list[int], *, now: datetime | None = None) -> list[int]:
    """Recompute the counters of these lines (and their pools) for these months; returns the
    ids of the alerts created."""
    now = now or timezone.now()
    created: list[int] = []
    for month in months:
        rated, groups, scope, like_home = rate_month_with_groups(month, line_ids)
        counters = _counters(month, rated, groups, like_home, now)
        with transaction.atomic():
            LineCounter.objects.filter(Q(line_id__in=scope) | Q(group__in=[c.group for c in counters]),
                                       month=month).delete()
            LineCounter.objects.bulk_create(counters)
            created += _alerts(month, counters, now)
    if created:
        from ..tasks import send_usage_alerts_task

        transaction.on_commit(lambda: send_usage_alerts_task.enqueue(created), robust=True)
    return created


def _counters(month, rated, groups, like_home, now) -> list[LineCounter]:
    used: dict[str, int] = defaultdict(int)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    last: dict[str, datetime] = {}
    lines_of: dict[str, int] = {}
    buckets: dict[str, str] = {}

    def count(key, line_id, bucket, rounded, micros, at):
        used[key] += rounded
        spend[key] += Decimal(micros) * MICRO
        last[key] = max(last.get(key, at), at)
        lines_of.setdefault(key, line_id)
        buckets.setdefault(key, bucket)

    columns = ["line_id", "bucket", "zone", "rounded", "amount_micros", "group", "eu_group", "started_at"]
    for row in rated.select(columns).to_pylist():
        at, line_id = row["started_at"], row["line_id"]
        if row["group"]:
            count(row["group"], line_id, row["bucket"], row["rounded"], row["amount_micros"], at)
        elif row["bucket"] != "content":
            count(f"L{line_id}:{row['bucket']}:out", line_id, row["bucket"], row["rounded"], row["amount_micros"], at)
        if row["eu_group"]:
            count(row["eu_group"], line_id, "data_eu", row["rounded"], 0, at)
        if row["bucket"] == "data" and row["zone"] != HOME and row["zone"] not in like_home:
            count(f"L{line_id}:{ROAMING_SPEND}", line_id, ROAMING_SPEND, 0, row["amount_micros"], at)
    quantities = {g.key: g for g in groups}
    counters = []
    for key in sorted(set(used) | set(spend) | {g.key for g in groups}):
        group = quantities.get(key)
        pooled = key.startswith("P")
        counters.append(LineCounter(
            line_id=None if pooled else (group.line_ids[0] if group else lines_of[key]),
            pool_customer_id=int(key[1:].split(":", 1)[0]) if pooled else None,
            month=month, bucket=group.bucket if group else buckets[key], group=key, used=used.get(key, 0),
            included=(group.quantity if group else 0), out_of_plan=spend.get(key, Decimal(0)).quantize(MICRO),
            last_usage_at=last.get(key), refreshed_at=now))
    return counters


def _alerts(month: date, counters: list[LineCounter], now: datetime) -> list[int]:
    from telcobill.customers.models import Line

    from .alert_preferences import thresholds_of

    cap = Decimal(settings.USAGE["roaming_cap"])
    # A line's own allowances alert at the thresholds its customer chose; a pool at the default.
    chosen = thresholds_of(c.line_id for c in counters if c.group.startswith("L"))
    wanted = []
    for counter in counters:
        if counter.bucket == ROAMING_SPEND:
            for threshold in THRESHOLDS:
                if counter.out_of_plan * 100 >= cap * threshold:
                    wanted.append((counter, f"roaming_cap_{threshold}", threshold))
        elif counter.included and counter.group[0] in "LP" and not counter.group.endswith(":out"):
            for threshold in chosen.get(counter.line_id, THRESHOLDS) if counter.line_id else THRESHOLDS:
                if counter.used * 100 >= counter.included * threshold:
                    wanted.append((counter, f"allowance_{threshold}", threshold))
    if not wanted:
        return []
    existing = set(UsageAlert.objects.filter(month=month, group__in=[c.group for c, _, _ in wanted])
                   .values_list("kind", "group"))
    lines = Line.objects.select_related("billing_account").in_bulk([c.line_id for c, _, _ in wanted if c.line_id])
    alerts = []
    for counter, kind, threshold in wanted:
        if (kind, counter.group) in existing:
            continue
        line = lines.get(counter.line_id)
        customer_id = counter.pool_customer_id or (line.billing_account.customer_id if line else None)
        alerts.append(UsageAlert(customer_id=customer_id, line=line, month=month, kind=kind, group=counter.group,
                                 message=_message(kind, threshold, counter, line, cap), created_at=now))
    return [alert.pk for alert in UsageAlert.objects.bulk_create(alerts)]


BUCKET_WORDS = {"voice": "appels", "sms": "SMS", "mms": "MMS", "data": "internet mobile",
                "data_eu": "internet depuis l'UE"}


def _message(kind: str, threshold: int, counter: LineCounter, line, cap: Decimal) -> str:
    who = f"la ligne {line.msisdn}" if line else "les lignes en partage"
    if kind.startswith("roaming_cap"):
        spent = f"{counter.out_of_plan.quantize(Decimal('0.01'))} € HT"
        if threshold >= 100:
            cut = ("vous avez choisi de lever le plafond : la consommation continue et sera facturée"
                   if line and line.roaming_cap_opt_out
                   else "l'internet mobile hors UE est suspendu jusqu'au mois prochain")
            return f"Itinérance hors UE : {who} a atteint le plafond de {cap} € HT ({spent}) ; {cut}."
        return f"Itinérance hors UE : {who} a consommé {spent}, {threshold} % du plafond de {cap} € HT."
    what = BUCKET_WORDS.get(counter.bucket, counter.bucket)
    if threshold >= 100:
        return f"Forfait {what} épuisé pour {who} : la consommation au-delà est facturée hors forfait."
    return f"{threshold} % du forfait {what} consommé pour {who}."
