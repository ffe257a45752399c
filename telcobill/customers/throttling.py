"""Sign-in throttling: after too many failures for one identifier, refuse it for a while."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _key(identifier: str) -> str:
    return (identifier or "").strip().lower()[:254]


def is_locked_out(identifier: str, *, now=None) -> bool:
    now = now or timezone.now()
    since = now - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    failures = LoginFailure.objects.filter(identifier=_key(identifier), at__gte=since).count()
    return failures >= settings.LOGIN_MAX_FAILURES


def record_failure(identifier: str, *, now=None) -> None:
    LoginFailure.objects.create(identifier=_key(identifier), at=now or timezone.now())


def clear_failures(identifier: str) -> None:
    LoginFailure.objects.filter(identifier=_key(identifier)).delete()
