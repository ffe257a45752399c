"""Mon compte in a real browser: the holder changes the billing address (an error first, next to
the field); opts in to e-facture with a new billing e-mail confirmed by its code, and receives the
next invoice's e-mail on a real SMTP server; a business holder invites an accountant, who chooses
a password through the invitation link, reads the invoices and is refused the address form.
Screenshots of every page at phone (390 px; and the end of the page, under the bottom navigation)
and desktop (1280 px) widths go to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount, Person, Role
from tests.browser.conftest import sign_in
from tests.loopback import smtp_server, subject  # noqa: F401  (the `smtp` fixture)
from tests.portal.personas import person

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NEW_PASSWORD = "Lavande-et-tournesol-2026"


@pytest.fixture
def shoot(tmp_path):
    folder = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))

    def shoot(page, name):
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            page.screenshot(path=str(folder / f"account-{name}-{width}.png"), full_page=True)
        page.set_viewport_size(WIDTHS["phone"])
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.screenshot(path=str(folder / f"account-{name}-phone-end.png"))
        page.evaluate("window.scrollTo(0, 0)")

    return shoot



@pytest.fixture
def camille(transactional_db, family):
    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


def test_the_holder_changes_the_billing_address(page, live_server, camille, family, shoot):
    account, _ = family
    sign_in(page, live_server.url, "camille.martin@example.org")
    page.get_by_role("navigation").get_by_role("link", name="Mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    shoot(page, "overview")

    page.get_by_role("link", name="Modifier l'adresse de facturation").click()
    assert page.get_by_label("Numéro et rue").input_value() == "8 rue des Lilas"
    page.get_by_label("Numéro et rue").fill("27 avenue Jean Jaurès")
    page.get_by_label("Complément d'adresse (facultatif)").fill("Bâtiment B, 3e étage")
    page.get_by_label("Code postal").fill("6900")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    postcode = page.get_by_label("Code postal")
    assert postcode.get_attribute("aria-invalid") == "true"
    expect(page.locator("#id_postcode_error")).to_have_text("Le code postal a 5 chiffres, par exemple 69003.")
    shoot(page, "address-error")

    postcode.fill("69007")
    page.get_by_role("button", name="Enregistrer l'adresse").click()
    assert page.url == live_server.url + "/compte/"
    expect(page.get_by_role("status")).to_contain_text("Adresse de facturation enregistrée")
    address = page.locator("address").inner_text()
    assert address.splitlines() == ["Camille Martin", "27 avenue Jean Jaurès", "Bâtiment B, 3e étage", "69007 Lyon"]
    shoot(page, "address-saved")
    account.refresh_from_db()
    assert (account.address_line1, account.address_line2, account.postcode) == (
        "27 avenue Jean Jaurès", "Bâtiment B, 3e étage", "69007")

    page.get_by_role("link", name="Changer de langue").click()
    page.get_by_label("English").check()
    shoot(page, "language")
    page.get_by_role("button", name="Enregistrer").click()
    assert {"name": "django_language", "value": "en"}.items() <= next(
        c for c in page.context.cookies() if c["name"] == "django_language").items()
    camille.refresh_from_db()
    assert camille.language == "en"


def body(message) -> str:
    return message.get_payload(decode=True).decode().replace("\r\n", "\n")


def test_the_holder_opts_in_to_e_facture_and_receives_the_next_invoice_over_smtp(
        page, live_server, camille, family, bill, smtp, shoot):
    account, _ = family
    BillingAccount.objects.filter(pk=account.pk).update(paperless=False)  # paper until now
    sign_in(page, live_server.url, "camille.martin@example.org")
    page.get_by_role("navigation").get_by_role("link", name="Mon compte").click()

    page.get_by_role("link", name="Modifier l'e-mail de facturation").click()
    page.get_by_label("Nouvelle adresse e-mail").fill("factures.martin@exemple.fr")
    shoot(page, "billing-email")
    page.get_by_role("button", name="Recevoir un code").click()
    [message] = smtp.messages
    assert message["To"] == "factures.martin@exemple.fr"
    code = re.search(r" : (\d{6})\. ", body(message)).group(1)
    page.get_by_label("Code reçu").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#id_code_error")).to_have_text("Code incorrect : encore 4 essais")
    shoot(page, "code-error")
    page.get_by_label("Code reçu").fill(code)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("status")).to_contain_text("L'e-mail de facturation est modifié")
    assert [m["To"] for m in smtp.messages[1:]] == [account.email]  # the old address is told

    page.get_by_role("link", name="Modifier la réception des factures").click()
    page.get_by_label("Par e-mail (facture électronique)").check()
    page.get_by_label("Joindre la facture en PDF à l'e-mail").check()
    shoot(page, "invoicing")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Facture électronique, PDF joint à l'e-mail" in page.get_by_role("region", name=(
        f"Compte de facturation {account.number}")).inner_text()
    shoot(page, "e-facture-saved")

    bill("2026-12")
    december = Invoice.objects.get(billing_account=account, cycle="2026-12")
    [notice] = [m for m in smtp.messages if m["To"] == "factures.martin@exemple.fr"][1:]
    assert subject(notice) == f"Telcobill Mobile : votre facture {december.number} est disponible"
    text, pdf = notice.get_payload()
    assert "Montant : 10,99\xa0€ TTC\nÀ payer avant le 16 déc. 2026." in body(text)
    assert pdf.get_filename() == f"facture-{december.number}-2026-12-01.pdf"
    link = re.search(r"Voir la facture : http://127\.0\.0\.1:8000(\S+)", body(text)).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Facture {december.number}")


def test_a_business_holder_invites_an_accountant_who_reads_invoices_and_changes_nothing(
        browser, live_server, transactional_db, stranger_account, shoot):
    garage = stranger_account
    paul = person("paul.moreau@example.com", garage.customer, Role.HOLDER)
    Person.objects.filter(pk=paul.pk).update(first_name="Paul", last_name="Moreau")
    holder = browser.new_context(locale="fr-FR", viewport=WIDTHS["phone"]).new_page()
    sign_in(holder, live_server.url, "paul.moreau@example.com")
    holder.get_by_role("navigation").get_by_role("link", name="Mon compte").click()
    holder.get_by_role("link", name="Gérer les accès").click()
    holder.get_by_role("link", name="Inviter une personne").click()
    holder.get_by_label("Adresse e-mail de la personne").fill("compta@cabinet-durand.fr")
    holder.get_by_label("Prénom (facultatif)").fill("Nadia")
    holder.get_by_label("Nom (facultatif)", exact=True).fill("Durand")
    holder.get_by_label("Comptable : factures, paiements et exports, sans rien modifier").check()
    shoot(holder, "invite")
    mail.outbox.clear()
    holder.get_by_role("button", name="Envoyer l'invitation").click()
    expect(holder.get_by_role("status")).to_contain_text("Invitation envoyée à compta@cabinet-durand.fr.")
    row = holder.get_by_role("row").filter(has_text="compta@cabinet-durand.fr")
    expect(row).to_contain_text("Comptable")
    expect(row).to_contain_text("Invitation envoyée")
    shoot(holder, "people")
    holder.get_by_role("link", name="Retirer l'accès de compta@cabinet-durand.fr").click()
    expect(holder.get_by_role("button", name="Retirer l'accès")).to_be_visible()
    shoot(holder, "remove")
    holder.get_by_role("link", name="Annuler").click()  # she stays: nothing removed until the button
    holder.context.close()

    [invitation] = mail.outbox
    link = re.search(r"http://127\.0\.0\.1:8000(/compte/invitation/\S+/)", invitation.body).group(1)
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS["phone"]).new_page()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bienvenue dans l'espace client")
    page.get_by_label("Choisissez votre mot de passe").fill("12345678")
    page.get_by_label("Confirmez-le").fill("12345678")
    page.get_by_role("button", name="Enregistrer et me connecter").click()
    expect(page.locator("#id_new_password1_error")).to_contain_text("trop court")
    shoot(page, "invitation-password")
    page.get_by_label("Choisissez votre mot de passe").fill(NEW_PASSWORD)
    page.get_by_label("Confirmez-le").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer et me connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Nadia")
    expect(page.locator(".who-role")).to_contain_text("Comptable")

    page.get_by_role("navigation").get_by_role("link", name="Factures et paiements").click()
    november = Invoice.objects.get(billing_account=garage)
    expect(page.get_by_role("link", name=f"Facture {november.number}")).to_be_visible()
    shoot(page, "accountant-invoices")

    page.get_by_role("navigation").get_by_role("link", name="Mon compte").click()
    assert page.get_by_role("link", name="Modifier l'adresse de facturation").count() == 0
    assert page.get_by_role("link", name="Gérer les accès").count() == 0
    shoot(page, "accountant-account")
    refused = page.goto(live_server.url + f"/compte/adresse/{garage.pk}/")
    assert refused.status == 403
    garage.refresh_from_db()
    assert garage.address_line1 == "14 avenue de la Gare"
    page.context.close()
