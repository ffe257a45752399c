"""The per-line charges export for the accountant: per line and invoice, the amounts excl. and
incl. VAT of the last N monthly invoices with the line's cost centre, as a CSV file French
spreadsheets open as they are (`;`, decimal comma, UTF-8 with a BOM). Anyone who sees the lines
may export it, the accountant included."""

from __future__ import annotations

import io
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from telcobill.billing.models import DocumentKind
from telcobill.billing.services.line_charges import line_charges
from telcobill.formats import BOM, french_amount, french_date, spreadsheet_writer

from ..access import Space
from .fleet import Filters, fleet
from .pages import lines_page

MONTHS_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 12


@lines_page
@require_safe
def charges_csv(request: HttpRequest, space: Space) -> HttpResponse:
    try:
        months = int(request.GET.get("factures", DEFAULT_MONTHS))
    except ValueError:
        months = DEFAULT_MONTHS
    months = months if months in MONTHS_CHOICES else DEFAULT_MONTHS
    today = timezone.localdate()
    filters = Filters.from_query(request.GET)
    rows = {row.line.pk: row for row in filters.apply(fleet(space, today))}
    issue_months = sorted(space.invoices().dates("issue_date", "month"), reverse=True)[:months]
    documents = list(space.invoices().filter(issue_date__gte=issue_months[-1]).select_related("billing_account")
                     .order_by("issue_date", "number")) if issue_months else []
    by_document = defaultdict(list)
    for (invoice_id, line_id), charge in line_charges(d.pk for d in documents).items():
        by_document[invoice_id].append((line_id, charge))

    out = io.StringIO()
    out.write(BOM)
    writer = spreadsheet_writer(out)
    writer.writerow([_("Mois"), _("Date du document"), _("Document"), _("Numéro"), _("Compte de facturation"),
                     _("Ligne"), _("Libellé"), _("Centre de coûts"), _("Montant HT"), _("TVA"), _("Montant TTC")])
    for document in documents:
        kind = _("Avoir") if document.kind == DocumentKind.CREDIT_NOTE else _("Facture")
        head = [f"{document.issue_date:%m/%Y}", french_date(document.issue_date), kind, document.number,
                document.billing_account.number]
        for line_id, charge in sorted(by_document[document.pk], key=lambda item: _order(item[0], rows)):
            if line_id is None:
                if filters.active:
                    continue  # the account's own fees belong to no line, nor to a filtered set
                who = ["", _("Frais du compte (hors ligne)"), ""]
            elif line_id in rows:
                row = rows[line_id]
                who = [row.number, row.line.label, row.line.cost_centre]
            else:
                continue
            writer.writerow([*head, *who, french_amount(charge.net), french_amount(charge.vat),
                             french_amount(charge.gross)])
    name = f"couts-par-ligne-{space.customer.number}-{today.isoformat()}.csv"
    return HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _order(line_id, rows) -> tuple:
    """Lines by number, then the account's own fees."""
    if line_id is None or line_id not in rows:
        return (1, "")
    return (0, rows[line_id].line.msisdn)
