"""Fast checks every document passes before it gets a number (invariant 2).

Sums, VAT per rate, mandatory mentions. The EN 16931 / Factur-X / BR-FR schematrons run on
business documents in the documents component; both report problems as (rule, message).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .totals import compute_totals

NUMBER_RE = re.compile(r"^[A-Za-z0-9+\-_/]{1,35}$")  # BR-FR-01/02
VAT_CATEGORIES = {"S", "E", "AE", "K", "G", "O", "Z"}


def check_number(number: str) -> list[tuple[str, str]]:
    if not NUMBER_RE.match(number or ""):
        return [("TB-NUMBER", f"number {number!r}: at most 35 letters, digits or + - _ /")]
    return []


def check_document(doc, lines) -> list[tuple[str, str]]:
    """`doc` has totals, buyer, seller, kind, corrects; `lines` have amounts and VAT fields."""
    problems: list[tuple[str, str]] = []
    if not lines:
        problems.append(("TB-LINES", "a document needs at least one line"))
    totals = compute_totals(lines)
    if totals.net != doc.total_net:
        problems.append(("TB-SUM-NET", f"lines add up to {totals.net}, total excl. VAT says {doc.total_net}"))
    if totals.vat != doc.total_vat:
        problems.append(("TB-SUM-VAT", f"VAT per rate adds up to {totals.vat}, total VAT says {doc.total_vat}"))
    if doc.total_net + doc.total_vat != doc.total_gross:
        problems.append(("TB-SUM-GROSS", "total incl. VAT is not total excl. VAT plus VAT"))
    if doc.total_gross < 0:
        problems.append(("TB-NEGATIVE", "a document total cannot be negative: make it a credit note"))
    for line in lines:
        where = f"line {line.position}" if hasattr(line, "position") else "a line"
        if line.vat_category not in VAT_CATEGORIES:
            problems.append(("TB-VAT-CAT", f"{where}: VAT category {line.vat_category!r} not allowed"))
        if line.vat_category == "S" and Decimal(line.vat_rate) <= 0:
            problems.append(("TB-VAT-RATE", f"{where}: standard VAT needs a rate"))
        if line.vat_category in {"O", "AE", "E"} and not line.vat_exemption_reason:
            problems.append(("TB-VAT-REASON", f"{where}: category {line.vat_category} needs an exemption reason"))
        if not line.description.strip():
            problems.append(("TB-DESCRIPTION", f"{where}: no description"))
        if line.net_amount != line.net_amount.quantize(Decimal("0.01")):
            problems.append(("TB-DECIMALS", f"{where}: amount with more than 2 decimals"))
    seller, buyer = doc.seller, doc.buyer
    # A document of out-of-scope amounts only (late-payment penalties) carries no VAT number
    # (EN 16931 BR-O-02); every other one prints the seller's.
    out_of_scope = bool(lines) and all(line.vat_category == "O" for line in lines)
    for key in ("name", "siren", "legal_form", "share_capital", "rcs", *(() if out_of_scope else ("vat_number",))):
        if not seller.get(key):
            problems.append(("TB-SELLER", f"seller {key} is missing"))
    if not buyer.get("name") or not buyer.get("address", {}).get("line1") or not buyer.get("address", {}).get("city"):
        problems.append(("TB-BUYER", "the customer's name and address are required"))
    if buyer.get("is_business"):
        if not re.fullmatch(r"\d{9}", buyer.get("siren") or ""):
            problems.append(("TB-BUYER-SIREN", "a business customer's SIREN is required (9 digits)"))
        if doc.kind == "invoice" and not doc.due_date:
            problems.append(("TB-DUE-DATE", "a business document needs a due date"))
    if doc.kind == "credit_note" and doc.corrects_id is None:
        problems.append(("TB-CREDIT-REF", "a credit note must reference the invoice it corrects"))
    return problems
