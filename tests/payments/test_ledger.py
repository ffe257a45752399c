"""The ledger: issued documents, payments, returns, credit notes and write-offs as rows; what
settles what; balances derived from them, to the cent."""

from datetime import date
from decimal import Decimal

import pytest

from telcobill.billing.models import Invoice
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import Allocation, Collection, CollectionStatus, EntryKind, LedgerEntry, Method
from telcobill.payments.services import ledger
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual
from tests.payments.test_bank_files import camt054, write


@pytest.fixture
def debit_account(catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="web")
    bill("2026-11")
    return account


@pytest.fixture
def business(catalogue, bill):
    account = make_business()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    return account


def entries(account):
    return list(LedgerEntry.objects.filter(billing_account=account).order_by("pk")
                .values_list("kind", "amount", "method", "reference"))


def test_a_debit_paid_then_returned_after_settlement_reopens_the_invoice(debit_account, tmp_path):
    invoice = Invoice.objects.get(billing_account=debit_account)
    assert ledger.open_amount(invoice) == Decimal("10.99")
    collect(date(2026, 11, 15))
    import_bank_file(write(tmp_path, "paid.xml", camt054(("CRDT", "2026-11-15", invoice.number, "10.99", ""))))
    assert ledger.open_amount(invoice) == Decimal("0.00")
    assert ledger.balance(debit_account) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))

    # Eight weeks to ask their bank for it back (MD06): the payment comes off, a dispute opens.
    import_bank_file(write(tmp_path, "back.xml", camt054(("DBIT", "2026-12-20", invoice.number, "10.99", "MD06"))))
    import_bank_file(write(tmp_path, "back2.xml", camt054(("DBIT", "2026-12-20", invoice.number, "10.99", "MD06"),
                                                           ("CRDT", "2026-12-21", "X", "1.00", ""))))
    assert entries(debit_account) == [
        ("invoice", Decimal("10.99"), "", invoice.number),
        ("payment", Decimal("-10.99"), "direct_debit", invoice.number),
        ("reversal", Decimal("10.99"), "direct_debit", invoice.number)]
    assert ledger.open_amount(invoice) == Decimal("10.99")
    assert ledger.balance(debit_account).balance == Decimal("10.99")
    assert invoice.disputes.get().reason_code == "MD06"
    assert Collection.objects.get().status == CollectionStatus.DISPUTED
    # The history stays: the payment settled the invoice, that was undone, and it settles its reversal.
    assert list(Allocation.objects.order_by("pk").values_list("target__kind", "amount")) == [
        ("invoice", Decimal("10.99")), ("invoice", Decimal("-10.99")), ("reversal", Decimal("10.99"))]


def test_a_credit_note_settles_its_invoice_and_what_is_left_is_not_collected(debit_account):
    invoice = Invoice.objects.get(billing_account=debit_account)
    credit_invoice(invoice.number, reason="Geste commercial", amount_incl_vat=Decimal("4.00"))
    assert ledger.open_amount(invoice) == Decimal("6.99")
    batch = collect(date(2026, 11, 15))
    assert (batch.total, Collection.objects.get().amount) == (Decimal("6.99"), Decimal("6.99"))


def test_a_credit_note_for_the_whole_invoice_cancels_its_collection(debit_account):
    invoice = Invoice.objects.get(billing_account=debit_account)
    credit_invoice(invoice.number, reason="Résiliation dans le délai de rétractation")
    assert collect(date(2026, 11, 15)) is None
    assert Collection.objects.get().status == CollectionStatus.CANCELLED
    assert ledger.balance(debit_account) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))


def test_an_overpayment_is_credit_that_pays_the_next_invoice_and_its_debit(debit_account, bill):
    invoice = Invoice.objects.get(billing_account=debit_account)
    payment, created = ledger.record_payment(debit_account, amount=Decimal("15.00"), on=date(2026, 11, 10),
                                             method=Method.TRANSFER, reference="VIR-1", label="Virement",
                                             invoices=[invoice.pk])
    assert created and ledger.open_amount(invoice) == Decimal("0.00")
    assert ledger.balance(debit_account) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("4.01"))
    # The same transfer reported again: one entry.
    again, created = ledger.record_payment(debit_account, amount=Decimal("15.00"), on=date(2026, 11, 10),
                                           method=Method.TRANSFER, reference="VIR-1", label="Virement")
    assert (again.pk, created) == (payment.pk, False)
    # November's debit is cancelled: nothing left to collect.
    assert collect(date(2026, 11, 15)) is None

    bill("2026-12")
    december = Invoice.objects.get(billing_account=debit_account, cycle="2026-12")
    assert ledger.open_amount(december) == Decimal("6.98")  # 10.99 - 4.01 of credit
    assert Collection.objects.get(invoice=december).amount == Decimal("6.98")
    assert ledger.balance(debit_account) == ledger.Balance(owed=Decimal("6.98"), credit=Decimal("0.00"))


def test_one_transfer_for_two_invoices_pays_the_oldest_first_and_a_write_off_closes_the_rest(business, bill):
    bill("2026-12")
    november, december = Invoice.objects.filter(billing_account=business).order_by("issue_date")
    assert (november.total_gross, december.total_gross) == (Decimal("10.99"), Decimal("10.99"))
    ledger.record_payment(business, amount=Decimal("20.00"), on=date(2026, 12, 20), method=Method.TRANSFER,
                          reference="VIR-9", label="Virement Atelier Dupont")
    assert ledger.open_amounts([november.pk, december.pk]) == {november.pk: Decimal("0.00"),
                                                               december.pk: Decimal("1.98")}
    with pytest.raises(Invalid, match=r"amount 7.00: F2026-\d+ has 1.98 open; write off at most that"):
        ledger.write_off(december, amount=Decimal("7.00"), reason="Petit solde")
    ledger.write_off(december, reason="Petit solde")
    assert ledger.balance(business) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))
    kinds = [k for k, *_ in entries(business)]
    assert kinds == [EntryKind.INVOICE, EntryKind.INVOICE, EntryKind.PAYMENT, EntryKind.WRITE_OFF]


def test_an_account_balance_is_the_sum_of_its_entries(business, bill):
    bill("2026-12")
    ledger.record_payment(business, amount=Decimal("30.00"), on=date(2026, 12, 20), method=Method.CARD,
                          reference="pi_1", label="Carte")
    balance = ledger.balance(business)
    assert balance == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("8.02"))
    assert balance.balance == sum(LedgerEntry.objects.filter(billing_account=business).values_list(
        "amount", flat=True)) == Decimal("-8.02")


def test_a_payment_is_returned_once(business):
    payment, _ = ledger.record_payment(business, amount=Decimal("10.99"), on=date(2026, 11, 20),
                                       method=Method.CARD, reference="pi_9", label="Carte")
    ledger.reverse_payment(payment, on=date(2026, 12, 1), reference="dp_1", label="Opposition")
    with pytest.raises(NotAllowed, match="pi_9 was already returned"):
        ledger.reverse_payment(payment, on=date(2026, 12, 2), reference="dp_2", label="Opposition")
    assert ledger.balance(business).balance == Decimal("10.99")
