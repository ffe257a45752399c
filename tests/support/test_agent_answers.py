"""An agent's side of a conversation: taking it (one agent wins), assigning it, answering it (the
customer gets an e-mail once the answer commits), changing its status."""

import pytest
from django.core import mail

from telcobill.errors import Invalid, NotAllowed
from telcobill.support.models import ConversationStatus, Event, MessageKind
from telcobill.support.services.conversations import open_conversation
from telcobill.support.services.inbox import answer, assign, set_status, take
from tests.loopback import sms_gateway  # noqa: F401  (the `sms` fixture)


@pytest.fixture
def conversation(camille, camille_account):
    return open_conversation(customer=camille_account.customer, person=camille, category="invoice",
                             body="Pourquoi ma facture est-elle plus élevée ce mois-ci ?")


def test_an_agent_takes_a_new_conversation_and_a_second_is_told_it_is_taken(conversation, agent, other_agent):
    take(conversation, agent=agent)
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.ASSIGNED, agent)
    with pytest.raises(NotAllowed) as refusal:
        take(conversation, agent=other_agent)
    assert (refusal.value.code, refusal.value.message) == ("taken", "Sam Conseil a déjà pris cette demande.")
    conversation.refresh_from_db()
    assert conversation.assigned_to == agent
    assert list(conversation.messages.filter(kind=MessageKind.EVENT).values_list("event", "author", "assignee")) == [
        (Event.ASSIGNED, agent.pk, agent.pk)]


def test_assigning_to_someone_then_to_nobody(conversation, agent, other_agent, camille):
    assign(conversation, agent=other_agent, by=agent)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.ASSIGNED, other_agent)
    assign(conversation, agent=None, by=agent)
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.NEW, None)
    with pytest.raises(Invalid) as refusal:
        assign(conversation, agent=camille, by=agent)
    assert refusal.value.message == "Seul un membre actif de l'équipe peut recevoir une demande."
    conversation.refresh_from_db()
    assert conversation.assigned_to is None
    assert list(conversation.messages.filter(kind=MessageKind.EVENT).values_list("event", "assignee")) == [
        (Event.ASSIGNED, other_agent.pk), (Event.UNASSIGNED, None)]


def test_an_answer_waits_for_the_customer_and_e_mails_them_after_commit(conversation, agent,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = answer(conversation, agent=agent, body="Bonjour Camille,\n\nC'est le prorata de votre option.")
    assert mail.outbox == [] and len(callbacks) == 1  # nothing leaves before the commit
    callbacks[0]()
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to, conversation.last_message_at) == (
        ConversationStatus.ANSWERED, agent, message.at)
    [email] = mail.outbox
    assert email.to == ["camille.martin@example.org"]
    assert email.subject == f"Telcobill Mobile : réponse à votre demande n° {conversation.pk}"
    assert email.body == (
        "Bonjour Camille,\n\n"
        f"Sam, du service client, a répondu à votre demande n° {conversation.pk} (Facture) :\n\n"
        "Bonjour Camille,\n\nC'est le prorata de votre option.\n\n"
        f"Pour répondre ou clore la demande : http://127.0.0.1:8000/aide/demandes/{conversation.pk}/\n\n"
        "Telcobill Mobile\n\n"
        "Vous recevez cet e-mail car vous avez écrit au service client depuis votre espace client.")


def test_an_empty_answer_is_refused_and_nothing_is_sent(conversation, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Invalid):
        answer(conversation, agent=agent, body=" ")
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.NEW, None)
    assert mail.outbox == [] and conversation.messages.count() == 1


def test_agents_change_the_status(conversation, agent, other_agent):
    set_status(conversation, status=ConversationStatus.CLOSED, by=agent)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED and conversation.closed_at is not None
    set_status(conversation, status=ConversationStatus.ASSIGNED, by=other_agent)  # reopened, and taken
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to, conversation.closed_at) == (
        ConversationStatus.ASSIGNED, other_agent, None)
    set_status(conversation, status=ConversationStatus.ANSWERED, by=other_agent)
    with pytest.raises(Invalid):
        set_status(conversation, status=ConversationStatus.NEW, by=agent)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ANSWERED
    assert list(conversation.messages.filter(kind=MessageKind.EVENT).values_list("event", "author")) == [
        (Event.CLOSED, agent.pk), (Event.ASSIGNED, other_agent.pk), (Event.REOPENED, other_agent.pk),
        (Event.WAITING, other_agent.pk)]


def test_someone_who_chose_sms_is_told_by_sms_even_with_an_email(conversation, agent, camille, sms,
                                                                django_capture_on_commit_callbacks):
    camille.mobile, camille.notify_by = "+33612345678", "sms"
    camille.save(update_fields=["mobile", "notify_by"])
    with django_capture_on_commit_callbacks(execute=True):
        answer(conversation, agent=agent, body="C'est le prorata de votre option.")
    assert mail.outbox == []
    [text] = sms.received
    assert (text["to"], text["text"]) == ("+33612345678", (
        f"Telcobill Mobile : le service client a répondu à votre demande n° {conversation.pk}. Lisez sa réponse : "
        f"http://127.0.0.1:8000/aide/demandes/{conversation.pk}/"))
