"""Durable tasks of the usage component (run by `telcobill db_worker`)."""

from datetime import date

from django_tasks import task


@task()
def refresh_counters_task(months: list[str], line_ids: str) -> int:
    """`line_ids` comma-separated: a file's 100,000 lines as a JSON list cost the enqueuing
    ingestion a third of a second to check."""
    from .services.counters import refresh_counters

    lines = [int(line) for line in line_ids.split(",") if line]
    return len(refresh_counters([date.fromisoformat(m) for m in months], lines))


@task()
def send_usage_alerts_task(alert_ids: list[int]) -> int:
    from .services.alerts import send_alerts

    return send_alerts(alert_ids)


@task()
def compact_usage_task(month: str) -> int:
    from .services.compaction import compact_month

    return compact_month(date.fromisoformat(month))


@task()
def plan_advice_task() -> int:
    """Plan advice for every line, after a bill run (docs/advice.md)."""
    from .services.advice import advise

    return advise().lines
