"""Dunning: what happens, day after day, to an invoice left unpaid after its due date.

`run_dunning(on)` (daily, `telcobill dunning run`) takes each overdue invoice to the steps due by
then (`DunningStep`, editable in the back office): reminder e-mails (D+3, D+10), for business
customers the late-payment penalties and the EUR 40 recovery indemnity (Code de commerce
L441-10, D441-5), and at D+30 a suspension proposal that staff approve or decline
(`decide_suspension`: approved, it writes a provisioning order per active line). Each step is
taken once per invoice (a unique record); when the run was missed and several reminders are due
together only the latest is sent, the others are recorded as skipped.

An invoice is *overdue* when its due date is past, something is still open on it, and it is not
waiting for something else: a direct debit planned or presented (the bank has not answered), an
open dispute, or an active payment plan (`plans`).

Penalties and the indemnity are out of the scope of VAT (category O), and EN 16931 forbids an O
line beside other categories and beside VAT identifiers (BR-O-02, BR-O-11, BR-O-12), so they are
billed on their own invoice: only O lines, no VAT numbers (architecture note 4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Exists, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from telcobill.billing import parties
from telcobill.billing.models import DocumentKind, Invoice, InvoiceLine, InvoiceStatus, Section
from telcobill.billing.totals import compute_totals
from telcobill.customers.models import AuditEvent, LineStatus, Person, ProvisioningAction, ProvisioningOrder
from telcobill.errors import Invalid, NotAllowed, TelcobillError
from telcobill.money import CENT

from ..models import (
    Allocation,
    Audience,
    Collection,
    CollectionStatus,
    Dispute,
    DunningAction,
    DunningRecord,
    DunningStatus,
    DunningStep,
    EntryKind,
    PaymentPlan,
    PlanStatus,
)
from . import ledger

# The steps an operator starts with (installed by a migration, editable in the back office):
# (code, days after the due date, action, audience, e-mail subject, e-mail text).
DEFAULT_STEPS = [
    ("reminder-3", 3, "reminder", "all", "Votre facture {number} reste à régler",
     "Bonjour,\n\nSauf erreur de notre part, votre facture {number} de {amount}, échue le {due_date}, "
     "n'est pas encore réglée. Vous pouvez la payer par carte depuis votre Espace client.\n\n"
     "Si vous l'avez réglée entre-temps, merci de ne pas tenir compte de ce message.\n\n{operator}"),
    ("reminder-10", 10, "reminder", "all", "Deuxième relance : facture {number}",
     "Bonjour,\n\nVotre facture {number} de {amount}, échue le {due_date}, reste impayée depuis {days} "
     "jours. Merci de la régler dès que possible depuis votre Espace client, ou de nous contacter pour "
     "convenir d'un échéancier.\n\nSans règlement, la suspension de vos lignes pourra être envisagée.\n\n"
     "{operator}"),
    ("penalty-10", 10, "penalty", "business", "", ""),
    ("suspension-30", 30, "suspension", "all", "", ""),
]


def install_default_steps() -> None:
    """The default steps, where missing (a database flushed by `telcobill demo --reset`)."""
    for code, days, action, audience, subject, body in DEFAULT_STEPS:
        DunningStep.objects.get_or_create(code=code, defaults={
            "days": days, "action": action, "audience": audience, "subject": subject, "body": body})


@dataclass
class DunningReport:
    on: date
    overdue: int = 0
    reminders: list[str] = field(default_factory=list)  # invoice numbers
    penalties: list[str] = field(default_factory=list)  # penalty invoice numbers
    proposals: list[str] = field(default_factory=list)  # invoice numbers proposed for suspension
    skipped: int = 0
    failures: list[str] = field(default_factory=list)  # steps that could not be taken, and why


def overdue(on: date, account=None):
    """Issued invoices past due on `on`, with something still open (in SQL: the daily run never
    reads the paid ones), not waiting for a debit, a dispute or a plan. `left` is annotated; the
    exact open amount comes from the ledger (`overdue_with_amounts`)."""
    pending_debit = Collection.objects.filter(invoice=OuterRef("pk"), status__in=[CollectionStatus.PLANNED,
                                                                                   CollectionStatus.SUBMITTED])
    open_dispute = Dispute.objects.filter(invoice=OuterRef("pk"), outcome="")
    in_plan = PaymentPlan.objects.filter(invoices=OuterRef("pk"), status=PlanStatus.ACTIVE)
    allocated = (Allocation.objects.filter(target__invoice=OuterRef("pk"), target__kind=EntryKind.INVOICE)
                 .values("target__invoice").annotate(s=Sum("amount")).values("s"))
    invoices = Invoice.objects.filter(kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED, due_date__lt=on,
                                      total_gross__gt=0)
    if account is not None:
        invoices = invoices.filter(billing_account=account)
    return (invoices.annotate(left=F("total_gross") - Coalesce(Subquery(allocated, output_field=DecimalField()),
                                                               Value(Decimal(0)), output_field=DecimalField()))
            .filter(left__gt=Decimal("0.001"))
            .exclude(Exists(pending_debit)).exclude(Exists(open_dispute)).exclude(Exists(in_plan)))


def overdue_with_amounts(on: date, account=None) -> list[tuple[Invoice, Decimal]]:
    penalties = InvoiceLine.objects.filter(invoice=OuterRef("pk"), section=Section.PENALTIES)
    invoices = list(overdue(on, account).select_related("billing_account__customer")
                    .annotate(is_penalty_invoice=Exists(penalties)).order_by("due_date", "pk"))
    left = ledger.open_amounts([i.pk for i in invoices])
    return [(invoice, left[invoice.pk]) for invoice in invoices if left.get(invoice.pk, 0) > 0]


def run_dunning(on: date | None = None) -> DunningReport:
    """Take every overdue invoice to the steps due by `on`; safe to run twice a day. A step that
    fails for one invoice (a penalty invoice the checks hold) is reported and retried at the next
    run; the others go on."""
    on = on or timezone.localdate()
    report = DunningReport(on)
    steps = list(DunningStep.objects.filter(active=True).order_by("days", "pk"))
    done = set(DunningRecord.objects.filter(invoice__in=overdue(on)).values_list("invoice_id", "step_id"))
    for invoice, left in overdue_with_amounts(on):
        report.overdue += 1
        late = (on - invoice.due_date).days
        business = invoice.billing_account.customer.is_business
        due = [s for s in steps if s.days <= late and (invoice.pk, s.pk) not in done
               and s.audience in (Audience.ALL, Audience.BUSINESS if business else Audience.INDIVIDUAL)]
        for step in due:
            later_same = any(s.action == step.action and s.days > step.days for s in due)
            if later_same or (step.action == DunningAction.PENALTY and invoice.is_penalty_invoice):
                _record(invoice, step, on, DunningStatus.SKIPPED, left, "a later step of this kind was due"
                        if later_same else "no penalty on a penalty invoice")
                report.skipped += 1
                continue
            try:
                _take(step, invoice, left, late, on, report)
            except TelcobillError as error:
                report.failures.append(f"{invoice.number} (compte {invoice.billing_account.number}), étape "
                                       f"{step.code} : {error.message} — réessayé au prochain passage")
    return report


def _record(invoice, step, on, status, left, detail="") -> DunningRecord | None:
    """The step's record, or None when another run recorded it first (then nothing is done)."""
    try:
        with transaction.atomic():
            return DunningRecord.objects.create(invoice=invoice, step=step, on=on, status=status, amount_due=left,
                                                detail=detail[:300])
    except IntegrityError:
        return None


def _take(step: DunningStep, invoice: Invoice, left: Decimal, late: int, on: date, report: DunningReport) -> None:
    """The step's record and its action, in one transaction (a failed penalty invoice leaves no
    record: the next run tries again)."""
    with transaction.atomic():
        if step.action == DunningAction.REMINDER:
            address = invoice.billing_account.email
            detail = f"e-mail à {address}" if address else "pas d'adresse e-mail : à relancer par courrier"
            if not _record(invoice, step, on, DunningStatus.DONE, left, detail):
                return
            if address:
                subject, body = _words(step, invoice, left, late)
                transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
            report.reminders.append(invoice.number)
        elif step.action == DunningAction.PENALTY:
            record = _record(invoice, step, on, DunningStatus.DONE, left)
            if not record:
                return
            document = issue_penalty_invoice(invoice, left, on)
            record.detail = f"facture de pénalités {document.number} : {document.total_gross} €"
            record.save(update_fields=["detail"])
            report.penalties.append(document.number)
        elif _record(invoice, step, on, DunningStatus.PROPOSED, left, f"{left} € impayés depuis {late} jours"):
            report.proposals.append(invoice.number)


def _words(step: DunningStep, invoice: Invoice, left: Decimal, late: int) -> tuple[str, str]:
    values = {"number": invoice.number, "amount": f"{left:.2f} €".replace(".", ","),
              "due_date": invoice.due_date.strftime("%d/%m/%Y"), "days": late,
              "operator": settings.OPERATOR["name"]}
    return step.subject.format(**values), step.body.format(**values)


# --- Penalties -------------------------------------------------------------------------------

def penalty_amounts(left: Decimal, due: date, on: date) -> tuple[Decimal, Decimal, int]:
    """(late-payment interest, recovery indemnity, days late): interest on the amount left,
    incl. VAT, at the yearly rate, for each day since the due date, rounded to the cent."""
    days = (on - due).days
    rate = Decimal(settings.PAYMENTS["late_penalty_rate"])
    interest = (left * rate / 100 * days / 365).quantize(CENT, ROUND_HALF_UP)
    return interest, Decimal(settings.PAYMENTS["recovery_indemnity"]).quantize(CENT), days


def issue_penalty_invoice(invoice: Invoice, left: Decimal, on: date) -> Invoice:
    """Issue the invoice of the penalties and the indemnity for a late business invoice (its own
    document: out of VAT scope, no VAT identifiers)."""
    from telcobill.documents.services.validate import DraftValidator
    from telcobill.workflows.issuing import issue_and_store

    account = invoice.billing_account
    if not account.customer.is_business:
        raise NotAllowed(f"{invoice.number}: late-payment penalties apply to business customers only")
    interest, indemnity, days = penalty_amounts(left, invoice.due_date, on)
    rate = settings.PAYMENTS["late_penalty_rate"].replace(".", ",")
    reason = "Hors champ d'application de la TVA (indemnité et pénalités de retard)"
    lines = [_penalty_line(1, f"Indemnité forfaitaire pour frais de recouvrement — facture {invoice.number}",
                           indemnity, reason)]
    if interest > 0:
        lines.append(_penalty_line(
            2, f"Pénalités de retard — facture {invoice.number} : {left:.2f} € × {rate} % × {days} j / 365"
            .replace(".", ",", 1), interest, reason))
    totals = compute_totals(lines)
    seller = {**parties.seller(), "vat_number": ""}  # BR-O-02
    buyer = {**parties.buyer(account), "vat_number": ""}
    payment = parties.payment(account, on)
    if payment["means_code"] == "59":  # not collected by the mandate: paid by transfer or card
        payment = {"means_code": "58", "due_date": payment["due_date"], "payee_iban": settings.OPERATOR["iban"],
                   "payee_bic": settings.OPERATOR["bic"]}
    notes = [note for note in parties.legal_notes(account) if note[0] != "TXD"]
    with transaction.atomic():
        draft = Invoice.objects.create(
            kind=DocumentKind.INVOICE, status=InvoiceStatus.DRAFT, billing_account=account, cycle="",
            due_date=date.fromisoformat(payment["due_date"]), period_start=invoice.due_date, period_end=on,
            language=account.language, total_net=totals.net, total_vat=totals.vat, total_gross=totals.gross,
            reason=f"Retard de paiement de la facture {invoice.number}", buyer=buyer, seller=seller,
            payment=payment, notes=notes)
        for line in lines:
            line.invoice = draft
        InvoiceLine.objects.bulk_create(lines)
    with DraftValidator() as validator:
        validator.hold_failing([draft], issue_date=on)
    draft.refresh_from_db()
    if draft.status == InvoiceStatus.HELD:
        rules = ", ".join(p["rule"] for p in draft.problems)
        raise Invalid(f"the penalty invoice for {invoice.number} does not pass validation ({rules}); it is held")
    issued = issue_and_store([draft], issue_date=on, now=ledger.moment(on))
    if not issued:
        draft.refresh_from_db()
        raise Invalid(f"the penalty invoice for {invoice.number} was not issued: {draft.problems}")
    return issued[0]


def _penalty_line(position: int, description: str, amount: Decimal, reason: str) -> InvoiceLine:
    return InvoiceLine(position=position, section=Section.PENALTIES, description=description[:300],
                       quantity=Decimal(1), unit_code="C62", unit_price=amount, net_amount=amount,
                       vat_category="O", vat_rate=Decimal(0), vat_exemption_reason=reason, kind="penalty")


# --- Suspension --------------------------------------------------------------------------------

def decide_suspension(record: DunningRecord, *, approve: bool, by: Person, note: str = "") -> list[ProvisioningOrder]:
    """Staff decide a suspension proposal. Approved (and the invoice still unpaid), each active
    line of the account gets a suspension order, sent to the network after commit."""
    from telcobill.workflows.provisioning import deliver_after_commit

    with transaction.atomic():
        record = DunningRecord.objects.select_for_update().select_related(
            "invoice__billing_account__customer", "step").get(pk=record.pk)
        if record.status != DunningStatus.PROPOSED:
            raise NotAllowed(f"this proposal was already decided ({record.get_status_display()})")
        if approve and ledger.open_amount(record.invoice) <= 0:
            raise NotAllowed(f"{record.invoice.number} is paid now: nothing to suspend; decline the proposal")
        if approve and not overdue(max(timezone.localdate(), record.on)).filter(pk=record.invoice_id).exists():
            raise NotAllowed(f"{record.invoice.number} is no longer in dunning (contested, under a payment plan, "
                             f"or a debit is pending): decline the proposal")
        record.status = DunningStatus.APPROVED if approve else DunningStatus.DECLINED
        record.decided_by, record.decided_at = by, timezone.now()
        if note:
            record.detail = f"{record.detail} — {note}"[:300]
        record.save(update_fields=["status", "decided_by", "decided_at", "detail"])
        orders = []
        if approve:
            account = record.invoice.billing_account
            for line in account.lines.filter(status=LineStatus.ACTIVE):
                order = ProvisioningOrder.objects.create(
                    line=line, action=ProvisioningAction.SUSPEND, effective_on=timezone.localdate(), created_by=by,
                    payload={"reason": "unpaid", "invoice": record.invoice.number})
                deliver_after_commit(order)
                orders.append(order)
        AuditEvent.objects.create(
            actor=by, kind="payments.suspension_" + ("approved" if approve else "declined"),
            customer=record.invoice.billing_account.customer,
            summary=f"Suspension pour impayé {record.invoice.number} : "
                    + (f"approuvée, {len(orders)} ligne(s)" if approve else "refusée"),
            data={"invoice": record.invoice.number, "lines": [o.line.msisdn for o in orders], "note": note})
    return orders

