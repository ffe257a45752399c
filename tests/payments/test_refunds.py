"""Refunds of a customer's credit: by SEPA credit transfer in a pain.001.001.09 batch valid
against the ISO 20022 schema, each refund in one batch; refused beyond the credit; a refund that
fails comes back as credit."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from lxml import etree

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid
from telcobill.payments.models import Method, Refund, RefundStatus
from telcobill.payments.services import ledger, pain
from telcobill.payments.services.collections import batch_file
from telcobill.payments.services.refunds import refund, refund_failed, send_refunds
from telcobill.workflows.lines import activate_line
from tests.factories import make_business

NS = {"p": pain.PAIN_001}


@pytest.fixture
def overpaid(catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_business()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    invoice = Invoice.objects.get(billing_account=account)
    # Paid twice: by transfer, and again by a second transfer the next week.
    for reference, day in (("VIR-1", 20), ("VIR-2", 27)):
        ledger.record_payment(account, amount=Decimal("10.99"), on=date(2026, 11, day), method=Method.TRANSFER,
                              reference=reference, label="Virement", invoices=[invoice.pk])
    return account


def test_a_double_payment_is_refunded_by_transfer_in_a_valid_pain001(overpaid, staff):
    assert ledger.balance(overpaid) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("10.99"))
    with pytest.raises(Invalid, match=r"refund of 11.00 €: the account's credit is 10.99 €; refund at most that"):
        refund(overpaid, amount=Decimal("11.00"), method=Method.TRANSFER, reason="Double paiement", by=staff,
               iban="FR7630006000011234567890189")
    with pytest.raises(Invalid, match=r"IBAN 'FR76300': "):
        refund(overpaid, amount=Decimal("10.99"), method=Method.TRANSFER, reason="Double paiement", iban="FR76300")
    done = refund(overpaid, amount=Decimal("10.99"), method=Method.TRANSFER, reason="Double paiement novembre",
                  by=staff, iban="DE89 3704 0044 0532 0130 00", holder="Atelier Dupont SARL")
    assert (done.status, done.end_to_end_id, done.bic) == (
        RefundStatus.PLANNED, f"RB-{overpaid.number}-001", "COBADEFFXXX")
    assert ledger.balance(overpaid) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))
    assert AuditEvent.objects.filter(kind="payments.refund").count() == 1

    batch = send_refunds(date(2026, 12, 1), now=datetime(2026, 11, 30, 18, tzinfo=UTC))
    assert send_refunds(date(2026, 12, 1)) is None  # each refund in one batch
    xml = batch_file(batch).read_bytes()
    pain.validate(xml, "pain.001.001.09")
    document = etree.fromstring(xml)
    assert [document.findtext(f".//p:{tag}", namespaces=NS) for tag in (
        "NbOfTxs", "CtrlSum", "ReqdExctnDt/p:Dt", "EndToEndId", "InstdAmt", "Cdtr/p:Nm", "CdtrAcct/p:Id/p:IBAN",
        "DbtrAcct/p:Id/p:IBAN")] == [
        "1", "10.99", "2026-12-01", done.end_to_end_id, "10.99", "Atelier Dupont SARL", "DE89370400440532013000",
        "FR7630006000011234567890189"]
    assert (batch.kind, batch.count, batch.total) == ("pain.001", 1, Decimal("10.99"))
    assert Refund.objects.get().status == RefundStatus.SENT

    refund_failed(done, reason="Compte clôturé (AC04)", by=staff)
    assert ledger.balance(overpaid) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("10.99"))


def test_a_refund_by_card_needs_a_card_payment(overpaid):
    with pytest.raises(Invalid, match=r"no card payment of account A\d+ can take a refund of 5.00 €; refund by "):
        refund(overpaid, amount=Decimal("5.00"), method=Method.CARD, reason="Geste")
    with pytest.raises(Invalid, match=r"has no mandate: give the IBAN"):
        refund(overpaid, amount=Decimal("5.00"), method=Method.TRANSFER, reason="Geste")
