"""A customer's side of a conversation: opening it, replying (which sends it back to support and
reopens a closed one), closing it. Refusals change nothing."""

import pytest
from django.utils import timezone

from telcobill.errors import Invalid, NotAllowed
from telcobill.support.models import Conversation, ConversationStatus, Event, Message, MessageKind
from telcobill.support.services.conversations import close_by_customer, open_conversation, reply_as_customer
from telcobill.support.services.inbox import answer, take


def test_it_opens_a_conversation_with_the_first_message(camille, camille_account):
    line = camille_account.lines.get()
    conversation = open_conversation(customer=camille_account.customer, person=camille, category="invoice",
                                     body="  Pourquoi ma facture de novembre est-elle plus élevée ?\n", line=line)
    assert (conversation.customer, conversation.opened_by, conversation.line, conversation.category,
            conversation.status, conversation.assigned_to) == (camille_account.customer, camille, line, "invoice",
                                                                ConversationStatus.NEW, None)
    message = conversation.messages.get()
    assert (message.kind, message.author, message.body) == (
        MessageKind.CUSTOMER, camille, "Pourquoi ma facture de novembre est-elle plus élevée ?")
    assert conversation.last_message_at == message.at == conversation.created_at


@pytest.mark.parametrize(("category", "body", "code", "text"), [
    ("invoice", "   ", "body", "Écrivez votre message."),
    ("invoice", "x" * 5001, "body", "Votre message dépasse 5000 caractères : raccourcissez-le."),
    ("billing", "Bonjour", "category", "Choisissez le sujet de votre demande."),
])
def test_it_refuses_an_empty_message_or_an_unknown_subject(camille, camille_account, category, body, code, text):
    with pytest.raises(Invalid) as refusal:
        open_conversation(customer=camille_account.customer, person=camille, category=category, body=body)
    assert (refusal.value.code, refusal.value.message) == (code, text)
    assert not Conversation.objects.exists()


def test_it_refuses_another_customers_line(camille, camille_account, garage_account):
    with pytest.raises(Invalid) as refusal:
        open_conversation(customer=camille_account.customer, person=camille, category="network", body="Pas de réseau",
                          line=garage_account.lines.first())
    assert (refusal.value.code, refusal.value.message) == ("line", "Cette ligne n'est pas la vôtre.")
    assert not Conversation.objects.exists()


@pytest.fixture
def answered(camille, camille_account, agent, django_capture_on_commit_callbacks):
    conversation = open_conversation(customer=camille_account.customer, person=camille, category="invoice",
                                     body="Bonjour")
    take(conversation, agent=agent)
    with django_capture_on_commit_callbacks(execute=True):
        answer(conversation, agent=agent, body="Bonjour Camille, c'est le prorata.")
    conversation.refresh_from_db()
    return conversation


def test_a_reply_sends_an_answered_conversation_back_to_its_agent(answered, camille, agent):
    assert answered.status == ConversationStatus.ANSWERED
    message = reply_as_customer(answered, person=camille, body="Merci, et pour décembre ?")
    answered.refresh_from_db()
    assert (answered.status, answered.assigned_to, answered.last_message_at) == (
        ConversationStatus.ASSIGNED, agent, message.at)


def test_closing_then_replying_reopens_the_conversation(answered, camille):
    close_by_customer(answered, person=camille)
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.CLOSED and answered.closed_at is not None
    with pytest.raises(NotAllowed) as refusal:
        close_by_customer(answered, person=camille)
    assert refusal.value.message == "Cette demande est déjà close."

    reply_as_customer(answered, person=camille, body="Finalement, j'ai une autre question.")
    answered.refresh_from_db()
    assert (answered.status, answered.closed_at) == (ConversationStatus.ASSIGNED, None)
    assert [(m.kind, m.event, m.body) for m in answered.messages.all()] == [
        ("customer", "", "Bonjour"),
        ("event", Event.ASSIGNED, ""),
        ("agent", "", "Bonjour Camille, c'est le prorata."),
        ("event", Event.CLOSED, ""),
        ("event", Event.REOPENED, ""),
        ("customer", "", "Finalement, j'ai une autre question."),
    ]


def test_a_reply_to_an_unassigned_closed_conversation_makes_it_new_again(camille, camille_account):
    conversation = open_conversation(customer=camille_account.customer, person=camille, category="other",
                                     body="Bonjour")
    close_by_customer(conversation, person=camille)
    reply_as_customer(conversation, person=camille, body="Re-bonjour")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.NEW


def test_an_empty_reply_changes_nothing(answered, camille):
    before = timezone.now()
    with pytest.raises(Invalid):
        reply_as_customer(answered, person=camille, body="\n ")
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.ANSWERED and answered.last_message_at < before
    assert Message.objects.filter(conversation=answered).count() == 3
