"""Support in the customer's words: each status with its colour, the events of a thread."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from telcobill.customers.models import Customer
from telcobill.support.models import ConversationStatus, Event, Message, MessageKind


@dataclass(frozen=True)
class Status:
    label: str
    tone: str  # the colour of the label (status-info, ...); the words always say it


def status(code: str) -> Status:
    return {
        ConversationStatus.NEW: Status(_("Nouvelle"), "info"),
        ConversationStatus.ASSIGNED: Status(_("En cours"), "info"),
        ConversationStatus.ANSWERED: Status(_("En attente de votre réponse"), "warning"),
        ConversationStatus.CLOSED: Status(pgettext("demande", "Close"), "closed"),  # not Django's "Close"
    }[code]


def next_step(conversation, person) -> str:
    """What happens next, under the thread's title."""
    if conversation.status == ConversationStatus.ANSWERED:
        return _("Le service client vous a répondu. Répondez-lui ci-dessous, ou clôturez la demande si votre "
                 "question est réglée.")
    if conversation.status == ConversationStatus.CLOSED:
        return _("Cette demande est close. Écrivez un message pour la rouvrir.")
    if person.email:
        return _("Un conseiller vous répondra ici. Vous recevrez un e-mail à %(address)s dès qu'il l'aura fait.") % {
            "address": person.email}
    return _("Un conseiller vous répondra ici. Vous recevrez un SMS dès qu'il l'aura fait.")


def next_step_for_new(person) -> str:
    """Under the contact form: where the answer will be, and how they will hear of it."""
    if person.email:
        return _("Un conseiller vous répond dans votre espace client. Vous recevrez un e-mail à %(address)s dès "
                 "qu'il l'aura fait.") % {"address": person.email}
    return _("Un conseiller vous répond dans votre espace client. Vous recevrez un SMS dès qu'il l'aura fait.")


def event_text(message: Message, person) -> str | None:
    """An event of the thread as the customer reads it; None for those that are staff's business."""
    if message.event == Event.ASSIGNED and message.assignee:
        return _("%(name)s, du service client, s'occupe de votre demande.") % {
            "name": message.assignee.first_name or _("Un conseiller")}
    if message.event == Event.CLOSED:
        if message.author and message.author.is_staff:
            return _("Le service client a clos la demande.")
        if message.author_id == person.pk:
            return _("Vous avez clos la demande.")
        return _("%(name)s a clos la demande.") % {"name": _who(message.author)}
    if message.event == Event.REOPENED:
        return _("Demande rouverte.")
    return None


def author(message: Message, person) -> str:
    if message.kind == MessageKind.AGENT:
        return _("%(name)s · Service client") % {"name": message.author.first_name if message.author else "—"}
    return _("Vous") if message.author_id == person.pk else _who(message.author)


def _who(someone) -> str:
    return someone.display_name if someone else _("Une autre personne")


def phones(customer: Customer) -> list[dict]:
    """The numbers to call, the dedicated business line first for a business, with opening hours
    (OPERATOR["support_hours"] and ["support_hours_business"] when the operator set them)."""
    operator = settings.OPERATOR
    general = {"label": _("Service client"), "number": operator["support_phone"],
               "hours": operator.get("support_hours") or _("Du lundi au samedi, de 8 h à 20 h.")}
    if not customer.is_business or not operator.get("support_phone_business"):
        return [_tel(general)]
    business = {"label": _("Ligne dédiée aux professionnels"), "number": operator["support_phone_business"],
                "hours": operator.get("support_hours_business") or _("Du lundi au vendredi, de 8 h à 19 h.")}
    return [_tel(business), _tel(general)]


def _tel(phone: dict) -> dict:
    return {**phone, "tel": "".join(c for c in phone["number"] if c.isdigit() or c == "+")}
