"""Payments in the back office: staff with the payments permissions list mandates, collections
and batches and download a batch's pain.008; anybody else is turned away."""

from datetime import date
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from telcobill.customers.models import Person
from telcobill.payments.models import CollectionBatch
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual


@pytest.fixture
def batch(catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="web")
    bill("2026-11")
    return collect(date(2026, 11, 15))


def _staff(email, *codenames):
    person = Person.objects.create_user(email, "a-long-password-123", is_staff=True)
    person.user_permissions.set(Permission.objects.filter(content_type__app_label="payments",
                                                          codename__in=codenames))
    return person


def test_staff_list_payments_and_download_a_batch(client, batch):
    client.force_login(_staff("compta@telcobill.invalid", "view_mandate", "view_collection", "view_collectionbatch",
                              "view_bankfile", "view_transfer"))
    for name in ("mandate", "collection", "collectionbatch", "bankfile", "transfer"):
        assert client.get(reverse(f"admin:payments_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:payments_collectionbatch_changelist")).content.decode()
    assert batch.message_id in page and "10,99" in page
    response = client.get(reverse("admin:payments_collectionbatch_file", args=[batch.pk]))
    assert response.status_code == 200
    assert b"<SeqTp>FRST</SeqTp>" in b"".join(response.streaming_content)
    assert response["Content-Disposition"] == f'attachment; filename="{batch.message_id}.xml"'


def test_a_batch_file_is_for_staff_with_the_permission_only(client, batch):
    url = reverse("admin:payments_collectionbatch_file", args=[batch.pk])
    response = client.get(url)  # a stranger
    assert response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login")
    client.force_login(_staff("support@telcobill.invalid", "view_mandate"))
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:payments_collectionbatch_changelist")).status_code == 403
    assert CollectionBatch.objects.count() == 1
