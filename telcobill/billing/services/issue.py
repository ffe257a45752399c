"""Issue validated drafts: check again, number, freeze. Runs inside the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction

from ..models import Invoice, InvoiceLine, InvoiceStatus
from ..validation import check_document
from .numbering import series_code, take_numbers

ISSUE_SQL = "UPDATE billing_invoice SET status = %s, number = %s, issue_date = %s, issued_at = %s WHERE id = %s"


def issue_documents(documents: list[Invoice], *, issue_date: date, now: datetime) -> list[Invoice]:
    """Give each draft (in the order given) its number and issue it; a draft that fails the
    checks is held with its problems instead, and takes no number. Returns the issued ones."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("documents are issued inside a transaction")
    ids = [d.pk for d in documents]
    order = {pk: i for i, pk in enumerate(ids)}
    fresh = sorted(Invoice.objects.select_for_update().filter(pk__in=ids, status=InvoiceStatus.DRAFT),
                   key=lambda d: order[d.pk])
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in InvoiceLine.objects.filter(invoice_id__in=[d.pk for d in fresh]).order_by("position"):
        lines[line.invoice_id].append(line)

    ready: dict[str, list[Invoice]] = defaultdict(list)
    held: list[Invoice] = []
    for doc in fresh:
        problems = check_document(doc, lines[doc.pk])
        if problems:
            doc.status = InvoiceStatus.HELD
            doc.problems = [{"rule": r, "message": m} for r, m in problems]
            held.append(doc)
        else:
            ready[series_code(doc.kind, issue_date)].append(doc)
    issued: list[Invoice] = []
    for series, docs in ready.items():
        for doc, number in zip(docs, take_numbers(series, len(docs), issue_date), strict=True):
            doc.number = number
            doc.status = InvoiceStatus.ISSUED
            doc.issue_date = issue_date
            doc.issued_at = now
            issued.append(doc)
    # One prepared statement run for every row: Django's bulk_update builds CASE expressions
    # that cost more than the whole rest of the issue.
    with connection.cursor() as cursor:
        cursor.executemany(ISSUE_SQL, [(InvoiceStatus.ISSUED.value, d.number, d.issue_date, d.issued_at, d.pk)
                                       for d in issued])
    Invoice.objects.bulk_update(held, ["status", "problems"])
    return issued
