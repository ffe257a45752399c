"""Staff close a dispute on its page: the invoice is due after all, the customer was right (a
credit note for what is open), or what is open is written off; the ledger follows to the cent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.billing.models import DocumentKind, Invoice
from telcobill.customers.models import AuditEvent
from telcobill.payments.models import Dispute, EntryKind, LedgerEntry
from telcobill.payments.services import ledger
from telcobill.payments.services.disputes import open_dispute
from tests.backoffice.recovery import invoices, late_payer, recovery_staff


@pytest.fixture
def dispute(catalogue, bill):
    [invoice] = invoices(late_payer(bill))
    return open_dispute(invoice, description="Forfait facturé alors que la ligne ne marchait pas")


@pytest.fixture
def collector(client, db):
    person = recovery_staff()
    client.force_login(person)
    return person


def page(dispute):
    return reverse("backoffice:dispute_close", args=[dispute.pk])


def test_the_page_shows_the_dispute_and_what_is_open(client, collector, dispute):
    html = client.get(page(dispute)).content.decode()
    assert dispute.invoice.number in html and "Forfait facturé alors que la ligne ne marchait pas" in html
    assert "10,99\u00a0€" in html and "reste dû" in html
    assert 'value="upheld"' in html and 'value="credited"' in html and 'value="written_off"' in html


def test_a_dispute_found_right_is_credited_and_the_account_owes_nothing(client, collector, dispute,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page(dispute), {"outcome": "credited", "note": "Panne réseau du 3 au 9 novembre"})

    assert response.status_code == 302 and response["Location"] == reverse("admin:payments_dispute_changelist")
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.closed_by, dispute.note) == (
        Dispute.Outcome.CREDITED, collector, "Panne réseau du 3 au 9 novembre")
    note = Invoice.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert (note.corrects, note.total_gross, note.reason) == (
        dispute.invoice, Decimal("10.99"), "Contestation fondée : Panne réseau du 3 au 9 novembre")
    assert ledger.balance(dispute.invoice.billing_account) == ledger.Balance(owed=Decimal("0.00"),
                                                                             credit=Decimal("0.00"))
    followed = client.get(response["Location"]).content.decode()
    assert f"Contestation de la facture {dispute.invoice.number} close : Fondée : avoir émis." in followed


def test_what_is_open_is_written_off(client, collector, dispute):
    client.post(page(dispute), {"outcome": "written_off", "note": "Client en liquidation"})
    entry = LedgerEntry.objects.get(kind=EntryKind.WRITE_OFF)
    assert (entry.amount, entry.invoice, entry.created_by) == (Decimal("-10.99"), dispute.invoice, collector)
    assert ledger.open_amount(dispute.invoice) == Decimal("0.00")
    assert AuditEvent.objects.get(kind="payments.dispute_closed").actor == collector


def test_upheld_the_invoice_stays_due(client, collector, dispute):
    client.post(page(dispute), {"outcome": "upheld", "note": ""})
    dispute.refresh_from_db()
    assert dispute.outcome == Dispute.Outcome.UPHELD
    assert ledger.open_amount(dispute.invoice) == Decimal("10.99")


def test_an_outcome_must_be_chosen(client, collector, dispute):
    response = client.post(page(dispute), {"outcome": "", "note": "?"})
    assert response.status_code == 400
    assert "La contestation n'a pas été close" in response.content.decode()
    dispute.refresh_from_db()
    assert dispute.outcome == ""


def test_a_closed_dispute_is_not_closed_again(client, collector, dispute):
    client.post(page(dispute), {"outcome": "upheld"})
    response = client.post(page(dispute), {"outcome": "written_off"})
    assert response["Location"] == reverse("admin:payments_dispute_change", args=[dispute.pk])
    assert not LedgerEntry.objects.filter(kind=EntryKind.WRITE_OFF).exists()
