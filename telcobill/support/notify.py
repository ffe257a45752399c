"""Telling a customer that an agent answered, through the channel they chose (`notify_by`, or
the only address they have): an e-mail with the answer, or a short SMS, with a link to the
conversation; sent by the task worker after the answer commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from telcobill.notifications import destination, send_to
from telcobill.notifications.send import EMAIL

from .models import Message, MessageKind


@task()
def send_answer_notice_task(message_id: int) -> str:
    """Enqueued by `inbox.answer` once the answer is committed; returns where the notice went."""
    message = (Message.objects.filter(pk=message_id, kind=MessageKind.AGENT)
               .select_related("conversation__opened_by", "author").first())
    person = message.conversation.opened_by if message else None
    if person is None or not person.is_active:
        return ""
    channel, address = destination(person)
    if channel == EMAIL:
        answer_email(message).send()
        return address
    with translation.override(_language(person)):
        send_to(address, _short_text(message), subject="")
    return address


def conversation_link(message: Message) -> str:
    return settings.PAYMENTS["public_url"].rstrip("/") + reverse("portal:help_conversation",
                                                                 args=[message.conversation_id])


def answer_email(message: Message) -> EmailMessage:
    """The e-mail to the person who opened the conversation, in their language, with the answer."""
    conversation, person = message.conversation, message.conversation.opened_by
    operator = settings.OPERATOR["name"]
    with translation.override(_language(person)):
        subject = _("%(operator)s : réponse à votre demande n° %(number)s") % {
            "operator": operator, "number": conversation.pk}
        greeting = (_("Bonjour %(name)s,") % {"name": person.first_name}) if person.first_name else _("Bonjour,")
        paragraphs = [
            greeting,
            _("%(agent)s, du service client, a répondu à votre demande n° %(number)s (%(category)s) :") % {
                "agent": _agent_name(message), "number": conversation.pk,
                "category": conversation.get_category_display()},
            message.body,
            _("Pour répondre ou clore la demande : %(link)s") % {"link": conversation_link(message)},
            operator,
            _("Vous recevez cet e-mail car vous avez écrit au service client depuis votre espace client."),
        ]
    return EmailMessage(subject, "\n\n".join(paragraphs), settings.DEFAULT_FROM_EMAIL, [person.email])


def _short_text(message: Message) -> str:
    return _("%(operator)s : le service client a répondu à votre demande n° %(number)s. Lisez sa réponse : "
             "%(link)s") % {"operator": settings.OPERATOR["name"], "number": message.conversation_id,
                            "link": conversation_link(message)}


def _agent_name(message: Message) -> str:
    """Agents sign with their first name, as they do on the phone."""
    return (message.author.first_name if message.author else "") or _("Un conseiller")


def _language(person) -> str:
    return person.language if person.language in dict(settings.LANGUAGES) else "fr"
