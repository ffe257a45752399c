"""Importing the bank's answers: pain.002 status reports (rejects before settlement), camt.054
debit/credit notifications and camt.053 statements (settlements and returns).

Every answer is matched to a presentation by its end-to-end identifier and applied once, however
often and however concurrently the file is imported: the file itself is recognised by its
content, and each (kind of answer, presentation) is a unique event. A return is handled by its
reason code (RULES.md): AM04 is presented once more; AC04, AC06, MD01 and MD07 stop the mandate
(the customer must give another means of payment); MD06 and MS02 open a dispute; any other code
leaves the invoice unpaid. An answer about no known presentation is reported, never guessed.
A file that is not one of these is refused whole, with what was expected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.billing.services.numbering import invoice_number_pattern
from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid

from ..models import (
    BankFile,
    Collection,
    CollectionStatus,
    EntryKind,
    LedgerEntry,
    Mandate,
    MandateStatus,
    Method,
    PaymentEvent,
    PaymentEventKind,
    Transfer,
    TransferStatus,
)
from . import ledger
from .disputes import is_contested, open_dispute

RETRY = {"AM04"}
STOP_MANDATE = {"AC04", "AC06", "MD01", "MD07"}
DISPUTE = {"MD06", "MS02"}
ISO = "urn:iso:std:iso:20022:tech:xsd:"


@dataclass(frozen=True)
class Answer:
    kind: str  # paid | rejected | credit (a credit naming no presentation: a transfer, maybe)
    end_to_end_id: str
    booked_on: date
    amount: Decimal | None = None
    reason: str = ""
    reference: str = ""  # the remittance information of a credit
    debtor: str = ""
    bank_ref: str = ""  # the bank's own reference of the entry


@dataclass
class ImportReport:
    name: str
    kind: str
    already_imported: bool = False
    applied: list[str] = field(default_factory=list)  # "F2026-000001 rejected AM04", "F2026-000002 transfer"
    unchanged: int = 0  # answers already applied (another file said it)
    unmatched: list[str] = field(default_factory=list)  # end-to-end ids of no presentation


def read_bank_file(name: str, data: bytes) -> tuple[str, list[Answer]]:
    """The kind of file and its answers, or Invalid naming what is wrong."""
    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        what = error.msg.split(", line")[0]
        raise Invalid(f"{name}: not XML (line {error.lineno}, column {error.offset}: {what}); expected a pain.002, "
                      f"camt.053 or camt.054 file from the bank") from None
    namespace = etree.QName(root).namespace or ""
    for kind in ("pain.002", "camt.053", "camt.054"):
        if namespace.startswith(f"{ISO}{kind}."):
            reader = _pain002 if kind == "pain.002" else _camt
            return kind, reader(name, root, namespace)
    raise Invalid(f"{name}: an XML document in {namespace or 'no namespace'!r}; expected a pain.002, camt.053 or "
                  f"camt.054 file (ISO 20022) from the bank")


def import_bank_file(path: str | Path) -> ImportReport:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise Invalid(f"{path}: cannot be read ({error.strerror})") from None
    kind, answers = read_bank_file(path.name, data)
    report = ImportReport(path.name, kind)
    digest = hashlib.sha256(data).hexdigest()
    try:
        with transaction.atomic():
            bank_file = BankFile.objects.create(sha256=digest, name=path.name[:200], kind=kind, entries=len(answers))
            known = _Known(answers)
            for answer in answers:
                _apply(answer, bank_file, report, known)
    except IntegrityError:
        # The same content was imported before (or is being, concurrently): nothing to do.
        if not BankFile.objects.filter(sha256=digest).exists():
            raise
        report.already_imported = True
        report.applied, report.unmatched, report.unchanged = [], [], 0
    return report


class _Known:
    """What a file's answers refer to, read in three queries: the presentations they name (by
    end-to-end id) with their collections, locked, and the invoices their credits name."""

    def __init__(self, answers: list[Answer]):
        self.pattern = invoice_number_pattern()
        presented = PaymentEvent.objects.filter(
            kind=PaymentEventKind.SUBMITTED, end_to_end_id__in={a.end_to_end_id for a in answers if a.end_to_end_id})
        self.presentations = dict(presented.values_list("end_to_end_id", "collection_id"))
        # Only the collections are locked (PostgreSQL; SQLite's writer lock covers it all).
        self.collections = (Collection.objects.select_for_update(of=("self",)).select_related("invoice")
                            .in_bulk(set(self.presentations.values())))
        numbers = {number for a in answers if a.kind in ("paid", "credit") for number in self.named(a)}
        self.invoices = Invoice.objects.filter(number__in=numbers, status=InvoiceStatus.ISSUED,
                                               kind=DocumentKind.INVOICE).in_bulk(field_name="number")

    def collection(self, answer: Answer) -> Collection | None:
        return self.collections.get(self.presentations.get(answer.end_to_end_id))

    def named(self, answer: Answer) -> set[str]:
        """The invoice numbers a credit's reference names."""
        return set(self.pattern.findall(answer.reference.upper()))


def _apply(answer: Answer, bank_file: BankFile, report: ImportReport, known: _Known) -> None:
    collection = known.collection(answer)
    if collection is None and answer.kind in ("paid", "credit"):
        _transfer(answer, bank_file, report, known)
        return
    if collection is None:
        report.unmatched.append(answer.end_to_end_id)
        return
    kind = PaymentEventKind.PAID if answer.kind == "paid" else PaymentEventKind.REJECTED
    at = timezone.make_aware(datetime.combine(answer.booked_on, time(12)))
    try:
        with transaction.atomic():
            PaymentEvent.objects.create(collection=collection, kind=kind, at=at, end_to_end_id=answer.end_to_end_id,
                                        amount=answer.amount or collection.amount, reason_code=answer.reason,
                                        bank_file=bank_file)
    except IntegrityError:
        report.unchanged += 1  # already applied
        return
    invoice = collection.invoice.number
    if kind == PaymentEventKind.PAID:
        if collection.end_to_end_id == answer.end_to_end_id and collection.status == CollectionStatus.SUBMITTED:
            Collection.objects.filter(pk=collection.pk).update(status=CollectionStatus.PAID)
        ledger.record_payment(collection.invoice.billing_account_id, amount=answer.amount or collection.amount,
                              on=answer.booked_on, method=Method.DIRECT_DEBIT, reference=answer.end_to_end_id,
                              label=f"Prélèvement {invoice}", invoices=[collection.invoice_id], collection=collection)
        report.applied.append(f"{invoice} paid")
        return
    report.applied.append(f"{invoice} rejected {answer.reason or '(no reason)'}")
    # Returned after it was settled: the payment comes off the ledger and the invoice is open again.
    paid = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, method=Method.DIRECT_DEBIT,
                                      reference=answer.end_to_end_id).first()
    if paid:
        ledger.reverse_payment(paid, on=answer.booked_on, reference=answer.end_to_end_id,
                               label=f"Prélèvement {invoice} retourné ({answer.reason or 'sans motif'})")
    _returned(collection, answer, at)


def _transfer(answer: Answer, bank_file: BankFile, report: ImportReport, known: _Known) -> None:
    """A credit that settles no presentation: a transfer, matched to the one issued invoice whose
    number its reference names, or left for staff (several or none named: never guessed)."""
    named = known.named(answer)
    # One number named, of an issued invoice: matched. Several (a payment of several invoices, or
    # a typo beside the right one): staff decide how it is shared.
    invoice = known.invoices.get(next(iter(named))) if len(named) == 1 else None
    bank_ref = answer.bank_ref or hashlib.sha256(
        f"{answer.booked_on}|{answer.amount}|{answer.reference}|{answer.debtor}|{answer.end_to_end_id}".encode()
    ).hexdigest()
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                bank_ref=bank_ref[:70], bank_file=bank_file, booked_on=answer.booked_on,
                amount=answer.amount or Decimal(0), debtor=answer.debtor[:140], reference=answer.reference[:300],
                invoice=invoice, status=TransferStatus.MATCHED if invoice else TransferStatus.UNMATCHED)
    except IntegrityError:
        report.unchanged += 1  # the same entry, from another file
        return
    if invoice and transfer.amount > 0:
        record_transfer(transfer, invoice.billing_account_id, [invoice.pk])
        report.applied.append(f"{invoice.number} transfer")
    else:
        report.unmatched.append(answer.reference or answer.end_to_end_id or f"{answer.amount} EUR")


def record_transfer(transfer: Transfer, account_id: int, invoice_ids: list[int], by=None) -> None:
    """A transfer received, as the account's payment: it settles `invoice_ids` first (matched by
    its reference, or chosen by staff), then the oldest open invoices; the rest is credit."""
    ledger.record_payment(account_id, amount=transfer.amount, on=transfer.booked_on, method=Method.TRANSFER,
                          reference=transfer.bank_ref, label=f"Virement {transfer.debtor}".strip(),
                          invoices=invoice_ids, transfer=transfer, by=by)


def _returned(collection: Collection, answer: Answer, at: datetime) -> None:
    mandate = (Mandate.objects.select_for_update(of=("self",)).select_related("billing_account__customer")
               .get(pk=collection.mandate_id))
    if collection.sequence == "FRST" and not mandate.collections.filter(status=CollectionStatus.PAID).exists():
        # The first presentation failed: the next one is a first one again.
        Mandate.objects.filter(pk=mandate.pk).update(first_collected_on=None)
    if answer.reason in RETRY and collection.attempt == 1:
        again = f"{collection.invoice.number}-2"[:35]
        Collection.objects.filter(pk=collection.pk).update(
            attempt=2, end_to_end_id=again, status=CollectionStatus.PLANNED, batch=None,
            collect_on=answer.booked_on + timedelta(days=settings.PAYMENTS["retry_days"]))
        PaymentEvent.objects.create(collection=collection, kind=PaymentEventKind.RETRY, at=at, end_to_end_id=again,
                                    amount=collection.amount, reason_code=answer.reason)
        return
    if answer.reason in DISPUTE:
        Collection.objects.filter(pk=collection.pk).update(status=CollectionStatus.DISPUTED)
        if not is_contested(collection.invoice):
            open_dispute(collection.invoice, at=at, reason_code=answer.reason,
                         description=f"Prélèvement contesté auprès de la banque ({answer.reason})")
        PaymentEvent.objects.create(collection=collection, kind=PaymentEventKind.DISPUTED, at=at,
                                    end_to_end_id=answer.end_to_end_id, amount=collection.amount,
                                    reason_code=answer.reason)
        return
    Collection.objects.filter(pk=collection.pk).update(status=CollectionStatus.REJECTED)
    if answer.reason in STOP_MANDATE and mandate.status == MandateStatus.ACTIVE:
        Mandate.objects.filter(pk=mandate.pk).update(
            status=MandateStatus.REVOKED, ended_at=at, end_reason=f"{answer.reason}: returned by the bank")
        AuditEvent.objects.create(kind="payments.mandate_stopped", customer=mandate.billing_account.customer,
                                  summary=f"Mandat {mandate.reference} arrêté : retour {answer.reason} "
                                          f"(facture {collection.invoice.number})",
                                  data={"mandate": mandate.reference, "reason": answer.reason})


def _pain002(name: str, root, namespace: str) -> list[Answer]:
    ns = {"p": namespace}
    created = _text(root, ".//p:GrpHdr/p:CreDtTm", ns, name, "a creation date (GrpHdr/CreDtTm)")
    booked_on = _date(created[:10], name, "GrpHdr/CreDtTm")
    answers = []
    for status in root.iterfind(".//p:TxInfAndSts", ns):
        if status.findtext("p:TxSts", namespaces=ns) != "RJCT":
            continue
        e2e = _text(status, "p:OrgnlEndToEndId", ns, name, "OrgnlEndToEndId in each TxInfAndSts")
        reason = status.findtext("p:StsRsnInf/p:Rsn/p:Cd", default="", namespaces=ns)
        amount = status.findtext("p:OrgnlTxRef/p:Amt/p:InstdAmt", namespaces=ns)
        answers.append(Answer("rejected", e2e, booked_on, _amount(amount, name) if amount else None, reason))
    return answers


def _camt(name: str, root, namespace: str) -> list[Answer]:
    ns = {"c": namespace}
    answers = []
    for entry in root.iterfind(".//c:Ntry", ns):
        booked = entry.findtext("c:BookgDt/c:Dt", namespaces=ns) or (entry.findtext("c:BookgDt/c:DtTm",
                                                                                    namespaces=ns) or "")[:10]
        booked_on = _date(booked, name, "Ntry/BookgDt")
        credit = _text(entry, "c:CdtDbtInd", ns, name, "CdtDbtInd (CRDT or DBIT) in each Ntry") == "CRDT"
        entry_ref = entry.findtext("c:AcctSvcrRef", default="", namespaces=ns)
        entry_amount = entry.findtext("c:Amt", namespaces=ns)
        for index, details in enumerate(entry.iterfind("c:NtryDtls/c:TxDtls", ns)):
            e2e = details.findtext("c:Refs/c:EndToEndId", namespaces=ns) or ""
            e2e = "" if e2e == "NOTPROVIDED" else e2e
            amount = (details.findtext("c:Amt", namespaces=ns) or details.findtext("c:AmtDtls/c:TxAmt/c:Amt",
                                                                                   namespaces=ns) or entry_amount)
            amount = _amount(amount, name) if amount else None
            reason = details.findtext("c:RtrInf/c:Rsn/c:Cd", default="", namespaces=ns)
            if credit and not reason:
                texts = [*details.iterfind("c:RmtInf/c:Ustrd", ns), *details.iterfind("c:RmtInf/c:Strd//c:Ref", ns)]
                debtor = (details.findtext("c:RltdPties/c:Dbtr/c:Pty/c:Nm", namespaces=ns)
                          or details.findtext("c:RltdPties/c:Dbtr/c:Nm", default="", namespaces=ns))
                tx_ref = details.findtext("c:Refs/c:AcctSvcrRef", default="", namespaces=ns)
                answers.append(Answer("paid" if e2e else "credit", e2e, booked_on, amount,
                                      reference=" ".join(t.text or "" for t in texts).strip(), debtor=debtor,
                                      bank_ref=tx_ref or (f"{entry_ref}/{index}" if entry_ref else "")))
            elif not credit and e2e:
                answers.append(Answer("rejected", e2e, booked_on, amount, reason))
    return answers


def _text(element, path: str, ns: dict, name: str, expected: str) -> str:
    value = element.findtext(path, namespaces=ns)
    if not value:
        line = getattr(element, "sourceline", "?")
        raise Invalid(f"{name}: line {line}: expected {expected}, found none; the file is refused, nothing imported")
    return value.strip()


def _date(value: str, name: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name}: {where} is {value!r}, expected a date like 2026-11-18; the file is refused, "
                      f"nothing imported") from None


def _amount(value: str, name: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation:
        raise Invalid(f"{name}: amount {value!r} is not a number; the file is refused, nothing imported") from None
