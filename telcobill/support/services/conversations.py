"""What a customer does with support: open a conversation, reply (which reopens it), close it.

The customer space decides who may see which conversation (portal/help/scope.py); these functions
check what holds whoever calls them: a line of the customer, a message that says something.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.customers.models import Customer, Line, Person
from telcobill.errors import Invalid, NotAllowed

from ..models import Category, Conversation, ConversationStatus, Event, Message, MessageKind

MAX_LENGTH = 5000


def clean_body(body: str) -> str:
    """The message as it will be kept: trimmed, not empty, at most MAX_LENGTH characters."""
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Écrivez votre message."), code="body")
    if len(body) > MAX_LENGTH:
        raise Invalid(_("Votre message dépasse %(max)s caractères : raccourcissez-le.") % {"max": MAX_LENGTH},
                      code="body")
    return body


def open_conversation(*, customer: Customer, person: Person, category: str, body: str,
                      line: Line | None = None) -> Conversation:
    """A new conversation of `customer`, opened by `person` with their first message; status "new"."""
    body = clean_body(body)
    if category not in Category.values:
        raise Invalid(_("Choisissez le sujet de votre demande."), code="category")
    if line is not None and line.billing_account.customer_id != customer.pk:
        raise Invalid(_("Cette ligne n'est pas la vôtre."), code="line")
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(customer=customer, opened_by=person, line=line, category=category,
                                                   created_at=now, last_message_at=now)
        Message.objects.create(conversation=conversation, kind=MessageKind.CUSTOMER, author=person, body=body, at=now)
    return conversation


def reply_as_customer(conversation: Conversation, *, person: Person, body: str) -> Message:
    """The customer's message. A closed conversation, or one waiting for them, goes back to
    support: "in progress" when an agent has it, "new" otherwise."""
    body = clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == ConversationStatus.CLOSED:
            Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=Event.REOPENED,
                                   author=person, at=now)
        if conversation.status in (ConversationStatus.CLOSED, ConversationStatus.ANSWERED):
            conversation.status = ConversationStatus.ASSIGNED if conversation.assigned_to_id else ConversationStatus.NEW
            conversation.closed_at = None
        conversation.last_message_at = now
        conversation.save(update_fields=["status", "closed_at", "last_message_at"])
        return Message.objects.create(conversation=conversation, kind=MessageKind.CUSTOMER, author=person, body=body,
                                      at=now)


def close_by_customer(conversation: Conversation, *, person: Person) -> Conversation:
    """The customer has their answer: the conversation is closed (they may reopen it by writing)."""
    now = timezone.now()
    with transaction.atomic():
        changed = (Conversation.objects.filter(pk=conversation.pk).exclude(status=ConversationStatus.CLOSED)
                   .update(status=ConversationStatus.CLOSED, closed_at=now))
        if not changed:
            raise NotAllowed(_("Cette demande est déjà close."), code="closed")
        Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=Event.CLOSED, author=person,
                               at=now)
    conversation.refresh_from_db()
    return conversation
