"""Delivery of business documents to a plateforme agréée, and their lifecycle.

After a document is issued, `prepare_deliveries` decides whether it travels through a platform
(a business buyer established in France; consumers and foreign buyers are e-reported instead),
in which syntax (the billing account's choice) and to which electronic address (BT-49).
`deposit_pending` drops it in the platform's outbox; `read_statuses` records what the platform
says back, each status once; `report_paid` tells the platform "212 Encaissée" (the seller owns
that status for services; workflows/einvoicing.py asks the ledger when). A refused or rejected
document waits in the staff queue (`refused_queue`) with the platform's reason and what to do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import EInvoiceSyntax
from telcobill.errors import NotAllowed, NotFound

from ..models import Delivery, DeliveryState, LifecycleEvent, LifecycleStatus, Platform
from ..platforms import BadStatus, FileExchange, StatusReport
from ..validation import fatal, validate_ubl
from .render import pdf_of
from .xml import file_of, ubl_of

# What a status means for the operator (the last one received decides).
STATE_OF_STATUS = {
    "200": DeliveryState.DEPOSITED,
    "201": DeliveryState.IN_PROGRESS, "202": DeliveryState.IN_PROGRESS,
    "203": DeliveryState.IN_PROGRESS, "204": DeliveryState.IN_PROGRESS,
    "205": DeliveryState.DONE, "206": DeliveryState.DONE, "209": DeliveryState.DONE, "211": DeliveryState.DONE,
    "207": DeliveryState.DISPUTED, "208": DeliveryState.DISPUTED,
    "210": DeliveryState.REFUSED, "213": DeliveryState.REFUSED,
    "212": DeliveryState.PAID,
}

# What staff should do about a refusal, by the reason codes of XP Z12-012 (refusal motives of the
# lifecycle; check the platform's list). The document itself never changes (invariant 1).
WHAT_TO_DO = {
    "ADR_ERR": _("Adresse de facturation erronée : corrigez-la sur le compte, puis émettez un avoir et une "
                 "nouvelle facture."),
    "ROUTAGE_ERR": _("Adresse électronique inconnue de l'annuaire : le client vérifie son inscription à "
                     "l'annuaire, puis déposez à nouveau ; si l'adresse de la facture est fausse, corrigez le compte "
                     "et émettez un avoir et une nouvelle facture."),
    "CODE_ROUTAGE_ERR": _("Code de routage inconnu de l'annuaire : le client vérifie son inscription, puis déposez "
                          "à nouveau ; si le code de la facture est faux, corrigez le compte et émettez un avoir et "
                          "une nouvelle facture."),
    "SIRET_ERR": _("SIRET erroné : corrigez-le sur le compte, puis émettez un avoir et une nouvelle facture."),
    "DEST_INC": _("Destinataire inconnu : le client vérifie son inscription à l'annuaire, puis déposez à nouveau ; "
                  "si le SIREN de la facture est faux, corrigez le compte et émettez un avoir et une nouvelle "
                  "facture."),
    "DOUBLON": _("Doublon signalé par la plateforme : vérifiez qu'elle a bien la facture, rien d'autre à faire."),
    "MONTANTTOTAL_ERR": _("Montant contesté : vérifiez avec le client ; si la facture est fausse, émettez un "
                          "avoir."),
    "CALCUL_ERR": _("Erreur de calcul signalée : vérifiez avec le client ; si la facture est fausse, émettez un "
                    "avoir."),
    "TX_TVA_ERR": _("Taux de TVA contesté : vérifiez le catalogue ; si la facture est fausse, émettez un avoir."),
    "NON_CONFORME": _("Fichier refusé par la plateforme : vérifiez la validation du document, puis déposez à "
                      "nouveau."),
}
DEFAULT_WHAT_TO_DO = _("Contactez le client ; si la facture est fausse, émettez un avoir et une nouvelle facture.")
# The refusals a new deposit of the same document can cure (the directory or the file was at
# fault, not the document); for the others the document itself is wrong, and it never changes.
REDEPOSITABLE = {"ROUTAGE_ERR", "CODE_ROUTAGE_ERR", "DEST_INC", "NON_CONFORME"}


def _last_refusal(delivery: Delivery) -> LifecycleEvent | None:
    return delivery.events.filter(status__in=["210", "213"]).order_by("at", "pk").last()


def what_to_do(delivery: Delivery) -> str:
    if delivery.state == DeliveryState.BLOCKED:
        return str(_("Le document ne peut pas être déposé tel quel : complétez le compte de facturation, puis "
                     "émettez un avoir et une nouvelle facture."))
    last = _last_refusal(delivery)
    return str(WHAT_TO_DO.get(last.reason_code if last else "", DEFAULT_WHAT_TO_DO))


def can_redeposit(delivery: Delivery) -> bool:
    """A refused document may go again when the refusal was about routing or the file, not its content."""
    last = _last_refusal(delivery)
    return delivery.state == DeliveryState.REFUSED and last is not None and last.reason_code in REDEPOSITABLE


def default_platform() -> Platform | None:
    return Platform.objects.filter(active=True).order_by("-is_default", "code").first()


def make_default(platform: Platform) -> None:
    """Deposit to this platform from now on: one default at a time."""
    with transaction.atomic():
        Platform.objects.exclude(pk=platform.pk).update(is_default=False)
        Platform.objects.filter(pk=platform.pk).update(is_default=True)
    platform.is_default = True


def exchange_of(platform: Platform) -> FileExchange:
    """The platform's adapter (the file exchange is the only one shipped)."""
    if platform.adapter != "file_exchange":
        raise NotAllowed(f"platform {platform.code}: unknown adapter {platform.adapter!r}")
    root = platform.exchange_dir or (settings.EINVOICING["dir"] / platform.code)
    return FileExchange(root)


# --- deciding and depositing ---------------------------------------------------------------

def _blocking_problem(invoice: Invoice) -> str:
    buyer = invoice.buyer
    if not buyer.get("siren"):
        return str(_("SIREN de l'acheteur manquant"))
    if not buyer.get("electronic_address"):
        return str(_("adresse électronique de l'acheteur (BT-49) manquante"))
    return ""


def einvoicing_since():
    """Documents issued before this day are not delivered (reception became mandatory on it)."""
    return settings.EINVOICING["since"]


def prepare_deliveries(invoice_ids: list[int]) -> int:
    """Create the delivery of each issued business document of `invoice_ids` that has none.
    Consumer documents and buyers outside France are e-reported, not delivered."""
    platform = default_platform()
    if platform is None:
        return 0
    invoices = (Invoice.objects.filter(pk__in=invoice_ids, status=InvoiceStatus.ISSUED, delivery__isnull=True,
                                       issue_date__gte=einvoicing_since())
                .select_related("billing_account").order_by("pk"))
    created = 0
    for invoice in invoices:
        buyer = invoice.buyer
        if not buyer.get("is_business") or (buyer.get("address") or {}).get("country_code", "FR") != "FR":
            continue
        problem = _blocking_problem(invoice)
        try:
            with transaction.atomic():
                Delivery.objects.create(
                    invoice=invoice, platform=platform, syntax=invoice.billing_account.einvoice_syntax,
                    routing_scheme=buyer.get("electronic_address_scheme", ""),
                    routing_address=buyer.get("electronic_address", ""),
                    state=DeliveryState.BLOCKED if problem else DeliveryState.PENDING, problem=problem)
            created += 1
        except IntegrityError:  # another worker prepared it
            pass
    return created


def payload_of(delivery: Delivery) -> tuple[str, bytes]:
    """The file a platform receives: the Factur-X PDF, the UBL XML or the CII XML as issued."""
    invoice = delivery.invoice
    stem = invoice.number.replace("/", "_")
    if delivery.syntax == EInvoiceSyntax.UBL:
        return f"{stem}.xml", ubl_of(invoice.number)
    if delivery.syntax == EInvoiceSyntax.CII:
        return f"{stem}.xml", bytes(file_of(invoice).xml)
    return f"{stem}.pdf", pdf_of(invoice.number)


def _claim(delivery: Delivery, *states: str) -> bool:
    """Take the delivery for one deposit: of two workers, one wins (a conditional UPDATE)."""
    claimed = Delivery.objects.filter(pk=delivery.pk, state__in=states).update(state=DeliveryState.DEPOSITING)
    return bool(claimed)


def deposit(delivery: Delivery, *, now: datetime | None = None) -> Delivery | None:
    """Drop the document in its platform's outbox and record "200 Déposée". A UBL that fails its
    rule sets is blocked, not sent. Returns None if another worker is depositing it."""
    now = now or timezone.now()
    if delivery.state == DeliveryState.BLOCKED:
        raise NotAllowed(f"{delivery.invoice.number}: {delivery.problem}")
    previous = delivery.state
    if not _claim(delivery, DeliveryState.PENDING, DeliveryState.REFUSED):
        return None
    try:
        name, payload = payload_of(delivery)
        if delivery.syntax == EInvoiceSyntax.UBL:
            # Drafts are validated in the syntax their account had; the account may have changed since.
            blocking = fatal(validate_ubl(payload))
            if blocking:
                problem = "UBL : " + ", ".join(sorted({f.rule_id or "XSD" for f in blocking}))
                Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.BLOCKED, problem=problem[:500])
                delivery.refresh_from_db()
                return delivery
        exchange_of(delivery.platform).deposit(name, payload)
    except BaseException:
        Delivery.objects.filter(pk=delivery.pk).update(state=previous)
        raise
    attempt = delivery.attempts + 1
    digest = hashlib.sha256(payload).hexdigest()[:16]
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(file_name=name, attempts=attempt, deposited_at=now, problem="")
        _record(delivery, StatusReport(message_id=f"telcobill-{delivery.invoice.number}-200-{attempt}-{digest}",
                                       document=delivery.invoice.number, status="200", at=now), by_operator=True)
    delivery.refresh_from_db()
    return delivery


def deposit_pending(invoice_ids: list[int] | None = None, *, now: datetime | None = None) -> int:
    """Deposit the deliveries waiting for it (those of `invoice_ids`, or all); returns how many."""
    waiting = Delivery.objects.filter(state=DeliveryState.PENDING).select_related("invoice", "platform")
    if invoice_ids is not None:
        waiting = waiting.filter(invoice_id__in=invoice_ids)
    return sum(bool(deposit(delivery, now=now)) for delivery in waiting.order_by("invoice__number"))


# --- statuses ------------------------------------------------------------------------------

@dataclass
class StatusRun:
    recorded: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)


def read_statuses(platform: Platform | None = None) -> StatusRun:
    """Record the status files every platform (or one) wrote; a bad file is set aside with its
    error, the good ones are kept."""
    run = StatusRun()
    for each in ([platform] if platform else Platform.objects.filter(active=True)):
        exchange = exchange_of(each)
        for item in exchange.read_statuses():
            if isinstance(item, BadStatus):
                run.problems.append(item.error)
                exchange.done(item)
                continue
            delivery = (Delivery.objects.filter(invoice__number=item.document, platform=each)
                        .select_related("invoice").first())
            if delivery is None:
                bad = BadStatus(item.source, f"{item.source}: field 'document' is {item.document!r}, which was "
                                             f"not deposited on platform {each.code}")
                run.problems.append(bad.error)
                exchange.done(bad)
                continue
            with transaction.atomic():
                # Two platforms may use the same message ids: each one's are its own.
                if _record(delivery, replace(item, message_id=f"{each.code}:{item.message_id}"), by_operator=False):
                    run.recorded += 1
                else:
                    run.duplicates += 1
            exchange.done(item)
    return run


def _record(delivery: Delivery, report: StatusReport, *, by_operator: bool) -> bool:
    """Record one status (False if that message was recorded already) and update the delivery's
    state from the latest status. Runs inside the caller's transaction."""
    _, created = LifecycleEvent.objects.get_or_create(
        message_id=report.message_id,
        defaults={"delivery": delivery, "status": report.status, "at": report.at, "by_operator": by_operator,
                  "reason_code": report.reason_code, "reason": report.reason, "amount": report.amount})
    if not created:
        return False
    latest = delivery.events.order_by("-at", "-pk").first()
    update = {"status": latest.status, "status_at": latest.at, "state": STATE_OF_STATUS[latest.status]}
    # Once collected, a document stays "Encaissée" whatever the platforms send late (a 205 dated
    # after the payment): the money came in.
    if latest.status != "212" and delivery.events.filter(status="212").exists():
        update["state"] = DeliveryState.PAID
    if latest.status in ("210", "213"):
        update["problem"] = " — ".join(filter(None, [latest.reason_code, latest.reason]))[:500]
        update.update(handled_at=None, handled_by="", handling_note="")
    Delivery.objects.filter(pk=delivery.pk).update(**update)
    for name, value in update.items():
        setattr(delivery, name, value)
    return True


def waiting_for_payment():
    """Deposited invoices whose "212 Encaissée" is not reported yet (credit notes are not collected)."""
    return (Delivery.objects.filter(invoice__kind=DocumentKind.INVOICE, deposited_at__isnull=False)
            .exclude(state__in=[DeliveryState.PAID, DeliveryState.REFUSED])
            .exclude(events__status=LifecycleStatus.PAID).select_related("invoice", "platform"))


def report_paid(delivery: Delivery, at: datetime, amount: Decimal) -> bool:
    """Record and tell the platform "212 Encaissée" with the amount collected (services: the seller
    owns that status); the ledger's side is in workflows/einvoicing.py. False if reported already."""
    report = StatusReport(message_id=f"telcobill-{delivery.invoice.number}-212", document=delivery.invoice.number,
                          status="212", at=at, amount=amount)
    with transaction.atomic():
        if not _record(delivery, report, by_operator=True):
            return False
        exchange_of(delivery.platform).report_status(report)
    return True


def pending_business_documents() -> list[int]:
    """Issued business documents without a delivery yet (their task has not run, or failed)."""
    return list(Invoice.objects.filter(status=InvoiceStatus.ISSUED, delivery__isnull=True, buyer__is_business=True,
                                       issue_date__gte=einvoicing_since()).values_list("pk", flat=True))


# --- the staff queue -----------------------------------------------------------------------

def refused_queue():
    """Refused, rejected or blocked documents nobody has handled yet, oldest first."""
    return (Delivery.objects.filter(state__in=[DeliveryState.REFUSED, DeliveryState.BLOCKED], handled_at__isnull=True)
            .select_related("invoice__billing_account__customer", "platform").order_by("status_at", "pk"))


def redeposit(delivery: Delivery, *, by: str, now: datetime | None = None) -> Delivery:
    """Deposit a refused document again, when the refusal was about routing or the file (the
    client registered in the directory, the platform read the file wrong); otherwise the document
    itself is wrong, and a credit note and a new invoice are the way."""
    if delivery.state not in (DeliveryState.REFUSED, DeliveryState.BLOCKED):
        raise NotAllowed(f"{delivery.invoice.number} is not refused: nothing to deposit again")
    if not can_redeposit(delivery):
        raise NotAllowed(f"{delivery.invoice.number}: {what_to_do(delivery)}")
    deposited = deposit(delivery, now=now)
    if deposited is None:
        raise NotAllowed(f"{delivery.invoice.number} is being deposited already")
    Delivery.objects.filter(pk=delivery.pk).update(handled_at=now or timezone.now(), handled_by=by,
                                                   handling_note=str(_("déposée à nouveau")))
    deposited.refresh_from_db()
    return deposited


def mark_handled(delivery: Delivery, *, by: str, note: str) -> None:
    """Take a refused document out of the queue, saying what was done (e.g. "avoir AV2026-000012")."""
    if delivery.state not in (DeliveryState.REFUSED, DeliveryState.BLOCKED):
        raise NotAllowed(f"{delivery.invoice.number} is not refused: nothing to handle")
    if not note.strip():
        raise NotAllowed("say what was done (for example: avoir émis, client prévenu)")
    Delivery.objects.filter(pk=delivery.pk).update(handled_at=timezone.now(), handled_by=by,
                                                   handling_note=note.strip()[:300])


def einvoice_of(invoice: Invoice) -> Delivery | None:
    """The delivery of a document with its lifecycle (`.events`), as its customer and staff see
    it; None for a document that does not travel through a platform."""
    return Delivery.objects.filter(invoice=invoice).select_related("platform").prefetch_related("events").first()


def delivery_of(number: str) -> Delivery:
    delivery = Delivery.objects.filter(invoice__number=number).select_related("invoice", "platform").first()
    if delivery is None:
        raise NotFound(f"{number} was not delivered to a platform")
    return delivery
