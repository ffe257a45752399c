"""Issue documents: number them, keep their XML, and render their PDFs once committed."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from telcobill.billing.models import Invoice
from telcobill.billing.services.issue import issue_documents
from telcobill.documents.services.xml import store_xml
from telcobill.documents.tasks import render_documents_task


def issue_and_store(drafts: list[Invoice], *, issue_date: date, now: datetime) -> list[Invoice]:
    """One transaction: numbers, issue, XML. The PDF renders after commit (a durable task);
    documents whose task never ran are found by `telcobill documents render --pending`."""
    with transaction.atomic():
        issued = issue_documents(drafts, issue_date=issue_date, now=now)
        if issued:
            fresh = list(Invoice.objects.filter(pk__in=[d.pk for d in issued])
                         .select_related("corrects").prefetch_related("lines"))
            store_xml(fresh)
            ids = [d.pk for d in issued]
            transaction.on_commit(lambda: render_documents_task.enqueue(ids), robust=True)
    return issued
