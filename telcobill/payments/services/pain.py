"""ISO 20022 payment initiation files: pain.008.001.08 (SEPA Core direct debit) and
pain.001.001.09 (SEPA credit transfer, for refunds), written with lxml and validated against the
official XSDs (in ../schemas) before anyone gets them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from telcobill.errors import Invalid

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
PAIN_008 = "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"
PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"


@dataclass(frozen=True, slots=True)
class Debit:
    end_to_end_id: str
    amount: Decimal
    mandate_reference: str
    signed_on: date
    debtor: str
    street: str
    postcode: str
    city: str
    country: str
    iban: str
    bic: str
    remittance: str  # the invoice number


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    end_to_end_id: str
    amount: Decimal
    creditor: str  # the customer paid back
    iban: str
    bic: str
    remittance: str


@dataclass(frozen=True)
class Creditor:
    name: str
    iban: str
    bic: str
    identifier: str  # ICS
    street: str
    postcode: str
    city: str
    country: str


def pain008(message_id: str, created_at: datetime, collect_on: date, creditor: Creditor,
            groups: dict[str, list[Debit]]) -> bytes:
    """The pain.008 document: one payment information block per sequence type (FRST, RCUR)."""
    nsmap = {None: PAIN_008}
    document = etree.Element(f"{{{PAIN_008}}}Document", nsmap=nsmap)
    root = _sub(document, "CstmrDrctDbtInitn")
    everything = [debit for debits in groups.values() for debit in debits]
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "NbOfTxs", str(len(everything)))
    _sub(header, "CtrlSum", _money(sum((d.amount for d in everything), Decimal(0))))
    _sub(_sub(header, "InitgPty"), "Nm", creditor.name[:140])
    for sequence, debits in groups.items():
        if not debits:
            continue
        block = _sub(root, "PmtInf")
        _sub(block, "PmtInfId", f"{message_id}-{sequence}"[:35])
        _sub(block, "PmtMtd", "DD")
        _sub(block, "NbOfTxs", str(len(debits)))
        _sub(block, "CtrlSum", _money(sum((d.amount for d in debits), Decimal(0))))
        kind = _sub(block, "PmtTpInf")
        _sub(_sub(kind, "SvcLvl"), "Cd", "SEPA")
        _sub(_sub(kind, "LclInstrm"), "Cd", "CORE")
        _sub(kind, "SeqTp", sequence)
        _sub(block, "ReqdColltnDt", collect_on.isoformat())
        party = _sub(block, "Cdtr")
        _sub(party, "Nm", creditor.name[:140])
        _address(party, creditor.street, creditor.postcode, creditor.city, creditor.country)
        _sub(_sub(_sub(block, "CdtrAcct"), "Id"), "IBAN", creditor.iban)
        _sub(_sub(_sub(block, "CdtrAgt"), "FinInstnId"), "BICFI", creditor.bic)
        _sub(block, "ChrgBr", "SLEV")
        scheme = _sub(_sub(_sub(block, "CdtrSchmeId"), "Id"), "PrvtId")
        other = _sub(scheme, "Othr")
        _sub(other, "Id", creditor.identifier)
        _sub(_sub(other, "SchmeNm"), "Prtry", "SEPA")
        for debit in debits:
            tx = _sub(block, "DrctDbtTxInf")
            _sub(_sub(tx, "PmtId"), "EndToEndId", debit.end_to_end_id)
            amount = _sub(tx, "InstdAmt", _money(debit.amount))
            amount.set("Ccy", "EUR")
            mandate = _sub(_sub(tx, "DrctDbtTx"), "MndtRltdInf")
            _sub(mandate, "MndtId", debit.mandate_reference)
            _sub(mandate, "DtOfSgntr", debit.signed_on.isoformat())
            _sub(_sub(_sub(tx, "DbtrAgt"), "FinInstnId"), "BICFI", debit.bic)
            debtor = _sub(tx, "Dbtr")
            _sub(debtor, "Nm", debit.debtor[:140])
            _address(debtor, debit.street, debit.postcode, debit.city, debit.country)
            _sub(_sub(_sub(tx, "DbtrAcct"), "Id"), "IBAN", debit.iban)
            _sub(_sub(tx, "RmtInf"), "Ustrd", debit.remittance[:140])
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def pain001(message_id: str, created_at: datetime, execute_on: date, debtor: Creditor,
            transfers: list[CreditTransfer]) -> bytes:
    """The pain.001 document: the operator (debtor here) pays each customer back."""
    document = etree.Element(f"{{{PAIN_001}}}Document", nsmap={None: PAIN_001})
    root = _sub(document, "CstmrCdtTrfInitn")
    total = _money(sum((t.amount for t in transfers), Decimal(0)))
    header = _sub(root, "GrpHdr")
    _sub(header, "MsgId", message_id)
    _sub(header, "CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", total)
    _sub(_sub(header, "InitgPty"), "Nm", debtor.name[:140])
    block = _sub(root, "PmtInf")
    _sub(block, "PmtInfId", f"{message_id}-TRF"[:35])
    _sub(block, "PmtMtd", "TRF")
    _sub(block, "NbOfTxs", str(len(transfers)))
    _sub(block, "CtrlSum", total)
    _sub(_sub(_sub(block, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _sub(_sub(block, "ReqdExctnDt"), "Dt", execute_on.isoformat())
    party = _sub(block, "Dbtr")
    _sub(party, "Nm", debtor.name[:140])
    _address(party, debtor.street, debtor.postcode, debtor.city, debtor.country)
    _sub(_sub(_sub(block, "DbtrAcct"), "Id"), "IBAN", debtor.iban)
    _sub(_sub(_sub(block, "DbtrAgt"), "FinInstnId"), "BICFI", debtor.bic)
    _sub(block, "ChrgBr", "SLEV")
    for transfer in transfers:
        tx = _sub(block, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", transfer.end_to_end_id)
        _sub(_sub(tx, "Amt"), "InstdAmt", _money(transfer.amount)).set("Ccy", "EUR")
        if transfer.bic:
            _sub(_sub(_sub(tx, "CdtrAgt"), "FinInstnId"), "BICFI", transfer.bic)
        _sub(_sub(tx, "Cdtr"), "Nm", transfer.creditor[:140])
        _sub(_sub(_sub(tx, "CdtrAcct"), "Id"), "IBAN", transfer.iban)
        _sub(_sub(tx, "RmtInf"), "Ustrd", transfer.remittance[:140])
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8")


def validate(xml: bytes, name: str = "pain.008.001.08") -> None:
    """Invalid with the schema's first problems (line and message) unless `xml` is valid."""
    schema = _schema(name)
    document = etree.fromstring(xml, parser=etree.XMLParser(huge_tree=True))
    if not schema.validate(document):
        problems = "; ".join(f"line {e.line}: {e.message}" for e in list(schema.error_log)[:5])
        raise Invalid(f"the {name} file does not follow the ISO 20022 schema: {problems}")


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


def _sub(parent, tag: str, text: str | None = None):
    ns = parent.tag[:parent.tag.index("}") + 1]  # "{urn:iso:...}": the child in its parent's namespace
    element = etree.SubElement(parent, ns + tag)
    if text is not None:
        element.text = text
    return element


def _address(parent, street: str, postcode: str, city: str, country: str) -> None:
    """A structured postal address (the only kind banks take from November 2026)."""
    address = _sub(parent, "PstlAdr")
    if street:
        _sub(address, "StrtNm", street[:70])
    if postcode:
        _sub(address, "PstCd", postcode[:16])
    _sub(address, "TwnNm", (city or "-")[:35])
    _sub(address, "Ctry", country or "FR")


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"
