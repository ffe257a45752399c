"""Hypothesis strategies for documents (docs/einvoicing-mapping.md): invoices and credit notes the
way billing makes them, plain data only (no Django, no database).

A document is 1-60 lines of one billing account for one month: plan and option fees (monthly
or prorated on a plan change, the credited part as a negative quantity), usage (minutes with
per-second precision, megabytes, SMS; unit prices with 4-6 decimals), one-off fees, third-party
services at 20 / 10 / 5.5 / 2.1 % VAT, late-usage adjustments that may make the invoice negative;
or, apart, a penalties-only document "not subject to VAT" (category O may not share a document
with another category nor with VAT identifiers: BR-O-02, BR-O-11, BR-O-12). A consumer's prices
are VAT-included catalogue prices, so the unit price excl. VAT has 6 decimals. Every line net is
round_half_up(quantity x unit price); the VAT breakdown is billing's own `compute_totals`; notes,
texts and payment terms are the sample's (documents/sample.py). Credit notes correct a generated
invoice, in full or in part, with positive totals.

The generator is written once against a two-method `Pick`, so the same code draws from
Hypothesis in tests and from a seeded `random.Random` in bench/ubl.py (no Hypothesis there):

    @given(documents())
    def test_something(doc): ...

    random_documents(10_000, seed=2026)
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol, TypeVar

from hypothesis import strategies as st

from telcobill.billing.totals import compute_totals
from telcobill.documents.data import Address, Document, DocumentLine, Party, Payment, VatTotal
from telcobill.documents.sample import (
    _TEXTS,
    BUSINESS_IBAN,
    CREDITOR_IDENTIFIER,
    INDIVIDUAL_IBAN,
    SELLER,
    SELLER_BIC,
    SELLER_IBAN,
    _notes,  # the mandatory notes exactly as the sample (and billing) writes them
)
from telcobill.money import ZERO, excl_vat, to_cents, to_micros

T = TypeVar("T")


class Pick(Protocol):
    def integer(self, low: int, high: int) -> int: ...
    def choice(self, options: Sequence[T]) -> T: ...


class RandomPick:
    """Draws from a seeded `random.Random`: the same seed, the same documents."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return self._random.choice(options)


# Built once: a strategy built inside a draw is validated again at every draw (slow).
_STRATEGIES: dict[tuple, st.SearchStrategy] = {}


class HypothesisPick:
    """Draws through Hypothesis, which then shrinks a failing document to a small one."""

    def __init__(self, draw):
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        key = ("integer", low, high)
        if key not in _STRATEGIES:
            _STRATEGIES[key] = st.integers(low, high)
        return self._draw(_STRATEGIES[key])

    def choice(self, options: Sequence[T]) -> T:
        key = ("choice", tuple(options))
        if key not in _STRATEGIES:
            _STRATEGIES[key] = st.sampled_from(tuple(options))
        return self._draw(_STRATEGIES[key])


# --- vocabulary ----------------------------------------------------------------------------

VAT_20, VAT_10, VAT_5_5, VAT_2_1 = Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10")
NOT_SUBJECT = Decimal("0")
YEARS = (2025, 2026, 2027)
SOMETIMES = (True, False, False, False)  # one in four

PLANS = (  # (code, fr, en, price excl. VAT for businesses, price incl. VAT for consumers)
    ("PLAN-PRO-100", "Forfait Pro 100 Go", "Pro 100 GB plan", "24.99", "29.99"),
    ("PLAN-PRO-UNL", "Forfait Pro Illimité", "Pro Unlimited plan", "39.99", "47.99"),
    ("PLAN-PRO-20", "Forfait Pro 20 Go", "Pro 20 GB plan", "14.99", "17.99"),
    ("PLAN-HOME-60", "Forfait 60 Go", "60 GB plan", "16.66", "19.99"),
    ("PLAN-HOME-5", "Forfait 5 Go", "5 GB plan", "4.16", "4.99"),
)
OPTIONS = (
    ("OPT-INTL-2H", "Option International 2 h", "International 2 h option", "5.00", "6.00"),
    ("OPT-ROAM-US", "Pass Amérique du Nord 5 Go", "North America 5 GB pass", "12.50", "15.00"),
    ("OPT-MULTISIM", "Option Multi-SIM", "Multi-SIM option", "2.50", "3.00"),
)
USAGES = (  # (code, fr, en, unit, kind)
    ("USG-VOICE-INTL-Z2", "Appels vers l'international hors forfait", "Out-of-plan international calls", "MIN",
     "minutes"),
    ("USG-VOICE-SPECIAL", "Appels vers numéros spéciaux (08 99)", "Calls to premium numbers (08 99)", "MIN",
     "minutes"),
    ("USG-DATA-ROAM-Z3", "Données en itinérance hors UE", "Roaming data outside the EU", "4L", "megabytes"),
    ("USG-DATA-ROAM-Z4", "Données en itinérance, zone Monde", "Roaming data, World zone", "E34", "gigabytes"),
    ("USG-SMS-INTL", "SMS vers l'international", "International text messages", "C62", "count"),
)
ONE_OFFS = (  # (code, fr, en, price excl. VAT, on a line?)
    ("SIM-3IN1", "Carte SIM triple découpe", "Triple-cut SIM card", "10.00", True),
    ("FEE-ACTIVATION", "Frais de mise en service", "Activation fee", "40.83", True),
    ("FEE-PAPER-BILL", "Frais de facture papier", "Paper bill fee", "1.50", False),
    ("FEE-DD-REJECT", "Frais de rejet de prélèvement", "Rejected direct debit fee", "12.50", False),
)
THIRD_PARTY = (  # (code, fr, en, VAT rate): content billed on behalf of a provider
    ("TP-SMSPLUS", "Achat SMS+ : vote émission TV", "SMS+ purchase: TV show vote", VAT_20),
    ("TP-TV-BOUQUET", "Bouquet TV (éditeur tiers)", "TV channel package (third party)", VAT_10),
    ("TP-EBOOK", "Livre numérique (éditeur tiers)", "E-book (third-party publisher)", VAT_5_5),
    ("TP-PRESS", "Abonnement presse en ligne", "Online newspaper subscription", VAT_2_1),
)
PENALTIES = (  # category O, businesses only (Code de commerce L441-10)
    ("FEE-RECOVERY-40", "Indemnité forfaitaire pour frais de recouvrement", "Fixed compensation for recovery costs"),
    ("FEE-LATE-PENALTY", "Pénalités de retard", "Late payment penalties"),
)
COMPANIES = ("Atelier Lumière SARL", "Dupont & Fils SAS", "Boulangerie L'Épi d'Or", "Transports Rhône-Alpes SA",
             "Cabinet Lefèvre <Avocats>", "SCI Les Tilleuls")
PEOPLE = ("Camille Martin", "Zoé L'Hôte", "Jean-Pierre Dubois", "Anaïs Nguyễn", "Mohamed Ben Saïd", "Éloïse Roux")
ADDRESSES = (
    Address(line1="42 quai Saint-Vincent", postcode="69001", city="Lyon"),
    Address(line1="7 allée des Tilleuls", line2="Bâtiment B", postcode="44000", city="Nantes"),
    Address(line1="3 place du Capitole", postcode="31000", city="Toulouse"),
    Address(line1="12 rue de la République", line2="BP 42", postcode="13001", city="Marseille"),
    Address(line1="1 chemin des Vignes", postcode="97200", city="Fort-de-France"),
)
ADJUSTMENT = {"fr": "Régularisation consommations tardives de {month} : {what}",
              "en": "Late usage adjustment for {month}: {what}"}
PRORATA = {"fr": "{name} — prorata du {start} au {end}", "en": "{name} — prorated {start} to {end}"}
PRORATA_CREDIT = {"fr": "Remboursement prorata {name} (changement d'offre) du {start} au {end}",
                  "en": "Prorated refund {name} (plan change) {start} to {end}"}
GOODWILL = {"fr": "Geste commercial", "en": "Goodwill gesture"}
PREPAID_TERMS = {"fr": "Facture réglée par carte bancaire le {d}", "en": "Paid by bank card on {d}"}


# --- identifiers ---------------------------------------------------------------------------

def _luhn_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn check (SIREN, SIRET)."""
    total = 0
    for i, d in enumerate(reversed(digits + "0")):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def _siren(pick: Pick) -> str:
    body = str(pick.integer(1, 9)) + f"{pick.integer(0, 9_999_999):07d}"
    return body + _luhn_digit(body)


def _siret(siren: str, pick: Pick) -> str:
    body = siren + f"{pick.integer(1, 9999):04d}"
    return body + _luhn_digit(body)


def _vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _msisdn(pick: Pick) -> str:
    return f"+33{pick.choice('67')}{pick.integer(0, 99_999_999):08d}"


def _buyer(pick: Pick, business: bool) -> Party:
    address = pick.choice(ADDRESSES)
    if not business:
        name = pick.choice(PEOPLE)
        email = f"client{pick.integer(1, 99_999)}@example.org"
        # An individual has no directory entry: the e-mail the invoice goes to (BR-FR-12).
        return Party(name=name, address=address, email=email, electronic_address_scheme="EM",
                     electronic_address=email)
    siren = _siren(pick)
    siret = _siret(siren, pick) if pick.choice((True, True, True, False)) else ""
    routing = f"{siren}_{siret}" if siret and pick.choice((True, False)) else siren  # starts with the SIREN
    return Party(
        name=pick.choice(COMPANIES), address=address, siren=siren, siret=siret,
        vat_number=_vat_number(siren) if pick.choice((True, True, True, False)) else "",
        legal_form="SAS", email=f"compta{pick.integer(1, 999)}@entreprise.example",
        electronic_address_scheme="0225", electronic_address=routing,
    )


# --- amounts -------------------------------------------------------------------------------

def _price(value: Decimal) -> Decimal:
    """A unit price as billing stores it: half-up to 6 decimals, "24.99" rather than "24.990000"."""
    value = to_micros(value)
    return max(value.normalize(), value.quantize(Decimal("0.01")), key=lambda d: -d.as_tuple().exponent)


def _decimal(pick: Pick, low: str, high: str, places: int) -> Decimal:
    """A decimal in [low, high] with at most `places` decimals."""
    scale = 10**places
    return Decimal(pick.integer(int(Decimal(low) * scale), int(Decimal(high) * scale))) / scale


def _catalogue_price(business: bool, excl: str, incl: str, rate: Decimal) -> Decimal:
    if business:
        return _price(Decimal(excl))
    return _price(excl_vat(Decimal(incl), rate))  # a consumer's price is VAT included


# --- lines ---------------------------------------------------------------------------------

class _Month:
    def __init__(self, year: int, month: int):
        self.first = date(year, month, 1)
        self.days = calendar.monthrange(year, month)[1]
        self.last = date(year, month, self.days)

    def day(self, n: int) -> date:
        return self.first + timedelta(days=n - 1)

    def label(self) -> str:
        return self.first.strftime("%m/%Y")


def _line(number, section, description, quantity, unit, unit_price, *, rate=VAT_20, category="S",
          msisdn="", start=None, end=None, code="", incl_vat=None) -> DocumentLine:
    return DocumentLine(
        number=number, section=section, description=description, quantity=Decimal(quantity), unit_code=unit,
        unit_price=unit_price, net_amount=to_cents(Decimal(quantity) * unit_price), vat_category=category,
        vat_rate=rate, msisdn=msisdn, period_start=start, period_end=end, product_code=code,
        unit_price_incl_vat=incl_vat,
    )


def _telecom_line(pick: Pick, number: int, *, business: bool, language: str, month: _Month,
                  msisdns: Sequence[str]) -> DocumentLine:
    lang = 1 if language == "fr" else 2
    msisdn = pick.choice(msisdns)
    kind = pick.choice(("plan", "plan", "option", "prorata", "usage", "usage", "usage", "one_off", "third_party",
                        "adjustment"))
    if kind in ("plan", "option"):
        offer = pick.choice(PLANS if kind == "plan" else OPTIONS)
        price = _catalogue_price(business, offer[3], offer[4], VAT_20)
        return _line(number, "plan_options", f"{offer[lang]} — {month.label()}", "1", "MON", price,
                     msisdn=msisdn, start=month.first, end=month.last, code=offer[0])
    if kind == "prorata":  # a plan change on day `change`: the old plan credited, the new one charged
        offer = pick.choice(PLANS)
        change = pick.integer(2, month.days)
        days = month.days - change + 1
        monthly = _catalogue_price(business, offer[3], offer[4], VAT_20)
        daily = _price(monthly / month.days)
        credit = pick.choice((True, False))
        text = (PRORATA_CREDIT if credit else PRORATA)[language].format(
            name=offer[lang], start=month.day(change).isoformat(), end=month.last.isoformat())
        return _line(number, "plan_options", text, -days if credit else days, "DAY", daily, msisdn=msisdn,
                     start=month.day(change), end=month.last, code=offer[0])
    if kind == "usage":
        code, fr, en, unit, what = pick.choice(USAGES)
        if what == "minutes":  # per-second billing: seconds / 60 to 4 decimals
            quantity = (Decimal(pick.integer(1, 36_000)) / 60).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            price = _decimal(pick, "0.0100", "1.5000", pick.choice((4, 5, 6)))
        elif what == "megabytes":
            quantity = _decimal(pick, "0.001", "20000", 3)
            price = _decimal(pick, "0.0001", "0.0200", pick.choice((4, 5, 6)))
        elif what == "gigabytes":
            quantity = _decimal(pick, "0.0001", "20", 4)
            price = _decimal(pick, "1.00", "15.00", pick.choice((2, 4, 6)))
        else:
            quantity = Decimal(pick.integer(1, 500))
            price = _decimal(pick, "0.05", "0.35", pick.choice((2, 4)))
        if not business:  # the drawn price is the catalogue's, VAT included
            price = excl_vat(price, VAT_20)
        return _line(number, "communications", fr if lang == 1 else en, quantity, unit, _price(price),
                     msisdn=msisdn, start=month.first, end=month.last, code=code)
    if kind == "one_off":
        code, fr, en, excl, on_a_line = pick.choice(ONE_OFFS)
        day = month.day(pick.integer(1, month.days))
        price = _catalogue_price(business, excl, str(to_cents(Decimal(excl) * Decimal("1.2"))), VAT_20)
        return _line(number, "one_off", fr if lang == 1 else en, pick.integer(1, 3), "C62", price,
                     msisdn=msisdn if on_a_line else "", start=day, end=day, code=code)
    if kind == "third_party":
        code, fr, en, rate = pick.choice(THIRD_PARTY)
        day = month.day(pick.integer(1, month.days))
        price = _decimal(pick, "0.50", "30.00", 2)
        price = price if business else _price(excl_vat(price, rate))
        return _line(number, "third_party", fr if lang == 1 else en, pick.integer(1, 4), "C62", _price(price),
                     rate=rate, msisdn=msisdn, start=day, end=day, code=code)
    # Late usage of the previous month, billed or credited now (a correction is a new line).
    previous = _Month(*((month.first.year - 1, 12) if month.first.month == 1
                        else (month.first.year, month.first.month - 1)))
    if pick.choice((True, False)):
        code, fr, en, unit, what = pick.choice(USAGES[:2])
        quantity = Decimal(pick.integer(-600, 600) or 1)
        price = _price(_decimal(pick, "0.0100", "0.9000", 6))
        what_text = fr if lang == 1 else en
    else:  # a goodwill credit of a fixed amount
        code, unit, quantity, what_text = "ADJ-GOODWILL", "C62", Decimal(-1), GOODWILL[language]
        price = _decimal(pick, "1.00", "80.00", 2)
    text = ADJUSTMENT[language].format(month=previous.label(), what=what_text)
    return _line(number, "adjustments", text, quantity, unit, price, msisdn=msisdn, start=previous.first,
                 end=previous.last, code=code)


def _penalty_lines(pick: Pick, language: str) -> list[DocumentLine]:
    lang = 1 if language == "fr" else 2
    lines = []
    for code, fr, en in PENALTIES[:pick.integer(1, 2)]:
        if code == "FEE-RECOVERY-40":  # EUR 40 per invoice paid late
            quantity, price = Decimal(pick.integer(1, 3)), Decimal("40.00")
        else:
            quantity, price = Decimal(1), _decimal(pick, "0.50", "90.00", 2)
        lines.append(_line(len(lines) + 1, "penalties", fr if lang == 1 else en, quantity, "C62", price,
                           rate=NOT_SUBJECT, category="O", code=code))
    return lines


# --- the document --------------------------------------------------------------------------

def _vat_totals(lines: Sequence[DocumentLine], language: str) -> tuple[VatTotal, ...]:
    totals = compute_totals(lines)  # billing's own breakdown: one VAT per (category, rate)
    return tuple(
        VatTotal(category=v.category, rate=v.rate, base=v.base, amount=v.amount,
                 exemption_reason=_TEXTS[language]["exempt_O"] if v.category == "O" else "",
                 exemption_code="VATEX-EU-O" if v.category == "O" else "")
        for v in totals.vat_lines
    )


def _shown(day: date, language: str) -> str:
    return day.strftime("%d/%m/%Y") if language == "fr" else day.isoformat()


def _invoice_payment(pick: Pick, *, language: str, number: str, issue: date, buyer_iban: str, gross: Decimal,
                     ) -> tuple[Payment, Decimal]:
    """The payment terms and the amount already paid."""
    t = _TEXTS[language]
    if gross > 0 and pick.choice((False, False, False, False, False, True)):  # paid by card when ordering
        return Payment(means_code="48", due_date=issue, terms=PREPAID_TERMS[language].format(
            d=_shown(issue, language))), gross
    prepaid = _decimal(pick, "1.00", str(gross - Decimal("0.01")), 2) if gross > 1 and pick.choice(SOMETIMES) \
        else ZERO  # a deposit already paid
    if pick.choice((True, False)):
        due = issue + timedelta(days=pick.integer(8, 20))
        return Payment(
            means_code="59", due_date=due, terms=t["terms_dd"].format(d=_shown(due, language), last4=buyer_iban[-4:]),
            mandate_reference=f"TBM-MDT-{issue.year}-{pick.integer(1, 999_999):06d}",
            creditor_identifier=CREDITOR_IDENTIFIER, debtor_iban=buyer_iban, collection_date=due,
        ), prepaid
    due = issue + timedelta(days=pick.integer(14, 30))
    means = pick.choice(("58", "30"))
    return Payment(
        means_code=means, due_date=due, terms=t["terms_transfer"].format(d=_shown(due, language), ref=number),
        remittance_reference=number, payee_iban=SELLER_IBAN, payee_bic=SELLER_BIC if means == "58" else "",
    ), prepaid


def _document(*, kind: str, number: str, issue: date, language: str, buyer: Party, business: bool,
              account: str, month: _Month, lines: Sequence[DocumentLine], payment: Payment, prepaid: Decimal,
              seller: Party, vat_on_debits: bool, corrected: Document | None = None) -> Document:
    vat_totals = _vat_totals(lines, language)
    total_net = sum((line.net_amount for line in lines), ZERO)
    total_vat = sum((v.amount for v in vat_totals), ZERO)
    return Document(
        kind=kind, type_code="381" if kind == "credit_note" else "380", number=number, issue_date=issue,
        currency="EUR", language=language, seller=seller, buyer=buyer, buyer_is_business=business,
        account_number=account, period_start=month.first, period_end=month.last, lines=tuple(lines),
        vat_totals=vat_totals, total_net=total_net, total_vat=total_vat, total_gross=total_net + total_vat,
        prepaid=prepaid, amount_due=total_net + total_vat - prepaid, payment=payment,
        corrected_number=corrected.number if corrected else "",
        corrected_issue_date=corrected.issue_date if corrected else None,
        reason=_TEXTS[language]["reason"] if corrected else "",
        notes=_notes(_TEXTS[language], business, vat_on_debits), vat_on_debits=vat_on_debits,
    )


def _credit_note(pick: Pick, invoice: Document, buyer_iban: str) -> Document | None:
    """A credit note of `invoice`: in full, or some of its charges (in part for counted usage)."""
    charges = [line for line in invoice.lines if line.net_amount > 0]
    if not charges:
        return None
    full = invoice.total_net > 0 and invoice.total_gross > 0 and pick.choice((True, False))
    if full:
        lines = list(invoice.lines)
    else:
        lines = [line for line in charges if pick.choice((True, False))] or [charges[0]]
        lines = [_part_of(pick, line) for line in lines]
    lines = [replace(line, number=n) for n, line in enumerate(lines, start=1)]
    t = _TEXTS[invoice.language]
    issue = invoice.issue_date + timedelta(days=pick.integer(1, 40))
    number = f"AV{issue.year}-{pick.integer(1, 999_999):06d}"
    if invoice.payment.means_code == "59":  # settled against the next collection
        payment = Payment(means_code="97", due_date=issue, terms=t["terms_cn_dd"])
    else:  # refunded by transfer to the customer's account (BT-84)
        payment = Payment(means_code="58", due_date=issue + timedelta(days=10), terms=t["terms_cn_transfer"],
                          remittance_reference=number, payee_iban=buyer_iban)
    month = _Month(invoice.period_start.year, invoice.period_start.month)
    return _document(kind="credit_note", number=number, issue=issue, language=invoice.language,
                     buyer=invoice.buyer, business=invoice.buyer_is_business, account=invoice.account_number,
                     month=month, lines=lines, payment=payment, prepaid=ZERO, seller=invoice.seller,
                     vat_on_debits=invoice.vat_on_debits, corrected=invoice)


def _part_of(pick: Pick, line: DocumentLine) -> DocumentLine:
    """The whole line, or part of its (whole) quantity: 10 of 37 disputed minutes."""
    if line.quantity <= 1 or line.quantity != line.quantity.to_integral_value():
        return line
    quantity = Decimal(pick.integer(1, int(line.quantity)))
    return replace(line, quantity=quantity, net_amount=to_cents(quantity * line.unit_price))


def make_document(pick: Pick) -> Document:
    """One consistent document drawn with `pick` (see the module docstring)."""
    business = pick.choice((True, False))
    language = pick.choice(("fr", "en"))
    month = _Month(pick.choice(YEARS), pick.integer(1, 12))
    issue = month.last + timedelta(days=pick.integer(1, 5))
    buyer = _buyer(pick, business)
    buyer_iban = BUSINESS_IBAN if business else INDIVIDUAL_IBAN
    account = f"{'CF' if business else 'CP'}-{pick.integer(1, 9_999_999):07d}"
    number = f"F{issue.year}-{pick.integer(1, 999_999):06d}"
    seller, vat_on_debits = SELLER, business and pick.choice((True, True, False))
    if business and pick.choice((False,) * 9 + (True,)):
        # Penalties only: not subject to VAT, so no VAT identifier on either side (BR-O-02).
        lines = _penalty_lines(pick, language)
        seller, buyer, vat_on_debits = replace(SELLER, vat_number=""), replace(buyer, vat_number=""), False
    else:
        msisdns = [_msisdn(pick) for _ in range(pick.integer(1, 5))]
        lines = [_telecom_line(pick, n, business=business, language=language, month=month, msisdns=msisdns)
                 for n in range(1, pick.integer(1, 60) + 1)]
    gross = compute_totals(lines).gross
    payment, prepaid = _invoice_payment(pick, language=language, number=number, issue=issue,
                                        buyer_iban=buyer_iban, gross=gross)
    invoice = _document(kind="invoice", number=number, issue=issue, language=language, buyer=buyer,
                        business=business, account=account, month=month, lines=lines, payment=payment,
                        prepaid=prepaid, seller=seller, vat_on_debits=vat_on_debits)
    if payment.means_code != "48" and pick.choice(SOMETIMES):
        return _credit_note(pick, invoice, buyer_iban) or invoice
    return invoice


@st.composite
def documents(draw) -> Document:
    """Invoices and credit notes as billing makes them (see the module docstring)."""
    return make_document(HypothesisPick(draw))


def random_documents(count: int, seed: int = 2026) -> list[Document]:
    """`count` documents from a fixed seed: the same list at every call, no Hypothesis involved."""
    pick = RandomPick(seed)
    return [make_document(pick) for _ in range(count)]
