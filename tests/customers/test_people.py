"""The holder invites a manager, an accountant or a line user by e-mail (a link to choose a password
for someone new) and removes them; never themselves, never the last holder; every change audited."""

import re
from datetime import date

import pytest
from django.core import mail

from telcobill.customers.models import Access, AuditEvent, Person, Role
from telcobill.customers.services import people
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.workflows.lines import activate_line
from tests.factories import make_business
from tests.portal.personas import person


@pytest.fixture
def garage(catalogue):
    account = make_business("Garage Moreau SARL", siren="552100554")
    activate_line(account=account, msisdn="0698765432", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    return account


@pytest.fixture
def paul(garage):
    Person.objects.filter(pk=(holder := person("paul.moreau@example.com", garage.customer, Role.HOLDER)).pk).update(
        first_name="Paul", last_name="Moreau")
    holder.refresh_from_db()
    return holder


def test_someone_new_is_created_without_a_password_and_gets_a_link_to_choose_one(
        garage, paul, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        access = people.invite(garage.customer, by=paul, email=" Compta@Cabinet-Durand.FR ", role=Role.ACCOUNTANT,
                               first_name="Nadia", last_name="Durand")

    nadia = access.person
    assert (nadia.email, nadia.first_name, nadia.last_name) == ("Compta@cabinet-durand.fr", "Nadia", "Durand")
    assert not nadia.has_usable_password()
    assert (access.customer, access.role, access.line) == (garage.customer, Role.ACCOUNTANT, None)
    event = AuditEvent.objects.get(kind="customers.access_granted")
    assert (event.actor, event.customer, event.summary) == (paul, garage.customer,
                                                            "Compta@cabinet-durand.fr invité(e) : Comptable")

    [message] = mail.outbox
    assert message.to == ["Compta@cabinet-durand.fr"]
    assert message.subject == "Telcobill Mobile : accès à l'espace client de Garage Moreau SARL"
    link = re.search(r"http://127\.0\.0\.1:8000/compte/invitation/[\w-]+/[\w-]+/", message.body).group(0)
    assert message.body == (
        "Bonjour,\n\nPaul Moreau vous donne accès à l'espace client Telcobill Mobile de Garage Moreau SARL, en tant "
        "que comptable.\n\nPour choisir votre mot de passe, ouvrez ce lien (valable 3 jours) :\n"
        f"{link}\n\nVotre identifiant : Compta@cabinet-durand.fr\n\n"
        "Si vous ne connaissez pas Garage Moreau SARL, ignorez ce message.\n\nTelcobill Mobile")


def test_someone_who_already_signs_in_is_told_to_sign_in(garage, paul, django_capture_on_commit_callbacks):
    from tests.factories import make_individual

    nora = person("nora.benali@example.org", make_individual("Nora Benali").customer, Role.HOLDER)
    with django_capture_on_commit_callbacks(execute=True):
        access = people.invite(garage.customer, by=paul, email="nora.benali@example.org", role=Role.MANAGER)
    assert access.person == nora and nora.accesses.count() == 2
    assert "Connectez-vous avec votre identifiant habituel, puis choisissez Garage Moreau SARL :\n" \
           "http://127.0.0.1:8000/connexion/" in mail.outbox[0].body
    assert "/invitation/" not in mail.outbox[0].body


def test_a_line_user_is_invited_on_a_line_of_the_customer(garage, paul, django_capture_on_commit_callbacks):
    line = garage.lines.get()
    with pytest.raises(Invalid) as refused:
        people.invite(garage.customer, by=paul, email="leo@example.org", role=Role.LINE_USER)
    assert (refused.value.code, refused.value.message) == ("line", "Choisissez la ligne de cette personne.")

    with django_capture_on_commit_callbacks(execute=True):
        access = people.invite(garage.customer, by=paul, email="leo@example.org", role=Role.LINE_USER, line=line)
    assert (access.role, access.line) == (Role.LINE_USER, line)
    assert "en tant qu'utilisateur de la ligne 06 98 76 54 32." in mail.outbox[0].body


def test_a_line_of_another_customer_is_refused(garage, paul):
    from tests.factories import make_individual

    other = make_individual("Eve Stranger")
    line = activate_line(account=other, msisdn="0611223344", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    with pytest.raises(Invalid, match="Choisissez la ligne"):
        people.invite(garage.customer, by=paul, email="leo@example.org", role=Role.LINE_USER, line=line)
    assert not Person.objects.filter(email="leo@example.org").exists()


@pytest.mark.parametrize(("email", "role", "field", "message"), [
    ("compta", Role.ACCOUNTANT, "email", "Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr."),
    ("compta@example.org", Role.HOLDER, "role", "Choisissez un rôle : gestionnaire, comptable ou utilisateur d'une "
                                                "ligne."),
    ("paul.moreau@example.com", Role.MANAGER, "email", "Cette personne a déjà accès à cet espace. Retirez son accès "
                                                       "pour lui donner un autre rôle."),
])
def test_a_wrong_invitation_is_refused_and_nothing_is_sent(garage, paul, email, role, field, message):
    with pytest.raises(Invalid) as refused:
        people.invite(garage.customer, by=paul, email=email, role=role)
    assert (refused.value.code, refused.value.message) == (field, message)
    assert mail.outbox == [] and Access.objects.count() == 1


def test_only_a_holder_invites_and_removes(garage, paul):
    manager = person("gestion@example.com", garage.customer, Role.MANAGER)
    with pytest.raises(NotAllowed) as refused:
        people.invite(garage.customer, by=manager, email="x@example.org", role=Role.ACCOUNTANT)
    assert refused.value.code == "not_holder"
    with pytest.raises(NotAllowed):
        people.remove(garage.customer, paul, by=manager)
    assert Access.objects.count() == 2 and not AuditEvent.objects.exists()


def test_the_holder_removes_someone_and_it_is_audited(garage, paul):
    line = garage.lines.get()
    leo = person("leo@example.org", garage.customer, Role.LINE_USER, line=line)
    assert people.remove(garage.customer, leo, by=paul) == ["Utilisateur de la ligne +33698765432"]
    assert not leo.accesses.exists() and Person.objects.filter(pk=leo.pk).exists()
    event = AuditEvent.objects.get(kind="customers.access_removed")
    assert (event.actor, event.customer, event.data) == (
        paul, garage.customer, {"person": leo.pk, "roles": ["line_user"], "lines": ["+33698765432"]})


def test_nobody_removes_themselves_nor_the_last_holder(garage, paul):
    with pytest.raises(NotAllowed, match="^Vous ne pouvez pas retirer votre propre accès.$"):
        people.remove(garage.customer, paul, by=paul)
    second = person("anne.moreau@example.com", garage.customer, Role.HOLDER)
    people.remove(garage.customer, second, by=paul)  # two holders: one may go
    assert Access.objects.filter(role=Role.HOLDER).get().person == paul


def test_of_two_holders_removing_each_other_the_second_is_no_longer_a_holder(garage, paul):
    second = person("anne.moreau@example.com", garage.customer, Role.HOLDER)
    people.remove(garage.customer, paul, by=second)
    with pytest.raises(NotAllowed) as refused:
        people.remove(garage.customer, second, by=paul)
    assert refused.value.code == "not_holder"
    assert Access.objects.filter(role=Role.HOLDER).get().person == second


def test_a_person_of_another_customer_is_not_found(garage, paul):
    from tests.factories import make_individual

    eve = person("eve@example.org", make_individual("Eve Stranger").customer, Role.HOLDER)
    with pytest.raises(NotFound):
        people.remove(garage.customer, eve, by=paul)
    assert eve.accesses.count() == 1


def test_the_members_are_listed_holders_first_with_a_line_users_lines(garage, paul):
    line = garage.lines.get()
    person("zoe.compta@example.com", garage.customer, Role.ACCOUNTANT)
    person("leo@example.org", garage.customer, Role.LINE_USER, line=line)
    person("ana.gestion@example.com", garage.customer, Role.MANAGER)
    listed = [(m.person.email, m.role_label, [li.msisdn for li in m.lines]) for m in people.members(garage.customer)]
    assert listed == [("paul.moreau@example.com", "Titulaire", []), ("ana.gestion@example.com", "Gestionnaire", []),
                      ("zoe.compta@example.com", "Comptable", []),
                      ("leo@example.org", "Utilisateur de la ligne", ["+33698765432"])]
