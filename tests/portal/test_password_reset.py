"""A forgotten password: a link by e-mail (one hour, once), or a code by SMS for a person with
only a mobile; never telling whether an account exists; throttled; audited and notified."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from telcobill.customers.models import AuditEvent, Person
from tests.loopback import sms_gateway  # noqa: F401  (the `sms` fixture)

NEW = "un nouveau mot de passe solide 2026"


@pytest.fixture
def people(db):
    by_email = Person.objects.create_user("lea.dubois@example.org", "ancien mot de passe 2025", first_name="Léa")
    by_mobile = Person.objects.create_user(None, "ancien mot de passe 2025", mobile="+33612345678",
                                           first_name="Karim")
    return by_email, by_mobile


def test_a_link_by_email_sets_a_new_password_once(client, people):
    response = client.post(reverse("portal:password_forgot"), {"identifier": "Lea.Dubois@example.org"}, follow=True)
    assert "un e-mail vient de lui être envoyé" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["lea.dubois@example.org"]
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert response["Location"] == reverse("portal:login")
    people[0].refresh_from_db()
    assert people[0].check_password(NEW)
    event = AuditEvent.objects.get(kind="customers.password_reset")
    assert event.summary == "Mot de passe réinitialisé par lien e-mail"
    assert mail.outbox[-1].subject.endswith("mot de passe changé")
    assert "n'est plus valable" in client.get(link, follow=True).content.decode()  # used: dead


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, people):
    response = client.post(reverse("portal:password_forgot"), {"identifier": "personne@example.org"}, follow=True)
    assert "un e-mail vient de lui être envoyé" in response.content.decode()
    assert mail.outbox == []


def test_a_code_by_sms_for_a_mobile_only_person(client, people, sms):
    response = client.post(reverse("portal:password_forgot"), {"identifier": "06 12 34 56 78"})
    assert response["Location"] == reverse("portal:password_code")
    [sent] = sms.received
    assert sent["to"] == "+33612345678"
    code = re.search(r"(\d{6})", sent["text"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("portal:password_code"), {"code": wrong, "new_password1": NEW,
                                                             "new_password2": NEW})
    assert "Code incorrect : encore 4 essais." in response.content.decode()
    response = client.post(reverse("portal:password_code"), {"code": code, "new_password1": NEW,
                                                             "new_password2": NEW})
    assert response["Location"] == reverse("portal:login")
    people[1].refresh_from_db()
    assert people[1].check_password(NEW)
    assert len(sms.received) == 2  # the notice that the password changed, by SMS too


def test_an_unknown_number_sees_the_code_page_and_no_code_works(client, people, sms):
    response = client.post(reverse("portal:password_forgot"), {"identifier": "0699999999"})
    assert response["Location"] == reverse("portal:password_code")
    assert sms.received == []
    response = client.post(reverse("portal:password_code"), {"code": "123456", "new_password1": NEW,
                                                             "new_password2": NEW})
    assert "Code incorrect" in response.content.decode()


def test_requests_are_throttled(client, people, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(reverse("portal:password_forgot"), {"identifier": "lea.dubois@example.org"})
    response = client.post(reverse("portal:password_forgot"), {"identifier": "lea.dubois@example.org"})
    assert "Trop de demandes pour cet identifiant" in response.content.decode()
    assert len(mail.outbox) == settings.LOGIN_MAX_FAILURES


def test_a_link_is_dead_after_one_hour(client, people, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    client.post(reverse("portal:password_forgot"), {"identifier": "lea.dubois@example.org"})
    link = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/)", mail.outbox[0].body).group(1)
    time_machine.move_to("2026-11-28 11:01+01:00")
    assert "n'est plus valable" in client.get(link, follow=True).content.decode()
