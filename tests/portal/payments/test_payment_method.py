"""Mode de paiement: the current method (transfer details, the mandate and its PDF, the card),
direct debit set up with the code sent by e-mail (the real notifications module, Django's
outbox), errors in French next to the field, a card saved on the provider's page. Only the
holder: an accountant or a manager gets 403, a stranger's identifiers 404."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from telcobill.customers.models import AuditEvent, BillingAccount, PaymentMethod, Role
from telcobill.payments.models import Mandate, MandateChallenge, MandateStatus, SavedCard
from telcobill.payments.services.mandates import create_mandate
from telcobill.payments.services.payment_method import use_payment_method
from tests.portal.personas import person

from .story import NEW_IBAN, OLD_IBAN, code_sent_to, text

ADDRESS = {"holder": "Camille Martin", "street": "8 rue des Lilas", "postcode": "69003", "city": "Lyon",
           "country": "FR", "consent": "on"}


def setup_url(account):
    return reverse("portal:debit_setup", args=[account.number])


def test_a_transfer_payer_sees_where_to_send_the_money(family, holder, signed_in):
    account, _ = family
    response = signed_in(holder).get(reverse("portal:payment_method"))
    page = text(response)
    assert "Vous réglez chaque facture par virement" in page
    assert "<dd>FR76 3000 6000 0112 3456 7890 189</dd>" in page and "<dd>AGRIFRPP</dd>" in page
    last = account.invoices.order_by("-issue_date").first()
    assert f"le numéro de la facture, par exemple {last.number}" in page
    assert setup_url(account) in page


def test_the_holder_sets_up_direct_debit_with_the_code_sent_by_email(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    form = client.get(setup_url(account))
    assert form.context["form"].initial == {"holder": "Camille Martin", "street": "8 rue des Lilas",
                                            "postcode": "69003", "city": "Lyon", "country": "FR"}

    response = client.post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN})
    challenge = MandateChallenge.objects.get()
    code_url = reverse("portal:debit_confirm", args=[account.number, challenge.pk])
    assert response["Location"] == code_url
    page = text(client.get(code_url))
    assert "par e-mail à <strong>c•••••@example.org</strong>" in page and "FR76 •••• 0143" in page
    code = code_sent_to("camille.martin@example.org")

    wrong = client.post(code_url, {"code": "000000" if code != "000000" else "111111"})
    assert wrong.context["form"].errors == {"code": ["Code incorrect : il vous reste 4 essais."]}
    confirmed = client.post(code_url, {"code": f"{code[:3]} {code[3:]}"})
    assert confirmed["Location"] == reverse("portal:payment_method")

    mandate = Mandate.objects.get(billing_account=account)
    assert (mandate.reference, mandate.iban, mandate.bic, mandate.holder, mandate.city, mandate.channel,
            mandate.status) == (f"TB-{account.number}-001", "FR7630004000031234567890143", "BNPAFRPP",
                                "Camille Martin", "Lyon", "web", MandateStatus.ACTIVE)
    account.refresh_from_db()
    assert (account.payment_method, account.debit_iban, account.mandate_reference) == (
        PaymentMethod.DIRECT_DEBIT, mandate.iban, mandate.reference)
    assert sorted(AuditEvent.objects.filter(actor=holder).values_list("kind", flat=True)) == [
        "payments.iban_change_requested", "payments.iban_confirmed", "payments.mandate_created",
        "payments.payment_method_changed"]

    page = text(client.get(reverse("portal:payment_method")))
    assert ("C'est fait : vos prochaines factures seront prélevées sur le compte FR76 •••• 0143 "
            f"(mandat {mandate.reference}).") in page
    assert f"<dd>{mandate.reference}</dd>" in page and "<dd>FR76 •••• 0143</dd>" in page
    pdf = client.get(reverse("portal:mandate_pdf", args=[mandate.reference]))
    assert (pdf.status_code, pdf["Content-Type"], pdf["Content-Disposition"]) == (
        200, "application/pdf", f'attachment; filename="mandat-{mandate.reference}.pdf"')
    assert pdf.content.startswith(b"%PDF-")
    # The code is used: its page now leads back to the payment method.
    assert client.get(code_url)["Location"] == reverse("portal:payment_method")


@pytest.mark.parametrize(("iban", "words"), [
    ("FR76 3000 6000 0112 3456 7890 188", "Cet IBAN comporte une erreur de saisie : vérifiez chaque caractère sur "
                                          "votre RIB."),
    ("FR76 3000 6000 0112 3456 7890 1", "Cet IBAN n'a pas le bon nombre de caractères (27 pour un compte en "
                                        "France) : recopiez-le depuis votre RIB."),
    ("XX76 3000 6000 0112 3456 7890 189", "Un IBAN commence par le code du pays de la banque, FR pour la France : "
                                          "vérifiez son début."),
    ("", "Indiquez l'IBAN du compte à prélever (sur votre RIB)."),
])
def test_a_wrong_iban_is_said_in_french_next_to_the_field_and_sends_nothing(family, holder, signed_in, iban, words):
    response = signed_in(holder).post(setup_url(family[0]), {**ADDRESS, "iban": iban})
    assert response.status_code == 200
    assert response.context["form"].errors == {"iban": [words]}
    page = text(response)
    assert f'<p class="field-error" id="id_iban_error">{words} </p>' in page
    assert 'aria-invalid="true"' in page
    assert not MandateChallenge.objects.exists()
    assert not [m for m in mail.outbox if "code de confirmation" in m.body]


def test_the_holder_and_address_are_required_and_consent_is_asked(family, holder, signed_in):
    response = signed_in(holder).post(setup_url(family[0]), {"iban": NEW_IBAN, "country": "FR"})
    assert response.context["form"].errors == {
        "holder": ["Indiquez le nom du titulaire du compte, comme sur le RIB."],
        "street": ["Indiquez l'adresse du titulaire : votre banque la reçoit avec chaque prélèvement."],
        "postcode": ["Indiquez le code postal."], "city": ["Indiquez la ville."],
        "consent": ["Cochez cette case pour autoriser le prélèvement."]}


def test_an_expired_code_asks_for_a_new_one(family, holder, signed_in, time_machine):
    account, _ = family
    client = signed_in(holder)
    time_machine.move_to("2026-11-28 14:00+01:00", tick=False)
    client.post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN})
    challenge = MandateChallenge.objects.get()
    time_machine.move_to(timezone.now() + timedelta(minutes=11), tick=False)
    response = client.post(reverse("portal:debit_confirm", args=[account.number, challenge.pk]),
                           {"code": code_sent_to("camille.martin@example.org")})
    assert response.context["form"].non_field_errors() == ["Ce code a expiré : demandez-en un nouveau."]
    assert f'href="{setup_url(account)}">Demander un nouveau code' in text(response)
    assert not Mandate.objects.exists()


def test_a_fourth_request_within_an_hour_is_refused_in_french(family, holder, signed_in):
    client = signed_in(holder)
    for _ in range(3):
        client.post(setup_url(family[0]), {**ADDRESS, "iban": NEW_IBAN})
    response = client.post(setup_url(family[0]), {**ADDRESS, "iban": NEW_IBAN})
    assert response.context["form"].non_field_errors() == [
        "Vous avez demandé trois codes en moins d'une heure. Pour votre sécurité, réessayez dans une heure."]
    assert MandateChallenge.objects.count() == 3


def test_choosing_card_goes_to_the_providers_page(family, holder, signed_in, cards):
    account, _ = family
    cards.answer("POST", "/v1/checkout/sessions", {"id": "cs_setup_1", "object": "checkout.session",
                                                   "mode": "setup", "url": "https://checkout.example/setup/1"})
    client = signed_in(holder)
    assert "Le paiement par carte n'est pas disponible" not in text(client.get(reverse("portal:payment_method")))
    response = client.post(reverse("portal:card_setup", args=[account.number]))
    assert response["Location"] == "https://checkout.example/setup/1"
    form = cards.only("/v1/checkout/sessions")["form"]
    assert (form["mode"], form["metadata[requested_by]"], form["success_url"]) == (
        "setup", str(holder.pk), "https://espace.example.org/paiement/?carte=enregistree")


def test_without_cards_configured_the_page_says_so(family, holder, signed_in):
    client = signed_in(holder)
    assert "Le paiement par carte n'est pas disponible pour le moment." in text(
        client.get(reverse("portal:payment_method")))
    response = client.post(reverse("portal:card_setup", args=[family[0].number]), follow=True)
    assert "Le paiement par carte n'est pas disponible pour le moment." in text(response)
    assert BillingAccount.objects.get(pk=family[0].pk).payment_method == PaymentMethod.TRANSFER


def test_an_accountant_a_manager_and_a_line_user_may_not_change_bank_details(family, holder, signed_in):
    account, line = family
    signed_in(holder).post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN})
    challenge = MandateChallenge.objects.get()
    for someone in (person("compta.martin@example.org", account.customer, Role.ACCOUNTANT),
                    person("gestion.martin@example.org", account.customer, Role.MANAGER),
                    person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)):
        client = signed_in(someone)
        assert client.get(reverse("portal:payment_method")).status_code == 403
        assert client.get(setup_url(account)).status_code == 403
        assert client.post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN}).status_code == 403
        assert client.get(reverse("portal:debit_confirm", args=[account.number, challenge.pk])).status_code == 403
        assert client.post(reverse("portal:card_setup", args=[account.number])).status_code == 403
    assert MandateChallenge.objects.count() == 1


def test_a_stranger_gets_404_on_every_route_with_another_customers_identifiers(family, holder, stranger, signed_in):
    account, _ = family
    others_mandate = create_mandate(account, iban=OLD_IBAN, holder="Camille Martin", street="8 rue des Lilas",
                                    postcode="69003", city="Lyon", channel="paper")
    signed_in(holder).post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN})
    challenge = MandateChallenge.objects.get()
    own = BillingAccount.objects.get(customer=stranger.accesses.get().customer)
    client = signed_in(stranger)
    assert client.get(setup_url(account)).status_code == 404
    assert client.post(setup_url(account), {**ADDRESS, "iban": NEW_IBAN}).status_code == 404
    assert client.get(reverse("portal:debit_confirm", args=[account.number, challenge.pk])).status_code == 404
    assert client.post(reverse("portal:debit_confirm", args=[own.number, challenge.pk]),
                       {"code": "123456"}).status_code == 404
    assert client.get(reverse("portal:mandate_pdf", args=[others_mandate.reference])).status_code == 404
    assert client.post(reverse("portal:card_setup", args=[account.number])).status_code == 404
    assert MandateChallenge.objects.get().attempts == 0  # the stranger's try counted nothing


def test_back_from_the_providers_card_page_the_customer_is_told_where_it_stands(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    payments = reverse("portal:payments")
    assert ("Votre carte est en cours d'enregistrement : elle apparaîtra ici dans quelques instants."
            in text(client.get(payments, {"carte": "enregistree"})))
    SavedCard.objects.create(billing_account=account, provider="stripe", customer_ref="cus_1",
                             payment_method_ref="pm_1", brand="visa", last4="4242", expires="2028-04")
    use_payment_method(account, PaymentMethod.CARD, by=holder)
    page = text(client.get(payments, {"carte": "enregistree"}))
    assert "Votre carte Visa •••• 4242 est enregistrée : elle réglera vos prochaines factures." in page
    assert "<strong>Carte bancaire</strong> Visa •••• 4242" in page
    assert "Vous n'avez pas enregistré de carte : votre mode de paiement n'a pas changé." in text(
        client.get(payments, {"carte": "abandon"}))
    method = text(client.get(reverse("portal:payment_method")))
    assert "<dd>Visa •••• 4242</dd>" in method and "<dd>04/2028</dd>" in method
