"""What an agent does with a conversation: take it, assign it, answer it, change its status.

Every change is a row of the thread (an event, or the agent's message) that the customer and the
other agents read. The customer hears of an answer by e-mail, sent after the answer commits.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.customers.models import Person
from telcobill.errors import Invalid, NotAllowed

from ..models import Conversation, ConversationStatus, Event, Message, MessageKind
from ..notify import send_answer_notice_task
from .conversations import clean_body

# The statuses an agent sets by hand ("new" is what an unassigned conversation is).
AGENT_STATUSES = (ConversationStatus.ASSIGNED, ConversationStatus.ANSWERED, ConversationStatus.CLOSED)


def take(conversation: Conversation, *, agent: Person) -> Conversation:
    """`agent` takes an unassigned conversation. One conditional UPDATE: of two agents taking it at
    once, the second is told another got there first (NotAllowed "taken")."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (Conversation.objects.filter(pk=conversation.pk, assigned_to__isnull=True)
                   .update(assigned_to=agent))
        if not claimed:
            holder = Conversation.objects.filter(pk=conversation.pk).values_list(
                "assigned_to__first_name", "assigned_to__last_name").first() or ("", "")
            raise NotAllowed(_("%(name)s a déjà pris cette demande.") % {"name": " ".join(holder).strip() or "?"},
                             code="taken")
        Conversation.objects.filter(pk=conversation.pk, status=ConversationStatus.NEW).update(
            status=ConversationStatus.ASSIGNED)
        Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=Event.ASSIGNED,
                               author=agent, assignee=agent, at=now)
    conversation.refresh_from_db()
    return conversation


def assign(conversation: Conversation, *, agent: Person | None, by: Person) -> Conversation:
    """Give the conversation to `agent` (staff), or to nobody: a "new" one becomes "in progress",
    an "in progress" one given to nobody becomes "new" again."""
    if agent is not None and not (agent.is_staff and agent.is_active):
        raise Invalid(_("Seul un membre actif de l'équipe peut recevoir une demande."), code="agent")
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.assigned_to_id == (agent.pk if agent else None):
            return conversation
        conversation.assigned_to = agent
        if agent and conversation.status == ConversationStatus.NEW:
            conversation.status = ConversationStatus.ASSIGNED
        elif agent is None and conversation.status == ConversationStatus.ASSIGNED:
            conversation.status = ConversationStatus.NEW
        conversation.save(update_fields=["assigned_to", "status"])
        Message.objects.create(conversation=conversation, kind=MessageKind.EVENT,
                               event=Event.ASSIGNED if agent else Event.UNASSIGNED, author=by, assignee=agent, at=now)
    return conversation


def answer(conversation: Conversation, *, agent: Person, body: str) -> Message:
    """The agent's answer: the conversation waits for the customer ("answered"), is assigned to
    the agent when nobody had it, and the customer is told by e-mail once this commits."""
    body = clean_body(body)
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.assigned_to_id is None:
            conversation.assigned_to = agent
            Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=Event.ASSIGNED,
                                   author=agent, assignee=agent, at=now)
        conversation.status = ConversationStatus.ANSWERED
        conversation.closed_at = None
        conversation.last_message_at = now
        conversation.save(update_fields=["assigned_to", "status", "closed_at", "last_message_at"])
        message = Message.objects.create(conversation=conversation, kind=MessageKind.AGENT, author=agent, body=body,
                                         at=now)
        transaction.on_commit(lambda: send_answer_notice_task.enqueue(message.pk), robust=True)
    return message


def set_status(conversation: Conversation, *, status: str, by: Person) -> Conversation:
    """An agent closes a conversation, reopens it ("in progress", taking it when nobody has it), or
    marks it as waiting for the customer."""
    if status not in AGENT_STATUSES:
        raise Invalid(_("Choisissez un statut."), code="status")
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == status:
            return conversation
        was_closed = conversation.is_closed
        conversation.status = status
        conversation.closed_at = now if status == ConversationStatus.CLOSED else None
        if status == ConversationStatus.ASSIGNED and conversation.assigned_to_id is None:
            conversation.assigned_to = by
            Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=Event.ASSIGNED,
                                   author=by, assignee=by, at=now)
        conversation.save(update_fields=["status", "closed_at", "assigned_to"])
        event = {ConversationStatus.CLOSED: Event.CLOSED, ConversationStatus.ANSWERED: Event.WAITING}.get(
            status, Event.REOPENED if was_closed else None)
        if event:
            Message.objects.create(conversation=conversation, kind=MessageKind.EVENT, event=event, author=by, at=now)
    return conversation
