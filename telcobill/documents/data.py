"""The plain data a document is made of: what the CII XML and the PDF are built from.

Built from the stored invoice (never recomputed) by `documents.snapshot`; consumed by the
pure builders `documents.cii.build_cii` and `documents.pdf.render_pdf`. No ORM here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Address:
    line1: str
    postcode: str
    city: str
    country_code: str = "FR"  # ISO 3166-1 alpha-2
    line2: str = ""


@dataclass(frozen=True)
class Party:
    name: str
    address: Address
    siren: str = ""  # 9 digits; legal registration identifier (BT-30 / BT-47)
    siret: str = ""  # 14 digits; establishment
    vat_number: str = ""  # intra-EU VAT number, e.g. FR40303265045
    legal_form: str = ""  # "SAS", "SARL"...
    share_capital: str = ""  # as printed: "1 250 000 EUR"
    rcs: str = ""  # "RCS Paris 123 456 789"
    email: str = ""
    phone: str = ""
    # Electronic address for e-invoice routing (BT-34 / BT-49): scheme "0225" (SIREN-based
    # French routing identifier), "0009" (SIRET) or "EM" (e-mail); identifier.
    electronic_address_scheme: str = ""
    electronic_address: str = ""


@dataclass(frozen=True)
class DocumentLine:
    number: int  # 1-based, BT-126
    section: str  # "plan_options" | "communications" | "one_off" | "third_party" | "adjustments" | "penalties"
    description: str
    quantity: Decimal
    unit_code: str  # UN/ECE rec 20: "C62" (one), "MON" (month), "DAY", "MIN", "MBT"...
    unit_price: Decimal  # excl. VAT, up to 6 decimals (BT-146)
    net_amount: Decimal  # excl. VAT, 2 decimals (BT-131) = round_half_up(quantity * unit_price)
    vat_category: str  # "S" | "O" | "AE" | "E" | "Z" | "K" | "G"
    vat_rate: Decimal  # percent, e.g. Decimal("20.00"); 0 for O/AE/E
    msisdn: str = ""  # the line (contract) this charge belongs to, E.164 "+33612345678"
    period_start: date | None = None  # date of supply (BT-134 / BT-135)
    period_end: date | None = None
    product_code: str = ""  # catalogue code (BT-155 seller's item identifier)
    # The price as advertised to a consumer (VAT included) when the catalogue price includes VAT.
    unit_price_incl_vat: Decimal | None = None


@dataclass(frozen=True)
class VatTotal:
    category: str
    rate: Decimal
    base: Decimal  # BT-116
    amount: Decimal  # BT-117
    exemption_reason: str = ""  # BT-120, required for O / AE / E
    exemption_code: str = ""  # BT-121, e.g. "VATEX-EU-AE", "VATEX-EU-O"


@dataclass(frozen=True)
class Payment:
    # UNTDID 4461: "59" SEPA direct debit, "58" SEPA credit transfer, "30" credit transfer,
    # "48" bank card, "97" clearing between partners (used for a credit note settled on account)
    means_code: str
    due_date: date | None = None
    terms: str = ""  # printed payment terms (BT-20)
    remittance_reference: str = ""  # reference to quote on a transfer (BT-83)
    # Direct debit (BT-89 mandate UMR, BT-90 creditor identifier ICS, BT-91 debited IBAN)
    mandate_reference: str = ""
    creditor_identifier: str = ""
    debtor_iban: str = ""
    collection_date: date | None = None
    # Credit transfer to the operator (BT-84 IBAN, BT-86 BIC)
    payee_iban: str = ""
    payee_bic: str = ""


@dataclass(frozen=True)
class Document:
    kind: str  # "invoice" | "credit_note"
    type_code: str  # UNTDID 1001: "380" commercial invoice, "381" credit note
    number: str  # at most 35 chars, letters digits + - _ /
    issue_date: date
    currency: str
    language: str  # "fr" | "en"
    seller: Party
    buyer: Party
    buyer_is_business: bool
    account_number: str  # the billing account (BT-46 buyer identifier / BT-19 accounting ref)
    period_start: date | None
    period_end: date | None
    lines: tuple[DocumentLine, ...]
    vat_totals: tuple[VatTotal, ...]
    total_net: Decimal  # BT-109 (sum of lines, no document-level allowances)
    total_vat: Decimal  # BT-110
    total_gross: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    amount_due: Decimal  # BT-115
    payment: Payment
    # For a credit note: the corrected invoice (BT-25 number, BT-26 date) and the reason.
    corrected_number: str = ""
    corrected_issue_date: date | None = None
    reason: str = ""
    # Free-text legal notes printed and carried as BT-21/BT-22 notes with their subject code:
    # "PMT" recovery indemnity, "PMD" late penalties, "AAB" discount terms, "TXD" VAT on debits,
    # "BAR" B2B/B2C classification (BR-FR), "REG" legal registration of the seller...
    notes: tuple[tuple[str, str], ...] = ()
    operation_category: str = "services"  # décret 2022-1299: telecom = services
    vat_on_debits: bool = False
    support_phone: str = ""
    support_phone_business: str = ""
    support_url: str = ""
    extra: dict = field(default_factory=dict)  # anything else a template wants (never in the XML)
