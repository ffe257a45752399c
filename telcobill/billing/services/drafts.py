"""Compute a cycle's draft documents for a batch of billing accounts (no number, nothing issued)."""

from __future__ import annotations

from dataclasses import replace

from django.db import transaction

from telcobill.catalogue.snapshot import CatalogueSnapshot

from .. import parties, proration
from ..generator import propose_lines
from ..models import BillRun, Charge, DocumentKind, Invoice, InvoiceLine, InvoiceStatus
from ..totals import compute_totals
from ..validation import check_document
from .facts_loader import load_facts


def compute_drafts(*, bill_run: BillRun, accounts, catalogue: CatalogueSnapshot) -> int:
    """Replace the batch's drafts of this run by freshly computed ones; return how many.

    Accounts already issued for the cycle are left alone (a resumed run). Drafts of earlier
    cycles never issued are superseded. A net credit becomes a credit note referencing the
    account's last issued invoice.
    """
    facts = load_facts(accounts, bill_run.cycle, bill_run.issue_date)
    seller = parties.seller()
    with transaction.atomic():
        # This run's previous drafts, and any earlier cycle's draft never issued (a held
        # account): the look-back of the generator bills what they carried, so they go.
        Invoice.objects.filter(bill_run__isnull=False, billing_account__in=accounts,
                               cycle__lte=bill_run.cycle).exclude(status=InvoiceStatus.ISSUED).delete()
        issued = set(Invoice.objects.filter(bill_run=bill_run, billing_account__in=accounts,
                                            status=InvoiceStatus.ISSUED).values_list("billing_account_id", flat=True))
        documents: list[tuple[Invoice, list]] = []
        for account in accounts:
            if account.pk in issued:
                continue
            proposed = propose_lines(facts[account.pk], bill_run.cycle, catalogue)
            if not proposed:
                continue
            documents.append(_draft(bill_run, account, proposed, seller))
        Invoice.objects.bulk_create([doc for doc, _ in documents])
        rows = []
        for doc, proposed in documents:
            for position, p in enumerate(proposed, start=1):
                rows.append(InvoiceLine(
                    invoice=doc, position=position, section=p.section, line_id=p.line_id, msisdn=p.msisdn,
                    product_code=p.product_code, description=p.description, period_start=p.period_start,
                    period_end=p.period_end, quantity=p.quantity, unit_code=p.unit_code, unit_price=p.unit_price,
                    unit_price_incl_vat=p.unit_price_incl_vat, net_amount=p.net_amount,
                    vat_category=p.vat_category, vat_rate=p.vat_rate, vat_exemption_reason=p.vat_exemption_reason,
                    kind=p.kind))
        InvoiceLine.objects.bulk_create(rows, batch_size=2000)
        _link_charges(documents)
    return len(documents)


def _draft(bill_run: BillRun, account, proposed, seller) -> tuple[Invoice, list]:
    totals = compute_totals(proposed)
    kind = DocumentKind.INVOICE
    corrects = None
    if totals.gross < 0:
        # Never a negative invoice: the same lines, signs reversed, on a credit note.
        kind = DocumentKind.CREDIT_NOTE
        proposed = [replace(p, quantity=-p.quantity, net_amount=-p.net_amount) for p in proposed]
        totals = compute_totals(proposed)
        corrects = (Invoice.objects.filter(billing_account=account, kind=DocumentKind.INVOICE,
                                           status=InvoiceStatus.ISSUED).order_by("-issue_date", "-number").first())
    first, last = _period(bill_run.cycle)
    doc = Invoice(
        kind=kind, status=InvoiceStatus.DRAFT, billing_account=account, bill_run=bill_run, cycle=bill_run.cycle,
        generation=bill_run.generation, due_date=parties.due_date(account, bill_run.issue_date),
        period_start=first, period_end=last, language=account.language,
        total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross, corrects=corrects,
        reason="Régularisation de la facturation" if corrects else "",
        buyer=parties.buyer(account), seller=seller, payment=parties.payment(account, bill_run.issue_date),
        notes=parties.legal_notes(account),
    )
    problems = check_document(doc, proposed)
    if problems:
        doc.status = InvoiceStatus.HELD
        doc.problems = [{"rule": rule, "message": message} for rule, message in problems]
    return doc, proposed


def _period(cycle: str):
    year, month = proration.parse_cycle(cycle)
    first = proration.month_start(year, month)
    return first, proration.last_day(first)


def _link_charges(documents) -> None:
    for doc, proposed in documents:
        ids = [p.charge_id for p in proposed if p.charge_id]
        if ids:
            Charge.objects.filter(pk__in=ids).update(invoice=doc)
