"""The retention of communication records (RULES.md: one year, then deleted — raw text of
rejects included), and the sweep of files no transaction made live."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import store
from ..models import LineCounter, RecordKey, RejectedRecord, UsageFile, UsageRating, UsageTotal
from ..rating.inputs import PARIS, months_back


@dataclass
class PurgeReport:
    before: date
    months: list[date]
    files: int
    keys: int
    rejects: int


def retention_start(now=None) -> date:
    """The first day of the oldest month still kept."""
    local = (now or timezone.now()).astimezone(PARIS).date()
    return months_back(local.replace(day=1), settings.USAGE["retention_months"])


def purge(*, now=None) -> PurgeReport:
    """Delete every record of the months before the retention: Parquet files, their keys, their
    rated totals and counters, and the rejects (raw text included) received before it."""
    before = retention_start(now)
    months = sorted(set(UsageFile.objects.filter(month__lt=before).values_list("month", flat=True)))
    with transaction.atomic():
        files = UsageFile.objects.filter(month__lt=before).delete()[0]
        keys = RecordKey.objects.filter(month__lt=before).delete()[0]
        rejects = RejectedRecord.objects.filter(Q(received_at__date__lt=before) | Q(happened_on__lt=before)).delete()[0]
        UsageTotal.objects.filter(month__lt=before).delete()
        UsageRating.objects.filter(month__lt=before).delete()
        LineCounter.objects.filter(month__lt=before).delete()
    for month in months:  # after commit: a crash leaves unlisted files, swept later
        store.remove_month(month)
    return PurgeReport(before, months, files, keys, rejects)
