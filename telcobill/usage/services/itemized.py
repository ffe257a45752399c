"""The itemized communications of a line for a month (the annex a customer asks for): each
record with its price excl. and incl. VAT, called numbers masked on their last 4 digits unless
the customer chose to see them in full (BillingAccount.itemized_full_numbers)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from telcobill.money import MICRO, to_cents

from ..charges import Describer
from ..rating.catalogue import load_tariff
from ..rating.inputs import PARIS, UNIT_SIZES
from .rating import rate_month

KINDS = {"fr": {"voice": "Appel", "sms": "SMS", "mms": "MMS", "data": "Internet", "content": "Achat",
                "in": "reçu", "out": "émis", "included": "inclus"},
         "en": {"voice": "Call", "sms": "Text", "mms": "MMS", "data": "Data", "content": "Purchase",
                "in": "received", "out": "made", "included": "included"}}


@dataclass(frozen=True)
class Communication:
    at: datetime  # Paris time
    kind: str
    number: str  # masked unless chosen otherwise
    where: str  # roaming zone name, or "" at home
    quantity: str  # "3 min 07 s", "52.4 Mo", "1"
    description: str  # the charge in words
    excl_vat: Decimal  # to the cent
    incl_vat: Decimal
    bucket: str = ""  # voice | sms | mms | data | content
    roaming: bool = False  # made or received abroad (the EU included)


def mask(number: str) -> str:
    """The last 4 digits hidden (CNIL practice for itemized bills): 331456XXXX."""
    if len(number) <= 4:
        return number
    return number[:-4] + "XXXX"


def itemized(line, month: date, *, language: str | None = None) -> list[Communication]:
    account = line.billing_account
    language = language or account.language
    words = KINDS.get(language, KINDS["fr"])
    describer = Describer()
    tariff_rates = {}
    rated = rate_month(month, [line.pk]).to_pylist()
    tariff = load_tariff()
    result = []
    for row in sorted((r for r in rated if r["line_id"] == line.pk),
                      key=lambda r: (r["started_at"], r["source"], r["record_id"])):
        at = row["started_at"].astimezone(PARIS)
        excl = (Decimal(row["amount_micros"]) * MICRO)
        key = (row["vat_rule"], at.date())
        if key not in tariff_rates:
            tariff_rates[key] = tariff.vat_rate(row["vat_rule"], at.date())
        incl = excl * (100 + tariff_rates[key]) / 100
        peer, direction = row["peer"], row["direction"]
        number = peer if account.itemized_full_numbers or not peer else mask(peer)
        kind = (words["content"] if row["bucket"] == "content"
                else f"{words.get(row['bucket'], row['bucket'])} {words[direction]}")
        where = "" if row["zone"] == "home" else describer.zones.get(row["zone"], ("", row["zone"]))[1]
        description = describer.describe(row["charge"], language) if excl else words["included"]
        result.append(Communication(at=at, kind=kind, number=number, where=where,
                                    quantity=_quantity(row["bucket"], row["rounded"], language),
                                    description=description, excl_vat=to_cents(excl),
                                    incl_vat=to_cents(incl), bucket=row["bucket"], roaming=row["zone"] != "home"))
    return result


# What a customer filters the communications by.
KIND_FILTERS = {"calls": ("voice",), "messages": ("sms", "mms"), "data": ("data",)}


def select(communications: list[Communication], *, kind: str = "", start: date | None = None,
           end: date | None = None, number: str = "") -> list[Communication]:
    """The communications of a kind (calls, messages, data, or roaming: anything abroad), between
    two days (included), with a number (as shown: a masked digit matches nothing more than the
    mask says, so a search cannot reveal a hidden number)."""
    wanted = _digits(number)
    chosen = []
    for c in communications:
        if kind == "roaming" and not c.roaming or kind in KIND_FILTERS and c.bucket not in KIND_FILTERS[kind]:
            continue
        if start and c.at.date() < start or end and c.at.date() > end:
            continue
        if wanted and not _shows(c.number, wanted):
            continue
        chosen.append(c)
    return chosen


def _digits(number: str) -> str:
    """A number as typed (06 12..., +33 6 12..., 0033...) in the records' form (33612...)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0") and not number.strip().startswith("+"):
        return "33" + digits[1:]
    return digits


def _shows(shown: str, wanted: str) -> bool:
    """Whether `wanted` appears in the number as shown, a masked X standing for any digit but
    at least one visible digit matching (else any 4 digits would find every masked number)."""
    for i in range(len(shown) - len(wanted) + 1):
        part = shown[i:i + len(wanted)]
        if part.count("X") < len(part) and all(s in (w, "X") for s, w in zip(part, wanted, strict=True)):
            return True
    return False


def as_csv(communications: list[Communication], *, language: str = "fr") -> str:
    headers = {"fr": ["date", "heure", "type", "numéro", "lieu", "quantité", "détail", "montant HT", "montant TTC"],
               "en": ["date", "time", "type", "number", "place", "quantity", "detail", "excl. VAT", "incl. VAT"]}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if language == "fr" else ",")
    writer.writerow(headers.get(language, headers["fr"]))
    for c in communications:
        amounts = [str(c.excl_vat), str(c.incl_vat)]
        if language == "fr":
            amounts = [a.replace(".", ",") for a in amounts]
        writer.writerow([c.at.strftime("%d/%m/%Y" if language == "fr" else "%Y-%m-%d"), c.at.strftime("%H:%M:%S"),
                         c.kind, c.number, c.where, c.quantity, c.description, *amounts])
    return out.getvalue()


def _quantity(bucket: str, rounded: int, language: str) -> str:
    if bucket == "voice":
        minutes, seconds = divmod(rounded, 60)
        return f"{minutes} min {seconds:02d} s"
    if bucket == "data":
        mb = Decimal(rounded) / UNIT_SIZES["MB"]
        text = f"{mb.quantize(Decimal('0.1'))} {'Mo' if language == 'fr' else 'MB'}"
        return text.replace(".", ",") if language == "fr" else text
    return str(rounded) if bucket != "content" else ""
