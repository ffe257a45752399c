"""The collections team's admin pages: the dunning queue where suspension proposals are approved or
declined in bulk (one decision per proposal, each reported), the dashboard's "Recouvrement" box,
the ledger's entries with what settles what, payment plans with each instalment's state, the dunning
steps staff configure, disputes open first, the SEPA batches by kind and the mandate as a PDF."""

from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from telcobill.customers.models import AuditEvent, ProvisioningOrder
from telcobill.payments.models import DunningRecord, DunningStatus, DunningStep, EntryKind, LedgerEntry, Method
from telcobill.payments.services import ledger, plans
from telcobill.payments.services.disputes import open_dispute
from telcobill.payments.services.dunning import install_default_steps, run_dunning
from telcobill.payments.services.mandates import create_mandate
from telcobill.payments.services.refunds import refund, send_refunds
from tests.backoffice.recovery import invoices, late_payer, recovery_staff, unmatched_transfer

QUEUE = reverse("admin:payments_dunningrecord_changelist")


@pytest.fixture
def proposals(catalogue, bill):
    """Two customers who did not pay November (due 16/11): proposed for suspension at D+30."""
    install_default_steps()  # a migration's rows, gone when a transactional test flushed the base before
    camille = late_payer(bill, cycles=())
    louis = late_payer(bill, name="Louis Garnier", msisdn="0698765432", cycles=())
    bill("2026-11")
    report = run_dunning(date(2026, 12, 16))
    assert len(report.proposals) == 2
    return {account.name: DunningRecord.objects.get(invoice__billing_account=account, status=DunningStatus.PROPOSED)
            for account in (camille, louis)}


@pytest.fixture
def collector(client, db, time_machine):
    time_machine.move_to(datetime(2026, 12, 18, 9, tzinfo=UTC), tick=False)
    person = recovery_staff()
    client.force_login(person)
    return person


def act(client, action, *records):
    return client.post(QUEUE, {"action": action, "_selected_action": [r.pk for r in records]},
                       follow=True)


def test_the_queue_lists_proposals_to_decide_first_with_what_is_due(client, collector, proposals):
    html = client.get(QUEUE + "?status=proposed").content.decode()
    camille = proposals["Camille Martin"]
    assert camille.invoice.number in html and "Camille Martin" in html
    assert "16/11/2026" in html  # due date
    assert '<td class="field-days_late">32</td>' in html  # late on 18/12, when staff decide
    assert '<td class="field-amount_due_">10,99\u00a0€</td>' in html
    assert '<td class="field-step_">J+30 suspension</td>' in html
    assert html.index("À décider") < html.index("Approuvée") < html.index("Refusée") < html.index("Fait")
    assert "Approuver la suspension" in html and "Refuser la suspension" in html
    assert 'name="_selected_action"' in html
    # The reminders taken are in the journal too, not in the queue.
    reminder = '<td class="field-step_">J+10 relance</td>'
    assert reminder not in html and reminder in client.get(QUEUE).content.decode()


def test_staff_approve_one_suspension_and_decline_another_each_reported(client, collector, proposals):
    camille, louis = proposals["Camille Martin"], proposals["Louis Garnier"]

    approved = act(client, "approve_suspensions", camille)
    declined = act(client, "decline_suspensions", louis)

    [order] = ProvisioningOrder.objects.all()
    assert (order.action, order.line.msisdn, order.created_by, order.payload) == (
        "suspend", "+33612345678", collector, {"reason": "unpaid", "invoice": camille.invoice.number})
    camille.refresh_from_db()
    louis.refresh_from_db()
    assert (camille.status, camille.decided_by, louis.status, louis.decided_by) == (
        DunningStatus.APPROVED, collector, DunningStatus.DECLINED, collector)
    assert (f"{camille.invoice.number} : suspension approuvée, 1 ordre(s) de suspension envoyé(s) au réseau "
            "(+33612345678).") in approved.content.decode()
    assert (f"{louis.invoice.number} : suspension refusée ; les lignes restent actives."
            in declined.content.decode())
    assert list(AuditEvent.objects.filter(kind__startswith="payments.suspension").order_by("pk")
                .values_list("kind", flat=True)) == ["payments.suspension_approved", "payments.suspension_declined"]


def test_a_record_already_decided_is_reported_and_the_others_are_decided(client, collector, proposals):
    camille, louis = proposals["Camille Martin"], proposals["Louis Garnier"]
    act(client, "decline_suspensions", camille)

    page = act(client, "approve_suspensions", camille, louis).content.decode()

    assert (f"{camille.invoice.number} (J+30 Proposition de suspension) : pas une proposition à décider "
            "(Refusée).") in page
    assert f"{louis.invoice.number} : suspension approuvée" in page
    assert ProvisioningOrder.objects.get().line.msisdn == "+33698765432"


def test_an_invoice_paid_since_the_proposal_is_not_suspended(client, collector, proposals):
    camille = proposals["Camille Martin"]
    ledger.record_payment(camille.invoice.billing_account, amount=Decimal("10.99"), on=date(2026, 12, 17),
                          method=Method.CARD, reference="pi_late", label="Carte")
    page = act(client, "approve_suspensions", camille).content.decode()
    assert f"{camille.invoice.number} : {camille.invoice.number} is paid now: nothing to suspend" in page
    assert not ProvisioningOrder.objects.exists()
    camille.refresh_from_db()
    assert camille.status == DunningStatus.PROPOSED


def test_staff_who_may_only_read_the_queue_cannot_decide(client, db, proposals):
    client.force_login(recovery_staff("lecture@operateur.example", payments=("view_dunningrecord",)))
    html = client.get(QUEUE).content.decode()
    assert "Approuver la suspension" not in html
    act(client, "approve_suspensions", proposals["Camille Martin"])
    assert not ProvisioningOrder.objects.exists()
    assert DunningRecord.objects.filter(status=DunningStatus.PROPOSED).count() == 2


def test_the_dashboard_counts_what_waits_for_the_collections_team(client, collector, proposals, tmp_path):
    unmatched_transfer(tmp_path)
    open_dispute(proposals["Louis Garnier"].invoice, description="Je conteste le forfait")
    plans.create_plan(proposals["Camille Martin"].invoice.billing_account, 2, on=date(2026, 12, 18), staff=True,
                      channel="staff")
    html = client.get(reverse("admin:index")).content.decode()
    box = html[html.index('id="recovery-module"'):]
    box = box[:box.index("</table>")]
    assert reverse("backoffice:receivables") in box and "Créances par ancienneté" in box
    for label, count, url in [
            ("Suspensions à décider", 2, QUEUE + "?status=proposed"),
            ("Contestations en cours", 1, reverse("admin:payments_dispute_changelist") + "?etat=open"),
            ("Virements à rapprocher", 1, reverse("admin:payments_transfer_changelist") + "?status__exact=unmatched"),
            ("Échéanciers en cours", 1, reverse("admin:payments_paymentplan_changelist") + "?status__exact=active")]:
        assert f'<a href="{url}">{label}</a></th>\n        <td class="num"><strong>{count}</strong>' in box


def test_the_box_is_not_shown_to_staff_without_payments_permissions(client, staff):
    client.force_login(staff)
    assert 'id="recovery-module"' not in client.get(reverse("admin:index")).content.decode()


def test_the_ledger_lists_entries_and_shows_what_settles_an_invoice(client, collector, catalogue, bill):
    account = late_payer(bill)
    [invoice] = invoices(account)
    payment, _ = ledger.record_payment(account, amount=Decimal("4.00"), on=date(2026, 11, 20), method=Method.CARD,
                                       reference="pi_1", label="Carte bancaire")
    html = client.get(reverse("admin:payments_ledgerentry_changelist")
                      + f"?billing_account__id__exact={account.pk}").content.decode()
    assert "10,99\u00a0€" in html and "-4,00\u00a0€" in html and "Paiement reçu" in html and "pi_1" in html
    entry = LedgerEntry.objects.get(kind=EntryKind.INVOICE)
    detail = client.get(reverse("admin:payments_ledgerentry_change", args=[entry.pk])).content.decode()
    assert "Réglée par" in detail and "20/11/2026 Carte bancaire" in detail and "4,00\u00a0€" in detail
    assert invoice.number in detail
    funds = client.get(reverse("admin:payments_ledgerentry_change", args=[payment.pk])).content.decode()
    assert f"01/11/2026 Facture {invoice.number}" in funds
    assert client.get(reverse("admin:payments_ledgerentry_changelist") + "?q=pi_1").status_code == 200


def test_a_payment_plan_shows_each_instalment_with_what_is_paid(client, collector, catalogue, bill):
    account = late_payer(bill, cycles=("2026-11", "2026-12"))
    plan = plans.create_plan(account, 2, first_on=date(2026, 12, 20), on=date(2026, 12, 18), staff=True,
                             channel="staff", by=collector)
    ledger.record_payment(account, amount=Decimal("15.00"), on=date(2026, 12, 18), method=Method.TRANSFER,
                          reference="VIR-9", label="Virement")
    html = client.get(reverse("admin:payments_paymentplan_change", args=[plan.pk])).content.decode()
    # 21,98 € in two: 10,99 + 10,99; 15,00 paid covers the first and 4,01 of the second.
    assert "21,98\u00a0€" in html and "15,00\u00a0€" in html
    rows = html[html.index("Échéances"):]
    assert rows.index("20/12/2026") < rows.index("Payée") < rows.index("20/01/2027") < rows.index("4,01\u00a0€")
    assert "Payée en partie" in rows
    listing = client.get(reverse("admin:payments_paymentplan_changelist")).content.decode()
    assert "En cours" in listing and '<td class="field-instalment_count">2</td>' in listing


def test_staff_change_a_dunning_step_and_the_change_is_audited(client, collector):
    install_default_steps()
    step = DunningStep.objects.get(code="reminder-3")
    url = reverse("admin:payments_dunningstep_change", args=[step.pk])
    response = client.post(url, {"code": "reminder-3", "days": "5", "action": "reminder", "audience": "all",
                                 "subject": step.subject, "body": step.body, "active": "on"})
    assert response.status_code == 302
    step.refresh_from_db()
    assert step.days == 5
    event = AuditEvent.objects.get(kind="payments.dunning_step_changed")
    assert (event.actor, event.data) == (collector, {"step": "reminder-3", "fields": ["days"]})


def test_disputes_are_listed_open_first_each_with_its_closing_page(client, collector, proposals):
    first = open_dispute(proposals["Camille Martin"].invoice, description="Forfait facturé deux fois")
    second = open_dispute(proposals["Louis Garnier"].invoice, description="Carte SIM jamais reçue")
    client.post(reverse("backoffice:dispute_close", args=[second.pk]), {"outcome": "upheld", "note": "Livrée"})
    html = client.get(reverse("admin:payments_dispute_changelist")).content.decode()
    assert html.index("Forfait facturé deux fois") < html.index("Carte SIM jamais reçue")
    assert reverse("backoffice:dispute_close", args=[first.pk]) in html
    assert reverse("backoffice:dispute_close", args=[second.pk]) not in html
    assert "Facture due : relance reprise" in html


def test_batches_say_their_kind_and_download_by_kind(client, collector, catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = late_payer(bill)
    ledger.record_payment(account, amount=Decimal("20.99"), on=date(2026, 11, 20), method=Method.TRANSFER,
                          reference="VIR-1", label="Virement")
    refund(account, amount=Decimal("10.00"), method=Method.TRANSFER, reason="Trop-perçu",
           iban="FR7630006000011234567890189")
    batch = send_refunds(date(2026, 12, 1))
    html = client.get(reverse("admin:payments_collectionbatch_changelist")).content.decode()
    assert "Remboursements (pain.001)" in html and "pain.001 (XML)" in html
    response = client.get(reverse("admin:payments_collectionbatch_file", args=[batch.pk]))
    assert b"pain.001.001.09" in b"".join(response.streaming_content)


def test_the_mandate_form_downloads_as_a_pdf_for_staff_who_may_see_mandates(client, collector, catalogue):
    from tests.factories import make_individual

    mandate = create_mandate(make_individual(), iban="FR7630006000011234567890189", holder="Camille Martin",
                             street="8 rue des Lilas", postcode="69003", city="Lyon", channel="paper")
    url = reverse("admin:payments_mandate_pdf", args=[mandate.pk])
    assert url in client.get(reverse("admin:payments_mandate_changelist")).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{mandate.reference}.pdf"'
    assert response.content.startswith(b"%PDF")

    client.force_login(recovery_staff("support@operateur.example", payments=("view_transfer",)))
    assert client.get(url).status_code == 403
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and urlparse(anonymous["Location"]).path == reverse("admin:login")
