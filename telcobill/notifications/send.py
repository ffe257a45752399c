"""Choosing the channel (e-mail or SMS) of a person and sending a code or a notice through it."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail

from telcobill.customers.models import Person

from .sms import sms_gateway

EMAIL, SMS = "email", "sms"


def destination(person: Person) -> tuple[str, str]:
    """(channel, address) where `person` is reached: their choice when they have that address,
    otherwise the only one they have (the database guarantees at least one)."""
    if person.mobile and (person.notify_by == SMS or not person.email):
        return SMS, person.mobile
    return EMAIL, person.email


def send_code(person: Person, text: str, *, subject: str = "") -> str:
    """Send a one-time code's message to `person`; returns the address it went to. Raises when it
    could not leave (SmsNotSent, an SMTP error, ImproperlyConfigured): a code nobody receives
    must not look sent."""
    channel, address = destination(person)
    _send(channel, address, text, subject or f"{settings.OPERATOR['name']} : votre code de confirmation")
    return address


def send_notice(person: Person | None, text: str, *, subject: str, also_email: Iterable[str] = ()) -> list[str]:
    """Send a notice to `person` through their channel and by e-mail to each of `also_email` (a
    billing contact, say), each address once; returns the addresses it went to."""
    sent: list[str] = []
    if person is not None:
        channel, address = destination(person)
        _send(channel, address, text, subject)
        sent.append(address)
    for address in also_email:
        if address and address.lower() not in {a.lower() for a in sent}:
            _send(EMAIL, address, text, subject)
            sent.append(address)
    return sent


def send_to(address: str, text: str, *, subject: str) -> None:
    """Send `text` to an address that is not (or not yet) a person's channel: a new e-mail address
    or mobile being confirmed by a code, the old one being told it was replaced. An address with
    an "@" gets an e-mail, an E.164 number an SMS. Raises as `send_code` when it could not leave."""
    _send(EMAIL if "@" in address else SMS, address, text, subject)


def masked(address: str) -> str:
    """An address shown to someone who must recognise it without reading it in full:
    "c•••••@example.org", "+336••••••78"."""
    if "@" in address:
        local, domain = address.split("@", 1)
        return f"{local[:1]}•••••@{domain}"
    return f"{address[:4]}••••••{address[-2:]}" if len(address) > 6 else "••••••"


def _send(channel: str, address: str, text: str, subject: str) -> None:
    if channel == SMS:
        sms_gateway().send(address, text)
    else:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
