"""The demo's e-invoicing story, after the bill runs: a plateforme agréée with its file exchange,
the business documents issued since reception became mandatory (1 September 2026) deposited on it,
the platform's answers (most approved, a few refused, rejected or disputed: the staff queue has
work), "Encaissée" reported from the ledger; e-reporting of the consumer documents, a print batch
per bill run for the customers on paper, and everything archived."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from telcobill.billing.models import BillRun, BillRunStatus, Invoice, InvoiceStatus
from telcobill.customers.models import BillingAccount, Customer, CustomerKind, EInvoiceSyntax
from telcobill.documents.models import Delivery, Platform
from telcobill.documents.services import delivery as deliveries
from telcobill.documents.services.archive import archive_pending
from telcobill.documents.services.print_batch import build_print_batch
from telcobill.workflows.einvoicing import report_paid
from telcobill.workflows.ereporting import produce_due

RECEPTION_MANDATORY = date(2026, 9, 1)
# The platform's answers for the few documents that do not go smoothly (XP Z12-012 reasons).
TROUBLE = [
    ("210", "ROUTAGE_ERR", "Adresse électronique inconnue de l'annuaire pour ce SIREN"),
    ("210", "ADR_ERR", "L'adresse de facturation ne correspond pas à l'établissement"),
    ("213", "NON_CONFORME", "Fichier illisible : pièce jointe PDF/A-3 incomplète"),
    ("207", "MONTANTTOTAL_ERR", "Le client conteste le nombre de lignes facturées"),
]


def einvoicing_story(seed: int, last_day: date, showcase: Customer | None) -> dict[str, int]:
    rng = random.Random(seed * 31 + 6)  # its own draws: the rest of the demo is unchanged
    platform = Platform.objects.create(code="pa-demo", name="Plateforme agréée (démo)", is_default=True)
    businesses = list(BillingAccount.objects.filter(customer__kind=CustomerKind.BUSINESS).order_by("number")
                      .values_list("pk", flat=True))
    ubl = [pk for pk in businesses if rng.random() < 0.2]
    BillingAccount.objects.filter(pk__in=ubl).update(einvoice_syntax=EInvoiceSyntax.UBL)

    issued = list(Invoice.objects.filter(status=InvoiceStatus.ISSUED, buyer__is_business=True,
                                         issue_date__gte=RECEPTION_MANDATORY).values_list("pk", flat=True))
    deliveries.prepare_deliveries(issued)
    for delivery in Delivery.objects.select_related("invoice", "platform").order_by("invoice__number"):
        deliveries.deposit(delivery, now=_at(delivery.invoice.issue_date, 6))

    _platform_answers(rng, platform, last_day, showcase)
    read = deliveries.read_statuses(platform)
    paid = report_paid(now=_at(last_day, 18))

    reports = len(produce_due(last_day))

    batches = 0
    for run in BillRun.objects.filter(status=BillRunStatus.ISSUED, issue_date__gte=RECEPTION_MANDATORY):
        batches += bool(build_print_batch(run.cycle).documents)
    archived = archive_pending()
    return {"deposited": Delivery.objects.count(), "statuses": read.recorded, "paid": paid,
            "ereports": reports, "print batches": batches, "archived": archived}


def _at(day: date, hour: int, minutes: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minutes), tzinfo=UTC)


def _platform_answers(rng: random.Random, platform: Platform, last_day: date, showcase: Customer | None) -> None:
    """What the platform writes back: issued, received, made available within the hour; approved
    a few days later; a handful of documents of the last cycle refused, rejected or disputed."""
    folder = Path(deliveries.exchange_of(platform).statuses)
    folder.mkdir(parents=True, exist_ok=True)
    delivered = list(Delivery.objects.select_related("invoice__billing_account").order_by("invoice__number"))
    latest = max((d.invoice.issue_date for d in delivered), default=None)
    candidates = [d for d in delivered if d.invoice.issue_date == latest
                  and (showcase is None or d.invoice.billing_account.customer_id != showcase.pk)]
    troubled = dict(zip((d.pk for d in rng.sample(candidates, min(len(TROUBLE), len(candidates)))), TROUBLE,
                        strict=False))
    for delivery in delivered:
        number, day = delivery.invoice.number, delivery.invoice.issue_date
        steps = [("201", _at(day, 6, 5)), ("202", _at(day, 6, 9)), ("203", _at(day, 6, 40))]
        trouble = troubled.get(delivery.pk)
        approved = _at(day + timedelta(days=rng.randint(1, 6)), rng.randint(8, 17), rng.randint(0, 59))
        if trouble:
            steps.append((trouble[0], _at(day + timedelta(days=1), 9, 30), *trouble[1:]))
        elif approved.date() < last_day:
            steps.append(("205", approved))
        for status, at, *reason in steps:
            body = {"message_id": f"PA-{number}-{status}", "document": number, "status": status,
                    "at": at.isoformat()}
            if reason:
                body.update(reason_code=reason[0], reason=reason[1])
            (folder / f"{at:%Y%m%d%H%M}-{number}-{status}.json").write_text(json.dumps(body, ensure_ascii=False),
                                                                            encoding="utf-8")
