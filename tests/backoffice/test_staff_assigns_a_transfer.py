"""Staff assign a transfer whose reference named no single invoice: to a billing account, paying
the invoices they name in that order (or the oldest first); the rest is credit on the account."""

from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.customers.models import AuditEvent
from telcobill.payments.models import EntryKind, LedgerEntry, TransferStatus
from telcobill.payments.services import ledger
from tests.backoffice.recovery import invoices, late_payer, recovery_staff, unmatched_transfer


@pytest.fixture
def account(catalogue, bill):
    return late_payer(bill, cycles=("2026-11", "2026-12"))  # two invoices of 10,99 €


@pytest.fixture
def collector(client, db):
    person = recovery_staff()
    client.force_login(person)
    return person


def page(transfer):
    return reverse("backoffice:transfer_assign", args=[transfer.pk])


def test_the_queue_links_each_unmatched_transfer_to_its_page(client, collector, account, tmp_path):
    transfer = unmatched_transfer(tmp_path)
    html = client.get(reverse("admin:payments_transfer_changelist") + "?status__exact=unmatched").content.decode()
    assert f'href="{page(transfer)}"' in html and "Affecter…" in html and "25,00\u00a0€" in html


def test_once_the_account_is_known_the_page_shows_its_open_invoices(client, collector, account, tmp_path):
    transfer = unmatched_transfer(tmp_path)
    november, december = invoices(account)
    response = client.post(page(transfer), {"account_number": account.number, "invoice_numbers": "",
                                            "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert november.number in html and december.number in html
    assert "Reste dû sur le compte" in html and "21,98\u00a0€" in html
    transfer.refresh_from_db()  # shown, not assigned
    assert transfer.status == TransferStatus.UNMATCHED and not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT)


def test_a_transfer_pays_the_invoices_named_in_that_order_and_the_ledger_says_so(client, collector, account,
                                                                                  tmp_path):
    transfer = unmatched_transfer(tmp_path, amount="15.00")
    november, december = invoices(account)

    response = client.post(page(transfer), {"account_number": account.number.lower(),
                                            "invoice_numbers": f"{december.number}, {november.number}"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payments_transfer_changelist") + "?status__exact=unmatched"
    transfer.refresh_from_db()
    assert (transfer.status, transfer.invoice) == (TransferStatus.MATCHED, december)
    # December is paid in full first (10,99), November gets the 4,01 left: 6,98 still owed.
    assert ledger.open_amounts([november.pk, december.pk]) == {november.pk: Decimal("6.98"),
                                                               december.pk: Decimal("0.00")}
    assert ledger.balance(account) == ledger.Balance(owed=Decimal("6.98"), credit=Decimal("0.00"))
    entry = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    assert (entry.amount, entry.method, entry.reference, entry.transfer, entry.created_by) == (
        Decimal("-15.00"), "transfer", "B2/0", transfer, collector)
    assert AuditEvent.objects.get(kind="payments.transfer_assigned").actor == collector
    followed = client.get(response["Location"]).content.decode()
    assert (f"Virement de 15,00\u00a0€ affecté au compte {account.number} : {december.number}, {november.number}. "
            "Solde du compte : 6,98\u00a0€.") in followed


def test_a_transfer_naming_no_invoice_pays_the_oldest_and_leaves_credit(client, collector, account, tmp_path):
    transfer = unmatched_transfer(tmp_path, amount="25.00")
    client.post(page(transfer), {"account_number": account.number, "invoice_numbers": ""})
    # 25,00 − 2 × 10,99 = 3,02 of credit, for the next invoice.
    assert ledger.balance(account) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("3.02"))
    assert ledger.balance(account).balance == Decimal("-3.02")


def test_the_reference_suggests_the_account_and_invoices_it_names(client, collector, account, tmp_path):
    november, december = invoices(account)
    transfer = unmatched_transfer(tmp_path, reference=f"{november.number} et {december.number}")
    html = client.get(page(transfer)).content.decode()
    assert f'value="{account.number}"' in html and f'value="{november.number} {december.number}"' in html
    assert "Factures ouvertes du compte" in html
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.UNMATCHED  # a suggestion, never applied by itself


def test_an_unknown_account_or_invoice_is_said_next_to_its_field_and_nothing_is_recorded(client, collector, account,
                                                                                         tmp_path):
    transfer = unmatched_transfer(tmp_path)
    response = client.post(page(transfer), {"account_number": "A999999", "invoice_numbers": "F2099-000001"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Aucun compte de facturation n° A999999 : vérifiez le numéro." in html
    assert "Facture inconnue : F2099-000001." in html
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_an_invoice_of_another_account_is_refused_by_the_use_case(client, collector, account, bill, tmp_path):
    other = late_payer(bill, name="Louis Garnier", msisdn="0698765432", cycles=())
    transfer = unmatched_transfer(tmp_path)
    response = client.post(page(transfer), {"account_number": other.number,
                                            "invoice_numbers": invoices(account)[0].number})
    assert response.status_code == 400
    assert f"{invoices(account)[0].number} not billed to account {other.number}" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.UNMATCHED
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_a_matched_transfer_is_not_assigned_again(client, collector, account, tmp_path):
    transfer = unmatched_transfer(tmp_path)
    client.post(page(transfer), {"account_number": account.number, "invoice_numbers": ""})
    response = client.post(page(transfer), {"account_number": account.number, "invoice_numbers": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payments_transfer_change", args=[transfer.pk])
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1
