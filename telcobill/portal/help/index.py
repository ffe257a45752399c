"""Aide et contact: write to support (the page's action), the latest conversations, the
tutorials for this kind of customer, the numbers to call."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import Space, customer_page
from . import scope, words

LATEST = 3


@customer_page
def help_index(request: HttpRequest, space: Space) -> HttpResponse:
    conversations = scope.conversations(space)
    latest = list(conversations.with_opening().select_related("line", "opened_by")
                  .order_by("-last_message_at", "-pk")[:LATEST])
    return render(request, "portal/help/index.html", {
        "space": space, "tutorials": scope.tutorials(space), "phones": words.phones(space.customer),
        "latest": [(c, words.status(c.status)) for c in latest], "total": conversations.count()})
