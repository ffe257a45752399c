"""Where people see e-invoices: staff find refused documents on the dashboard and in the queue with
what to do, write what they did (audited) or deposit again; the business customer reads the lifecycle
on the invoice page and through the app API, and downloads the UBL."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from lxml import etree

from telcobill.billing.admin.money import euros
from telcobill.customers.models import AuditEvent, BillingAccount, Person, Role
from telcobill.documents.models import Delivery, LifecycleEvent
from telcobill.documents.services import delivery as deliveries
from telcobill.documents.services.print_batch import build_print_batch
from tests.portal.personas import PASSWORD, person

UBL = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


@pytest.fixture
def refused(delivered, platform):
    company = delivered["company"]
    folder = Path(platform.exchange_dir) / "statuses"
    folder.mkdir(parents=True, exist_ok=True)
    for code, at, extra in [("202", "2026-11-02T09:00:00+01:00", {}),
                            ("210", "2026-11-03T08:30:00+01:00",
                             {"reason_code": "ROUTAGE_ERR", "reason": "Adresse inconnue de l'annuaire"})]:
        (folder / f"{code}.json").write_text(json.dumps(
            {"message_id": f"PA-{code}", "document": company.number, "status": code, "at": at, **extra}))
    deliveries.read_statuses()
    return company


@pytest.fixture
def staff(client, db):
    agent = Person.objects.create_user("facturation@telcobill.invalid", "a-long-password-123", is_staff=True)
    agent.user_permissions.set(Permission.objects.filter(
        content_type__app_label="documents",
        codename__in=["view_delivery", "change_delivery", "view_lifecycleevent", "view_ereport", "view_printbatch",
                      "change_printbatch", "view_archiveentry"]))
    client.force_login(agent)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace("&#x27;", "'")


def test_the_dashboard_counts_the_refused_documents_and_the_queue_says_what_to_do(staff, refused):
    page = _text(staff.get(reverse("admin:index")))
    assert "Facturation électronique" in page
    assert "Factures électroniques refusées, à traiter 1" in page
    assert "Factures électroniques à déposer 0" in page
    queue = _text(staff.get(reverse("admin:documents_delivery_changelist") + "?queue=refused"))
    assert f"{refused.number} Menuiserie Atlantique SAS PA de test Factur-X Refusée ou rejetée" \
           in queue
    assert "ROUTAGE_ERR — Adresse inconnue de l'annuaire" in queue
    delivery = Delivery.objects.get(invoice=refused)
    detail = _text(staff.get(reverse("admin:documents_delivery_change", args=[delivery.pk])))
    assert ("Adresse électronique inconnue de l'annuaire : le client vérifie son inscription à l'annuaire, puis "
            "déposez à nouveau ; si l'adresse de la facture est fausse, corrigez le compte et émettez un avoir et une "
            "nouvelle facture.") in detail
    assert "Reçue par la plateforme" in detail and "Déposée" in detail


def test_staff_write_what_they_did_and_the_document_leaves_the_queue_audited(staff, refused):
    delivery = Delivery.objects.get(invoice=refused)
    response = staff.post(reverse("admin:documents_delivery_change", args=[delivery.pk]),
                          {"handling_note": "Adresse corrigée avec le client, redéposée demain",
                           "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "3", "events-MIN_NUM_FORMS": "0",
                           "events-MAX_NUM_FORMS": "1000"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.handled_by, delivery.handling_note) == (
        "facturation@telcobill.invalid", "Adresse corrigée avec le client, redéposée demain")
    assert list(deliveries.refused_queue()) == []
    event = AuditEvent.objects.get(kind="einvoice.refusal_handled")
    assert event.summary == f"{refused.number}: Adresse corrigée avec le client, redéposée demain"


def test_staff_deposit_a_refused_document_again_from_the_list(staff, refused, platform):
    delivery = Delivery.objects.get(invoice=refused)
    response = staff.post(reverse("admin:documents_delivery_changelist"),
                          {"action": "deposit_again", "_selected_action": [delivery.pk]}, follow=True)
    assert f"Déposées à nouveau : {refused.number}" in _text(response)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("deposited", 2)
    assert AuditEvent.objects.filter(kind="einvoice.redeposited").count() == 1


def test_the_business_customer_reads_the_lifecycle_and_downloads_the_ubl(client, refused, delivered):
    holder = person("direction@menuiserie-atlantique.example", refused.billing_account.customer, Role.HOLDER)
    client.force_login(holder)
    page = _text(client.get(reverse("portal:invoice", args=[refused.number])))
    assert "Facture électronique Transmise via PA de test, au format Factur-X (PDF avec XML CII)." \
           in page
    assert "Adresse de réception : 443061841." in page
    assert re.search(r"Déposée 1 novembre 2026, 0?7:00 Reçue par la plateforme 2 novembre 2026, 0?9:00 "
                     r"Refusée 3 novembre 2026, 0?8:30 Motif : Adresse inconnue de l'annuaire", page), page
    ubl = client.get(reverse("portal:invoice_ubl", args=[refused.number]))
    assert ubl["Content-Disposition"] == f'attachment; filename="facture-{refused.number}-2026-11-01.ubl.xml"'
    assert etree.fromstring(ubl.content).findtext(f"{UBL}ID") == refused.number
    # An individual's invoice does not travel through a platform: no such section.
    individual = person("lea.dubois@example.org", delivered["person"].billing_account.customer, Role.HOLDER)
    client.force_login(individual)
    assert "Facture électronique" not in _text(client.get(reverse("portal:invoice", args=[delivered["person"].number])))


def test_the_app_api_gives_the_lifecycle(client, refused):
    person("direction@menuiserie-atlantique.example", refused.billing_account.customer, Role.HOLDER)
    token = client.post("/api/v1/app/token", {"identifier": "direction@menuiserie-atlantique.example",
                                              "password": PASSWORD, "device": "Pixel 8"},
                        content_type="application/json").json()["token"]
    detail = client.get(f"/api/v1/app/invoices/{refused.number}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["einvoice"]["platform"] == "PA de test"
    assert detail["einvoice"]["state"] == "refused"
    assert [(e["status"], e["label"], e["reason"]) for e in detail["einvoice"]["events"]] == [
        ("200", "Déposée", ""), ("202", "Reçue par la plateforme", ""),
        ("210", "Refusée", "Adresse inconnue de l'annuaire")]
    assert LifecycleEvent.objects.filter(delivery__invoice=refused).count() == 3


def test_staff_read_the_e_reporting_and_hand_a_print_batch_to_the_mail_house(staff, delivered):
    from telcobill.documents.models import EReport, PrintBatch
    from telcobill.workflows.ereporting import produce_due

    [report] = produce_due(date(2026, 11, 11))  # 1-10 November: Léa's invoice
    page = _text(staff.get(reverse("admin:documents_ereport_change", args=[report.pk])))
    invoice = delivered["person"]
    net, vat = euros(invoice.total_net).replace("\xa0", " "), euros(invoice.total_vat).replace("\xa0", " ")
    assert f"Documents : 1 Total HT : {net} TVA : {vat}" in page
    assert f"S 20.00 % {net} {vat} 1" in page
    download = staff.get(reverse("backoffice:ereport_file", args=[report.pk]))
    assert download.content == (settings.EINVOICING["dir"] / "ereporting" / report.file_name).read_bytes()

    BillingAccount.objects.filter(pk=invoice.billing_account_id).update(paperless=False)
    build_print_batch("2026-11")
    batch = PrintBatch.objects.get(cycle="2026-11")
    staff.post(reverse("admin:documents_printbatch_changelist"),
               {"action": "hand_over", "_selected_action": [batch.pk]}, follow=True)
    batch.refresh_from_db()
    assert batch.sent_by == "facturation@telcobill.invalid" and batch.sent_at is not None
    assert EReport.objects.count() == 1


def test_another_customer_sees_neither_the_document_nor_its_lifecycle(client, refused, delivered):
    stranger = person("direction@cabinet-durand.example", delivered["ubl"].billing_account.customer, Role.HOLDER)
    client.force_login(stranger)
    for route in ("portal:invoice", "portal:invoice_ubl", "portal:invoice_pdf", "portal:invoice_xml"):
        assert client.get(reverse(route, args=[refused.number])).status_code == 404
    client.logout()
    token = client.post("/api/v1/app/token", {"identifier": "direction@cabinet-durand.example", "password": PASSWORD,
                                              "device": "Pixel 8"}, content_type="application/json").json()["token"]
    for path in (f"/invoices/{refused.number}", f"/invoices/{refused.number}/ubl"):
        assert client.get(f"/api/v1/app{path}", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
    # Their own document, and its lifecycle, they do see.
    own = delivered["ubl"]
    detail = client.get(f"/api/v1/app/invoices/{own.number}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [e["status"] for e in detail["einvoice"]["events"]] == ["200"]
