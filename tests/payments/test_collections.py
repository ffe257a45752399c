"""Mandates and SEPA collections: an invoice issued for a debit-paying account is collected once,
in a pain.008.001.08 file valid against the ISO 20022 schema, FRST then RCUR."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from lxml import etree

from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid
from telcobill.payments.models import Collection, CollectionBatch, Mandate, MandateStatus
from telcobill.payments.services import pain
from telcobill.payments.services.collections import batch_file, collect, plan_collections
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

NS = {"p": pain.PAIN_008}


@pytest.fixture
def account(catalogue):
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban="FR76 3000 6000 0112 3456 7890 189", holder="Camille Martin",
                   street="8 rue des Lilas", postcode="69003", city="Lyon", channel="web")
    return account


def test_a_mandate_checks_the_iban_finds_the_bank_and_replaces_the_previous_one(account):
    with pytest.raises(Invalid, match=r"IBAN 'FR7630006000011234567890188': Invalid checksum digits"):
        create_mandate(account, iban="FR7630006000011234567890188", holder="Camille Martin", street="", postcode="",
                       city="Lyon", channel="web")
    second = create_mandate(account, iban="DE89370400440532013000", holder="Camille Martin", street="8 rue des Lilas",
                            postcode="69003", city="Lyon", channel="app")

    first = Mandate.objects.exclude(pk=second.pk).get(billing_account=account)
    assert (first.status, first.bic) == (MandateStatus.REVOKED, "AGRIFRPPXXX")
    assert (second.status, second.reference, second.iban, second.bic) == (
        MandateStatus.ACTIVE, f"TB-{account.number}-002", "DE89370400440532013000", "COBADEFFXXX")
    account.refresh_from_db()
    assert (account.debit_iban, account.mandate_reference) == ("DE89370400440532013000", second.reference)
    assert AuditEvent.objects.filter(kind="payments.mandate_created").count() == 2


def test_an_invoice_is_collected_once_first_then_recurrent_in_a_valid_pain008(account, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path}
    bill("2026-11")
    planned = Collection.objects.get()  # planned when the invoice was issued
    assert plan_collections() == 0
    # Issued on 1 November, due on the 15th: the 14-day pre-notification is met on the due date.
    assert (planned.invoice.due_date, planned.collect_on, planned.amount) == (
        date(2026, 11, 15), date(2026, 11, 15), Decimal("10.99"))

    assert collect(date(2026, 11, 14)) is None  # not due yet
    first = collect(date(2026, 11, 15))
    assert collect(date(2026, 11, 15)) is None  # run again: nothing new
    xml = batch_file(first).read_bytes()
    pain.validate(xml)
    document = etree.fromstring(xml)
    assert document.findtext(".//p:SeqTp", namespaces=NS) == "FRST"
    assert document.findtext(".//p:InstdAmt", namespaces=NS) == "10.99"
    assert document.findtext(".//p:MndtId", namespaces=NS) == f"TB-{account.number}-001"
    assert document.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == settings.OPERATOR[
        "creditor_identifier"]
    assert document.findtext(".//p:Dbtr/p:PstlAdr/p:TwnNm", namespaces=NS) == "Lyon"

    bill("2026-12")
    second = collect(date(2026, 12, 31))
    document = etree.fromstring(batch_file(second).read_bytes())
    assert [e.text for e in document.iterfind(".//p:SeqTp", namespaces=NS)] == ["RCUR"]
    assert CollectionBatch.objects.count() == 2
    assert sorted(Collection.objects.values_list("batch__message_id", "sequence")) == sorted(
        [(first.message_id, "FRST"), (second.message_id, "RCUR")])


def test_the_command_writes_the_batch_and_says_when_there_is_nothing(account, bill, settings, tmp_path, capsys):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    bill("2026-11")
    out = tmp_path / "batch.xml"
    call_command("sepa", "collect", "--date", "2026-11-20", "-o", str(out))
    pain.validate(out.read_bytes())
    assert "1 debits, EUR 10.99, for 2026-11-20" in capsys.readouterr().out
    call_command("sepa", "collect", "--date", "2026-11-20")
    assert "Nothing to collect by 2026-11-20" in capsys.readouterr().out


def test_a_file_that_breaks_the_schema_is_refused_with_its_line():
    creditor = pain.Creditor("Op", "FR7630006000011234567890189", "AGRIFRPP", "FR72ZZZ123456", "", "", "Paris", "FR")
    debit = pain.Debit("E2E-1", Decimal("1.00"), "M" * 36, date(2026, 1, 1), "X", "", "", "Paris", "FR",
                       "FR7630006000011234567890189", "AGRIFRPPXXX", "Facture 1")
    xml = pain.pain008("MSG1", __import__("datetime").datetime(2026, 11, 20, 8), date(2026, 11, 20), creditor,
                       {"FRST": [debit]})
    with pytest.raises(Invalid, match=r"does not follow the ISO 20022 schema: line \d+: .*MndtId"):
        pain.validate(xml)


def test_the_collection_is_on_the_date_the_invoice_printed(account, bill, settings):
    settings.BILLING = {**settings.BILLING, "direct_debit_days": 20}
    bill("2026-11")
    collection = Collection.objects.get()
    assert collection.invoice.payment["collection_date"] == "2026-11-21"
    assert collection.collect_on == date(2026, 11, 21)


def test_a_printed_date_sooner_than_the_notice_is_refused_at_start_up(settings):
    from telcobill.checks import check_direct_debit_notice

    assert check_direct_debit_notice(None) == []
    settings.BILLING = {**settings.BILLING, "direct_debit_days": 7}
    [error] = check_direct_debit_notice(None)
    assert (error.id, error.msg) == ("telcobill.E006", "TELCOBILL_DIRECT_DEBIT_DAYS=7 is shorter than "
                                     "TELCOBILL_SEPA_PRENOTIFICATION_DAYS=14: invoices would print a collection "
                                     "date sooner than the notice allows")


def test_a_mandate_unused_for_36_months_lapses(account, capsys):
    from datetime import UTC, datetime

    from telcobill.payments.services.mandates import lapse_unused_mandates

    Mandate.objects.update(signed_at=datetime(2023, 11, 10, 9, tzinfo=UTC))
    assert lapse_unused_mandates(date(2026, 11, 10)) == []  # 36 months to the day: still valid
    Mandate.objects.update(last_collected_on=date(2023, 11, 9))
    call_command("sepa", "lapse")  # today, 28 November 2026 or later
    assert f"1 mandate(s) lapsed after 36 months unused: TB-{account.number}-001" in capsys.readouterr().out
    mandate = Mandate.objects.get()
    assert (mandate.status, mandate.end_reason) == (MandateStatus.LAPSED, "unused since 2023-11-09")
    assert AuditEvent.objects.filter(kind="payments.mandate_lapsed").count() == 1


def test_a_debit_planned_under_a_replaced_mandate_is_presented_under_the_new_one(account, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path}
    bill("2026-11")
    new = create_mandate(account, iban="DE89370400440532013000", holder="Camille Martin", street="8 rue des Lilas",
                         postcode="69003", city="Lyon", channel="web")
    document = etree.fromstring(batch_file(collect(date(2026, 11, 15))).read_bytes())
    assert (document.findtext(".//p:MndtId", namespaces=NS), document.findtext(".//p:DbtrAcct/p:Id/p:IBAN",
                                                                                namespaces=NS)) == (
        new.reference, "DE89370400440532013000")


def test_a_debit_whose_mandate_was_stopped_is_cancelled_not_presented(account, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path}
    bill("2026-11")
    Mandate.objects.update(status=MandateStatus.REVOKED)  # stopped by the bank (AC04 on another debit)
    assert collect(date(2026, 11, 15)) is None
    assert Collection.objects.get().status == "cancelled"
