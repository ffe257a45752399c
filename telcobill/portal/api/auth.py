"""Personal tokens: issued for an e-mail or mobile and password (throttled like the sign-in
page), kept as a SHA-256, valid `APP_TOKEN_DAYS`, revocable. `X-Customer` names the customer
when the person has access to several."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from telcobill.customers import throttling

from ..access import Space, space_for
from ..models import AppToken, hash_token

TOKEN_DAYS = 90


class PersonToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        row = (AppToken.objects.select_related("person").filter(token_hash=hash_token(token),
                                                                expires_at__gt=timezone.now()).first())
        if row is None or not row.person.is_active:
            return None
        AppToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.person
        request.app_token = row
        return row.person


def space(request: HttpRequest) -> Space:
    """The caller's space; 400 when they must say which customer (X-Customer), 404 if not theirs."""
    number = request.headers.get("X-Customer")
    found = space_for(request.user, number)
    if found is None:
        if number:
            raise HttpError(404, "no such customer among yours")
        raise HttpError(400, "you have access to several customers: name one in the X-Customer header")
    return found


def allowed_space(request: HttpRequest, action: str | None = None) -> Space:
    """The caller's space, refused with 403 when their role may not do `action` (the pages'
    rule, `Space.can`)."""
    found = space(request)
    if action:
        require(found, action)
    return found


def require(found: Space, action: str) -> None:
    """403 when the role may not do `action` (after the object was found: a stranger gets 404)."""
    if not found.can(action):
        raise HttpError(403, f"your role ({found.role}) does not allow this")


class Credentials(Schema):
    identifier: str  # an e-mail address or a mobile number
    password: str
    device: str = ""


class Issued(Schema):
    token: str
    expires_at: str


router = Router(tags=["app: sign-in"])


@router.post("/token", auth=None, response={200: Issued, 401: dict, 429: dict})
def issue_token(request, credentials: Credentials):
    """A personal token for the app (shown once)."""
    if throttling.is_locked_out(credentials.identifier):
        return Status(429, {"detail": "too many failed attempts: try again in 15 minutes or reset your password"})
    person = authenticate(request, username=credentials.identifier, password=credentials.password)
    if person is None or person.is_staff:
        throttling.record_failure(credentials.identifier)
        return Status(401, {"detail": "wrong identifier or password"})
    throttling.clear_failures(credentials.identifier)
    row, token = AppToken.issue(person, credentials.device, getattr(settings, "APP_TOKEN_DAYS", TOKEN_DAYS))
    return Status(200, {"token": token, "expires_at": row.expires_at.isoformat()})


@router.delete("/token", auth=PersonToken(), response={204: None})
def revoke_token(request):
    """Sign the app out: this token no longer works."""
    AppToken.objects.filter(pk=request.app_token.pk).delete()
    return Status(204, None)
