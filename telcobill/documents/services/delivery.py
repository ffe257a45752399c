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
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import EInvoiceSyntax
from telcobill.errors import NotAllowed, NotFound

from ..models import Delivery, DeliveryState, LifecycleEvent, LifecycleStatus, Platform
from ..platforms import BadStatus, FileExchange, StatusReport
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
    "ROUTAGE_ERR": _("Adresse électronique inconnue de l'annuaire : corrigez-la sur le compte avec le client, "
                     "puis déposez à nouveau."),
    "CODE_ROUTAGE_ERR": _("Code de routage erroné : corrigez l'adresse électronique du compte, puis déposez à "
                          "nouveau."),
    "SIRET_ERR": _("SIRET erroné : corrigez-le sur le compte, puis émettez un avoir et une nouvelle facture."),
    "DEST_INC": _("Destinataire inconnu : vérifiez le SIREN et l'adresse électronique du client, puis déposez à "
                  "nouveau."),
    "DOUBLON": _("Doublon signalé par la plateforme : vérifiez qu'elle a bien la facture, rien d'autre à faire."),
    "MONTANTTOTAL_ERR": _("Montant contesté : vérifiez avec le client ; si la facture est fausse, émettez un "
                          "avoir."),
    "CALCUL_ERR": _("Erreur de calcul signalée : vérifiez avec le client ; si la facture est fausse, émettez un "
                    "avoir."),
    "TX_TVA_ERR": _("Taux de TVA contesté : vérifiez le catalogue ; si la facture est fausse, émettez un avoir."),
    "NON_CONFORME": _("Fichier refusé par la plateforme : vérifiez la validation du document, puis déposez à "
                      "nouveau."),
}
DEFAULT_WHAT_TO_DO = _("Contactez le client ; si la facture est fausse, émettez un avoir, sinon déposez-la à "
                       "nouveau.")
REDEPOSITABLE = {"ROUTAGE_ERR", "CODE_ROUTAGE_ERR", "DEST_INC", "NON_CONFORME"}


def what_to_do(delivery: Delivery) -> str:
    if delivery.state == DeliveryState.BLOCKED:
        return str(_("Complétez le compte de facturation (SIREN, adresse électronique), puis déposez."))
    last = delivery.events.filter(status__in=["210", "213"]).last()
    code = last.reason_code if last else ""
    return str(WHAT_TO_DO.get(code, DEFAULT_WHAT_TO_DO))


def default_platform() -> Platform | None:
    return Platform.objects.filter(active=True).order_by("-is_default", "code").first()


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
        return "SIREN de l'acheteur manquant"
    if not buyer.get("electronic_address"):
        return "adresse électronique de l'acheteur (BT-49) manquante"
    return ""


def prepare_deliveries(invoice_ids: list[int]) -> int:
    """Create the delivery of each issued business document of `invoice_ids` that has none.
    Consumer documents and buyers outside France are e-reported, not delivered."""
    platform = default_platform()
    if platform is None:
        return 0
    invoices = (Invoice.objects.filter(pk__in=invoice_ids, status=InvoiceStatus.ISSUED, delivery__isnull=True)
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


def deposit(delivery: Delivery, *, now: datetime | None = None) -> Delivery:
    """Drop the document in its platform's outbox and record "200 Déposée" (once per deposit)."""
    now = now or timezone.now()
    if delivery.state == DeliveryState.BLOCKED:
        raise NotAllowed(f"{delivery.invoice.number}: {delivery.problem}")
    name, payload = payload_of(delivery)
    exchange_of(delivery.platform).deposit(name, payload)
    attempt = delivery.attempts + 1
    digest = hashlib.sha256(payload).hexdigest()[:16]
    with transaction.atomic():
        _record(delivery, StatusReport(message_id=f"telcobill-{delivery.invoice.number}-200-{attempt}-{digest}",
                                       document=delivery.invoice.number, status="200", at=now), by_operator=True)
        Delivery.objects.filter(pk=delivery.pk).update(file_name=name, attempts=attempt, deposited_at=now,
                                                       problem="")
    delivery.refresh_from_db()
    return delivery


def deposit_pending(*, now: datetime | None = None) -> int:
    """Deposit every delivery waiting for it; returns how many."""
    count = 0
    for delivery in Delivery.objects.filter(state=DeliveryState.PENDING).select_related("invoice", "platform"):
        deposit(delivery, now=now)
        count += 1
    return count


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
                if _record(delivery, item, by_operator=False):
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
                  "reason_code": report.reason_code, "reason": report.reason})
    if not created:
        return False
    latest = delivery.events.order_by("-at", "-pk").first()
    update = {"status": latest.status, "status_at": latest.at, "state": STATE_OF_STATUS[latest.status]}
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


def report_paid(delivery: Delivery, at: datetime) -> bool:
    """Record and tell the platform "212 Encaissée" (services: the seller owns that status); the
    ledger's side is in workflows/einvoicing.py. False if it was reported already."""
    report = StatusReport(message_id=f"telcobill-{delivery.invoice.number}-212", document=delivery.invoice.number,
                          status="212", at=at)
    with transaction.atomic():
        if not _record(delivery, report, by_operator=True):
            return False
        exchange_of(delivery.platform).report_status(report)
    return True


def pending_business_documents() -> list[int]:
    """Issued business documents without a delivery yet (their task has not run, or failed)."""
    return list(Invoice.objects.filter(status=InvoiceStatus.ISSUED, delivery__isnull=True, buyer__is_business=True)
                .values_list("pk", flat=True))


# --- the staff queue -----------------------------------------------------------------------

def refused_queue():
    """Refused, rejected or blocked documents nobody has handled yet, oldest first."""
    return (Delivery.objects.filter(state__in=[DeliveryState.REFUSED, DeliveryState.BLOCKED], handled_at__isnull=True)
            .select_related("invoice__billing_account__customer", "platform").order_by("status_at", "pk"))


def redeposit(delivery: Delivery, *, by: str, now: datetime | None = None) -> Delivery:
    """Deposit a refused or rejected document again (after the account was corrected)."""
    if delivery.state not in (DeliveryState.REFUSED, DeliveryState.BLOCKED):
        raise NotAllowed(f"{delivery.invoice.number} is not refused: nothing to deposit again")
    if delivery.state == DeliveryState.BLOCKED:
        problem = _blocking_problem(delivery.invoice)
        if problem:
            raise NotAllowed(f"{delivery.invoice.number}: {problem}")
        Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING, problem="")
        delivery.state = DeliveryState.PENDING
    deposited = deposit(delivery, now=now)
    Delivery.objects.filter(pk=delivery.pk).update(handled_at=now or timezone.now(), handled_by=by,
                                                   handling_note="déposée à nouveau")
    deposited.refresh_from_db()
    return deposited


def mark_handled(delivery: Delivery, *, by: str, note: str) -> None:
    """Take a refused document out of the queue, saying what was done (e.g. "avoir AV2026-000012")."""
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
