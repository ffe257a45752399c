from datetime import date
from decimal import Decimal

from telcobill.billing.models import DocumentKind, InvoiceStatus
from telcobill.workflows.lines import activate_line
from tests.billing.conftest import document, lines_of
from tests.factories import make_individual


def test_it_bills_the_days_since_activation_then_the_month_in_advance(catalogue, bill):
    account = make_individual()
    bill("2026-10")  # nothing to bill yet
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 10, 10))

    bill("2026-11")

    doc = document(account, "2026-11")
    assert doc.kind == DocumentKind.INVOICE and doc.status == InvoiceStatus.ISSUED
    assert doc.number == "F2026-000001"
    assert doc.issue_date == date(2026, 11, 1)
    assert lines_of(doc) == [
        ("Forfait S (prorata 22 jours)", "22", "0.295430", "6.50"),
        ("Forfait S", "1", "9.158333", "9.16"),
        ("Carte SIM", "1", "8.333333", "8.33"),
    ]
    assert (doc.total_net, doc.total_vat, doc.total_gross) == (Decimal("23.99"), Decimal("4.80"), Decimal("28.79"))
    first, second, sim = doc.lines.order_by("position")
    assert (first.period_start, first.period_end) == (date(2026, 10, 10), date(2026, 10, 31))
    assert (second.period_start, second.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert first.msisdn == "+33612345678"


def test_it_does_not_bill_an_account_without_lines(catalogue, bill):
    account = make_individual()
    bill("2026-11")
    assert not account.invoices.exists()
