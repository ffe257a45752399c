"""What of support a space sees: the tutorials for its kind of customer, and the conversations of
its customer (a line user: only those they opened). Anything else answers 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from telcobill.customers.models import Role
from telcobill.support.models import Audience, Conversation, Tutorial

from ..access import Space


def tutorials(space: Space) -> QuerySet[Tutorial]:
    return Tutorial.objects.filter(published=True, audience__in=[Audience.ALL, space.customer.kind])


def tutorial(space: Space, slug: str) -> Tutorial:
    found = tutorials(space).filter(slug=slug).first()
    if found is None:
        raise Http404("no such tutorial")
    return found


def conversations(space: Space) -> QuerySet[Conversation]:
    space.require("support")
    rows = Conversation.objects.filter(customer=space.customer)
    return rows.filter(opened_by=space.person) if space.role == Role.LINE_USER else rows


def conversation(space: Space, pk: int) -> Conversation:
    found = conversations(space).filter(pk=pk).select_related("line", "assigned_to", "opened_by").first()
    if found is None:
        raise Http404("no such conversation")
    return found
