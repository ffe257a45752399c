"""The ledger: every movement of a billing account's money as a row, and what settles what.

Obligations of the customer (an issued invoice, a payment that came back, a refund paid out) are
positive entries; funds (a payment received, a credit note, a write-off) are negative ones. An
`Allocation` says which funds settle which obligation. Everything else is derived:

- an invoice's open amount is its entry minus what was allocated to it;
- an account's credit is its funds not allocated yet, applied to the oldest open obligations as
  soon as there are any (a credit note or an overpayment pays the next invoice);
- its balance is the sum of its entries (= what is open − the credit not yet used).

Each change locks the billing account's row first, so two payments of one account never allocate
the same euro twice; different accounts never wait for each other. A payment, a reversal and a
refund are recorded once per (method, reference): a webhook or a bank file applied again finds
its entry and changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import AuditEvent, BillingAccount, Person
from telcobill.errors import Invalid, NotAllowed
from telcobill.money import CENT, ZERO

from ..models import FUNDS, OBLIGATIONS, Allocation, EntryKind, LedgerEntry, Method


def _cents(value) -> Decimal:
    """Sums come back from SQLite with float noise in their last digits: amounts are cents."""
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True)
class Balance:
    owed: Decimal  # open obligations (invoices not paid, returned payments)
    credit: Decimal  # funds not used yet (an overpayment, a credit note larger than what is open)

    @property
    def balance(self) -> Decimal:
        """What the customer owes (negative: what the operator owes them)."""
        return self.owed - self.credit


# --- Reading -------------------------------------------------------------------------------------

def open_amounts(invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each issued invoice's amount still to pay (invoices with no entry: their total)."""
    ids = list(invoice_ids)
    result = {pk: total for pk, total in Invoice.objects.filter(pk__in=ids, kind=DocumentKind.INVOICE)
              .values_list("pk", "total_gross")}
    # Two index lookups (entries by invoice, allocations by entry), the kind filtered here: with
    # `kind` in the WHERE clause SQLite's planner takes the (kind, on) index and reads the ledger.
    rows = LedgerEntry.objects.filter(invoice_id__in=ids).values_list("pk", "invoice_id", "kind", "amount")
    entries, amounts = {}, {}
    for pk, invoice_id, kind, amount in rows:
        if kind == EntryKind.INVOICE:
            entries[pk], amounts[pk] = invoice_id, amount
    allocated = dict(Allocation.objects.filter(target_id__in=list(entries)).values("target_id")
                     .annotate(s=Sum("amount")).values_list("target_id", "s"))
    for entry_id, invoice_id in entries.items():
        result[invoice_id] = _cents(amounts[entry_id] - (allocated.get(entry_id) or ZERO))
    return result


def open_amount(invoice: Invoice) -> Decimal:
    return open_amounts([invoice.pk]).get(invoice.pk, ZERO)


def balance(*accounts: BillingAccount | int) -> Balance:
    """The balance of an account, or of several together (a customer's)."""
    ids = [getattr(account, "pk", account) for account in accounts]
    return Balance(owed=sum((left for _, left in _open_obligations(*ids)), ZERO),
                   credit=sum((left for _, left in _available_funds(*ids)), ZERO))


def _open_obligations(*account_ids: int) -> list[tuple[LedgerEntry, Decimal]]:
    rows = (LedgerEntry.objects.filter(billing_account_id__in=account_ids, kind__in=OBLIGATIONS)
            .annotate(allocated=Coalesce(Sum("allocations_in__amount"), ZERO)).order_by("on", "pk"))
    return [(entry, _cents(entry.amount - entry.allocated)) for entry in rows
            if _cents(entry.amount - entry.allocated) > 0]


def _available_funds(*account_ids: int) -> list[tuple[LedgerEntry, Decimal]]:
    rows = (LedgerEntry.objects.filter(billing_account_id__in=account_ids, kind__in=FUNDS)
            .annotate(used=Coalesce(Sum("allocations_out__amount"), ZERO)).order_by("on", "pk"))
    return [(entry, _cents(-entry.amount - entry.used)) for entry in rows if _cents(-entry.amount - entry.used) > 0]


# --- Writing -------------------------------------------------------------------------------------

def moment(on: date) -> datetime:
    """Now, or the morning of `on` when a use case is run for a past day (a catch-up, the demo)."""
    if on >= timezone.localdate():
        return timezone.now()
    return datetime.combine(on, time(6), tzinfo=UTC)


def lock_accounts(*account_ids: int) -> None:
    """Serialize the ledger changes of these accounts until the transaction ends (PostgreSQL row
    locks, taken in one ordered query: no deadlock between two callers; SQLite locks the base)."""
    list(BillingAccount.objects.select_for_update().filter(pk__in=account_ids).order_by("pk")
         .values_list("pk", flat=True))


def _allocate(source: LedgerEntry, targets: list[tuple[LedgerEntry, Decimal]], available: Decimal, on: date,
              rows: list[Allocation]) -> Decimal:
    """Allocate up to `available` of `source` to `targets` in order; returns what is left."""
    for index, (target, open_) in enumerate(targets):
        if available <= 0:
            break
        amount = min(open_, available)
        if amount <= 0:
            continue
        rows.append(Allocation(source=source, target=target, amount=amount, on=on))
        targets[index] = (target, open_ - amount)
        available -= amount
    return available


def settle(account_id: int, on: date | None = None, *, first: list[int] | None = None) -> None:
    """Apply the account's unused funds to its open obligations: those of `first` (invoice ids)
    first, then the oldest. Call with the account locked (inside `transaction.atomic`)."""
    funds = _available_funds(account_id)
    if not funds:
        return
    obligations = _open_obligations(account_id)
    if first:
        order = {invoice_id: index for index, invoice_id in enumerate(first)}
        obligations.sort(key=lambda item: (order.get(item[0].invoice_id, len(order)), item[0].on, item[0].pk))
    if not obligations:
        return
    on = on or timezone.localdate()
    rows: list[Allocation] = []
    for source, available in funds:
        _allocate(source, obligations, available, on, rows)
    Allocation.objects.bulk_create(rows)


def record_documents(documents: list[Invoice]) -> None:
    """The entries of documents just issued: an invoice is owed, a credit note is funds that first
    settle the invoice it corrects, then whatever else is open; any credit the account had pays
    the new invoices. Called in the issuing transaction."""
    documents = [d for d in documents if d.status == InvoiceStatus.ISSUED]
    if not documents:
        return
    entries = []
    for document in documents:
        credit_note = document.kind == DocumentKind.CREDIT_NOTE
        entries.append(LedgerEntry(
            billing_account_id=document.billing_account_id, on=document.issue_date, invoice=document,
            kind=EntryKind.CREDIT_NOTE if credit_note else EntryKind.INVOICE,
            amount=-document.total_gross if credit_note else document.total_gross,
            reference=document.number, label=f"{'Avoir' if credit_note else 'Facture'} {document.number}"))
    accounts = {d.billing_account_id for d in documents}
    # Every account issued is locked first, so a payment recorded meanwhile either sees these
    # entries or is seen by the settling below.
    lock_accounts(*accounts)
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    # Only accounts with funds to apply need settling: one query finds them.
    with_funds = set(LedgerEntry.objects.filter(billing_account_id__in=accounts, kind__in=FUNDS)
                     .annotate(used=Coalesce(Sum("allocations_out__amount"), ZERO))
                     .filter(used__lt=-F("amount")).values_list("billing_account_id", flat=True))
    corrected = defaultdict(list)
    for document in documents:
        if document.kind == DocumentKind.CREDIT_NOTE and document.corrects_id:
            corrected[document.billing_account_id].append(document.corrects_id)
    for account_id in sorted(with_funds):
        settle(account_id, on=documents[0].issue_date, first=corrected.get(account_id))


def record_payment(account: BillingAccount | int, *, amount: Decimal, on: date, method: str, reference: str,
                   label: str, invoices: list[int] | None = None, collection=None, transfer=None,
                   by: Person | None = None) -> tuple[LedgerEntry, bool]:
    """A payment received: it settles `invoices` first (in that order), then the oldest open
    obligations; what is left is credit for the next invoice. Returns (entry, created): the same
    (method, reference) recorded again returns the first entry, unchanged."""
    account_id = getattr(account, "pk", account)
    if amount <= 0:
        raise Invalid(f"payment {reference}: amount {amount} must be positive")
    if method not in Method.values or not method:
        raise Invalid(f"payment {reference}: method {method!r} is not one of {', '.join(Method.values[1:])}")
    with transaction.atomic():
        lock_accounts(account_id)
        existing = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, method=method, reference=reference).first()
        if existing:
            return existing, False
        try:
            with transaction.atomic():
                entry = LedgerEntry.objects.create(
                    billing_account_id=account_id, kind=EntryKind.PAYMENT, on=on, amount=-amount, method=method,
                    reference=reference[:70], label=label[:200], collection=collection, transfer=transfer,
                    created_by=by)
        except IntegrityError:  # recorded concurrently under another account's lock
            return LedgerEntry.objects.get(kind=EntryKind.PAYMENT, method=method, reference=reference), False
        settle(account_id, on=on, first=invoices)
    return entry, True


def reverse_payment(payment: LedgerEntry, *, on: date, reference: str, label: str,
                    by: Person | None = None) -> tuple[LedgerEntry, bool]:
    """A payment that came back (a settled debit returned, a card charge disputed): what it settled
    is open again, and it no longer counts as credit. Once per (method, reference)."""
    if payment.kind != EntryKind.PAYMENT:
        raise NotAllowed(f"entry {payment.pk} is a {payment.kind}, not a payment")
    with transaction.atomic():
        lock_accounts(payment.billing_account_id)
        existing = LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, method=payment.method,
                                              reference=reference).first()
        if existing:
            return existing, False
        if LedgerEntry.objects.filter(kind=EntryKind.REVERSAL, reverses=payment).exists():
            raise NotAllowed(f"payment {payment.reference} was already returned; it cannot be returned twice")
        reversal = LedgerEntry.objects.create(
            billing_account_id=payment.billing_account_id, kind=EntryKind.REVERSAL, on=on, amount=-payment.amount,
            method=payment.method, reference=reference[:70], label=label[:200], reverses=payment,
            collection=payment.collection, transfer=payment.transfer, created_by=by)
        # Undo what the payment settled (negative rows keep the history), then let it settle its reversal.
        undo = (Allocation.objects.filter(source=payment).values("target_id")
                .annotate(total=Sum("amount")).filter(total__gt=0))
        Allocation.objects.bulk_create(
            [Allocation(source=payment, target_id=row["target_id"], amount=-row["total"], on=on) for row in undo]
            + [Allocation(source=payment, target=reversal, amount=-payment.amount, on=on)])
        # Other funds (credit) may settle what reopened.
        settle(payment.billing_account_id, on=on)
    return reversal, True


def write_off(invoice: Invoice, *, amount: Decimal | None = None, reason: str, by: Person | None = None,
              on: date | None = None) -> LedgerEntry:
    """Give up on (part of) what an invoice still owes: a loss for the operator, audited."""
    on = on or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: say why the amount is written off")
    with transaction.atomic():
        lock_accounts(invoice.billing_account_id)
        target = LedgerEntry.objects.filter(invoice=invoice, kind=EntryKind.INVOICE).first()
        if target is None:
            raise NotAllowed(f"{invoice}: not an issued invoice")
        left = open_amount(invoice)
        amount = left if amount is None else amount
        if amount <= 0 or amount > left:
            raise Invalid(f"amount {amount}: {invoice.number} has {left} open; write off at most that")
        entry = LedgerEntry.objects.create(
            billing_account_id=invoice.billing_account_id, kind=EntryKind.WRITE_OFF, on=on, amount=-amount,
            reference=invoice.number, label=f"Perte sur {invoice.number} : {reason}"[:200], invoice=invoice,
            created_by=by)
        Allocation.objects.create(source=entry, target=target, amount=amount, on=on)
        AuditEvent.objects.create(actor=by, kind="payments.write_off", customer=invoice.billing_account.customer,
                                  summary=f"{invoice.number} : {amount} € passés en perte ({reason})"[:300],
                                  data={"invoice": invoice.number, "amount": str(amount), "reason": reason})
    return entry


def refund_entry(account_id: int, *, amount: Decimal, on: date, method: str, reference: str, label: str,
                 by: Person | None = None) -> LedgerEntry:
    """Money paid back out of the account's credit (the refunds service locks the account first, to
    number the refund): refused when the credit is smaller."""
    funds = _available_funds(account_id)
    credit = sum((available for _, available in funds), ZERO)
    if amount <= 0 or amount > credit:
        raise Invalid(f"refund of {amount} €: the account's credit is {credit} €; refund at most that")
    entry = LedgerEntry.objects.create(billing_account_id=account_id, kind=EntryKind.REFUND, on=on, amount=amount,
                                       method=method, reference=reference[:70], label=label[:200], created_by=by)
    rows: list[Allocation] = []
    targets = [(entry, amount)]
    for source, available in funds:
        _allocate(source, targets, available, on, rows)
    Allocation.objects.bulk_create(rows)
    return entry


# --- Reconciliation ------------------------------------------------------------------------------

@dataclass
class Reconciliation:
    """The ledger checked against the documents and the payment records, to the cent."""

    totals: dict[str, Decimal]
    problems: list[str]

    @property
    def identity(self) -> tuple[Decimal, Decimal]:
        """(what the movements say is owed, what the open items say): equal when the books hold."""
        t = self.totals
        moved = (t["invoiced"] - t["credited"] - t["paid"] + t["reversed"] + t["refunded"] - t["written_off"])
        return moved, t["owed"] - t["credit"]


def reconcile() -> Reconciliation:
    """Check every issued document has its entry for its total, every settled payment record its
    payment, no obligation is settled beyond its amount and no funds are used beyond theirs, and
    that the movements add up to the open items."""
    from django.db.models import Count

    from ..models import CardPayment, CardPaymentStatus, Collection, CollectionStatus, Transfer, TransferStatus

    problems: list[str] = []
    documents = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
    entries = {e.invoice_id: e for e in LedgerEntry.objects.filter(kind__in=[EntryKind.INVOICE,
                                                                            EntryKind.CREDIT_NOTE])}
    invoiced = credited = ZERO
    for pk, number, kind, gross in documents.values_list("pk", "number", "kind", "total_gross"):
        expected = -gross if kind == DocumentKind.CREDIT_NOTE else gross
        entry = entries.pop(pk, None)
        if entry is None:
            problems.append(f"{number}: issued, no ledger entry")
        elif entry.amount != expected:
            problems.append(f"{number}: total {expected}, ledger entry {entry.amount}")
        if kind == DocumentKind.CREDIT_NOTE:
            credited += gross
        else:
            invoiced += gross
    problems += [f"ledger entry {e.pk}: its document {e.invoice_id} is not issued" for e in entries.values()]

    payments = {(m, r): -a for m, r, a in LedgerEntry.objects.filter(kind=EntryKind.PAYMENT)
                .values_list("method", "reference", "amount")}
    for collection in Collection.objects.filter(status=CollectionStatus.PAID):
        if (Method.DIRECT_DEBIT, collection.end_to_end_id) not in payments:
            problems.append(f"debit {collection.end_to_end_id}: paid, not in the ledger")
    for bank_ref, amount in Transfer.objects.filter(status=TransferStatus.MATCHED).values_list("bank_ref", "amount"):
        if payments.get((Method.TRANSFER, bank_ref)) != amount:
            problems.append(f"transfer {bank_ref}: {amount} received, ledger says "
                            f"{payments.get((Method.TRANSFER, bank_ref))}")
    card_paid = CardPayment.objects.filter(status=CardPaymentStatus.PAID)
    for intent, amount in card_paid.values_list("payment_intent", "amount"):
        if payments.get((Method.CARD, intent)) != amount:
            problems.append(f"card payment {intent}: {amount} paid, ledger says {payments.get((Method.CARD, intent))}")

    over_in = (LedgerEntry.objects.filter(kind__in=OBLIGATIONS).annotate(n=Count("allocations_in"),
               allocated=Coalesce(Sum("allocations_in__amount"), ZERO)).filter(n__gt=0))
    problems += [f"entry {e.pk} ({e.label}): settled {_cents(e.allocated)} of {e.amount}" for e in over_in
                 if _cents(e.allocated) > e.amount or _cents(e.allocated) < 0]
    over_out = (LedgerEntry.objects.filter(kind__in=FUNDS).annotate(n=Count("allocations_out"),
                used=Coalesce(Sum("allocations_out__amount"), ZERO)).filter(n__gt=0))
    problems += [f"entry {e.pk} ({e.label}): used {_cents(e.used)} of {-e.amount}" for e in over_out
                 if _cents(e.used) > -e.amount or _cents(e.used) < 0]

    sums = {kind: _cents(total) for kind, total in LedgerEntry.objects.values_list("kind").annotate(
        s=Sum("amount")).values_list("kind", "s")}
    # Every allocation takes funds to an obligation: what is open and what is unused both lose it.
    allocated = _cents(Allocation.objects.aggregate(s=Sum("amount"))["s"] or 0)
    owed = sum((sums.get(kind, ZERO) for kind in OBLIGATIONS), ZERO) - allocated
    credit = -sum((sums.get(kind, ZERO) for kind in FUNDS), ZERO) - allocated
    totals = {
        "invoiced": invoiced, "credited": credited,
        "paid": -sums.get(EntryKind.PAYMENT, ZERO), "reversed": sums.get(EntryKind.REVERSAL, ZERO),
        "refunded": sums.get(EntryKind.REFUND, ZERO), "written_off": -sums.get(EntryKind.WRITE_OFF, ZERO),
        "owed": owed, "credit": credit}
    result = Reconciliation(totals, problems)
    moved, open_items = result.identity
    if moved != open_items:
        problems.append(f"movements add up to {moved}, open items to {open_items}")
    return result
