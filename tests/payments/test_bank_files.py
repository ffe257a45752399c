"""The bank's answers, applied once: the story invoice → collection → return AM04 → presented
again → paid, under frozen time; the same file imported twice; a stopped mandate; malformed files."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid
from telcobill.payments.models import (
    Collection,
    CollectionStatus,
    Dispute,
    Mandate,
    MandateStatus,
    PaymentEvent,
    Transfer,
    TransferStatus,
)
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import batch_file, collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"


def camt054(*entries: tuple[str, str, str, str, str]) -> bytes:
    """Entries (CRDT | DBIT, booking date, end-to-end id, amount, return reason or "")."""
    body = "".join(f"""
      <Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{booked}</Dt></BookgDt><BkTxCd/>
        <NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs><Amt Ccy="EUR">{amount}</Amt>
          {f'<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>' if reason else ''}</TxDtls></NtryDtls></Ntry>"""
                   for side, booked, e2e, amount, reason in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{CAMT}"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>N1</MsgId><CreDtTm>2026-11-18T07:00:00</CreDtTm>
</GrpHdr><Ntfctn><Id>1</Id>{body}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>""".encode()


@pytest.fixture
def issued(catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="web")
    bill("2026-11")
    return account


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def on(day: int):
    """Time frozen on a November evening, as a nightly job would run."""
    return time_machine.travel(datetime(2026, 11, day, 18, tzinfo=UTC), tick=False)


def test_a_debit_returned_for_insufficient_funds_is_presented_again_then_paid(issued, tmp_path):
    with on(14):
        first = collect(date(2026, 11, 15))
    number = Collection.objects.get().invoice.number
    returned = write(tmp_path, "retour.xml", camt054(("DBIT", "2026-11-18", number, "10.99", "AM04")))

    with on(18):
        report = import_bank_file(returned)
        assert report.applied == [f"{number} rejected AM04"]
        assert import_bank_file(returned).already_imported  # the same file again: nothing changes
    again = Collection.objects.get()
    # Presented once more 7 days after the return, as a first collection again (the first failed).
    assert (again.status, again.attempt, again.end_to_end_id, again.collect_on) == (
        CollectionStatus.PLANNED, 2, f"{number}-2", date(2026, 11, 25))

    with on(24):
        assert collect(date(2026, 11, 24)) is None  # not due before the 25th
        second = collect(date(2026, 11, 25))
    assert second.message_id != first.message_id
    assert b"<SeqTp>FRST</SeqTp>" in batch_file(second).read_bytes()
    assert f"<EndToEndId>{number}-2</EndToEndId>".encode() in batch_file(second).read_bytes()
    with on(25):
        paid = write(tmp_path, "avis.xml", camt054(("CRDT", "2026-11-25", f"{number}-2", "10.99", "")))
        assert import_bank_file(paid).applied == [f"{number} paid"]
    with on(26):
        # The first return, reported again in another file, is not applied twice; an unknown
        # credit is left for staff, not guessed.
        late = write(tmp_path, "releve.xml", camt054(("DBIT", "2026-11-18", number, "10.99", "AM04"),
                                                     ("CRDT", "2026-11-26", "UNKNOWN-1", "5.00", "")))
        report = import_bank_file(late)
    assert (report.applied, report.unchanged, report.unmatched) == ([], 1, ["UNKNOWN-1"])

    assert Collection.objects.get().status == CollectionStatus.PAID
    assert list(PaymentEvent.objects.values_list("kind", "end_to_end_id", "reason_code", "amount")) == [
        ("submitted", number, "", Decimal("10.99")), ("rejected", number, "AM04", Decimal("10.99")),
        ("retry", f"{number}-2", "AM04", Decimal("10.99")), ("submitted", f"{number}-2", "", Decimal("10.99")),
        ("paid", f"{number}-2", "", Decimal("10.99"))]


def test_a_closed_account_stops_the_mandate_and_a_refund_request_opens_a_dispute(issued, tmp_path):
    collect(date(2026, 11, 15))
    number = Collection.objects.get().invoice.number
    import_bank_file(write(tmp_path, "r.xml", camt054(("DBIT", "2026-11-18", number, "10.99", "AC04"))))

    assert Collection.objects.get().status == CollectionStatus.REJECTED
    mandate = Mandate.objects.get()
    assert (mandate.status, mandate.end_reason) == (MandateStatus.REVOKED, "AC04: returned by the bank")


def test_malformed_bank_files_are_refused_whole(issued, tmp_path):
    collect(date(2026, 11, 15))
    number = Collection.objects.get().invoice.number
    with pytest.raises(Invalid, match=r"a.xml: not XML \(line 1, column 15: Couldn't find end of Start Tag oops"):
        import_bank_file(write(tmp_path, "a.xml", b"<Document><oops"))
    with pytest.raises(Invalid, match=r"in 'urn:iso:std:iso:20022:tech:xsd:pain.008.001.08'; expected a pain.002"):
        import_bank_file(batch_file(Collection.objects.get().batch))
    broken = camt054(("DBIT", "18/11/2026", number, "10.99", "AM04"))
    with pytest.raises(Invalid, match=r"Ntry/BookgDt is '18/11/2026', expected a date like 2026-11-18"):
        import_bank_file(write(tmp_path, "b.xml", broken))
    assert PaymentEvent.objects.filter(kind="rejected").count() == 0
    assert Collection.objects.get().status == CollectionStatus.SUBMITTED


def test_the_command_reports_each_file_and_exits_2_on_a_refused_one(issued, tmp_path, capsys):
    collect(date(2026, 11, 15))
    number = Collection.objects.get().invoice.number
    good = write(tmp_path, "r.xml", camt054(("DBIT", "2026-11-18", number, "10.99", "MD06")))
    bad = write(tmp_path, "x.xml", b"not xml")
    with pytest.raises(CommandError) as refusal:
        call_command("bank", "import", str(good), str(bad))
    assert (refusal.value.returncode, str(refusal.value)) == (2, "1 file(s) refused")
    out = capsys.readouterr().out
    assert "r.xml (camt.054): 1 applied, 0 already known, 0 matching no presentation" in out
    assert f"{number} rejected MD06" in out
    assert Collection.objects.get().status == CollectionStatus.DISPUTED
    # The bank's dispute is opened like a customer's: dunning waits, and it is audited (no actor).
    [dispute] = Dispute.objects.all()
    assert (dispute.invoice.number, dispute.reason_code, dispute.description) == (
        number, "MD06", "Prélèvement contesté auprès de la banque (MD06)")
    [audit] = AuditEvent.objects.filter(kind="payments.dispute_opened")
    assert (audit.actor, audit.data) == (None, {"invoice": number, "reason_code": "MD06"})


def credit(booked: str, amount: str, reference: str, debtor: str, bank_ref: str) -> str:
    return f"""
      <Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{booked}</Dt></BookgDt><AcctSvcrRef>{bank_ref}</AcctSvcrRef><BkTxCd/>
        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">{amount}</Amt>
          <RltdPties><Dbtr><Pty><Nm>{debtor}</Nm></Pty></Dbtr></RltdPties>
          <RmtInf><Ustrd>{reference}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""


def statement(*entries: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>S1</MsgId>
<CreDtTm>2026-11-20T07:00:00</CreDtTm></GrpHdr><Stmt><Id>1</Id>{''.join(entries)}</Stmt></BkToCstmrStmt>
</Document>""".encode()


def test_a_transfer_naming_its_invoice_is_matched_and_the_others_wait_for_staff(catalogue, bill, tmp_path):
    account = make_business()
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    number = Invoice.objects.get(billing_account=account).number
    path = write(tmp_path, "releve.xml", statement(
        credit("2026-11-20", "13.19", f"Reglement facture {number} merci", "ATELIER DUPONT", "B1"),
        credit("2026-11-20", "50.00", "facture de novembre", "M DURAND", "B2"),
        credit("2026-11-21", "20.00", f"{number} et F2099-000001", "X", "B3")))

    report = import_bank_file(path)
    assert report.applied == [f"{number} transfer"]
    assert report.unmatched == ["facture de novembre", f"{number} et F2099-000001"]
    matched = Transfer.objects.get(status=TransferStatus.MATCHED)
    assert (matched.invoice.number, matched.amount, matched.debtor, matched.booked_on) == (
        number, Decimal("13.19"), "ATELIER DUPONT", date(2026, 11, 20))
    assert Transfer.objects.filter(status=TransferStatus.UNMATCHED, invoice=None).count() == 2
    # The same entries in another file (a notification, then the statement): applied once.
    again = write(tmp_path, "avis.xml", statement(
        credit("2026-11-20", "13.19", f"Reglement facture {number} merci", "ATELIER DUPONT", "B1")).replace(
        b"<MsgId>S1</MsgId>", b"<MsgId>S2</MsgId>"))
    assert (import_bank_file(again).applied, Transfer.objects.count()) == ([], 3)
