"""The CII XML of issued documents: built once from the stored document, then kept as issued."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.errors import NotFound

from ..cii import build_cii
from ..models import DocumentFile
from ..snapshot import document_of


def file_of(invoice: Invoice) -> DocumentFile:
    """The document's file record, with its XML built from the stored document the first time."""
    existing = DocumentFile.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    if invoice.status != InvoiceStatus.ISSUED:
        raise NotFound(f"document {invoice.pk} is not issued")
    try:
        with transaction.atomic():
            return DocumentFile.objects.create(invoice=invoice, xml=build_cii(document_of(invoice)))
    except IntegrityError:  # another worker built it first: the same bytes
        return DocumentFile.objects.get(invoice=invoice)


def xml_of(number: str) -> bytes:
    invoice = Invoice.objects.filter(number=number, status=InvoiceStatus.ISSUED).first()
    if invoice is None:
        raise NotFound(f"no issued document numbered {number}")
    return bytes(file_of(invoice).xml)


def ubl_of(number: str) -> bytes:
    """The UBL 2.1 XML of an issued document, built from the stored document (the same bytes at
    each call: the builder is deterministic, the document immutable)."""
    from ..ubl import build_ubl

    invoice = Invoice.objects.filter(number=number, status=InvoiceStatus.ISSUED).first()
    if invoice is None:
        raise NotFound(f"no issued document numbered {number}")
    return build_ubl(document_of(invoice))
