"""Validation of drafts before they are numbered: the EN 16931, Factur-X and BR-FR schematrons
(and the XSD) on the XML each draft would have, for business documents — on the UBL too for the
accounts that receive UBL.

A document that fails is held with its rule ids; consumer documents are outside e-invoicing
(they pass the fast checks of billing only).
"""

from __future__ import annotations

from django.conf import settings

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.billing.services.numbering import format_number, series_code
from telcobill.customers.models import EInvoiceSyntax

from ..cii import build_cii
from ..snapshot import document_of
from ..ubl import build_ubl
from ..validation import ValidationPool, fatal, validate_cii, validate_ubl


class DraftValidator:
    """Schematron validation of drafts, in this process (`workers=0`) or in spawned workers."""

    def __init__(self, workers: int = 0):
        self.enabled = settings.BILLING["schematron"]
        self._pool = ValidationPool(workers) if workers and self.enabled else None

    def hold_failing(self, drafts: list[Invoice], *, issue_date) -> int:
        """Hold the business drafts whose XML has fatal failures; return how many were held."""
        if not self.enabled:
            return 0
        business = [d for d in drafts if d.status == InvoiceStatus.DRAFT and d.buyer.get("is_business")]
        if not business:
            return 0
        documents = [document_of(d, number=format_number(series_code(d.kind, issue_date), 0), issue_date=issue_date)
                     for d in business]
        xmls = [build_cii(doc) for doc in documents]
        results = self._pool.validate_many(xmls) if self._pool else [validate_cii(x) for x in xmls]
        # An account that receives UBL gets it validated too, before its number (invariant 2).
        for index, (draft, doc) in enumerate(zip(business, documents, strict=True)):
            if draft.billing_account.einvoice_syntax == EInvoiceSyntax.UBL:
                results[index] = results[index] + validate_ubl(build_ubl(doc))
        held = []
        for draft, failures in zip(business, results, strict=True):
            blocking = fatal(failures)
            if blocking:
                draft.status = InvoiceStatus.HELD
                draft.problems = [{"rule": f.rule_id, "message": f.message[:300]} for f in blocking]
                held.append(draft)
        Invoice.objects.bulk_update(held, ["status", "problems"])
        return len(held)

    def close(self) -> None:
        if self._pool:
            self._pool.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
