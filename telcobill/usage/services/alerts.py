"""Sending usage alerts: an e-mail to the billing contact, once (sent_at is the receipt)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from ..models import UsageAlert


def send_alerts(alert_ids: list[int]) -> int:
    """Send the alerts not sent yet; safe to run twice (a retried task sends nothing again)."""
    sent = 0
    for alert_id in alert_ids:
        with transaction.atomic():
            alert = (UsageAlert.objects.select_for_update(of=("self",))
                     .select_related("line__billing_account", "customer")
                     .filter(pk=alert_id, sent_at__isnull=True).first())
            if alert is None:
                continue
            account = alert.line.billing_account if alert.line else alert.customer.billing_accounts.first()
            address = account.email if account else ""
            if address:
                send_mail(f"{settings.OPERATOR['name']} : alerte de consommation", alert.message,
                          settings.DEFAULT_FROM_EMAIL, [address])
            alert.sent_at, alert.sent_to = timezone.now(), address
            alert.save(update_fields=["sent_at", "sent_to"])
            sent += 1
    return sent
