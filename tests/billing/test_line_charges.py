"""What each line cost on issued documents (the per-line costs of the customer space and its
export): per document and line, excl. VAT, VAT and incl. VAT; a credit note counts negative."""

from datetime import date
from decimal import Decimal

from telcobill.billing.models import Invoice
from telcobill.billing.services.line_charges import line_charges
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual


def test_each_line_of_a_document_has_its_amounts_and_a_credit_note_counts_negative(catalogue, bill):
    account = make_individual()
    small = activate_line(account=account, msisdn="0611111111", plan_code="PLAN-S", on=date(2026, 11, 1),
                          sim_fee=None)
    large = activate_line(account=account, msisdn="0622222222", plan_code="PLAN-L", on=date(2026, 11, 1),
                          sim_fee=None)
    bill("2026-11")
    november = Invoice.objects.get(billing_account=account, cycle="2026-11")
    note = credit_invoice(november.number, reason="Geste commercial", positions=[2])

    charges = line_charges([november.pk, note.pk])

    assert {key: (c.net, c.vat, c.gross) for key, c in charges.items()} == {
        (november.pk, small.pk): (Decimal("9.16"), Decimal("1.83"), Decimal("10.99")),
        (november.pk, large.pk): (Decimal("16.66"), Decimal("3.33"), Decimal("19.99")),
        (note.pk, large.pk): (Decimal("-16.66"), Decimal("-3.33"), Decimal("-19.99")),
    }
    assert november.total_gross == Decimal("30.98")
