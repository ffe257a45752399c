"""Sending an SMS: a small adapter interface, and its first implementation for an HTTP gateway.

Operators use different SMS providers (their own SMSC behind a web service, or an aggregator);
all we need from one is "send this text to this number". `sms_gateway()` builds the configured
one from `settings.NOTIFICATIONS`; another provider is one more class with a `send` method.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT_SECONDS = 10


class SmsNotSent(RuntimeError):
    """The gateway refused the message or could not be reached: the text did not leave."""


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send `text` to `to` (E.164, "+33612345678"), or raise SmsNotSent."""


class HttpSmsGateway:
    """POST {"to", "text", "sender"} as JSON with a bearer token; any 2xx answer is a success."""

    def __init__(self, url: str, token: str, sender: str, timeout: float = TIMEOUT_SECONDS):
        # urllib also opens file:// and ftp:// URLs: a mistyped setting must not read a local file.
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"TELCOBILL_SMS_GATEWAY_URL={url!r}: expected an http(s):// URL")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read(200).decode("utf-8", "replace")
            raise SmsNotSent(f"SMS gateway answered {error.code} {error.reason}: {detail}") from None
        except (urllib.error.URLError, TimeoutError) as error:
            reason = getattr(error, "reason", error)
            raise SmsNotSent(f"SMS gateway {self.url} unreachable: {reason}") from None


def sms_gateway() -> SmsGateway:
    """The configured gateway; a clear error when SMS is not set up (rather than a code lost)."""
    config = settings.NOTIFICATIONS
    if not config["sms_gateway_url"] or not config["sms_token"]:
        raise ImproperlyConfigured(
            "SMS is not configured: set TELCOBILL_SMS_GATEWAY_URL and TELCOBILL_SMS_TOKEN "
            "(docs/mandates.md) to send codes to people who chose SMS or have only a mobile")
    return HttpSmsGateway(config["sms_gateway_url"], config["sms_token"], config["sms_sender"])
