"""Two months of an operator's books, for the accounting tests: a consumer and a business billed in
November and December 2026, a credit note, payments by transfer and card, a card payment returned,
a refund of an overpayment and a write-off. Each ledger write happens on its own day (frozen), so
the FEC's validation dates are known.

    consumer  F(Nov) 50.99 = plan 9.16 + VAT 1.83 + indemnity 40.00 (section penalties, out of scope)
              paid 10 Nov (transfer)                                           → settled
              F(Dec) 10.99, paid 5 Dec by card, returned 10 Dec, paid 20.00 on 15 Dec (transfer),
              9.01 refunded 18 Dec                                             → settled, balance 0
    business  F(Nov) 24.00, credit note 12.00 on 20 Nov, paid 12.00 on 25 Nov   → settled
              F(Dec) 24.00, 4.00 written off on 20 Dec                        → 20.00 open, due 31 Dec
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine
from django.db import transaction

from telcobill.billing.models import Charge, Invoice, Section
from telcobill.catalogue.models import Product
from telcobill.customers.models import BillingAccount
from telcobill.payments.models import LedgerEntry
from telcobill.payments.services import ledger
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual


@dataclass
class Story:
    consumer: BillingAccount
    business: BillingAccount
    consumer_nov: Invoice
    consumer_dec: Invoice
    business_nov: Invoice
    business_dec: Invoice
    credit_note: Invoice


@contextmanager
def on_day(day: date):
    """Whatever is written now is written on `day` (its created_at, hence the FEC's ValidDate)."""
    with time_machine.travel(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC), tick=False):
        yield


def pay(account, amount: str, day: date, reference: str, method: str = "transfer", invoice=None) -> LedgerEntry:
    with on_day(day):
        entry, _ = ledger.record_payment(account, amount=Decimal(amount), on=day, method=method, reference=reference,
                                         label=f"Paiement {reference}", invoices=[invoice.pk] if invoice else None)
    return entry


def tell(bill) -> Story:
    consumer = make_individual("Camille Martin")
    activate_line(account=consumer, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    # The section decides the account (7631): this line only exercises that routing.
    Charge.objects.create(billing_account=consumer, product=Product.objects.get(code="indemnite_recouvrement"),
                          section=Section.PENALTIES, description="", charged_on=date(2026, 10, 20))
    business = make_business("Atelier Dupont SARL")
    activate_line(account=business, msisdn="0698765432", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    consumer_nov = Invoice.objects.get(billing_account=consumer, cycle="2026-11")
    business_nov = Invoice.objects.get(billing_account=business, cycle="2026-11")
    pay(consumer, "50.99", date(2026, 11, 10), "VIR-A1", invoice=consumer_nov)
    credit_note = credit_invoice(business_nov.number, reason="Geste commercial", amount_incl_vat=Decimal("12.00"),
                                 now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    pay(business, "12.00", date(2026, 11, 25), "VIR-B1", invoice=business_nov)

    bill("2026-12")
    consumer_dec = Invoice.objects.get(billing_account=consumer, cycle="2026-12")
    business_dec = Invoice.objects.get(billing_account=business, cycle="2026-12")
    card = pay(consumer, "10.99", date(2026, 12, 5), "CARD-1", method="card", invoice=consumer_dec)
    with on_day(date(2026, 12, 10)):
        ledger.reverse_payment(card, on=date(2026, 12, 10), reference="CARD-1-R", label="Paiement contesté")
    pay(consumer, "20.00", date(2026, 12, 15), "VIR-A2", invoice=consumer_dec)
    with on_day(date(2026, 12, 18)), transaction.atomic():
        ledger.refund_entry(consumer.pk, amount=Decimal("9.01"), on=date(2026, 12, 18), method="transfer",
                            reference="RMB-1", label="Remboursement du trop-perçu")
    with on_day(date(2026, 12, 20)):
        ledger.write_off(business_dec, amount=Decimal("4.00"), reason="litige", on=date(2026, 12, 20))
    return Story(consumer, business, consumer_nov, consumer_dec, business_nov, business_dec, credit_note)
