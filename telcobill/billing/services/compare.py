""""Why is this bill different?": an invoice compared with the account's previous one, line by
line, each difference said in plain words (prorata, option added or ended, out-of-plan usage,
late usage, one-off fees, adjustments), amounts incl. VAT for individuals and excl. VAT for
businesses, as their invoices print them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from telcobill import money

from ..models import DocumentKind, Invoice, InvoiceStatus, Section

LATE = ("Régularisation ", "Adjustment ")


@dataclass(frozen=True)
class Difference:
    label: str  # what it is: "Option International (+33612345678)"
    why: str  # in words: "nouveau, au prorata (prorata 16 jours)"
    before: Decimal
    now: Decimal

    @property
    def change(self) -> Decimal:
        return self.now - self.before


def previous_invoice(invoice: Invoice) -> Invoice | None:
    # Numbers follow issue order (one chronological series): the previous one is the greatest below.
    return (Invoice.objects.filter(billing_account_id=invoice.billing_account_id, kind=DocumentKind.INVOICE,
                                   status=InvoiceStatus.ISSUED, number__lt=invoice.number)
            .order_by("-number").first())


def compare(invoice: Invoice, previous: Invoice, *, incl_vat: bool) -> list[Difference]:
    """The lines that changed between `previous` and `invoice`, biggest change first."""
    before, now = _grouped(previous, with_vat=incl_vat), _grouped(invoice, with_vat=incl_vat)
    differences = []
    for key in dict.fromkeys([*now, *before]):
        old, new = before.get(key), now.get(key)
        old_amount = old["amount"] if old else Decimal("0.00")
        new_amount = new["amount"] if new else Decimal("0.00")
        if old_amount == new_amount:
            continue
        label = (new or old)["label"]
        differences.append(Difference(label, _why(key, old, new), old_amount, new_amount))
    return sorted(differences, key=lambda d: -abs(d.change))


def _grouped(invoice: Invoice, *, with_vat: bool) -> dict[tuple, dict]:
    """Lines by (line number, section, product or description), summed."""
    groups: dict[tuple, dict] = {}
    for line in invoice.lines.order_by("position"):
        late = line.description.startswith(LATE)
        name = line.product_code or line.description.split(" — ")[-1].split(" (")[0]
        key = (line.msisdn, line.section, "late" if late else line.kind if line.kind == "credit" else "", name)
        amount = money.incl_vat(line.net_amount, line.vat_rate) if with_vat else line.net_amount
        group = groups.setdefault(key, {"amount": Decimal("0.00"), "descriptions": [], "label": _label(line)})
        group["amount"] += amount
        group["descriptions"].append(line.description)
    return groups


def _label(line) -> str:
    name = line.description.split(" — ")[-1].split(" (")[0]  # without "(prorata 16 jours)"
    return f"{name} ({line.msisdn})" if line.msisdn else name


def _why(key: tuple, old: dict | None, new: dict | None) -> str:
    section, kind = key[1], key[2]
    text = " ".join((new or old)["descriptions"]).lower()
    if kind == "late":
        return _("consommations d'un mois précédent arrivées en retard")
    if section == Section.COMMUNICATIONS:
        if "itinérance" in text or "étranger" in text or "roaming" in text:
            return _("communications à l'étranger")
        return _("communications hors forfait")
    if section == Section.ONE_OFF:
        return _("frais ponctuels")
    if section == Section.ADJUSTMENTS or kind == "credit":
        return _("ajustement ou geste commercial")
    if section == Section.PENALTIES:
        return _("pénalités de retard")
    prorata = "prorata" in text or "prorated" in text
    if old is None:
        return _("nouveau, au prorata des jours") if prorata else _("nouveau")
    if new is None:
        return _("n'apparaît plus (résilié ou remplacé)")
    if prorata:
        return _("au prorata des jours (changement en cours de mois)")
    return _("prix ou quantité différents")
