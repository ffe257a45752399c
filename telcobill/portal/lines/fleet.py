"""The customer's lines as the pages list them: plan, options, a plan change to come, and what
each line cost on its account's last invoice; searched, filtered and sorted for a business with
dozens of lines. A fixed number of queries whatever the number of lines."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.http import QueryDict
from django.utils.translation import get_language

from telcobill.billing.models import DocumentKind, Invoice
from telcobill.billing.services.line_charges import LineCharge, line_charges
from telcobill.catalogue.models import ProductKind, Subscription
from telcobill.customers.identifiers import format_msisdn
from telcobill.customers.models import Line, LineStatus

from ..access import Space

NO_COST_CENTRE = "-"
SORTS = ("numero", "libelle", "forfait", "engagement", "cout")


@dataclass(frozen=True)
class Product:
    code: str
    name: str


@dataclass
class LineRow:
    line: Line
    number: str  # as a person reads it: 06 12 34 56 78
    plan: Product | None = None  # in force today (the last one, for a terminated line)
    options: list[Product] = field(default_factory=list)
    next_plan: tuple[Product, date] | None = None  # a change already recorded, from that day
    cost: LineCharge | None = None  # on the account's last invoice
    invoice: Invoice | None = None  # that invoice


def fleet(space: Space, today: date, *, lines: list[Line] | None = None) -> list[LineRow]:
    """The rows of `lines` (all the space's lines by default), ordered by number, products named
    in the page's language."""
    language = get_language() or "fr"
    if lines is None:
        lines = list(space.lines().select_related("billing_account").order_by("msisdn"))
    rows = {line.pk: LineRow(line, format_msisdn(line.msisdn)) for line in lines}
    subscriptions = Subscription.objects.filter(line_id__in=list(rows),
                                                product__kind__in=[ProductKind.PLAN, ProductKind.OPTION])
    for sub in subscriptions.select_related("product").order_by("starts_on", "pk"):
        row, product = rows[sub.line_id], sub.product
        named = Product(product.code, product.name_en if language == "en" and product.name_en else product.name)
        in_force = sub.starts_on <= today and (sub.ends_on is None or sub.ends_on > today)
        if product.kind == ProductKind.PLAN:
            if sub.starts_on > today:
                row.next_plan = (named, sub.starts_on)
            elif in_force or row.line.status == LineStatus.TERMINATED:
                row.plan = named
        elif in_force:
            row.options.append(named)
    last: dict[int, Invoice] = {}
    for invoice in (space.invoices().filter(kind=DocumentKind.INVOICE,
                                            billing_account_id__in={ln.billing_account_id for ln in lines})
                    .only("pk", "number", "issue_date", "billing_account_id").order_by("-issue_date", "-number")):
        last.setdefault(invoice.billing_account_id, invoice)
    charges = line_charges(invoice.pk for invoice in last.values())
    for row in rows.values():
        invoice = last.get(row.line.billing_account_id)
        if invoice is not None:
            row.invoice, row.cost = invoice, charges.get((invoice.pk, row.line.pk))
    return list(rows.values())


def _folded(text: str) -> str:
    """Lower case without accents: "Hélène" is found by "helene"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Filters:
    q: str = ""
    plan: str = ""
    status: str = ""
    cost_centre: str = ""
    account: str = ""
    sort: str = "numero"

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        sort = query.get("tri", "")
        return cls(q=query.get("q", "").strip(), plan=query.get("forfait", ""), status=query.get("statut", ""),
                   cost_centre=query.get("centre", ""), account=query.get("compte", ""),
                   sort=sort if sort in SORTS else "numero")

    @property
    def active(self) -> bool:
        return bool(self.q or self.plan or self.status or self.cost_centre or self.account)

    def apply(self, rows: list[LineRow]) -> list[LineRow]:
        shown = [row for row in rows if self._keeps(row)]
        return sorted(shown, key=self._key)

    def _keeps(self, row: LineRow) -> bool:
        line = row.line
        if self.q and not _matches(self.q, row):
            return False
        if self.plan and (row.plan is None or row.plan.code != self.plan):
            return False
        if self.status and line.status != self.status:
            return False
        if self.cost_centre and (line.cost_centre or NO_COST_CENTRE) != self.cost_centre:
            return False
        return not self.account or line.billing_account.number == self.account

    def _key(self, row: LineRow):
        line = row.line
        if self.sort == "libelle":
            return (not line.label, _folded(line.label), line.msisdn)
        if self.sort == "forfait":
            return (row.plan is None, _folded(row.plan.name) if row.plan else "", line.msisdn)
        if self.sort == "engagement":
            return (line.commitment_end is None, line.commitment_end or date.max, line.msisdn)
        if self.sort == "cout":  # the most expensive first
            return (row.cost is None, -(row.cost.gross if row.cost else 0), line.msisdn)
        return (line.msisdn,)


def _matches(q: str, row: LineRow) -> bool:
    """A number however written (06 12 34…, +33 6…, the last digits) or part of the label."""
    digits = re.sub(r"\D", "", q)
    if digits and len(digits) >= 2 and not re.search(r"[^\d\s.+()-]", q):
        national = re.sub(r"\D", "", row.number)
        return digits in national or digits in row.line.msisdn
    return _folded(q) in _folded(row.line.label)
