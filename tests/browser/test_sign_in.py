"""What a person sees: the sign-in page on a phone, and staff reaching the back office."""

import pytest
from playwright.sync_api import expect

from telcobill.customers.models import Access, Customer, Person

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(transactional_db):
    customer = Customer.objects.create(number="C000001", kind="individual", name="Léa Dubois")
    lea = Person.objects.create_user("lea.dubois@example.org", PASSWORD, first_name="Léa", last_name="Dubois")
    Access.objects.create(person=lea, customer=customer, role="holder")
    Person.objects.create_superuser("staff@example.org", PASSWORD)


def test_a_customer_signs_in_from_a_phone(page, live_server, people, tmp_path):
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/connexion/?next=/"
    expect(page.get_by_role("heading").first).to_have_text("Bienvenue dans votre espace client")
    page.get_by_label("Adresse e-mail ou numéro de mobile").fill("lea.dubois@example.org")
    page.get_by_label("Mot de passe").fill("wrong password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    page.screenshot(path=str(tmp_path / "sign-in-error.png"), full_page=True)

    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading").first).to_have_text("Bonjour Léa")
    assert "C000001 · Titulaire" in page.content()


def test_staff_reach_the_back_office(page, live_server, people):
    page.goto(live_server.url + "/connexion/")
    page.get_by_label("Adresse e-mail ou numéro de mobile").fill("staff@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    assert page.url == live_server.url + "/admin/"
