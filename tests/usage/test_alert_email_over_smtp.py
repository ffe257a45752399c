"""Usage alerts leave through a real SMTP conversation (aiosmtpd on loopback), once."""

import socket
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from telcobill.usage.models import UsageAlert
from telcobill.usage.services.ingest import ingest_file
from tests.usage.conftest import write_csv

MB = 1_048_576


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


def test_an_allowance_alert_is_mailed_once_over_smtp(camille, source, usage_store, tmp_path, smtp,
                                                      django_capture_on_commit_callbacks):
    path = write_csv(tmp_path / "d.csv", "record_id,msisdn,type,started_at,volume_bytes",
                     f"s-1,33612345678,data,2026-10-10T10:00:00+02:00,{90 * MB}")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_file(source, path, now=datetime(2026, 10, 28, tzinfo=UTC))
    from telcobill.usage.services.alerts import send_alerts

    assert send_alerts(list(UsageAlert.objects.values_list("pk", flat=True))) == 0  # already sent: not twice

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == camille.billing_account.email
    assert message["Subject"] == "Telcobill Mobile : alerte de consommation"
    assert message.get_payload(decode=True).decode().rstrip("\r\n") == (
        "80 % du forfait internet mobile consommé pour la ligne +33612345678.")
    alert = UsageAlert.objects.get()
    assert (alert.kind, alert.sent_to) == ("allowance_80", camille.billing_account.email)
