"""Contact support and see the agent's reply, in a real browser: Camille reads a guide, writes to
support (an error first, next to the field), an agent takes the request in the back office (a
second browser), fills the reply with a canned answer and sends it; Camille gets the e-mail, reads
the answer in her thread, replies, and closes the request. Screenshots of every page at phone
(390 px) and desktop (1280 px) widths go to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from telcobill.support.models import Conversation, ConversationStatus
from tests.browser.conftest import sign_in

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def shoot(tmp_path):
    folder = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))

    def shoot(page, name, back_to="phone"):
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"support-{name}-{width}.png"), full_page=True)
        page.set_viewport_size(WIDTHS[back_to])

    return shoot



def test_contact_support_and_see_the_agents_reply(browser, live_server, starter, camille, camille_account, agent,
                                                  shoot):
    customer = browser.new_context(locale="fr-FR", viewport=WIDTHS["phone"]).new_page()
    sign_in(customer, live_server.url, "camille.martin@example.org")
    customer.get_by_role("navigation").get_by_role("link", name="Aide et contact").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Aide et contact")
    assert customer.get_by_role("link", name="3900").get_attribute("href") == "tel:3900"
    shoot(customer, "help")

    customer.get_by_role("link", name="Comprendre ma facture").click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Comprendre ma facture")
    shoot(customer, "tutorial")

    customer.get_by_role("link", name="Écrire au service client").click()
    customer.get_by_role("button", name="Envoyer ma demande").click()
    expect(customer.locator("#id_category_error")).to_have_text("Choisissez le sujet de votre demande.")
    expect(customer.locator("#id_body_error")).to_have_text("Écrivez votre message.")
    assert customer.get_by_label("Votre message").get_attribute("aria-invalid") == "true"
    shoot(customer, "contact-errors")

    customer.get_by_label("Facture", exact=True).check()
    line = camille_account.lines.get()
    assert customer.get_by_label("Ligne concernée (facultatif)").input_value() == str(line.pk)
    customer.get_by_label("Votre message").fill("Bonjour, ma facture de novembre a augmenté de 5 €. Pourquoi ?")
    customer.get_by_role("button", name="Envoyer ma demande").click()
    conversation = Conversation.objects.get()
    assert customer.url == f"{live_server.url}/aide/demandes/{conversation.pk}/"
    expect(customer.get_by_role("status")).to_have_text(f"Votre demande n° {conversation.pk} est envoyée.")
    expect(customer.locator(".thread-head .status")).to_have_text("Nouvelle")
    shoot(customer, "thread-sent")

    # The agent, in another browser: the dashboard counts it, the inbox lists it.
    desk = browser.new_context(locale="fr-FR", viewport=WIDTHS["desktop"]).new_page()
    sign_in(desk, live_server.url, "sam.conseil@operateur.example")
    waiting = desk.locator("#support-module")
    assert waiting.get_by_role("row", name="Nouvelles, à attribuer").inner_text().split() == [
        "Nouvelles,", "à", "attribuer", "1"]
    shoot(desk, "agent-dashboard", back_to="desktop")
    waiting.get_by_role("link", name="Nouvelles, à attribuer").click()
    shoot(desk, "agent-inbox", back_to="desktop")
    desk.get_by_role("link", name=f"Demande {conversation.pk}").click()
    expect(desk.locator(".bo-thread")).to_contain_text("ma facture de novembre a augmenté de 5 €")
    desk.get_by_role("button", name="Prendre la demande").click()
    expect(desk.locator(".messagelist")).to_have_text(f"Vous avez pris la demande n° {conversation.pk}.")
    desk.get_by_label("Réponse type").select_option(label="Facture : le prorata d'un changement d'offre (Facture)")
    desk.get_by_role("button", name="Remplir la réponse").click()
    reply = desk.get_by_label("Réponse au client")
    assert reply.input_value().startswith("Bonjour Camille,\n\nVotre facture est plus élevée ce mois-ci")
    shoot(desk, "agent-conversation", back_to="desktop")
    reply.fill(reply.input_value() + "\nSam")
    desk.get_by_role("button", name="Envoyer la réponse").click()
    expect(desk.locator(".messagelist")).to_have_text("Réponse envoyée : le client est prévenu par e-mail.")
    shoot(desk, "agent-answered", back_to="desktop")

    [email] = mail.outbox
    assert email.to == ["camille.martin@example.org"]
    assert email.subject == f"Telcobill Mobile : réponse à votre demande n° {conversation.pk}"
    assert f"Pour répondre ou clore la demande : http://127.0.0.1:8000/aide/demandes/{conversation.pk}/" in email.body

    # Camille reads the answer, replies, and closes the request.
    customer.reload()
    expect(customer.locator(".thread-head .status")).to_have_text("En attente de votre réponse")
    answer = customer.locator(".bubble.theirs")
    expect(answer.locator(".from strong")).to_have_text("Sam · Service client")
    assert answer.locator(".text").inner_text().startswith("Bonjour Camille,\n\nVotre facture est plus élevée")
    expect(customer.locator(".thread")).to_contain_text("Sam, du service client, s'occupe de votre demande.")
    shoot(customer, "thread-answered")

    customer.get_by_label("Votre message").fill("Merci, c'est clair.")
    customer.get_by_role("button", name="Envoyer", exact=True).click()
    expect(customer.locator(".thread-head .status")).to_have_text("En cours")
    customer.get_by_role("button", name="Ma question est réglée : clore la demande").click()
    expect(customer.locator(".thread-head .status")).to_have_text("Close")
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.CLOSED
    shoot(customer, "thread-closed")

    customer.get_by_role("link", name="Mes demandes").first.click()
    expect(customer.get_by_role("heading", level=1)).to_have_text("Mes demandes")
    shoot(customer, "history")

    customer.get_by_role("navigation").get_by_role("link", name="Aide et contact").click()
    expect(customer.locator("#mine-title")).to_have_text("Mes demandes")
    shoot(customer, "help-with-requests")
