"""The payment provider's webhook: the only payments page, called by the provider, not a person."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from telcobill.errors import Invalid, NotAllowed

from .services.cards import handle_webhook


@csrf_exempt  # signed by Stripe instead (Stripe-Signature), checked by the use case
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """200 once the event is applied (or was already): anything else makes Stripe deliver it again.
    400 when the signature does not verify; 503 when cards are not configured here."""
    try:
        outcome = handle_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except Invalid as exc:
        return _text(exc.message, 400)
    except NotAllowed as exc:
        return _text(exc.message, 503)
    return _text(outcome, 200)


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
