"""Provisioning orders leave through an outbox: one JSON file per order, written after commit."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from telcobill.customers.models import ProvisioningOrder, ProvisioningStatus
from telcobill.files import write_atomically


def outbox_dir() -> Path:
    return Path(settings.DATA_DIR) / "provisioning" / "outbox"


def deliver_after_commit(order: ProvisioningOrder) -> None:
    transaction.on_commit(lambda: deliver_order_task.enqueue(order.pk), robust=True)


def deliver_order(order_id: int) -> ProvisioningOrder:
    """Write the order file (atomically; safe to retry: the same file is written again)."""
    order = ProvisioningOrder.objects.select_related("line").get(pk=order_id)
    if order.status == ProvisioningStatus.SENT:
        return order
    body = {"id": order.pk, "action": order.action, "msisdn": order.line.msisdn,
            "effective_on": order.effective_on.isoformat(), "payload": order.payload,
            "created_at": order.created_at.isoformat()}
    target = outbox_dir() / f"{order.pk:010d}-{order.action}.json"
    write_atomically(target, json.dumps(body, ensure_ascii=False, indent=2).encode())
    ProvisioningOrder.objects.filter(pk=order.pk).update(status=ProvisioningStatus.SENT, sent_at=timezone.now(),
                                                         attempts=order.attempts + 1)
    order.refresh_from_db()
    return order


@task()
def deliver_order_task(order_id: int) -> None:
    deliver_order(order_id)
