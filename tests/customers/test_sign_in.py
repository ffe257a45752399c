"""People sign in with an e-mail address or a mobile number; repeated failures lock them out."""

import pytest
from django.urls import reverse

from telcobill.customers.models import LoginFailure, Person

PASSWORD = "correct horse battery staple"


@pytest.fixture
def people(db):
    by_email = Person.objects.create_user("lea.dubois@example.org", PASSWORD, first_name="Léa")
    by_mobile = Person.objects.create_user(None, PASSWORD, mobile="+33612345678", first_name="Karim")
    return by_email, by_mobile


def _sign_in(client, identifier, password=PASSWORD):
    return client.post(reverse("portal:login"), {"username": identifier, "password": password})


def test_passwords_are_hashed_with_argon2(people):
    assert people[0].password.startswith("argon2$")


def test_the_home_page_leads_a_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/"


def test_a_person_signs_in_with_an_email_address(client, people):
    response = _sign_in(client, "Lea.Dubois@example.org")
    assert response.status_code == 302
    assert client.get("/", follow=True).context["user"] == people[0]


def test_a_person_signs_in_with_a_mobile_number_written_nationally(client, people):
    assert _sign_in(client, "06 12 34 56 78").status_code == 302
    assert client.get("/", follow=True).context["user"] == people[1]


def test_a_wrong_password_says_what_to_do(client, people):
    response = _sign_in(client, "lea.dubois@example.org", "wrong")
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_repeated_failures_lock_the_identifier_out(client, people, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _sign_in(client, "lea.dubois@example.org", "wrong")
    response = _sign_in(client, "lea.dubois@example.org")  # right password, but locked
    assert "Trop de tentatives" in response.content.decode()
    assert LoginFailure.objects.filter(identifier="lea.dubois@example.org").count() == 3


def test_signing_out_needs_a_post(client, people):
    _sign_in(client, "lea.dubois@example.org")
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.post(reverse("portal:logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_staff_land_in_the_back_office(client, db):
    Person.objects.create_superuser("staff@example.org", PASSWORD)
    _sign_in(client, "staff@example.org")
    assert client.get("/")["Location"] == reverse("admin:index")


def test_the_pages_speak_the_language_the_person_chose(client, people):
    people[0].language = "en"
    people[0].save()
    _sign_in(client, "lea.dubois@example.org")
    assert client.cookies["django_language"].value == "en"
    assert b'<html lang="en">' in client.get("/choisir/").content
