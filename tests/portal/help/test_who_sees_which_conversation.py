"""Who sees which conversation: a customer's people see their customer's, a line user only those
they opened; a stranger's identifiers answer 404 on every route and change nothing."""

import pytest
from django.urls import reverse

from telcobill.support.models import Conversation, ConversationStatus
from telcobill.support.services.conversations import close_by_customer, open_conversation


@pytest.fixture
def garage_conversations(paul, lea, garage_account):
    customer = garage_account.customer
    by_paul = open_conversation(customer=customer, person=paul, category="invoice", body="Facture de novembre")
    by_lea = open_conversation(customer=customer, person=lea, category="network", body="Pas de 4G à l'atelier",
                               line=lea.accesses.get().line)
    return by_paul, by_lea


def conversation_routes(conversation) -> list[tuple[str, str]]:
    return [("get", reverse("portal:help_conversation", args=[conversation.pk])),
            ("post", reverse("portal:help_conversation", args=[conversation.pk])),
            ("post", reverse("portal:help_conversation_close", args=[conversation.pk]))]


def test_a_stranger_gets_404_on_every_route_of_another_customers_conversation(client, camille, garage_conversations):
    client.force_login(camille)
    for conversation in garage_conversations:
        for method, url in conversation_routes(conversation):
            assert getattr(client, method)(url, {"body": "Bonjour"}).status_code == 404, url
    assert client.get(reverse("portal:help_conversations")).context["rows"] == []
    assert [c.status for c in Conversation.objects.order_by("pk")] == [ConversationStatus.NEW] * 2
    assert [c.messages.count() for c in Conversation.objects.order_by("pk")] == [1, 1]


def test_a_line_user_sees_only_the_conversations_they_opened(client, lea, garage_conversations):
    by_paul, by_lea = garage_conversations
    client.force_login(lea)
    assert [c for c, _ in client.get(reverse("portal:help_conversations")).context["rows"]] == [by_lea]
    assert [c for c, _ in client.get(reverse("portal:help")).context["latest"]] == [by_lea]
    assert client.get(reverse("portal:help_conversation", args=[by_lea.pk])).status_code == 200
    for method, url in conversation_routes(by_paul):
        assert getattr(client, method)(url, {"body": "Bonjour"}).status_code == 404, url
    form = client.get(reverse("portal:help_contact")).context["form"]
    assert list(form.fields["line"].choices)[1:] == [(by_lea.line.pk, "06 98 76 54 32 · Atelier")]


@pytest.mark.parametrize("who", ["paul", "ines"])
def test_the_holder_and_the_accountant_see_all_of_their_customers_conversations(client, who, request,
                                                                                garage_conversations):
    client.force_login(request.getfixturevalue(who))
    by_paul, by_lea = garage_conversations
    rows = client.get(reverse("portal:help_conversations")).context["rows"]
    assert [c for c, _ in rows] == [by_lea, by_paul]
    page = client.get(reverse("portal:help_conversation", args=[by_lea.pk])).content.decode()
    assert "<strong>Lea</strong>" in page  # another person of the customer wrote it: their name, not "Vous"


def test_the_accountant_writes_to_support(client, ines, garage_account):
    client.force_login(ines)
    response = client.post(reverse("portal:help_contact"), {"category": "invoice", "body": "Un duplicata ?"})
    assert response.status_code == 302
    assert Conversation.objects.get().opened_by == ines


def test_filters_for_a_business_with_many_requests(client, paul, garage_conversations):
    by_paul, by_lea = garage_conversations
    close_by_customer(by_paul, person=paul)
    client.force_login(paul)
    url = reverse("portal:help_conversations")
    assert [c for c, _ in client.get(url + "?etat=ouvertes").context["rows"]] == [by_lea]
    assert [c for c, _ in client.get(url + "?etat=closes").context["rows"]] == [by_paul]
    assert [c for c, _ in client.get(url + "?sujet=invoice").context["rows"]] == [by_paul]
    page = client.get(url + "?etat=closes&sujet=network").content.decode()
    assert "Aucune demande ne correspond à ces critères." in page
