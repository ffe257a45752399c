"""A line's usage-alert preferences: the share of its own allowances at which an alert is sent.
The roaming spend cap's alerts (80 % and 100 %) are not a preference (RULES.md): always sent."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telcobill.customers.models import AuditEvent, Line, Person
from telcobill.errors import Invalid

from ..models import ALERT_THRESHOLDS, DEFAULT_ALERT_THRESHOLDS, AlertPreference


def thresholds_of(line_ids) -> dict[int, tuple[int, ...]]:
    """Each line's thresholds, the default for a line that chose nothing."""
    ids = {i for i in line_ids if i}
    if not ids:
        return {}
    chosen = dict(AlertPreference.objects.filter(line_id__in=ids).values_list("line_id", "thresholds"))
    return {i: tuple(chosen[i]) if i in chosen else DEFAULT_ALERT_THRESHOLDS for i in ids}


@transaction.atomic
def set_alert_thresholds(*, line: Line, thresholds, by: Person | None = None) -> tuple[int, ...]:
    """Record the thresholds chosen for the line (any of ALERT_THRESHOLDS, none at all included);
    audited when they change. Returns them, ascending."""
    try:
        chosen = tuple(sorted({int(t) for t in thresholds}))
    except (TypeError, ValueError):
        raise Invalid(f"thresholds must be whole percents among {ALERT_THRESHOLDS}") from None
    if any(t not in ALERT_THRESHOLDS for t in chosen):
        raise Invalid(f"thresholds must be among {ALERT_THRESHOLDS}, not {chosen}")
    before = thresholds_of([line.pk])[line.pk]
    if chosen == before:
        return chosen
    AlertPreference.objects.update_or_create(line=line, defaults={"thresholds": list(chosen),
                                                                  "updated_at": timezone.now()})
    AuditEvent.objects.create(actor=by, kind="line.usage_alerts", customer=line.billing_account.customer,
                              summary=f"{line.msisdn}: usage alerts at {list(chosen)} % (were {list(before)})",
                              data={"thresholds": list(chosen), "before": list(before)})
    return chosen
