"""Writing to support: the contact form (subject, message, a line of the space), its errors next to
the fields; the thread where the customer reads the answers, replies, and closes the request."""

import pytest
from django.urls import reverse

from telcobill.support.models import Conversation, ConversationStatus, Event, MessageKind
from telcobill.support.services.conversations import open_conversation
from telcobill.support.services.inbox import answer, take


def test_the_holder_writes_about_a_line_and_lands_on_the_thread(client, paul, garage_account):
    client.force_login(paul)
    form = client.get(reverse("portal:help_contact")).context["form"]
    assert list(form.fields["category"].choices) == [
        ("invoice", "Facture"), ("payment", "Paiement"), ("network", "Ligne, réseau"), ("offer", "Offre, forfait"),
        ("other", "Autre question")]
    atelier, bureau = garage_account.lines.get(label="Atelier"), garage_account.lines.get(label="Bureau")
    assert list(form.fields["line"].choices) == [("", "Aucune ligne en particulier"),
                                                 (atelier.pk, "06 98 76 54 32 · Atelier"),
                                                 (bureau.pk, "06 98 76 54 33 · Bureau")]
    line = garage_account.lines.get(label="Bureau")
    response = client.post(reverse("portal:help_contact"), {
        "category": "network", "line": line.pk, "body": "Plus de réseau au bureau depuis ce matin."})
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/aide/demandes/{conversation.pk}/"
    assert (conversation.customer, conversation.opened_by, conversation.line, conversation.category,
            conversation.status) == (garage_account.customer, paul, line, "network", ConversationStatus.NEW)
    page = client.get(response["Location"]).content.decode()
    assert f"<h1>Demande n° {conversation.pk} · Ligne, réseau</h1>" in page
    assert '<span class="status status-info">Nouvelle</span>' in page
    assert "Ligne 06 98 76 54 33" in page
    assert f"Votre demande n° {conversation.pk} est envoyée." in page
    assert ("Un conseiller vous répondra ici. Vous recevrez un e-mail à paul.moreau@example.com dès qu&#x27;il "
            "l&#x27;aura fait.") in page
    assert "<div class=\"text\"><p>Plus de réseau au bureau depuis ce matin.</p></div>" in page


def test_errors_are_said_next_to_their_field_and_nothing_is_sent(client, camille):
    client.force_login(camille)
    response = client.post(reverse("portal:help_contact"), {"body": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<ul class="errorlist" id="id_category_error"><li>Choisissez le sujet de votre demande.</li></ul>' in page
    assert '<ul class="errorlist" id="id_body_error"><li>Écrivez votre message.</li></ul>' in page
    assert 'aria-invalid="true" aria-describedby="id_body_helptext id_body_error"' in page
    assert not Conversation.objects.exists()


def test_a_line_of_another_customer_is_not_in_the_list(client, camille, garage_account):
    client.force_login(camille)
    response = client.post(reverse("portal:help_contact"), {
        "category": "network", "line": garage_account.lines.first().pk, "body": "Pas de réseau"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"line": ["Choisissez une ligne dans la liste."]}
    assert not Conversation.objects.exists()


def test_an_individual_with_one_line_has_it_chosen(client, camille, camille_account):
    client.force_login(camille)
    response = client.get(reverse("portal:help_contact") + "?sujet=invoice")
    assert response.context["form"].initial == {"category": "invoice", "line": camille_account.lines.get().pk}


@pytest.fixture
def answered(camille, camille_account, agent, django_capture_on_commit_callbacks):
    conversation = open_conversation(customer=camille_account.customer, person=camille, category="invoice",
                                     body="Pourquoi 12 € de plus ?")
    take(conversation, agent=agent)
    with django_capture_on_commit_callbacks(execute=True):
        answer(conversation, agent=agent, body="Bonjour Camille,\nc'est l'option Europe ajoutée le 14.")
    return conversation


def test_the_customer_reads_the_agents_answer_and_replies(client, camille, answered):
    client.force_login(camille)
    url = reverse("portal:help_conversation", args=[answered.pk])
    page = client.get(url).content.decode()
    assert '<span class="status status-warning">En attente de votre réponse</span>' in page
    assert "Sam, du service client, s&#x27;occupe de votre demande." in page
    assert "<strong>Sam · Service client</strong>" in page
    assert "<p>Bonjour Camille,<br>c&#x27;est l&#x27;option Europe ajoutée le 14.</p>" in page
    assert "<strong>Vous</strong>" in page

    response = client.post(url, {"body": "Merci, je l'avais oubliée."})
    assert response.status_code == 302 and response["Location"] == url + "#dernier"
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.ASSIGNED
    assert answered.messages.last().body == "Merci, je l'avais oubliée."

    empty = client.post(url, {"body": ""})
    assert empty.status_code == 400
    assert '<ul class="errorlist" id="id_body_error"><li>Écrivez votre message.</li></ul>' in empty.content.decode()
    assert answered.messages.filter(kind=MessageKind.CUSTOMER).count() == 2


def test_the_customer_closes_the_request_and_may_reopen_it(client, camille, answered):
    client.force_login(camille)
    close = reverse("portal:help_conversation_close", args=[answered.pk])
    assert client.get(close).status_code == 405
    response = client.post(close)
    assert response["Location"] == f"/aide/demandes/{answered.pk}/"
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.CLOSED
    page = client.get(response["Location"]).content.decode()
    assert '<span class="status status-closed">Close</span>' in page
    assert "Vous avez clos la demande." in page
    assert "Cette demande est close. Écrivez un message pour la rouvrir." in page
    assert '<h2 id="reply-title">Rouvrir la demande</h2>' in page
    assert close not in page  # no "close" button on a closed request

    assert client.post(close)["Location"] == f"/aide/demandes/{answered.pk}/"  # twice: nothing more happens
    assert answered.messages.filter(event=Event.CLOSED).count() == 1
    client.post(reverse("portal:help_conversation", args=[answered.pk]), {"body": "Encore une question."})
    answered.refresh_from_db()
    assert answered.status == ConversationStatus.ASSIGNED
