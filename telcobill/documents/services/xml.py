"""The CII XML of issued documents: built once from the stored document, then kept as issued."""

from __future__ import annotations

from telcobill.billing.models import Invoice
from telcobill.errors import NotFound

from ..cii import build_cii
from ..models import DocumentFile
from ..snapshot import document_of


def store_xml(invoices: list[Invoice]) -> list[DocumentFile]:
    """Build and keep the XML of freshly issued documents (inside the issuing transaction)."""
    files = [DocumentFile(invoice=inv, xml=build_cii(document_of(inv))) for inv in invoices]
    DocumentFile.objects.bulk_create(files, batch_size=500)
    return files


def xml_of(number: str) -> bytes:
    file = DocumentFile.objects.filter(invoice__number=number).first()
    if file is None:
        raise NotFound(f"no issued document numbered {number}")
    return bytes(file.xml)
