"""Aide et contact: the action (write to support), the latest conversations, the tutorials for
this kind of customer, the numbers to call (a dedicated line for businesses)."""

from django.urls import reverse

from telcobill.support.models import Audience, Tutorial
from telcobill.support.services.conversations import open_conversation

SEEDED = ["Comprendre ma facture", "Activer le prélèvement automatique", "Utiliser mon forfait à l'étranger"]


def test_the_navigation_offers_aide_et_contact(client, camille):
    client.force_login(camille)
    page = client.get(reverse("portal:help")).content.decode()
    assert '<a href="/aide/" aria-label="Aide et contact" aria-current="page">' in page


def test_an_individual_sees_the_guides_for_everyone_and_for_individuals_and_the_customer_service_number(
        client, camille):
    Tutorial.objects.create(title="Suivre ma conso", slug="suivre-ma-conso", summary="…", published=True,
                            audience=Audience.INDIVIDUAL, order=5)
    Tutorial.objects.create(title="Gérer la flotte", slug="gerer-la-flotte", summary="…", published=True,
                            audience=Audience.BUSINESS, order=1)
    Tutorial.objects.create(title="Brouillon", slug="brouillon", summary="…", published=False, order=1)
    client.force_login(camille)
    response = client.get(reverse("portal:help"))
    assert [t.title for t in response.context["tutorials"]] == ["Suivre ma conso", *SEEDED]
    assert response.context["phones"] == [{"label": "Service client", "number": "3900", "tel": "3900",
                                           "hours": "Du lundi au samedi, de 8 h à 20 h."}]
    page = response.content.decode()
    assert '<a href="tel:3900">3900</a>' in page
    assert "Ligne dédiée aux professionnels" not in page
    assert f'<a class="button" href="{reverse("portal:help_contact")}">Écrire au service client</a>' in page


def test_a_business_sees_its_dedicated_line_first(client, paul):
    Tutorial.objects.create(title="Gérer la flotte", slug="gerer-la-flotte", summary="…", published=True,
                            audience=Audience.BUSINESS, order=1)
    client.force_login(paul)
    response = client.get(reverse("portal:help"))
    assert [t.title for t in response.context["tutorials"]] == ["Gérer la flotte", *SEEDED]
    assert response.context["phones"] == [
        {"label": "Ligne dédiée aux professionnels", "number": "09 69 32 39 00", "tel": "0969323900",
         "hours": "Du lundi au vendredi, de 8 h à 19 h."},
        {"label": "Service client", "number": "3900", "tel": "3900", "hours": "Du lundi au samedi, de 8 h à 20 h."}]
    assert '<a href="tel:0969323900">09 69 32 39 00</a>' in response.content.decode()


def test_the_operator_sets_the_numbers_and_hours(client, paul, settings):
    settings.OPERATOR = {**settings.OPERATOR, "support_phone": "01 23 45 67 89", "support_phone_business": "",
                         "support_hours": "Tous les jours, de 9 h à 21 h."}
    client.force_login(paul)
    assert client.get(reverse("portal:help")).context["phones"] == [
        {"label": "Service client", "number": "01 23 45 67 89", "tel": "0123456789",
         "hours": "Tous les jours, de 9 h à 21 h."}]


def test_the_latest_three_conversations_are_listed(client, camille, camille_account):
    for body in ("un", "deux", "trois", "quatre"):
        open_conversation(customer=camille_account.customer, person=camille, category="other", body=body)
    client.force_login(camille)
    response = client.get(reverse("portal:help"))
    assert [c.messages.first().body for c, _ in response.context["latest"]] == ["quatre", "trois", "deux"]
    assert response.context["total"] == 4
    assert "Voir mes 4 demandes" in response.content.decode()


def test_someone_signed_out_is_sent_to_sign_in(client, db):
    response = client.get(reverse("portal:help"))
    assert response.status_code == 302 and response["Location"] == "/connexion/?next=/aide/"
