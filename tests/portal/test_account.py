"""Mon compte: the billing address, contact details confirmed by a code, invoice preferences,
language, people and roles. Another customer's identifiers answer 404 on every route; an
accountant, a manager and a line user are refused (403) what is the holder's."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from telcobill.customers.models import Access, AuditEvent, ContactChallenge, Person, Role
from tests.portal.personas import PASSWORD, person


@pytest.fixture(autouse=True)
def _outbox_empty(family):
    mail.outbox.clear()  # the bill runs of the personas e-mailed their invoices (e-facture)


def code_in(text: str) -> str:
    return re.search(r" : (\d{6})\. ", text).group(1)


def holder_routes(account, someone):
    """Every route of Mon compte that is the holder's, with the identifiers it takes."""
    return [reverse("portal:account_address", args=[account.pk]),
            reverse("portal:account_invoicing", args=[account.pk]),
            reverse("portal:account_billing_email", args=[account.pk]),
            reverse("portal:account_people"), reverse("portal:account_invite"),
            reverse("portal:account_remove", args=[someone.pk])]


def test_the_holder_sees_their_details_and_each_billing_account(family, holder, signed_in):
    account, _ = family
    response = signed_in(holder).get(reverse("portal:account"))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="/compte/" aria-label="Mon compte" aria-current="page">' in page
    assert response.context["accounts"] == [account]
    assert "camille.martin@example.org" in page and account.email in page
    assert "8 rue des Lilas<br>69003 Lyon" in page
    assert "Facture électronique, par e-mail" in page
    assert [m.person for m in response.context["members"]] == [holder]
    for route in holder_routes(account, holder)[:3]:
        assert f'href="{route}"' in page


def test_a_business_reads_where_and_how_its_e_invoices_are_received(stranger, stranger_account, signed_in):
    stranger_account.einvoice_syntax = "ubl"
    stranger_account.save()
    page = re.sub(r"\s+", " ", signed_in(stranger).get(reverse("portal:account")).content.decode())
    assert ("Facture électronique (plateforme agréée)</dt> <dd>Format : UBL 2.1<br> <span class=\"muted\">"
            f"Adresse de réception : 552100554 · SIRET {stranger_account.siret}</span>") in page
    assert "écrivez au service client : l'adresse doit être celle de l'annuaire." in page


def test_an_individual_has_no_e_invoice_row(family, holder, signed_in):
    assert "plateforme agréée" not in signed_in(holder).get(reverse("portal:account")).content.decode()


def test_the_navigation_offers_mon_compte(family, holder, signed_in):
    page = signed_in(holder).get(reverse("portal:home")).content.decode()
    assert 'href="/compte/"' in page and "Mon compte" in page


def test_the_holder_changes_the_billing_address_errors_shown_next_to_the_field(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    url = reverse("portal:account_address", args=[account.pk])
    form = client.get(url).context["form"]
    assert form.initial == {"address_line1": "8 rue des Lilas", "address_line2": "", "postcode": "69003",
                            "city": "Lyon", "country_code": "FR"}

    data = {"address_line1": "27 avenue Jean Jaurès", "address_line2": "", "postcode": "6900", "city": "Lyon",
            "country_code": "FR"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert ('<ul class="errorlist" id="id_postcode_error"><li>Le code postal a 5 chiffres, par exemple 69003.</li>'
            '</ul>') in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_postcode_error"' in page
    account.refresh_from_db()
    assert account.postcode == "69003"

    response = client.post(url, {**data, "postcode": "69007"})
    assert response["Location"] == reverse("portal:account")
    account.refresh_from_db()
    assert (account.address_line1, account.postcode) == ("27 avenue Jean Jaurès", "69007")
    assert AuditEvent.objects.get(kind="customers.billing_address_changed").actor == holder
    assert "Adresse de facturation enregistrée" in client.get(reverse("portal:account")).content.decode()


def test_an_empty_field_says_so_next_to_it(family, holder, signed_in):
    url = reverse("portal:account_address", args=[family[0].pk])
    response = signed_in(holder).post(url, {"address_line1": "", "postcode": "69003", "city": "Lyon",
                                            "country_code": "FR"})
    assert response.context["form"].errors == {"address_line1": ["Ce champ est à remplir."]}


def test_a_form_without_its_csrf_token_is_refused(family, holder):
    client = Client(enforce_csrf_checks=True)
    client.force_login(holder)
    url = reverse("portal:account_address", args=[family[0].pk])
    assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode()
    response = client.post(url, {"address_line1": "1 rue X", "postcode": "75001", "city": "Paris",
                                 "country_code": "FR"})
    assert response.status_code == 403
    family[0].refresh_from_db()
    assert family[0].postcode == "69003"


def test_a_stranger_gets_404_on_every_route_with_the_customers_identifiers(family, holder, stranger, signed_in):
    account, _ = family
    client = signed_in(stranger)
    for route in holder_routes(account, holder):
        if "/personnes/" in route and "retirer" not in route:
            continue  # their own people pages: nothing of Camille's in the address
        assert client.get(route).status_code == 404, route
        assert client.post(route, {"address_line1": "1 rue X", "postcode": "75001", "city": "Paris",
                                   "country_code": "FR", "value": "x@example.org"}).status_code == 404, route
    assert Access.objects.filter(person=holder).exists()
    account.refresh_from_db()
    assert account.address_line1 == "8 rue des Lilas" and not AuditEvent.objects.exists()
    assert holder.email not in client.get(reverse("portal:account_people")).content.decode()


def test_a_stranger_cannot_open_someone_elses_code_page(family, holder, stranger, signed_in):
    signed_in(holder).post(reverse("portal:account_email"), {"value": "camille@exemple.fr"})
    challenge = ContactChallenge.objects.get()
    client = signed_in(stranger)
    url = reverse("portal:account_code", args=[challenge.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": code_in(mail.outbox[0].body)}).status_code == 404
    holder.refresh_from_db()
    assert holder.email == "camille.martin@example.org"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ACCOUNTANT, Role.LINE_USER])
def test_other_roles_are_refused_what_is_the_holders(family, holder, signed_in, role):
    account, line = family
    someone = person(f"{role}.martin@example.org", account.customer, role, line=line if role == Role.LINE_USER
                     else None)
    client = signed_in(someone)
    for route in holder_routes(account, holder):
        assert client.get(route).status_code == 403, route
        assert client.post(route, {"address_line1": "1 rue X", "postcode": "75001", "city": "Paris",
                                   "country_code": "FR", "paperless": "no", "language": "fr"}).status_code == 403
    account.refresh_from_db()
    assert (account.address_line1, account.paperless) == ("8 rue des Lilas", True)
    assert Access.objects.filter(person=holder).exists()
    # Their own details are theirs to change.
    response = client.get(reverse("portal:account"))
    assert response.status_code == 200 and response.context["members"] is None
    assert reverse("portal:account_address", args=[account.pk]) not in response.content.decode()
    assert client.get(reverse("portal:account_email")).status_code == 200


def test_a_line_user_sees_no_billing_account(family, signed_in):
    account, line = family
    leo = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    assert signed_in(leo).get(reverse("portal:account")).context["accounts"] == []


def test_a_new_email_is_confirmed_with_the_code_sent_to_it(family, holder, signed_in,
                                                            django_capture_on_commit_callbacks):
    client = signed_in(holder)
    response = client.post(reverse("portal:account_email"), {"value": "camille@exemple.fr"})
    challenge = ContactChallenge.objects.get()
    assert response["Location"] == reverse("portal:account_code", args=[challenge.pk])
    code = code_in(mail.outbox[0].body)
    url = response["Location"]
    assert "Nous avons envoyé un code par e-mail à camille@exemple.fr." in client.get(url).content.decode()

    wrong = client.post(url, {"code": f"{(int(code) + 1) % 1_000_000:06d}"})
    assert wrong.context["form"].errors == {"code": ["Code incorrect : encore 4 essais"]}

    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"code": code})["Location"] == reverse("portal:account")
    holder.refresh_from_db()
    assert holder.email == "camille@exemple.fr"
    assert mail.outbox[1].to == ["camille.martin@example.org"]  # the old address is told


def test_a_refused_new_address_is_explained_next_to_the_field(family, holder, signed_in):
    response = signed_in(holder).post(reverse("portal:account_mobile"), {"value": "01 42 68 53 00"})
    assert response.context["form"].errors == {"value": ["Ce numéro n'est pas un mobile : le code est envoyé "
                                                         "par SMS."]}
    assert mail.outbox == []


def test_the_billing_email_is_changed_with_a_code_sent_to_it(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    response = client.post(reverse("portal:account_billing_email", args=[account.pk]),
                           {"value": "factures@martin.fr"})
    client.post(response["Location"], {"code": code_in(mail.outbox[0].body)})
    account.refresh_from_db()
    assert account.email == "factures@martin.fr"


def test_paper_or_paperless_with_the_pdf_and_the_documents_language(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    url = reverse("portal:account_invoicing", args=[account.pk])
    assert client.post(url, {"paperless": "yes", "with_pdf": "on", "language": "en"}).status_code == 302
    account.refresh_from_db()
    assert (account.paperless, account.paperless_pdf, account.language) == (True, True, "en")
    client.post(url, {"paperless": "no", "with_pdf": "on", "language": "fr"})
    account.refresh_from_db()
    assert (account.paperless, account.paperless_pdf, account.language) == (False, False, "fr")
    assert AuditEvent.objects.filter(kind="customers.invoice_preferences_changed").count() == 2

    type(account).objects.filter(pk=account.pk).update(email="")
    response = client.post(url, {"paperless": "yes", "language": "fr"})
    assert response.context["form"].errors == {"paperless": [
        "Ajoutez d'abord une adresse e-mail de facturation : c'est là que nous envoyons vos factures."]}


def test_the_language_is_saved_and_the_pages_follow(family, holder, signed_in):
    client = signed_in(holder)
    response = client.post(reverse("portal:account_language"), {"language": "en"})
    assert response.cookies["django_language"].value == "en"
    holder.refresh_from_db()
    assert holder.language == "en"


def test_the_holder_invites_an_accountant_who_chooses_a_password(family, holder, signed_in,
                                                                 django_capture_on_commit_callbacks):
    account, _ = family
    client = signed_in(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:account_invite"), {
            "email": "compta@cabinet-durand.fr", "first_name": "Nadia", "last_name": "Durand",
            "role": "accountant", "line": ""})
    assert response["Location"] == reverse("portal:account_people")
    nadia = Person.objects.get(email="compta@cabinet-durand.fr")
    assert nadia.accesses.get().role == Role.ACCOUNTANT
    page = client.get(reverse("portal:account_people")).content.decode()
    assert "Nadia Durand" in page and "Invitation envoyée" in page

    link = re.search(r"http://127\.0\.0\.1:8000(/compte/invitation/\S+/)", mail.outbox[0].body).group(1)
    visitor = Client()
    form_url = visitor.get(link)["Location"]  # the token moves to the session, out of the address
    assert form_url.endswith("/set-password/")
    weak = visitor.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert "new_password1" in weak.context["form"].errors
    response = visitor.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response["Location"] == reverse("portal:home")
    nadia.refresh_from_db()
    assert nadia.has_usable_password() and nadia.check_password(PASSWORD)
    assert visitor.get(reverse("portal:invoices")).status_code == 200  # signed in, sees the invoices
    assert AuditEvent.objects.filter(kind="customers.invitation_accepted", actor=nadia).count() == 1
    assert Client().get(link).context["validlink"] is False  # used once


def test_inviting_a_line_user_needs_one_of_the_customers_lines(family, holder, stranger_account, signed_in):
    account, line = family
    client = signed_in(holder)
    response = client.post(reverse("portal:account_invite"), {"email": "leo@example.org", "role": "line_user",
                                                              "line": ""})
    assert response.context["form"].errors == {"line": ["Choisissez la ligne de cette personne."]}
    foreign = stranger_account.lines.get()
    response = client.post(reverse("portal:account_invite"), {"email": "leo@example.org", "role": "line_user",
                                                              "line": str(foreign.pk)})
    assert "line" in response.context["form"].errors and not Person.objects.filter(email="leo@example.org").exists()
    client.post(reverse("portal:account_invite"), {"email": "leo@example.org", "role": "line_user",
                                                   "line": str(line.pk)})
    assert Access.objects.get(person__email="leo@example.org").line == line


def test_the_holder_removes_someone_but_not_themselves(family, holder, signed_in):
    account, _ = family
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    client = signed_in(holder)
    page = client.get(reverse("portal:account_people")).content.decode()
    assert reverse("portal:account_remove", args=[accountant.pk]) in page
    assert reverse("portal:account_remove", args=[holder.pk]) not in page

    assert client.post(reverse("portal:account_remove", args=[accountant.pk])).status_code == 302
    assert not accountant.accesses.exists()
    assert AuditEvent.objects.get(kind="customers.access_removed").data["person"] == accountant.pk

    response = client.post(reverse("portal:account_remove", args=[holder.pk]))
    assert response.status_code == 409
    assert "Vous ne pouvez pas retirer votre propre accès." in response.content.decode()
    assert holder.accesses.exists()
