"""The support inbox: an agent (staff with the support permissions and the customers' view) lists
the conversations (businesses first, filters), opens one, takes it, assigns it, fills the reply
with a canned answer, answers (the customer gets the e-mail) and changes its status. Staff
without the support permissions get 403; someone signed out is sent to the admin sign-in."""

from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from telcobill.support.models import CannedAnswer, Conversation, ConversationStatus, Event
from telcobill.support.services.conversations import close_by_customer, open_conversation


@pytest.fixture
def inbox(camille, camille_account, paul, garage_account):
    """Camille's question (oldest), Paul's business question, Camille's closed one."""
    first = open_conversation(customer=camille_account.customer, person=camille, category="invoice",
                              body="Pourquoi ma facture a-t-elle augmenté ?")
    business = open_conversation(customer=garage_account.customer, person=paul, category="network",
                                 body="Plus de réseau à l'atelier.")
    closed = open_conversation(customer=camille_account.customer, person=camille, category="other", body="Merci")
    close_by_customer(closed, person=camille)
    return first, business, closed


def listed(client, query: str = "") -> list[int]:
    response = client.get(reverse("admin:support_conversation_changelist") + query)
    assert response.status_code == 200
    return [c.pk for c in response.context["cl"].result_list]


def test_the_inbox_lists_open_requests_first_businesses_first(client, agent, inbox):
    first, business, closed = inbox
    client.force_login(agent)
    assert listed(client) == [business.pk, first.pk, closed.pk]
    assert listed(client, "?etat=ouvertes") == [business.pk, first.pk]
    assert listed(client, "?client=individual") == [first.pk, closed.pk]
    assert listed(client, "?conseiller=personne&etat=ouvertes") == [business.pk, first.pk]
    Conversation.objects.filter(pk=first.pk).update(assigned_to=agent, status=ConversationStatus.ASSIGNED)
    assert listed(client, "?conseiller=moi") == [first.pk]
    assert listed(client, "?q=atelier") == [business.pk]
    page = client.get(reverse("admin:support_conversation_changelist")).content.decode()
    assert f'<a href="/backoffice/support/{business.pk}/">Demande {business.pk}</a>' in page
    assert (f'<a href="/admin/customers/customer/{business.customer_id}/change/">'
            f'{business.customer.number} Garage Moreau SARL</a><br><span class="bo-kind">Professionnel</span>') in page


def test_the_admin_change_page_of_a_request_is_its_conversation_page(client, agent, inbox):
    client.force_login(agent)
    response = client.get(reverse("admin:support_conversation_change", args=[inbox[0].pk]))
    assert response["Location"] == f"/backoffice/support/{inbox[0].pk}/"


def test_an_agent_takes_fills_a_canned_answer_replies_and_the_customer_gets_the_e_mail(
        client, agent, inbox, django_capture_on_commit_callbacks):
    conversation = inbox[0]
    client.force_login(agent)
    url = reverse("backoffice:support_conversation", args=[conversation.pk])
    page = client.get(url).content.decode()
    assert f'<a href="/admin/customers/customer/{conversation.customer_id}/change/">' in page
    assert "Pourquoi ma facture a-t-elle augmenté ?" in page
    assert 'value="Prendre la demande"' in page

    response = client.post(reverse("backoffice:support_take", args=[conversation.pk]))
    assert response["Location"] == url
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.ASSIGNED, agent)
    page = client.get(url).content.decode()
    assert f"Vous avez pris la demande n° {conversation.pk}." in page
    assert "Prise par Sam Conseil" in page
    assert 'value="Prendre la demande"' not in page

    prorata = CannedAnswer.objects.get(title="Facture : le prorata d'un changement d'offre")
    response = client.get(url + f"?reponse={prorata.pk}")
    assert [a.title for a in response.context["canned"]][:2] == [
        "Facture : le prorata d'un changement d'offre", "Accusé de réception"]  # its subject first
    text = response.context["form"]["body"].value()
    assert text.startswith("Bonjour Camille,\n\nVotre facture est plus élevée ce mois-ci car elle comprend un prorata")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": text + "\nSam"})
    assert response["Location"] == url
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ANSWERED
    [email] = mail.outbox
    assert email.to == ["camille.martin@example.org"]
    assert email.subject == f"Telcobill Mobile : réponse à votre demande n° {conversation.pk}"
    assert (f"Sam, du service client, a répondu à votre demande n° {conversation.pk} (Facture) :\n\n"
            "Bonjour Camille,\n\nVotre facture est plus élevée ce mois-ci car elle comprend un prorata") in email.body
    assert "Bonne journée,\nSam\n\nPour répondre ou clore la demande : " in email.body
    assert "Réponse envoyée : le client est prévenu par e-mail." in client.get(url).content.decode()


def test_an_empty_reply_is_said_next_to_the_field_and_nothing_is_sent(client, agent, inbox):
    client.force_login(agent)
    url = reverse("backoffice:support_conversation", args=[inbox[0].pk])
    response = client.post(url, {"body": ""})
    assert response.status_code == 400
    assert "<li>Écrivez la réponse.</li>" in response.content.decode()
    assert mail.outbox == [] and inbox[0].messages.count() == 1


def test_an_agent_assigns_to_a_colleague_and_changes_the_status(client, agent, other_agent, inbox):
    conversation = inbox[1]
    client.force_login(agent)
    url = reverse("backoffice:support_conversation", args=[conversation.pk])
    assert [a.pk for a in client.get(url).context["assign_form"].fields["agent"].queryset] == [
        other_agent.pk, agent.pk]  # Nora, Sam: by first name
    client.post(reverse("backoffice:support_assign", args=[conversation.pk]), {"agent": other_agent.pk})
    conversation.refresh_from_db()
    assert (conversation.status, conversation.assigned_to) == (ConversationStatus.ASSIGNED, other_agent)
    assert "Attribuée à Nora Benali par Sam Conseil" in client.get(url).content.decode()

    client.post(reverse("backoffice:support_status", args=[conversation.pk]), {"status": "closed"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    assert "Statut : Close." in client.get(url).content.decode()
    client.post(reverse("backoffice:support_status", args=[conversation.pk]), {"status": "assigned"})
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ASSIGNED
    assert list(conversation.messages.exclude(event="").values_list("event", flat=True)) == [
        Event.ASSIGNED, Event.CLOSED, Event.REOPENED]

    response = client.post(reverse("backoffice:support_status", args=[conversation.pk]), {"status": "new"})
    assert response["Location"] == url
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ASSIGNED


def test_a_second_agent_taking_it_is_told_who_has_it(client, agent, other_agent, inbox):
    conversation = inbox[0]
    client.force_login(agent)
    client.post(reverse("backoffice:support_take", args=[conversation.pk]))
    client.force_login(other_agent)
    client.post(reverse("backoffice:support_take", args=[conversation.pk]))
    page = client.get(reverse("backoffice:support_conversation", args=[conversation.pk])).content.decode()
    assert "Sam Conseil a déjà pris cette demande." in page
    conversation.refresh_from_db()
    assert conversation.assigned_to == agent


def actions(conversation) -> list[tuple[str, str, dict]]:
    pk = conversation.pk
    return [("get", reverse("backoffice:support_conversation", args=[pk]), {}),
            ("post", reverse("backoffice:support_conversation", args=[pk]), {"body": "Bonjour"}),
            ("post", reverse("backoffice:support_take", args=[pk]), {}),
            ("post", reverse("backoffice:support_assign", args=[pk]), {"agent": ""}),
            ("post", reverse("backoffice:support_status", args=[pk]), {"status": "closed"}),
            ("get", reverse("admin:support_conversation_changelist"), {}),
            ("get", reverse("admin:support_cannedanswer_changelist"), {}),
            ("get", reverse("admin:support_tutorial_changelist"), {})]


def test_staff_without_the_support_permissions_get_403_and_change_nothing(client, hugo, inbox):
    client.force_login(hugo)
    for method, url, data in actions(inbox[0]):
        assert getattr(client, method)(url, data).status_code == 403, url
    inbox[0].refresh_from_db()
    assert (inbox[0].status, inbox[0].assigned_to, inbox[0].messages.count()) == (ConversationStatus.NEW, None, 1)
    assert mail.outbox == []


def test_someone_signed_out_or_a_customer_is_sent_to_the_admin_sign_in(client, camille, inbox):
    for who in (None, camille):
        if who:
            client.force_login(who)
        for method, url, data in actions(inbox[0]):
            response = getattr(client, method)(url, data)
            assert response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login"), url


def test_an_agent_who_may_only_read_sees_the_thread_without_the_forms(client, agent, inbox):
    agent.user_permissions.remove(*agent.user_permissions.filter(codename="change_conversation"))
    client.force_login(agent)
    url = reverse("backoffice:support_conversation", args=[inbox[0].pk])
    page = client.get(url).content.decode()
    assert "Pourquoi ma facture a-t-elle augmenté ?" in page
    assert "Envoyer la réponse" not in page and "Prendre la demande" not in page
    assert client.post(url, {"body": "Bonjour"}).status_code == 403
    assert client.post(reverse("backoffice:support_take", args=[inbox[0].pk])).status_code == 403


def test_the_dashboard_counts_what_waits_for_agents(client, agent, inbox):
    Conversation.objects.filter(pk=inbox[0].pk).update(assigned_to=agent, status=ConversationStatus.ASSIGNED)
    client.force_login(agent)
    page = client.get(reverse("admin:index")).content.decode()
    assert ('<th scope="row"><a href="/admin/support/conversation/?etat=ouvertes&amp;conseiller=personne">'
            'Nouvelles, à attribuer</a></th>\n        <td class="num"><strong>1</strong></td>') in page
    assert ('<th scope="row"><a href="/admin/support/conversation/?etat=ouvertes&amp;conseiller=moi">'
            'Qui vous sont attribuées, à traiter</a></th>\n        <td class="num"><strong>1</strong></td>') in page


def test_the_dashboard_has_no_support_box_for_staff_without_the_permission(client, hugo, inbox):
    client.force_login(hugo)
    assert 'id="support-module"' not in client.get(reverse("admin:index")).content.decode()
