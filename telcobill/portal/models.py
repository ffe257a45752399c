"""The mobile app's sign-in: a personal token per device, stored as its SHA-256 only."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.customers.models import Person


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AppToken(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="app_tokens")
    device = models.CharField(_("appareil"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=8)  # the first characters, to recognise it in a list
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("jeton de l'application")
        verbose_name_plural = _("jetons de l'application")

    def __str__(self) -> str:
        return f"{self.person} {self.hint}… {self.device}"

    @classmethod
    def issue(cls, person: Person, device: str, days: int) -> tuple[AppToken, str]:
        token = "tba_" + secrets.token_urlsafe(32)
        row = cls.objects.create(person=person, device=device[:100], token_hash=hash_token(token), hint=token[:8],
                                 expires_at=timezone.now() + timedelta(days=days))
        return row, token
