"""Lettering (lettrage) for the FEC: one letter code shared by the customer-account lines of
entries that settle each other completely — an invoice, the payments and credit notes that paid it,
a payment and its return.

Read from the allocations: the ledger entries linked by what settles what form groups; a group is
lettered when its entries sum to zero (all settled, nothing left over), every one of them is in the
fiscal year, and its allocations are dated by the year end. Anything else (a partial payment, an
invoice of the previous year, now in the opening balance) is left unlettered for the accountant.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Q, Sum

from telcobill.money import ZERO, to_cents

from ..models import Allocation, EntryKind, LedgerEntry

DOCUMENT_KINDS = (EntryKind.INVOICE, EntryKind.CREDIT_NOTE)


@dataclass(frozen=True)
class Letter:
    code: str
    on: date  # the day the group was settled (its last allocation): the FEC's DateLet


@dataclass(frozen=True)
class Lettering:
    by_entry: dict[int, Letter] = field(default_factory=dict)  # ledger entry id → letter
    by_document: dict[int, Letter] = field(default_factory=dict)  # invoice or credit note id → letter


def letter_code(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA: the codes accountants' software uses."""
    code = ""
    while n:
        n, rest = divmod(n - 1, 26)
        code = chr(ord("A") + rest) + code
    return code


def lettering(start: date, end: date) -> Lettering:
    """The letters of the year's ledger entries, coded A, B, … in the order their groups were settled."""
    members = {pk: (to_cents(amount), kind, invoice_id) for pk, amount, kind, invoice_id in
               LedgerEntry.objects.filter(on__range=(start, end))
               .values_list("pk", "amount", "kind", "invoice_id").iterator(chunk_size=2000)}
    groups = _groups(_links(start, end))
    complete = []
    for entries, settled_on in groups:
        if all(pk in members for pk in entries) and sum((members[pk][0] for pk in entries), ZERO) == 0:
            complete.append((settled_on, min(entries), entries))
    result = Lettering()
    for n, (settled_on, _, entries) in enumerate(sorted(complete), start=1):
        letter = Letter(letter_code(n), settled_on)
        for pk in entries:
            result.by_entry[pk] = letter
            if members[pk][1] in DOCUMENT_KINDS:
                result.by_document[members[pk][2]] = letter
    return result


def _links(start: date, end: date):
    """(funds, obligation, last date) for each pair still linked at the year end (a returned
    payment's negative rows cancel its links), touching at least one entry of the year."""
    rows = (Allocation.objects.filter(on__lte=end)
            .filter(Q(source__on__range=(start, end)) | Q(target__on__range=(start, end)))
            .values("source_id", "target_id").annotate(net=Sum("amount"), last=Max("on")).order_by())
    for row in rows.iterator(chunk_size=2000):
        if to_cents(row["net"]) != 0:
            yield row["source_id"], row["target_id"], row["last"]


def _groups(links) -> list[tuple[list[int], date]]:
    """The connected groups of entries (union-find), each with its latest allocation date."""
    parent: dict[int, int] = {}

    def root(pk: int) -> int:
        parent.setdefault(pk, pk)
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    dates: list[tuple[int, date]] = []
    for source, target, last in links:
        parent[root(source)] = root(target)
        dates.append((source, last))
    entries: dict[int, list[int]] = defaultdict(list)
    for pk in list(parent):
        entries[root(pk)].append(pk)
    settled: dict[int, date] = {}
    for pk, last in dates:
        group = root(pk)
        settled[group] = max(settled.get(group, last), last)
    return [(sorted(members), settled[group]) for group, members in entries.items()]

