"""How an account pays follows what the customer completed: a mandate confirmed online makes the
next invoices debited, a card saved makes them charged to it; each change is audited once. And
the refusals a page must word for the customer carry stable codes."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from telcobill.billing.models import Invoice
from telcobill.customers.models import Access, AuditEvent, BillingAccount, PaymentMethod, Person, Role
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import Collection
from telcobill.payments.services import plans
from telcobill.payments.services.cards import handle_webhook
from telcobill.payments.services.mandates import checked_iban, confirm_mandate_change, request_mandate_change
from telcobill.payments.services.payment_method import use_payment_method
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_cards import cards, no_network, setup_completed, setup_intent_answer, signed, stripe_api  # noqa: F401

ADDRESS = {"holder": "Camille Martin", "street": "8 rue des Lilas", "postcode": "69003", "city": "Lyon"}


@pytest.fixture
def paying_by_transfer(catalogue):
    account = make_individual(payment_method=PaymentMethod.TRANSFER)
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    holder = Person.objects.create_user("camille@example.org", "x")
    Access.objects.create(person=holder, customer=account.customer, role=Role.HOLDER)
    return account, holder


def test_a_mandate_confirmed_online_makes_the_next_invoices_debited(paying_by_transfer, bill):
    account, holder = paying_by_transfer
    challenge = request_mandate_change(account, holder, iban="FR76 3000 4000 0312 3456 7890 143", channel="web",
                                       **ADDRESS)
    code = re.search(r" : (\d{6})\. ", mail.outbox[0].body).group(1)
    mandate = confirm_mandate_change(challenge.pk, code, person=holder)

    account.refresh_from_db()
    assert (account.payment_method, account.debit_iban, account.mandate_reference) == (
        PaymentMethod.DIRECT_DEBIT, "FR7630004000031234567890143", mandate.reference)
    audit = AuditEvent.objects.get(kind="payments.payment_method_changed")
    assert (audit.actor, audit.summary, audit.data) == (
        holder, f"Mode de paiement du compte {account.number} : Virement → Prélèvement automatique",
        {"account": account.number, "from": "transfer", "to": "direct_debit"})
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=account)
    assert invoice.payment["means_code"] == "59"
    assert Collection.objects.get(invoice=invoice).mandate == mandate


def test_a_card_saved_makes_the_next_invoices_charged_to_it(cards, paying_by_transfer):  # noqa: F811
    account, holder = paying_by_transfer
    cards.answer("GET", "/v1/setup_intents/seti_1", setup_intent_answer("seti_1", "pm_1", "4242"))
    completed = setup_completed(account, "cs_setup_1", "seti_1")
    completed["data"]["object"]["metadata"]["requested_by"] = str(holder.pk)
    handle_webhook(*signed(completed))
    assert BillingAccount.objects.get(pk=account.pk).payment_method == PaymentMethod.CARD
    assert AuditEvent.objects.get(kind="payments.payment_method_changed").summary == (
        f"Mode de paiement du compte {account.number} : Virement → Carte bancaire")


def test_the_same_method_again_changes_nothing_and_audits_nothing(paying_by_transfer):
    account, holder = paying_by_transfer
    assert use_payment_method(account, PaymentMethod.TRANSFER, by=holder) is False
    assert not AuditEvent.objects.filter(kind="payments.payment_method_changed").exists()


@pytest.mark.parametrize(("iban", "code"), [
    ("FR7630006000011234567890188", "iban_checksum"),
    ("FR76300060000112345678901", "iban_length"),
    ("XX7630006000011234567890189", "iban_country"),
    ("FR76 3000 6000 0112 3456 7890 18!", "iban_invalid"),
])
def test_what_is_wrong_with_an_iban_has_a_stable_code(iban, code):
    with pytest.raises(Invalid) as refused:
        checked_iban(iban)
    assert refused.value.code == code


def test_the_limits_of_a_plan_set_up_online_have_stable_codes(catalogue, bill, settings):
    account = make_individual(payment_method=PaymentMethod.TRANSFER)
    with pytest.raises(Invalid) as nothing:
        plans.propose(account, 2, on=date(2026, 11, 28))
    assert nothing.value.code == "nothing_overdue"
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 9, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    today = date(2026, 11, 28)
    assert plans.propose(account, 2, on=today, first_on=date(2026, 12, 5)) == [
        (date(2026, 12, 5), Decimal("16.49")), (date(2027, 1, 5), Decimal("16.48"))]
    refusals = {}
    for count, first_on in ((3, None), (7, None), (2, date(2027, 2, 1))):
        with pytest.raises(Invalid) as refused:
            plans.propose(account, count, on=today, first_on=first_on)
        refusals[count] = refused.value.code
    assert refusals == {3: "min_instalment", 7: "max_instalments", 2: "first_on"}
    settings.PAYMENTS = {**settings.PAYMENTS, "plan_max_amount": "30.00"}
    with pytest.raises(Invalid) as too_much:
        plans.propose(account, 2, on=today)
    assert too_much.value.code == "max_amount"
    settings.PAYMENTS = {**settings.PAYMENTS, "plan_max_amount": "1500.00"}
    plans.create_plan(account, 2, on=today)
    with pytest.raises(NotAllowed) as again:
        plans.propose(account, 2, on=today)
    assert again.value.code == "plan_in_progress"
