"""Sign-in with an e-mail address or a mobile number."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from telcobill.errors import Invalid

from .identifiers import clean_msisdn
from .models import Person


def find_person(identifier: str) -> Person | None:
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return Person.objects.filter(email__iexact=identifier).first()
    try:
        mobile = clean_msisdn(identifier)
    except Invalid:
        return None
    return Person.objects.filter(mobile=mobile).first()


class EmailOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        person = find_person(username or kwargs.get("email") or "")
        if person is None:
            Person().set_password(password)  # same work either way: no timing oracle on who exists
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None
