"""A customer's payments as one timeline, newest first: a debit paid, a debit rejected, a
transfer, a credit note, an invoice to come, refunds and the instalments of a plan — each with
its amount to the cent and what is left to pay."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from telcobill.billing.models import Invoice
from telcobill.payments.models import Method
from telcobill.payments.services import ledger, plans, refunds
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.payments.services.timeline import timeline
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_bank_files import camt054, write

IBAN = "FR7630006000011234567890189"


def at(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T18:00:00").replace(tzinfo=UTC), tick=False)


@pytest.fixture
def debited(catalogue, bill, settings, tmp_path):
    """Camille, debited since October: October's debit paid, November's rejected (account blocked,
    the mandate stopped), December's invoice then due with nothing to debit it."""
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 1), sim_fee=None)
    create_mandate(account, iban=IBAN, holder="Camille Martin", street="8 rue des Lilas", postcode="69003",
                   city="Lyon", channel="paper")
    bill("2026-10")
    with at("2026-10-14"):
        collect(date(2026, 10, 15))
    october = Invoice.objects.get(billing_account=account, cycle="2026-10")
    import_bank_file(write(tmp_path, "oct.xml", camt054(("CRDT", "2026-10-15", october.number, "10.99", ""))))
    bill("2026-11")
    with at("2026-11-14"):
        collect(date(2026, 11, 15))
    november = Invoice.objects.get(billing_account=account, cycle="2026-11")
    import_bank_file(write(tmp_path, "nov.xml", camt054(("DBIT", "2026-11-18", november.number, "10.99", "AC06"))))
    bill("2026-12")
    return account


def invoice(account, cycle):
    return Invoice.objects.get(billing_account=account, cycle=cycle)


def test_each_moment_says_what_happened_when_and_what_is_left(debited):
    october, november, december = (invoice(debited, c) for c in ("2026-10", "2026-11", "2026-12"))
    ledger.record_payment(debited, amount=Decimal("4.00"), on=date(2026, 12, 3), method=Method.TRANSFER,
                          reference="VIR-77", label="Virement", invoices=[november.pk])
    with at("2026-12-05"):
        note = credit_invoice(december.number, reason="Geste commercial", amount_incl_vat=Decimal("2.00"))
        moments = timeline([debited], today=date(2026, 12, 5))

    assert [(m.on, m.kind, m.amount, m.invoice, m.left, m.payable, m.settles) for m in moments] == [
        (date(2026, 12, 15), "due", Decimal("10.99"), december, Decimal("8.99"), True, ()),
        (date(2026, 12, 5), "credit_note", Decimal("2.00"), note, Decimal("0.00"), False, ()),
        (date(2026, 12, 3), "transfer_received", Decimal("4.00"), None, Decimal("0.00"), False,
         ((november.number, False),)),
        (date(2026, 11, 18), "debit_rejected", Decimal("10.99"), november, Decimal("6.99"), True, ()),
        (date(2026, 10, 15), "debit_paid", Decimal("10.99"), october, Decimal("0.00"), False,
         ((october.number, True),)),
    ]
    rejected, paid = moments[3], moments[4]
    assert (rejected.reason, rejected.iban, paid.iban, paid.method) == ("AC06", IBAN, IBAN, Method.DIRECT_DEBIT)
    assert {m.account for m in moments} == {debited.number}
    assert [m.upcoming for m in moments] == [True, False, False, False, False]


def test_a_debit_planned_is_to_come_and_late_invoices_are_late(catalogue, bill, settings, tmp_path):
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban=IBAN, holder="Camille Martin", street="8 rue des Lilas", postcode="69003",
                   city="Lyon", channel="paper")
    late = make_individual("Paul Durand", payment_method="transfer")
    activate_line(account=late, msisdn="0698765432", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")

    [planned] = timeline([account], today=date(2026, 11, 10))
    assert (planned.kind, planned.on, planned.amount, planned.iban, planned.upcoming, planned.payable) == (
        "debit_planned", date(2026, 11, 15), Decimal("10.99"), IBAN, True, False)
    [overdue] = timeline([late], today=date(2026, 11, 28))
    assert (overdue.kind, overdue.on, overdue.left, overdue.payable, overdue.upcoming) == (
        "late", date(2026, 11, 16), Decimal("10.99"), True, False)


def test_a_refund_of_a_credit_is_a_moment_with_its_status(debited):
    november = invoice(debited, "2026-11")
    ledger.record_payment(debited, amount=Decimal("30.00"), on=date(2026, 12, 3), method=Method.TRANSFER,
                          reference="VIR-78", label="Virement", invoices=[november.pk])
    # 30.00 paid 10.99 + 10.99 (oldest first): 8.02 left as credit, refunded by transfer.
    assert ledger.balance(debited) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("8.02"))
    refunds.refund(debited, amount=Decimal("8.02"), method=Method.TRANSFER, reason="Trop-perçu", iban=IBAN,
                   on=date(2026, 12, 4))
    moments = timeline([debited], today=date(2026, 12, 5))
    assert [(m.kind, m.amount, m.status, m.method, m.settles) for m in moments[:2]] == [
        ("refund", Decimal("8.02"), "planned", Method.TRANSFER, ()),
        ("transfer_received", Decimal("30.00"), "", Method.TRANSFER,
         ((november.number, True), (invoice(debited, "2026-12").number, True))),
    ]
    # The rejected debit is settled now: nothing to pay on it.
    rejected = next(m for m in moments if m.kind == "debit_rejected")
    assert (rejected.left, rejected.payable) == (Decimal("0.00"), False)


def test_a_payment_plan_shows_its_instalments_instead_of_the_late_invoices(catalogue, bill):
    account = make_individual(payment_method="transfer")
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-L", on=date(2026, 9, 1), sim_fee=None)
    for cycle in ("2026-09", "2026-10", "2026-11"):
        bill(cycle)
    plans.create_plan(account, 2, first_on=date(2026, 12, 5), channel="web", on=date(2026, 11, 28))
    ledger.record_payment(account, amount=Decimal("10.00"), on=date(2026, 12, 1), method=Method.TRANSFER,
                          reference="VIR-9", label="Virement")

    moments = timeline([account], today=date(2026, 12, 1))
    assert [(m.kind, m.on, m.number, m.of, m.amount, m.left, m.status) for m in moments] == [
        ("instalment", date(2027, 1, 5), 2, 2, Decimal("29.98"), Decimal("29.98"), "due"),
        ("instalment", date(2026, 12, 5), 1, 2, Decimal("29.99"), Decimal("19.99"), "partly"),
        ("transfer_received", date(2026, 12, 1), 0, 0, Decimal("10.00"), Decimal("0.00"), ""),
    ]


def test_a_debit_returned_for_insufficient_funds_is_presented_again_not_offered_to_pay(catalogue, bill, settings,
                                                                                      tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban=IBAN, holder="Camille Martin", street="8 rue des Lilas", postcode="69003",
                   city="Lyon", channel="paper")
    bill("2026-11")
    with at("2026-11-14"):
        collect(date(2026, 11, 15))
    number = invoice(account, "2026-11").number
    import_bank_file(write(tmp_path, "am04.xml", camt054(("DBIT", "2026-11-18", number, "10.99", "AM04"))))
    assert [(m.kind, m.on, m.reason, m.left, m.payable) for m in timeline([account], today=date(2026, 11, 20))] == [
        ("debit_planned", date(2026, 11, 25), "", Decimal("10.99"), False),
        ("debit_rejected", date(2026, 11, 18), "AM04", Decimal("10.99"), False)]
