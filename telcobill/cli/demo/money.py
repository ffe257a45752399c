"""The demo's money: what happens after each bill run, day by day, through the real use cases.

Debits are presented on their date and the bank answers with camt.054 files imported by
`import_bank_file` (most are paid; some are returned, with each reason code handled as the rules
say); businesses paying by transfer send camt.053 credits naming their invoice (or not: those
wait for staff, who assign them); card payers pay through the provider's confirmation
(`card_events.apply_paid`, what the webhook calls); dunning runs weekly, with penalties on late
business invoices; staff decide suspension proposals, close disputes, set up a payment plan and
refund a double payment. Every "story" the back office should show happens at least once when
the demo has a customer it can happen to; the rest is drawn from the seed.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import PaymentMethod, Person
from telcobill.errors import TelcobillError
from telcobill.payments.models import (
    CardPayment,
    Collection,
    CollectionStatus,
    Dispute,
    DunningRecord,
    DunningStatus,
    Method,
    Transfer,
    TransferStatus,
)
from telcobill.payments.services import ledger, plans
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.card_events import apply_paid
from telcobill.payments.services.collections import collect
from telcobill.payments.services.dunning import decide_suspension, overdue_with_amounts, run_dunning
from telcobill.payments.services.refunds import refund, send_refunds
from telcobill.payments.services.staff import assign_transfer, close_dispute

# Returns the demo shows at least once each (RULES.md), then draws rarely.
SHOWN_RETURNS = ["AM04", "AC04", "MS02", "AC06", "MD01", "MD07", "AM04"]
RETURN_WEIGHTS = [("", 955), ("AM04", 25), ("AC04", 4), ("AC06", 3), ("MD01", 2), ("MD07", 1), ("MS02", 5)]
DUNNING_DAYS = (4, 11, 18, 25)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class MoneyStory:
    def __init__(self, rng: random.Random, folder: Path, staff: Person, last_day: date):
        self.rng = rng
        self.folder = folder
        self.staff = staff
        self.last_day = last_day
        self.agenda: list[tuple[date, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.shown_returns = list(SHOWN_RETURNS)
        self.files = itertools.count(1)
        self.done: set[str] = set()  # stories shown once: "late_business", "plan", "md06", "refund"...

    # --- The agenda ----------------------------------------------------------------------------

    def at(self, day: date, action: Callable[[], None]) -> None:
        if day <= self.last_day:
            heapq.heappush(self.agenda, (day, next(self.order), action))

    def run_until(self, until: date) -> None:
        """Everything planned before `until` (the next bill run), in date order."""
        while self.agenda and self.agenda[0][0] < until:
            _, _, action = heapq.heappop(self.agenda)
            action()

    def after_bill_run(self, cycle: str, billing_day: date) -> None:
        """Plan the month: the debits' date, each invoice's payment, the dunning runs."""
        collect_on = billing_day + timedelta(days=settings.PAYMENTS["prenotification_days"])
        self.at(collect_on, lambda: self._collect(collect_on))
        for day in DUNNING_DAYS:
            on = billing_day.replace(day=day)
            self.at(on, lambda on=on: self._dunning(on))
        self.at(billing_day.replace(day=20), lambda: self._staff(billing_day.replace(day=20)))
        invoices = (Invoice.objects.filter(cycle=cycle, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
                    .select_related("billing_account__customer").order_by("number"))
        credits: dict[date, list[tuple[Invoice, Decimal, str]]] = {}
        debited = set(Collection.objects.filter(invoice__cycle=cycle).values_list("invoice_id", flat=True))
        for invoice in invoices:
            method = invoice.billing_account.payment_method
            # Card payers, and debit payers whose mandate was stopped (asked for another method).
            if method == PaymentMethod.CARD or (method == PaymentMethod.DIRECT_DEBIT and invoice.pk not in debited):
                self._plan_card(invoice)
            elif method == PaymentMethod.TRANSFER:
                day, amount, reference = self._plan_transfer(invoice)
                if day:
                    credits.setdefault(day, []).append((invoice, amount, reference))
        for day, entries in credits.items():
            self.at(day, lambda day=day, entries=entries: self._statement(day, entries))

    # --- Direct debits -------------------------------------------------------------------------

    def _collect(self, on: date) -> None:
        batch = collect(on, now=_at(on - timedelta(days=1), 4))
        if batch is not None:
            self.at(on + timedelta(days=2), lambda: self._answer(batch.pk, on))

    def _answer(self, batch_id: int, on: date) -> None:
        entries = []
        for collection in Collection.objects.filter(batch_id=batch_id).order_by("pk"):
            reason = self._reason(collection)
            booked = on if not reason else on + timedelta(days=2)
            entries.append(("DBIT" if reason else "CRDT", booked, collection.end_to_end_id, collection.amount, reason))
            if not reason and "md06" not in self.done and collection.attempt == 1 and self.rng.random() < 0.3:
                # Paid, then refunded by the customer's bank on request within 8 weeks: a dispute.
                self.done.add("md06")
                back = on + timedelta(days=40)
                self.at(back, lambda c=collection, back=back: self._import(
                    "camt054", camt054([("DBIT", back, c.end_to_end_id, c.amount, "MD06")])))
        self._import("camt054", camt054(entries))
        # A debit refused for good (a stopped mandate, a second AM04): most pay by card once asked.
        for collection in Collection.objects.filter(batch_id=batch_id, status=CollectionStatus.REJECTED):
            if self.rng.random() < 0.7:
                day = on + timedelta(days=self.rng.randint(8, 25))
                self.at(day, lambda i=collection.invoice_id, day=day: self._pay_by_card(i, day))
        # What the returns planned again (AM04) is presented on its new date.
        for day in set(Collection.objects.filter(status=CollectionStatus.PLANNED, batch__isnull=True,
                                                 attempt=2).values_list("collect_on", flat=True)):
            self.at(day, lambda day=day: self._collect(day))

    def _reason(self, collection: Collection) -> str:
        if collection.attempt == 2:  # presented again after AM04: most go through
            return "AM04" if self.rng.random() < 0.25 else ""
        if self.shown_returns and self.rng.random() < 0.08:
            return self.shown_returns.pop(0)
        return self.rng.choices([c for c, _ in RETURN_WEIGHTS], weights=[w for _, w in RETURN_WEIGHTS])[0]

    def _import(self, kind: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{kind}-{next(self.files):05d}.xml"
        path.write_bytes(data)
        import_bank_file(path)

    # --- Cards and transfers -------------------------------------------------------------------

    def _plan_card(self, invoice: Invoice) -> None:
        draw = self.rng.random()
        if draw < 0.86:
            day = invoice.issue_date + timedelta(days=self.rng.randint(1, 13))
        elif draw < 0.96:
            day = invoice.due_date + timedelta(days=self.rng.randint(5, 40))  # late: reminded first
        else:
            return  # unpaid: dunning, maybe a payment plan
        self.at(day, lambda: self._pay_by_card(invoice.pk, day))

    def _pay_by_card(self, invoice_id: int, day: date) -> None:
        invoice = Invoice.objects.get(pk=invoice_id)
        left = ledger.open_amount(invoice)
        if left <= 0:
            return
        self._pay_amount(invoice.billing_account_id, [invoice], left, day, invoice.number)

    def _plan_transfer(self, invoice: Invoice) -> tuple[date | None, Decimal, str]:
        """Businesses pay by transfer: mostly on time naming the invoice; some late (penalties),
        some without a usable reference, one twice."""
        draw = self.rng.random()
        if "late_business" not in self.done or draw < 0.10:
            self.done.add("late_business")
            return invoice.due_date + timedelta(days=self.rng.randint(12, 35)), invoice.total_gross, invoice.number
        if draw < 0.16:
            return invoice.due_date - timedelta(days=2), invoice.total_gross, "REGLEMENT FACTURE TELEPHONIE"
        if draw < 0.18 and "refund" not in self.done:
            self.done.add("refund")
            day = invoice.due_date - timedelta(days=5)
            self.at(day + timedelta(days=6), lambda: self._statement(
                day + timedelta(days=6), [(invoice, invoice.total_gross, f"Facture {invoice.number} (2)")]))
            return day, invoice.total_gross, f"Facture {invoice.number}"
        return invoice.due_date - timedelta(days=self.rng.randint(0, 10)), invoice.total_gross, invoice.number

    def _statement(self, day: date, entries: list[tuple[Invoice, Decimal, str]]) -> None:
        credits = [(day, amount, reference, invoice.billing_account.name.upper(),
                    f"DEMO{day:%Y%m%d}{invoice.pk:07d}{index}") for index, (invoice, amount, reference)
                   in enumerate(entries)]
        self._import("camt053", camt053(credits))

    # --- Dunning and staff ---------------------------------------------------------------------

    def _dunning(self, on: date) -> None:
        plans.review_plans(on)
        report = run_dunning(on)
        # Businesses pay most penalty invoices, by transfer naming them.
        for invoice in Invoice.objects.filter(number__in=report.penalties).select_related("billing_account"):
            if self.rng.random() < 0.6:
                day = invoice.due_date - timedelta(days=3)
                self.at(day, lambda i=invoice, day=day: self._statement(
                    day, [(i, i.total_gross, i.number)]))

    def _staff(self, on: date) -> None:
        """The collections team's weekly pass over the queues."""
        # Transfers naming no invoice: the debtor's name finds the account; its oldest open invoices.
        for transfer in Transfer.objects.filter(status=TransferStatus.UNMATCHED, booked_on__lte=on):
            invoice = (Invoice.objects.filter(billing_account__name__iexact=transfer.debtor,
                                              kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
                       .order_by("issue_date").first())
            if invoice:
                self._try(lambda t=transfer, i=invoice: assign_transfer(t, account=i.billing_account, by=self.staff))
        # Suspension proposals: approved when nothing came since, declined once for a good customer.
        for record in DunningRecord.objects.filter(status=DunningStatus.PROPOSED, on__lte=on).select_related(
                "invoice"):
            approve = ledger.open_amount(record.invoice) > 0 and "declined" in self.done
            self.done.add("declined")
            self._try(lambda r=record, a=approve: decide_suspension(
                r, approve=a, by=self.staff, note="Sans nouvelles du client" if a else "Client fidèle, rappelé"))
        # Disputes: the first one is found to be due after all; the others stay open for the demo.
        dispute = Dispute.objects.filter(outcome="", opened_at__date__lte=on - timedelta(days=10)).first()
        if dispute and "dispute_closed" not in self.done:
            self.done.add("dispute_closed")
            self._try(lambda: close_dispute(dispute, outcome="upheld", by=self.staff,
                                            note="Prélèvement conforme au mandat ; client informé"))
        # A payment plan for the first card payer who left an invoice unpaid.
        if "plan" not in self.done:
            for invoice, _left in overdue_with_amounts(on):
                account = invoice.billing_account
                if account.payment_method == PaymentMethod.CARD:
                    self.done.add("plan")
                    self._try(lambda a=account: self._plan(a, on))
                    break
        # A double payment: refunded by transfer.
        for entry in Transfer.objects.filter(status=TransferStatus.MATCHED, reference__endswith="(2)"):
            account = entry.invoice.billing_account
            credit = ledger.balance(account).credit
            if credit > 0 and not account.refunds.exists():
                self._try(lambda a=account, c=credit: refund(
                    a, amount=c, method=Method.TRANSFER, reason="Double paiement", by=self.staff,
                    iban="FR7630004000031234567890143", holder=a.name, on=on))
        send_refunds(on + timedelta(days=1))

    def _plan(self, account, on: date) -> None:
        """Three instalments agreed by phone; the customer pays the first two by card."""
        plan = plans.create_plan(account, 3, staff=True, by=self.staff, channel="phone", on=on)
        invoices = list(plan.invoices.order_by("issue_date"))
        for instalment in plan.instalments.order_by("number")[:2]:
            self.at(instalment.due_on, lambda i=instalment: self._pay_amount(
                account.pk, invoices, i.amount, i.due_on, f"plan{plan.pk}-{i.number}"))

    def _pay_amount(self, account_id: int, invoices: list[Invoice], amount: Decimal, day: date, key: str) -> None:
        payment = CardPayment.objects.create(billing_account_id=account_id, amount=amount, provider="stripe",
                                             provider_ref=f"cs_demo_{key}", created_at=_at(day, 19))
        payment.invoices.set(invoices)
        apply_paid(payment, payment_intent=f"pi_demo_{key}", amount=amount, at=_at(day, 19))

    @staticmethod
    def _try(action: Callable[[], object]) -> None:
        try:
            action()
        except TelcobillError:
            pass  # a decision the rules refuse (paid in the meantime...) simply does not happen


# --- Bank files ----------------------------------------------------------------------------------

def camt054(entries: list[tuple[str, date, str, Decimal, str]]) -> bytes:
    """A debit/credit notification: (CRDT | DBIT, booking date, end-to-end id, amount, reason)."""
    body = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><BkTxCd/><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}"
        f'</EndToEndId></Refs><Amt Ccy="EUR">{amount:.2f}</Amt>'
        + (f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf>" if reason else "") + "</TxDtls></NtryDtls></Ntry>"
        for side, booked, e2e, amount, reason in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">'
            f"<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>DEMO{len(entries)}</MsgId><CreDtTm>2026-01-01T07:00:00</CreDtTm>"
            f"</GrpHdr><Ntfctn><Id>1</Id>{body}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>").encode()


def camt053(credits: list[tuple[date, Decimal, str, str, str]]) -> bytes:
    """A statement of transfers received: (booking date, amount, reference, debtor, bank reference)."""
    body = "".join(
        f'<Ntry><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>{booked.isoformat()}</Dt></BookgDt><AcctSvcrRef>{bank_ref}</AcctSvcrRef><BkTxCd/>"
        f'<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">{amount:.2f}</Amt>'
        f"<RltdPties><Dbtr><Pty><Nm>{_xml(debtor)}</Nm></Pty></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>{_xml(reference)}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        for booked, amount, reference, debtor, bank_ref in credits)
    return ('<?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
            "<BkToCstmrStmt><GrpHdr><MsgId>DEMO</MsgId><CreDtTm>2026-01-01T07:00:00</CreDtTm></GrpHdr>"
            f"<Stmt><Id>1</Id>{body}</Stmt></BkToCstmrStmt></Document>").encode()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
