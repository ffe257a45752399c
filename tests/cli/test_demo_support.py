"""The demo's support inbox: the personas' conversations, one answered, two waiting, no e-mail sent."""

import pytest
from django.core import mail

from telcobill.cli.demo.support import support_story
from telcobill.support.models import Conversation, ConversationStatus
from telcobill.support.starter import install_starter_content
from tests.support.personas import agent, camille, camille_account, garage_account, lea, paul  # noqa: F401


@pytest.mark.django_db(transaction=True)  # the answer's commit really happens, inside the demo's settings
def test_the_demo_has_conversations_at_different_stages(agent, camille, paul, lea, garage_account):  # noqa: F811
    install_starter_content()
    assert support_story(agent, garage_account.customer) == 3
    rows = list(Conversation.objects.order_by("pk").values_list("opened_by", "status", "assigned_to", "line__msisdn"))
    assert rows == [(camille.pk, ConversationStatus.ANSWERED, agent.pk, None),
                    (paul.pk, ConversationStatus.NEW, None, "+33698765433"),
                    (lea.pk, ConversationStatus.NEW, None, "+33698765432")]
    answered = Conversation.objects.order_by("pk").first().messages.last()
    assert answered.body.startswith("Bonjour Camille,\n\nVotre facture est plus élevée ce mois-ci")
    assert mail.outbox == []
