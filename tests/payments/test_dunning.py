"""Dunning of unpaid invoices: reminders once each, penalties and the EUR 40 indemnity on their
own out-of-scope invoice for businesses, a suspension proposal staff decide, paused by a dispute
or a payment plan, resumed when an instalment is missed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent, PaymentMethod, ProvisioningOrder
from telcobill.documents.models import DocumentFile
from telcobill.documents.validation import fatal, validate_cii
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import DunningRecord, Method, PlanStatus
from telcobill.payments.services import ledger, plans
from telcobill.payments.services.disputes import open_dispute
from telcobill.payments.services.dunning import (
    decide_suspension,
    install_default_steps,
    penalty_amounts,
    run_dunning,
)
from telcobill.payments.services.staff import close_dispute
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual


@pytest.fixture(autouse=True)
def _default_steps(db):
    """The migration's steps (a transactional test elsewhere may have flushed them)."""
    install_default_steps()


@pytest.fixture
def business(catalogue, bill):
    account = make_business()  # pays by transfer at 30 days
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    mail.outbox.clear()  # the new-invoice e-mail (e-facture) is not what these tests read
    return account


@pytest.fixture
def individual(catalogue, bill):
    account = make_individual(payment_method=PaymentMethod.TRANSFER)  # due 15 days after issue
    activate_line(account=account, msisdn="0698765432", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    mail.outbox.clear()  # the new-invoice e-mail (e-facture) is not what these tests read
    return account


def records(invoice):
    return list(DunningRecord.objects.filter(invoice=invoice).order_by("step__days", "step__pk")
                .values_list("step__code", "status"))


def test_a_late_business_invoice_is_reminded_charged_penalties_then_proposed_for_suspension(
        business, django_capture_on_commit_callbacks, staff):
    invoice = Invoice.objects.get(billing_account=business)
    assert (invoice.due_date, invoice.total_gross) == (date(2026, 12, 1), Decimal("10.99"))
    assert run_dunning(date(2026, 12, 1)).overdue == 0  # due today: not late yet

    with django_capture_on_commit_callbacks(execute=True):
        report = run_dunning(date(2026, 12, 4))
        assert run_dunning(date(2026, 12, 4)).reminders == []  # run twice: once
    assert report.reminders == [invoice.number]
    [message] = mail.outbox
    assert (message.to, message.subject) == ([business.email], f"Votre facture {invoice.number} reste à régler")
    assert "10,99 €, échue le 01/12/2026" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        report = run_dunning(date(2026, 12, 11))
    [penalty_number] = report.penalties
    penalty = Invoice.objects.get(number=penalty_number)
    # 10.99 € × 12.15 % × 10 days / 365 = 0.0366 → 0.04 €, plus the EUR 40 indemnity; out of VAT scope.
    assert penalty_amounts(Decimal("10.99"), date(2026, 12, 1), date(2026, 12, 11)) == (
        Decimal("0.04"), Decimal("40.00"), 10)
    assert (penalty.total_net, penalty.total_vat, penalty.total_gross) == (
        Decimal("40.04"), Decimal("0.00"), Decimal("40.04"))
    assert list(penalty.lines.values_list("vat_category", "net_amount", "section")) == [
        ("O", Decimal("40.00"), "penalties"), ("O", Decimal("0.04"), "penalties")]
    assert (penalty.seller["vat_number"], penalty.buyer["vat_number"]) == ("", "")  # BR-O-02
    # Its Factur-X XML passes EN 16931, Factur-X and BR-FR with no fatal assert.
    assert fatal(validate_cii(bytes(DocumentFile.objects.get(invoice=penalty).xml))) == []
    assert penalty.lines.first().description == (
        f"Indemnité forfaitaire pour frais de recouvrement — facture {invoice.number}")
    assert ledger.balance(business).balance == Decimal("51.03")
    # The second reminder, and the penalty invoice's own e-mail (the account is paperless).
    assert [m.subject for m in mail.outbox[1:]] == [f"Deuxième relance : facture {invoice.number}",
                                                    f"Telcobill Mobile : votre facture {penalty.number} est disponible"]

    report = run_dunning(date(2026, 12, 31))
    assert (report.proposals, records(invoice)) == ([invoice.number], [
        ("reminder-3", "done"), ("reminder-10", "done"), ("penalty-10", "done"), ("suspension-30", "proposed")])
    proposal = DunningRecord.objects.get(invoice=invoice, step__code="suspension-30")
    with django_capture_on_commit_callbacks(execute=True):
        [order] = decide_suspension(proposal, approve=True, by=staff, note="Aucune réponse aux relances")
    assert (order.action, order.line.msisdn, order.payload) == (
        "suspend", "+33612345678", {"reason": "unpaid", "invoice": invoice.number})
    with pytest.raises(NotAllowed, match="already decided"):
        decide_suspension(proposal, approve=False, by=staff)
    assert AuditEvent.objects.filter(kind="payments.suspension_approved").count() == 1


def test_a_run_that_was_missed_sends_only_the_latest_reminder(individual, django_capture_on_commit_callbacks):
    invoice = Invoice.objects.get(billing_account=individual)
    assert invoice.due_date == date(2026, 11, 16)
    with django_capture_on_commit_callbacks(execute=True):
        report = run_dunning(date(2026, 11, 28))
    assert (report.reminders, report.skipped, report.penalties) == ([invoice.number], 1, [])
    assert records(invoice) == [("reminder-3", "skipped"), ("reminder-10", "done")]  # no penalty for consumers
    assert [m.subject for m in mail.outbox] == [f"Deuxième relance : facture {invoice.number}"]


def test_dunning_waits_while_a_dispute_is_open_and_stops_once_paid(individual, staff):
    invoice = Invoice.objects.get(billing_account=individual)
    dispute = open_dispute(invoice, description="Je n'ai jamais reçu la carte SIM")
    assert run_dunning(date(2026, 11, 28)).overdue == 0
    close_dispute(dispute, outcome="upheld", by=staff, note="Carte SIM livrée le 3/11")
    assert run_dunning(date(2026, 11, 28)).overdue == 1
    ledger.record_payment(individual, amount=Decimal("10.99"), on=date(2026, 12, 1), method=Method.CARD,
                          reference="pi_1", label="Carte")
    assert run_dunning(date(2026, 12, 20)).overdue == 0


def test_a_dispute_found_right_is_credited_and_the_invoice_closed(individual, staff):
    invoice = Invoice.objects.get(billing_account=individual)
    close_dispute(open_dispute(invoice, description="Forfait facturé deux fois"), outcome="credited", by=staff)
    assert invoice.credit_notes.get().total_gross == Decimal("10.99")
    assert ledger.balance(individual) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))


def test_a_payment_plan_holds_dunning_until_an_instalment_is_missed(individual, bill):
    bill("2026-12")
    november, december = Invoice.objects.filter(billing_account=individual).order_by("issue_date")
    on = date(2026, 12, 20)
    with pytest.raises(Invalid, match=r"instalments of 7.32 €: each must be at least 15.00 €; choose fewer"):
        plans.propose(individual, 3, on=on)
    with pytest.raises(Invalid, match=r"7 instalments: at most 6"):
        plans.propose(individual, 7, on=on)
    plan = plans.create_plan(individual, 2, first_on=date(2026, 12, 27), on=on, staff=True)
    assert list(plan.instalments.values_list("due_on", "amount")) == [
        (date(2026, 12, 27), Decimal("10.99")), (date(2027, 1, 27), Decimal("10.99"))]
    with pytest.raises(NotAllowed, match="already has a payment plan"):
        plans.create_plan(individual, 1, on=on, staff=True)
    assert run_dunning(date(2026, 12, 28)).overdue == 0

    ledger.record_payment(individual, amount=Decimal("10.99"), on=date(2026, 12, 27), method=Method.TRANSFER,
                          reference="VIR-1", label="Virement échéance 1")
    paid, states = plans.progress(plan, date(2027, 1, 30))
    assert (paid, [s.state for s in states]) == (Decimal("10.99"), ["paid", "due"])
    assert plans.review_plans(date(2027, 2, 1)) == ([], [])  # within the 5 days of grace
    assert plans.review_plans(date(2027, 2, 2)) == ([], [plan.pk])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.BROKEN

    report = run_dunning(date(2027, 2, 2))
    assert (report.overdue, report.reminders, report.proposals) == (1, [december.number], [december.number])
    assert ledger.open_amounts([november.pk, december.pk]) == {november.pk: Decimal("0.00"),
                                                               december.pk: Decimal("10.99")}


def test_a_penalty_invoice_is_not_collected_by_the_mandate(catalogue, bill, django_capture_on_commit_callbacks):
    from telcobill.payments.models import Collection
    from telcobill.payments.services.mandates import create_mandate

    account = make_business()
    account.payment_method = PaymentMethod.DIRECT_DEBIT
    account.save()
    create_mandate(account, iban="FR7630006000011234567890189", holder="Atelier Dupont SARL",
                   street="14 avenue de la Gare", postcode="33000", city="Bordeaux", channel="paper")
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=account)
    Collection.objects.filter(invoice=invoice).update(status="rejected")  # returned (AM05), mandate kept
    with django_capture_on_commit_callbacks(execute=True):
        [number] = run_dunning(date(2026, 12, 11)).penalties
    penalty = Invoice.objects.get(number=number)
    assert penalty.payment["means_code"] == "58"
    assert not Collection.objects.filter(invoice=penalty).exists()


def test_a_plan_counts_only_what_was_paid_after_it_was_agreed(individual):
    invoice = Invoice.objects.get(billing_account=individual)
    ledger.record_payment(individual, amount=Decimal("6.00"), on=date(2026, 12, 1), method=Method.CARD,
                          reference="pi_part", label="Carte")
    plan = plans.create_plan(individual, 1, first_on=date(2026, 12, 8), on=date(2026, 12, 1), staff=True)
    assert plan.total == Decimal("4.99")
    assert [s.state for s in plans.progress(plan, date(2026, 12, 9))[1]] == ["due"]
    assert plans.review_plans(date(2026, 12, 14)) == ([], [plan.pk])
    assert run_dunning(date(2026, 12, 14)).overdue == 1
    assert ledger.open_amount(invoice) == Decimal("4.99")


def test_a_suspension_is_not_approved_once_the_invoice_is_contested(individual, staff):
    invoice = Invoice.objects.get(billing_account=individual)
    run_dunning(date(2026, 12, 20))
    proposal = DunningRecord.objects.get(invoice=invoice, step__code="suspension-30")
    open_dispute(invoice, description="Montant contesté")
    with pytest.raises(NotAllowed, match=r"no longer in dunning \(contested, under a payment plan"):
        decide_suspension(proposal, approve=True, by=staff)
    assert not ProvisioningOrder.objects.exists()
    decide_suspension(proposal, approve=False, by=staff, note="Contestation en cours")
