"""The stranger persona: nobody but staff reaches a back-office page, whatever the method."""

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from telcobill.billing.models import BillRun, BillRunStatus

NUMBER = "F2026-000001"
PAGES = [
    ("get", "backoffice:index", []),
    ("get", "backoffice:billrun_list", []),
    ("post", "backoffice:billrun_start", []),
    ("get", "backoffice:billrun_detail", ["2026-11"]),
    ("post", "backoffice:billrun_hold", ["2026-11"]),
    ("post", "backoffice:billrun_release", ["2026-11"]),
    ("post", "backoffice:billrun_approve", ["2026-11"]),
    ("get", "backoffice:document_pdf", [NUMBER]),
    ("get", "backoffice:document_xml", [NUMBER]),
    ("get", "backoffice:document_ubl", [NUMBER]),
    ("get", "backoffice:ereport_file", [1]),
    ("get", "backoffice:print_batch_file", ["2026-11", "pdf"]),
    ("get", "admin:documents_delivery_changelist", []),
    ("get", "admin:documents_ereport_changelist", []),
    ("get", "backoffice:credit_note", [NUMBER]),
    ("post", "backoffice:credit_note", [NUMBER]),
    ("get", "backoffice:line_suspend", []),
    ("post", "backoffice:line_terminate", []),
    ("get", "admin:billing_invoice_changelist", []),
]
ACTION_DATA = {"cycle": "2026-12", "mode": "real", "account_number": "A000001", "reason": "x", "generation": "1",
               "scope": "whole", "ids": "1", "last_day": "2026-11-30"}


def _call(client, method, name, args):
    return getattr(client, method)(reverse(name, args=args), ACTION_DATA if method == "post" else None)


def _sent_to_admin_login(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login")


@pytest.mark.parametrize(("method", "name", "args"), PAGES, ids=[f"{m} {n}" for m, n, _ in PAGES])
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, invoice, method, name, args):
    assert _sent_to_admin_login(_call(client, method, name, args))


@pytest.mark.parametrize(("method", "name", "args"), PAGES, ids=[f"{m} {n}" for m, n, _ in PAGES])
def test_a_customer_who_is_not_staff_is_sent_to_the_admin_login(client, holder, invoice, method, name, args):
    client.force_login(holder)
    assert _sent_to_admin_login(_call(client, method, name, args))


def test_strangers_change_nothing(client, holder, invoice):
    run = BillRun.objects.get(cycle="2026-11")
    for persona in (None, holder):
        client.logout()
        if persona:
            client.force_login(persona)
        for method, name, args in PAGES:
            _call(client, method, name, args)

    assert list(BillRun.objects.values_list("cycle", flat=True)) == ["2026-11", "2026-10"]
    run.refresh_from_db()
    assert run.status == BillRunStatus.ISSUED
    assert not invoice.credit_notes.exists()


def test_staff_without_the_billing_permissions_is_refused(client, django_user_model, invoice):
    newcomer = django_user_model.objects.create_user("stagiaire@operateur.example", "x" * 12, is_staff=True)
    client.force_login(newcomer)

    assert client.get(reverse("backoffice:billrun_list")).status_code == 403
    assert client.post(reverse("backoffice:billrun_start"), ACTION_DATA).status_code == 403
    assert client.get(reverse("backoffice:document_pdf", args=[NUMBER])).status_code == 403
    assert client.get(reverse("backoffice:document_ubl", args=[NUMBER])).status_code == 403
    assert client.get(reverse("backoffice:ereport_file", args=[1])).status_code == 403
    assert client.get(reverse("backoffice:print_batch_file", args=["2026-11", "manifest"])).status_code == 403
    assert client.get(reverse("backoffice:credit_note", args=[NUMBER])).status_code == 403
    assert client.get(reverse("backoffice:line_terminate")).status_code == 403
    assert not BillRun.objects.filter(cycle="2026-12").exists()
