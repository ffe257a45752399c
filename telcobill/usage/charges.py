"""What the usage component hands to billing: priced usage totals per invoice line.

`usage_charges` reads the totals the bill run's rating step kept (services/rating.py): the usage
month, and the earlier months rated again after late records arrived. Billing compares them with
what it already billed and invoices the difference (billing/generator.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .rating.inputs import UNIT_SIZES, month_bounds

MB = Decimal(UNIT_SIZES["MB"])


@dataclass(frozen=True)
class UsageCharge:
    line_id: int | None
    msisdn: str
    section: str  # "communications" or "third_party"
    description: str
    quantity: Decimal
    unit_code: str
    amount_excl_vat: Decimal  # exact, up to 6 decimals; rounded to the cent on the line
    vat_rule: str
    period_start: date
    period_end: date
    product_code: str = ""  # the charge (docs/rating.md): what later differences are matched on


def usage_months(month_first: date) -> list[date]:
    """The months a bill run bills usage of: the usage month and the late ones."""
    from .models import UsageRating

    return sorted({month_first, *UsageRating.objects.filter(late=True, month__lt=month_first).values_list(
        "month", flat=True)})


def usage_charges(account_ids: list[int], month_first: date, languages: dict[int, str] | None = None
                  ) -> dict[int, tuple[UsageCharge, ...]]:
    """Rated usage per billing account: the totals of `usage_months(month_first)`."""
    from .models import UsageTotal

    months = usage_months(month_first)
    # Included usage totals nothing: not loaded (a charge billed before and owed no more is
    # credited by billing from its billed lines).
    rows = list(UsageTotal.objects.filter(line__billing_account_id__in=account_ids, month__in=months)
                .exclude(amount=0).order_by("line__msisdn", "month", "charge")
                .values_list("line__billing_account_id", "line_id", "line__msisdn", "month", "charge", "section",
                             "vat_rule", "records", "chargeable", "amount"))
    if not rows:
        return {}
    words = Describer()
    result: dict[int, list[UsageCharge]] = defaultdict(list)
    for account_id, line_id, msisdn, month, charge, section, vat_rule, records, chargeable, amount in rows:
        language = (languages or {}).get(account_id, "fr")
        quantity, unit = quantity_of(charge, records, chargeable)
        first, end = month_bounds(month)
        result[account_id].append(UsageCharge(
            line_id=line_id, msisdn=msisdn, section=section, description=words.describe(charge, language),
            quantity=quantity, unit_code=unit, amount_excl_vat=amount, vat_rule=vat_rule, period_start=first,
            period_end=date.fromordinal(end.toordinal() - 1), product_code=charge))
    return {k: tuple(v) for k, v in result.items()}


def quantity_of(charge: str, records: int, chargeable: int) -> tuple[Decimal, str]:
    """The invoice quantity of a charge, in the unit its price is read in (UN/ECE rec. 20)."""
    kind = charge.split(":", 1)[0]
    if kind in ("special", "content"):
        return Decimal(records), "C62"
    if kind in ("voice", "voice_in"):
        return (Decimal(chargeable) / 60).quantize(Decimal("0.01")), "MIN"
    if kind in ("data", "data_eu"):
        return (Decimal(chargeable) / MB).quantize(Decimal("0.001")), "4L"
    return Decimal(chargeable), "C62"


WORDS = {
    "fr": {
        "voice:destination": "Appels hors forfait vers {zone}",
        "voice:roaming": "Appels passés en itinérance ({zone})",
        "voice_in": "Appels reçus en itinérance ({zone})",
        "sms:destination": "SMS hors forfait vers {zone}",
        "sms:roaming": "SMS envoyés en itinérance ({zone})",
        "sms_in": "SMS reçus en itinérance ({zone})",
        "mms:destination": "MMS hors forfait vers {zone}",
        "mms:roaming": "MMS envoyés en itinérance ({zone})",
        "mms_in": "MMS reçus en itinérance ({zone})",
        "data:destination": "Internet mobile au-delà du volume inclus",
        "data:roaming": "Internet mobile en itinérance ({zone})",
        "data_eu": "Internet depuis l'UE au-delà du volume inclus ({zone})",
        "special": "{name}",
        "content": "{name}",
        "content:unknown": "Achat de contenu ({number})",
    },
    "en": {
        "voice:destination": "Out-of-plan calls to {zone}",
        "voice:roaming": "Calls made while roaming ({zone})",
        "voice_in": "Calls received while roaming ({zone})",
        "sms:destination": "Out-of-plan texts to {zone}",
        "sms:roaming": "Texts sent while roaming ({zone})",
        "sms_in": "Texts received while roaming ({zone})",
        "mms:destination": "Out-of-plan MMS to {zone}",
        "mms:roaming": "MMS sent while roaming ({zone})",
        "mms_in": "MMS received while roaming ({zone})",
        "data:destination": "Mobile data beyond the included volume",
        "data:roaming": "Mobile data while roaming ({zone})",
        "data_eu": "Data in the EU beyond the included volume ({zone})",
        "special": "{name}",
        "content": "{name}",
        "content:unknown": "Content purchase ({number})",
    },
}


class Describer:
    """Invoice words for a charge, with the catalogue's zone and special-number names."""

    def __init__(self):
        from telcobill.catalogue.models import ThirdPartyNumber, Zone

        self.zones = {z.code: (z.kind, z.name) for z in Zone.objects.all()}
        self.specials = dict(ThirdPartyNumber.objects.values_list("prefix", "name"))

    def describe(self, charge: str, language: str) -> str:
        words = WORDS.get(language, WORDS["fr"])
        kind, _, what = charge.partition(":")
        if kind in ("special", "content"):
            name = self.specials.get(what)
            if name is None:
                return words["content:unknown"].format(number=what)
            return words[kind].format(name=name)
        zone_kind, zone_name = self.zones.get(what, ("roaming", what))
        key = kind if kind.endswith("_in") or kind == "data_eu" else f"{kind}:{zone_kind}"
        return words.get(key, charge).format(zone=zone_name)
