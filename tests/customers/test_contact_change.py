"""A new e-mail address or mobile (a person's) or billing e-mail (an account's) is confirmed by a
code sent to the NEW address; only then it changes, audited, and the OLD address is told."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from telcobill.customers.models import AuditEvent, ContactChallenge, Person, Role
from telcobill.customers.services.contact import confirm_contact_change, request_contact_change
from telcobill.errors import Invalid, NotAllowed, NotFound
from tests.factories import make_individual
from tests.loopback import sms_gateway  # noqa: F401  (the `sms` fixture)
from tests.portal.personas import person

ASKED_AT = datetime(2026, 11, 28, 13, 3, tzinfo=UTC)  # 14:03 in Paris


@pytest.fixture
def account(db):
    return make_individual("Camille Martin")


@pytest.fixture
def camille(account):
    return person("camille.martin@example.org", account.customer, Role.HOLDER)


def ask(who, field, value, account=None, at=ASKED_AT):
    with time_machine.travel(at, tick=False):
        return request_contact_change(who, field, value, account=account)


def confirm(challenge, code, who, at=ASKED_AT + timedelta(minutes=2)):
    with time_machine.travel(at, tick=False):
        return confirm_contact_change(challenge.pk, code, person=who)


def code_in(text: str) -> str:
    return re.search(r" : (\d{6})\. ", text).group(1)


def test_a_new_email_gets_the_code_then_replaces_the_old_which_is_told(camille, account,
                                                                         django_capture_on_commit_callbacks):
    challenge = ask(camille, "email", " Camille.Martin@EXEMPLE.fr ")

    [message] = mail.outbox
    assert (message.to, message.subject) == (["Camille.Martin@exemple.fr"],
                                             "Telcobill Mobile : votre code de confirmation")
    code = code_in(message.body)
    assert message.body == (f"Votre code de confirmation pour votre nouvelle adresse e-mail : {code}. Il expire "
                            "dans 10 minutes. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.")
    assert (challenge.value, challenge.expires_at) == ("Camille.Martin@exemple.fr", ASKED_AT + timedelta(minutes=10))
    assert code not in challenge.code_hash and len(challenge.code_hash) == 64
    camille.refresh_from_db()
    assert camille.email == "camille.martin@example.org"  # nothing changes before the code

    with django_capture_on_commit_callbacks(execute=True):
        confirm(challenge, f"{code[:3]} {code[3:]}", camille)

    camille.refresh_from_db()
    assert camille.email == "Camille.Martin@exemple.fr"
    notice = mail.outbox[1]
    assert (notice.to, notice.subject) == (["camille.martin@example.org"],
                                           "Telcobill Mobile : vos coordonnées ont été modifiées")
    assert notice.body == ("L'adresse e-mail de votre espace client a été remplacée par C•••••@exemple.fr le "
                           "28/11/2026 à 14:05. Si vous n'êtes pas à l'origine de ce changement, contactez-nous sans "
                           "attendre au 3900. Telcobill Mobile")
    event = AuditEvent.objects.get(kind="customers.email_changed")
    assert (event.actor, event.customer, event.data["old"], event.data["new"]) == (
        camille, account.customer, "camille.martin@example.org", "Camille.Martin@exemple.fr")
    assert event.summary == "Adresse e-mail : c•••••@example.org → C•••••@exemple.fr, confirmé par le code"
    assert AuditEvent.objects.filter(kind="customers.contact_change_requested").count() == 1


def test_a_new_mobile_gets_the_code_by_sms_and_the_old_one_is_told_by_sms(camille, sms,
                                                                          django_capture_on_commit_callbacks):
    Person.objects.filter(pk=camille.pk).update(mobile="+33611111111")
    camille.refresh_from_db()
    challenge = ask(camille, "mobile", "06 45 67 89 01")

    [sent] = sms.received
    assert sent["to"] == "+33645678901"
    assert sent["text"].startswith("Votre code de confirmation pour votre nouveau mobile : ")
    with django_capture_on_commit_callbacks(execute=True):
        confirm(challenge, code_in(sent["text"]), camille)

    camille.refresh_from_db()
    assert camille.mobile == "+33645678901"
    assert sms.received[1]["to"] == "+33611111111"
    assert sms.received[1]["text"].startswith(
        "Le numéro de mobile de votre espace client a été remplacé par +336••••••01 ")
    assert mail.outbox == []
    assert AuditEvent.objects.get(kind="customers.mobile_changed").data["old"] == "+33611111111"


def test_a_first_mobile_has_no_old_number_to_tell(camille, sms, django_capture_on_commit_callbacks):
    challenge = ask(camille, "mobile", "+33645678901")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        confirm(challenge, code_in(sms.received[0]["text"]), camille)
    assert callbacks == [] and len(sms.received) == 1


def test_the_billing_email_is_the_holders_to_change_and_its_old_address_is_told(
        camille, account, django_capture_on_commit_callbacks):
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    with pytest.raises(NotAllowed, match="seul le titulaire peut changer l'e-mail de facturation"):
        ask(accountant, "billing_email", "factures@martin.fr", account=account)
    assert mail.outbox == [] and not ContactChallenge.objects.exists()

    old = account.email
    challenge = ask(camille, "billing_email", "factures@martin.fr", account=account)
    assert mail.outbox[0].to == ["factures@martin.fr"]
    assert "pour la nouvelle adresse e-mail de facturation : " in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        confirm(challenge, code_in(mail.outbox[0].body), camille)

    account.refresh_from_db()
    assert account.email == "factures@martin.fr"
    assert mail.outbox[1].to == [old]
    assert mail.outbox[1].body.startswith(
        f"L'adresse e-mail de facturation du compte {account.number} a été remplacée par f•••••@martin.fr ")
    assert AuditEvent.objects.get(kind="customers.billing_email_changed").customer == account.customer


def test_wrong_codes_count_and_five_kill_the_request(camille):
    challenge = ask(camille, "email", "camille@exemple.fr")
    code = code_in(mail.outbox[0].body)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(Invalid, match=f"^code incorrect : encore {left} essai"):
            confirm(challenge, wrong, camille)
    with pytest.raises(Invalid, match="plus aucun essai possible"):
        confirm(challenge, wrong, camille)
    with pytest.raises(NotAllowed, match="trop de codes incorrects") as refused:
        confirm(challenge, code, camille)
    assert refused.value.code == "too_many_attempts"
    camille.refresh_from_db()
    assert camille.email == "camille.martin@example.org"


def test_a_code_expires_after_ten_minutes_and_cannot_be_replayed(camille):
    challenge = ask(camille, "email", "camille@exemple.fr")
    code = code_in(mail.outbox[0].body)
    with pytest.raises(NotAllowed, match="^le code a expiré, demandez-en un nouveau$"):
        confirm(challenge, code, camille, at=ASKED_AT + timedelta(minutes=10))
    confirm(challenge, code, camille, at=ASKED_AT + timedelta(minutes=9, seconds=59))
    with pytest.raises(NotAllowed, match="déjà été utilisé") as refused:
        confirm(challenge, code, camille)
    assert refused.value.code == "already_used"


def test_another_person_cannot_confirm_even_with_the_right_code(camille, account):
    challenge = ask(camille, "email", "camille@exemple.fr")
    eve = person("eve@example.org", make_individual("Eve Stranger").customer, Role.HOLDER)
    with pytest.raises(NotFound):
        confirm(challenge, code_in(mail.outbox[0].body), eve)
    challenge.refresh_from_db()
    assert challenge.attempts == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "camille@", "Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr."),
    ("email", "CAMILLE.MARTIN@example.org", "C'est déjà l'adresse enregistrée."),
    ("email", "paul@example.org", "Cette adresse sert déjà à un autre accès à l'espace client : choisissez-en "
                                  "une autre."),
    ("mobile", "06 12", "Saisissez un numéro de mobile, par exemple 06 12 34 56 78."),
    ("mobile", "01 42 68 53 00", "Ce numéro n'est pas un mobile : le code est envoyé par SMS."),
])
def test_a_wrong_value_is_refused_with_what_to_do_and_nothing_is_sent(camille, account, field, value, message):
    person("paul@example.org", account.customer, Role.MANAGER)
    with pytest.raises(Invalid) as refused:
        ask(camille, field, value)
    assert (refused.value.code, refused.value.message) == ("value", message)
    assert mail.outbox == [] and not ContactChallenge.objects.exists()


def test_an_address_taken_meanwhile_is_refused_at_confirmation(camille, account):
    challenge = ask(camille, "email", "camille@exemple.fr")
    person("camille@exemple.fr", account.customer, Role.MANAGER)
    with pytest.raises(Invalid, match="sert déjà à un autre accès"):
        confirm(challenge, code_in(mail.outbox[0].body), camille)
    camille.refresh_from_db()
    assert camille.email == "camille.martin@example.org"


def test_three_unconfirmed_requests_an_hour_then_wait(camille):
    for minutes in (0, 20, 40):
        ask(camille, "email", f"camille{minutes}@exemple.fr", at=ASKED_AT + timedelta(minutes=minutes))
    with pytest.raises(NotAllowed, match=r"au plus 3 par heure") as refused:
        ask(camille, "email", "camille@exemple.fr", at=ASKED_AT + timedelta(minutes=59))
    assert refused.value.code == "too_many_requests" and len(mail.outbox) == 3
    ask(camille, "email", "camille@exemple.fr", at=ASKED_AT + timedelta(hours=1, seconds=1))


def test_a_code_the_gateway_refused_leaves_nothing_behind(camille, sms):
    from telcobill.notifications import SmsNotSent

    sms.status = 400
    with pytest.raises(SmsNotSent):
        ask(camille, "mobile", "0645678901")
    assert not ContactChallenge.objects.exists()
