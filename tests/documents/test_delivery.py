"""Delivery to a plateforme agréée through the file exchange: deposit after the bill run, the
platform's status files read back (each once), refusals in the staff queue with what to do, the
"Encaissée" status reported by the operator when the ledger says paid, bad status files set aside
with a clear error while the good ones are recorded."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from facturx import get_xml_from_pdf
from lxml import etree

from telcobill.billing.models import Invoice
from telcobill.documents.models import Delivery, DeliveryState, LifecycleEvent, Platform
from telcobill.documents.services import delivery as deliveries
from telcobill.errors import NotAllowed
from telcobill.payments.services import ledger
from telcobill.workflows.einvoicing import report_paid, sync
from telcobill.workflows.lines import activate_line
from tests.factories import make_business


def _status(platform, name, **body):
    folder = Path(platform.exchange_dir) / "statuses"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(body), encoding="utf-8")


def _events(invoice):
    return [(e.status, e.by_operator, e.reason_code) for e in LifecycleEvent.objects.filter(delivery__invoice=invoice)]


def test_the_bill_run_deposits_business_documents_only_in_the_syntax_each_account_chose(delivered, platform):
    outbox = Path(platform.exchange_dir) / "outbox"
    company, ubl = delivered["company"], delivered["ubl"]
    assert sorted(p.name for p in outbox.iterdir()) == sorted([f"{company.number}.pdf", f"{ubl.number}.xml"])
    # Factur-X: the PDF carries the CII as issued; UBL: an Invoice document of the same number.
    _, cii = get_xml_from_pdf((outbox / f"{company.number}.pdf").read_bytes(), check_xsd=False)
    assert f"<ram:ID>{company.number}</ram:ID>".encode() in cii
    root = etree.fromstring((outbox / f"{ubl.number}.xml").read_bytes())
    assert etree.QName(root).localname == "Invoice"
    assert root.findtext("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID") == ubl.number
    # Consumers are e-reported, a buyer established abroad is not routed through a French platform.
    assert not Delivery.objects.filter(invoice__in=[delivered["person"], delivered["abroad"]]).exists()
    delivery = Delivery.objects.get(invoice=company)
    assert (delivery.state, delivery.status, delivery.attempts, delivery.routing_scheme,
            delivery.routing_address) == ("deposited", "200", 1, "0225", "443061841")
    assert _events(company) == [("200", True, "")]


def test_statuses_are_read_back_once_and_the_last_one_decides(delivered, platform):
    company = delivered["company"]
    for code, hour in [("201", 9), ("202", 10), ("203", 11), ("205", 15)]:
        _status(platform, f"st-{code}.json", message_id=f"PA-{code}", document=company.number, status=code,
                at=f"2026-11-02T{hour:02d}:00:00+01:00")
    run = deliveries.read_statuses()
    assert (run.recorded, run.duplicates, run.problems) == (4, 0, [])
    delivery = Delivery.objects.get(invoice=company)
    assert (delivery.state, delivery.status) == (DeliveryState.DONE, "205")
    assert delivery.status_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    statuses = Path(platform.exchange_dir) / "statuses"
    assert sorted(p.name for p in (statuses / "processed").iterdir()) == [
        "st-201.json", "st-202.json", "st-203.json", "st-205.json"]
    # The platform sends the same message again: recorded once.
    _status(platform, "again.json", message_id="PA-203", document=company.number, status="203",
            at="2026-11-02T11:00:00+01:00")
    assert (deliveries.read_statuses().recorded, LifecycleEvent.objects.filter(delivery=delivery).count()) == (0, 5)


def test_a_refusal_waits_in_the_staff_queue_with_its_reason_and_is_deposited_again(delivered, platform):
    company = delivered["company"]
    _status(platform, "refus.json", message_id="PA-9", document=company.number, status="210",
            at="2026-11-03T08:30:00+01:00", reason_code="ROUTAGE_ERR",
            reason="Adresse électronique inconnue de l'annuaire")
    deliveries.read_statuses()
    [queued] = deliveries.refused_queue()
    assert queued.invoice == company
    assert queued.problem == "ROUTAGE_ERR — Adresse électronique inconnue de l'annuaire"
    assert deliveries.what_to_do(queued) == ("Adresse électronique inconnue de l'annuaire : le client vérifie "
                                             "son inscription à l'annuaire, puis déposez à nouveau ; si l'adresse "
                                             "de la facture est fausse, corrigez le compte et émettez un avoir et "
                                             "une nouvelle facture.")
    again = deliveries.redeposit(queued, by="sam@operator", now=datetime(2026, 11, 3, 10, tzinfo=UTC))
    assert (again.state, again.attempts, again.handled_by, again.handling_note) == (
        "deposited", 2, "sam@operator", "déposée à nouveau")
    assert list(deliveries.refused_queue()) == []
    assert _events(company) == [("200", True, ""), ("210", False, "ROUTAGE_ERR"), ("200", True, "")]
    # Refused again later: back in the queue, the earlier handling forgotten.
    _status(platform, "refus2.json", message_id="PA-10", document=company.number, status="213",
            at="2026-11-03T11:00:00+01:00", reason_code="NON_CONFORME", reason="Fichier illisible")
    deliveries.read_statuses()
    [queued] = deliveries.refused_queue()
    assert (queued.handled_by, queued.problem) == ("", "NON_CONFORME — Fichier illisible")
    deliveries.mark_handled(queued, by="sam@operator", note="avoir AV2026-000001 émis")
    assert list(deliveries.refused_queue()) == []


def test_bad_status_files_are_set_aside_with_what_is_wrong_and_the_good_ones_kept(delivered, platform):
    company = delivered["company"]
    _status(platform, "a-good.json", message_id="PA-1", document=company.number, status="202",
            at="2026-11-02T09:00:00+01:00")
    _status(platform, "b-nostatus.json", message_id="PA-2", document=company.number, at="2026-11-02T09:00:00+01:00")
    _status(platform, "c-code.json", message_id="PA-3", document=company.number, status="299",
            at="2026-11-02T09:00:00+01:00")
    _status(platform, "d-unknown.json", message_id="PA-4", document="F2026-999999", status="202",
            at="2026-11-02T09:00:00+01:00")
    _status(platform, "e-refusal.json", message_id="PA-5", document=company.number, status="210",
            at="2026-11-02T09:00:00+01:00")
    (Path(platform.exchange_dir) / "statuses" / "f-garbage.json").write_bytes(b"\xff{")
    run = deliveries.read_statuses()
    assert run.recorded == 1
    assert run.problems == [
        "b-nostatus.json: field 'status' is missing or empty (expected text)",
        "c-code.json: field 'status' is '299', expected a lifecycle code from 200 to 213",
        "d-unknown.json: field 'document' is 'F2026-999999', which was not deposited on platform pa-test",
        "e-refusal.json: a refusal (status 210) must give 'reason' or 'reason_code'",
        run.problems[4],
    ]
    assert run.problems[4].startswith("f-garbage.json: not a JSON object")
    rejected = Path(platform.exchange_dir) / "statuses" / "rejected"
    assert (rejected / "c-code.json.error.txt").read_text() == (
        "c-code.json: field 'status' is '299', expected a lifecycle code from 200 to 213\n")
    assert sorted(p.name for p in rejected.iterdir() if p.suffix == ".json") == [
        "b-nostatus.json", "c-code.json", "d-unknown.json", "e-refusal.json", "f-garbage.json"]
    assert Delivery.objects.get(invoice=company).status == "202"


def test_the_operator_reports_encaissee_when_the_ledger_says_paid(delivered, platform):
    company = delivered["company"]
    assert report_paid() == 0  # not paid yet
    ledger.record_payment(company.billing_account, amount=company.total_gross - Decimal("0.01"),
                          on=date(2026, 11, 20), method="transfer", reference="VIR-1", label="Virement")
    assert report_paid() == 0  # a cent is still due
    ledger.record_payment(company.billing_account, amount=Decimal("0.01"), on=date(2026, 11, 24),
                          method="transfer", reference="VIR-2", label="Virement")
    assert report_paid(now=datetime(2026, 11, 28, tzinfo=UTC)) == 1
    assert report_paid(now=datetime(2026, 11, 28, tzinfo=UTC)) == 0  # once
    delivery = Delivery.objects.get(invoice=company)
    assert (delivery.state, delivery.status, delivery.status_at) == (
        "paid", "212", datetime(2026, 11, 24, 12, tzinfo=UTC))
    sent = json.loads((Path(platform.exchange_dir) / "outbox" / f"{company.number}.212.json").read_text())
    assert sent == {"message_id": f"telcobill-{company.number}-212", "document": company.number, "status": "212",
                    "at": "2026-11-24T12:00:00+00:00", "reason_code": "", "reason": "",
                    "amount": f"{company.total_gross:.2f}"}
    assert LifecycleEvent.objects.get(delivery=delivery, status="212").amount == company.total_gross
    # The buyer's approval, dated after the payment, arrives late: the document stays collected.
    _status(platform, "late.json", message_id="PA-77", document=company.number, status="205",
            at="2026-11-26T10:00:00+01:00")
    deliveries.read_statuses()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.status) == ("paid", "205")


def test_an_invoice_settled_by_a_credit_note_collected_nothing_no_encaissee(delivered, platform):
    from telcobill.workflows.credit_note import credit_invoice

    company = delivered["company"]
    credit_invoice(company.number, reason="Geste commercial")  # the whole invoice credited
    assert ledger.open_amount(company) == 0
    assert report_paid() == 0
    assert not LifecycleEvent.objects.filter(status="212").exists()


def test_a_refusal_about_the_document_itself_is_not_deposited_again(delivered, platform):
    company = delivered["company"]
    _status(platform, "refus.json", message_id="PA-9", document=company.number, status="210",
            at="2026-11-03T08:30:00+01:00", reason_code="SIRET_ERR", reason="SIRET inconnu")
    deliveries.read_statuses()
    [queued] = deliveries.refused_queue()
    with pytest.raises(NotAllowed, match="SIRET erroné : corrigez-le sur le compte, puis émettez un avoir"):
        deliveries.redeposit(queued, by="sam")
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == ("refused", 1)


def test_a_delivery_is_deposited_once_even_when_two_workers_ask(delivered, platform):
    """The second worker finds the delivery claimed (a conditional UPDATE) and deposits nothing."""
    invoice = delivered["company"]
    delivery = Delivery.objects.get(invoice=invoice)
    Delivery.objects.filter(pk=delivery.pk).update(state="pending")
    stale = Delivery.objects.get(pk=delivery.pk)  # what a second worker read before the first claimed it
    assert deliveries.deposit(Delivery.objects.get(pk=delivery.pk)) is not None
    assert deliveries.deposit(stale) is None
    assert Delivery.objects.get(pk=delivery.pk).attempts == 2


def test_documents_issued_before_e_invoicing_began_are_not_delivered(catalogue, bill, settings, tmp_path):
    """A first platform set up later: the business documents since the start date go, not the history."""
    company = make_business("Menuiserie Atlantique SAS")
    activate_line(account=company, msisdn="0698765432", plan_code="PRO", on=date(2026, 10, 1))
    bill("2026-11")  # no platform yet: nothing delivered
    invoice = Invoice.objects.get(billing_account=company)
    Platform.objects.create(code="pa-test", name="PA de test", exchange_dir=str(tmp_path / "pa"), is_default=True)
    settings.EINVOICING = {**settings.EINVOICING, "since": date(2026, 11, 2)}
    assert deliveries.pending_business_documents() == []
    assert deliveries.prepare_deliveries([invoice.pk]) == 0
    settings.EINVOICING = {**settings.EINVOICING, "since": date(2026, 9, 1)}
    assert deliveries.pending_business_documents() == [invoice.pk]
    assert sync().deposited == 1



def test_the_cli_syncs_lists_the_queue_and_prints_a_timeline(delivered, platform):
    company = delivered["company"]
    _status(platform, "refus.json", message_id="PA-9", document=company.number, status="210",
            at="2026-11-03T08:30:00+01:00", reason_code="DOUBLON", reason="Déjà reçue")
    out = StringIO()
    call_command("einvoicing", "sync", stdout=out)
    assert out.getvalue() == ("prepared 0, deposited 0, statuses recorded 1 (already known 0), "
                              "reported paid 0\n")
    out = StringIO()
    call_command("einvoicing", "queue", stdout=out)
    assert out.getvalue() == (
        f"{company.number}  Refusée ou rejetée  DOUBLON — Déjà reçue\n"
        "    → Doublon signalé par la plateforme : vérifiez qu'elle a bien la facture, rien d'autre à faire.\n"
        "1 document(s) to handle\n")
    call_command("einvoicing", "handled", company.number, "--by", "sam", "--note", "vérifié avec la PA",
                 stdout=StringIO())
    out = StringIO()
    call_command("einvoicing", "timeline", company.number, stdout=out)
    assert out.getvalue() == ("2026-11-01 07:00  200 Déposée  (operator)\n"  # Paris time
                              "2026-11-03 08:30  210 Refusée  (pa-test) — DOUBLON Déjà reçue\n")


def test_the_cli_adds_a_platform_and_makes_it_the_only_default(platform, tmp_path):
    out = StringIO()
    call_command("einvoicing", "platform", "pa-2", "--name", "Seconde PA", "--dir", str(tmp_path / "pa2"),
                 "--default", stdout=out)
    folder = tmp_path / "pa2"
    assert out.getvalue() == f"added pa-2: outbox {folder / 'outbox'}, statuses {folder / 'statuses'}\n"
    assert list(Platform.objects.filter(is_default=True).values_list("code", flat=True)) == ["pa-2"]
    assert deliveries.default_platform().code == "pa-2"
