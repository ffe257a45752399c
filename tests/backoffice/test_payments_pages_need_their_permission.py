"""Every payments page is for staff holding its permission: a visitor and a customer are sent to
the admin sign-in, staff without the permission are refused, and nothing changes."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from telcobill.payments.models import Dispute, EntryKind, LedgerEntry, Method, Refund, TransferStatus
from telcobill.payments.services import ledger
from telcobill.payments.services.disputes import open_dispute
from tests.backoffice.recovery import invoices, late_payer, recovery_staff, unmatched_transfer

PAGES = [  # (method, URL name, the permission it needs)
    ("get", "backoffice:transfer_assign", "change_transfer"),
    ("post", "backoffice:transfer_assign", "change_transfer"),
    ("get", "backoffice:dispute_close", "change_dispute"),
    ("post", "backoffice:dispute_close", "change_dispute"),
    ("get", "backoffice:account_refund", "add_refund"),
    ("post", "backoffice:account_refund", "add_refund"),
    ("get", "backoffice:receivables", "view_ledgerentry"),
]
IDS = [f"{method} {name}" for method, name, _ in PAGES]


@pytest.fixture
def data(catalogue, bill, tmp_path):
    account = late_payer(bill)
    [invoice] = invoices(account)
    ledger.record_payment(account, amount=Decimal("20.99"), on=date(2026, 11, 20), method=Method.CARD,
                          reference="pi_1", label="Carte")  # 10,00 € of credit
    return {"account": account, "transfer": unmatched_transfer(tmp_path),
            "dispute": open_dispute(invoice, description="Contesté")}


def call(client, method, name, data):
    args = {"backoffice:transfer_assign": [data["transfer"].pk], "backoffice:dispute_close": [data["dispute"].pk],
            "backoffice:account_refund": [data["account"].number]}.get(name, [])
    form = {"account_number": data["account"].number, "invoice_numbers": "", "outcome": "written_off", "note": "x",
            "amount": "10,00", "method": "transfer", "reason": "x", "iban": "FR7630006000011234567890189"}
    return getattr(client, method)(reverse(name, args=args), form if method == "post" else None)


def nothing_changed(data):
    data["transfer"].refresh_from_db()
    assert data["transfer"].status == TransferStatus.UNMATCHED
    assert Dispute.objects.get().outcome == ""
    assert not Refund.objects.exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login")


@pytest.mark.parametrize(("method", "name", "permission"), PAGES, ids=IDS)
def test_a_visitor_is_sent_to_the_admin_sign_in(client, data, method, name, permission):
    assert sent_to_sign_in(call(client, method, name, data))
    nothing_changed(data)


@pytest.mark.parametrize(("method", "name", "permission"), PAGES, ids=IDS)
def test_a_customer_is_sent_to_the_admin_sign_in(client, holder, data, method, name, permission):
    client.force_login(holder)
    assert sent_to_sign_in(call(client, method, name, data))
    nothing_changed(data)


@pytest.mark.parametrize(("method", "name", "permission"), PAGES, ids=IDS)
def test_staff_of_another_team_are_refused(client, staff, data, method, name, permission):
    client.force_login(staff)  # billing, customers, documents: no payments permission
    assert call(client, method, name, data).status_code == 403
    nothing_changed(data)


@pytest.mark.parametrize(("method", "name", "permission"), PAGES, ids=IDS)
def test_collections_staff_without_that_permission_are_refused(client, data, method, name, permission):
    others = Permission.objects.filter(content_type__app_label="payments").exclude(codename=permission)
    client.force_login(recovery_staff(payments=tuple(others.values_list("codename", flat=True))))
    assert call(client, method, name, data).status_code == 403
    nothing_changed(data)


@pytest.mark.parametrize(("method", "name", "permission"), [p for p in PAGES if p[0] == "get"],
                         ids=[i for i, p in zip(IDS, PAGES, strict=True) if p[0] == "get"])
def test_collections_staff_with_the_permission_open_the_page(client, data, method, name, permission):
    client.force_login(recovery_staff(payments=(permission,)))
    assert call(client, method, name, data).status_code == 200
