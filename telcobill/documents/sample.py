"""A realistic, fictional French MVNO document for tests, previews and the PDF/CII builders.

`sample_document()` returns a `Document` whose amounts are exact: every line net is
round_half_up(quantity x unit price), the VAT per (category, rate) is
round_half_up(base x rate / 100), and the totals add up. Identifiers (SIREN, SIRET, VAT
number, ICS, IBAN) carry valid check digits but belong to nobody we know of.

Credit notes carry POSITIVE amounts with type code 381 (the EN 16931 convention): the
type code says "credit", the amounts say how much.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from telcobill.documents.data import (
    Address,
    Document,
    DocumentLine,
    Party,
    Payment,
    VatTotal,
)

CENT = Decimal("0.01")
PRICE_QUANTUM = Decimal("0.000001")  # BT-146 allows 6 decimals


def round_half_up(value: Decimal, quantum: Decimal = CENT) -> Decimal:
    """Round like the French tax administration and EN 16931 expect (half away from zero)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


# --- Parties -------------------------------------------------------------------------------

SELLER = Party(
    name="Telcobill Mobile SAS",
    address=Address(line1="18 rue de la Fibre", postcode="75011", city="Paris"),
    siren="732829320",
    siret="73282932000017",
    vat_number="FR44732829320",
    legal_form="SAS",
    share_capital="1 250 000 €",
    rcs="RCS Paris 732 829 320",
    email="factures@telcobill-mobile.example",
    phone="+33170000000",
    electronic_address_scheme="0225",
    electronic_address="732829320",
)
SELLER_IBAN = "FR7630004008190001234567879"
SELLER_BIC = "BNPAFRPP"
CREDITOR_IDENTIFIER = "FR83ZZZ582941"  # ICS, mod-97 valid

BUSINESS_BUYER = Party(
    name="Atelier Lumière SARL",
    address=Address(line1="42 quai Saint-Vincent", postcode="69001", city="Lyon"),
    siren="812345676",
    siret="81234567600025",
    vat_number="FR19812345676",
    legal_form="SARL",
    email="compta@atelier-lumiere.example",
    electronic_address_scheme="0225",
    electronic_address="812345676",
)
BUSINESS_IBAN = "FR7620041010050500123456769"

INDIVIDUAL_BUYER = Party(
    name="Camille Martin",
    address=Address(line1="7 allée des Tilleuls", line2="Bâtiment B", postcode="44000", city="Nantes"),
    email="camille.martin@example.org",
    # An individual has no directory entry; BR-FR-12 still wants a BT-49, so we give the
    # e-mail the invoice is sent to (scheme EM).
    electronic_address_scheme="EM",
    electronic_address="camille.martin@example.org",
)
INDIVIDUAL_IBAN = "FR7610278060390002145780146"

# --- Texts ---------------------------------------------------------------------------------

_TEXTS = {
    "fr": {
        "plan_pro": "Forfait Pro 100 Go",
        "plan_pro_unlimited": "Forfait Pro Illimité",
        "plan_pro_small": "Forfait Pro 20 Go",
        "plan_home": "Forfait 60 Go",
        "option_intl": "Option International 2 h",
        "month": "septembre 2026",
        "prorata": "prorata du {start} au {end} septembre",
        "credit_change": "Remboursement prorata {plan} (changement d'offre) du {start} au {end} septembre",
        "sim": "Carte SIM triple découpe",
        "calls_intl": "Appels vers l'international hors forfait (Maroc)",
        "roaming_data": "Données en itinérance hors UE (Suisse)",
        "sms_plus": "Achat SMS+ : vote émission TV (éditeur tiers)",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement",
        "PMT_b2b": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
        "PMD_b2b": (
            "Pénalités de retard : taux d'intérêt appliqué par la BCE à son opération de "
            "refinancement la plus récente, majoré de 10 points de pourcentage, exigibles le "
            "jour suivant la date d'échéance"
        ),
        "AAB": "Pas d'escompte pour paiement anticipé",
        "PMT_b2c": "Indemnité forfaitaire pour frais de recouvrement : sans objet (client non professionnel)",
        "PMD_b2c": "Pénalités de retard : sans objet (client non professionnel)",
        "TXD": "Option pour le paiement de la taxe d'après les débits",
        "terms_dd": "Prélèvement SEPA le {d} sur le compte se terminant par {last4}",
        "terms_transfer": "Paiement par virement au plus tard le {d}, référence {ref}",
        "terms_cn_dd": "Montant imputé sur votre prochain prélèvement",
        "terms_cn_transfer": "Remboursement par virement sous 10 jours",
        "reason": "Geste commercial : communications internationales facturées à tort",
        "exempt_O": "Non soumis à la TVA",
    },
    "en": {
        "plan_pro": "Pro 100 GB plan",
        "plan_pro_unlimited": "Pro Unlimited plan",
        "plan_pro_small": "Pro 20 GB plan",
        "plan_home": "60 GB plan",
        "option_intl": "International 2 h option",
        "month": "September 2026",
        "prorata": "prorated {start} to {end} September",
        "credit_change": "Prorated refund {plan} (plan change) {start} to {end} September",
        "sim": "Triple-cut SIM card",
        "calls_intl": "Out-of-plan international calls (Morocco)",
        "roaming_data": "Roaming data outside the EU (Switzerland)",
        "sms_plus": "SMS+ purchase: TV show vote (third-party provider)",
        "indemnity": "Fixed compensation for recovery costs",
        "PMT_b2b": "Fixed compensation for recovery costs in case of late payment: EUR 40",
        "PMD_b2b": (
            "Late payment penalties: ECB main refinancing rate plus 10 percentage points, due "
            "from the day after the due date"
        ),
        "AAB": "No discount for early payment",
        "PMT_b2c": "Fixed compensation for recovery costs: not applicable (consumer)",
        "PMD_b2c": "Late payment penalties: not applicable (consumer)",
        "TXD": "VAT paid on debits (option pour le paiement de la taxe d'après les débits)",
        "terms_dd": "SEPA direct debit on {d} from the account ending in {last4}",
        "terms_transfer": "Pay by bank transfer by {d}, reference {ref}",
        "terms_cn_dd": "Amount deducted from your next direct debit",
        "terms_cn_transfer": "Refund by bank transfer within 10 days",
        "reason": "Goodwill gesture: international calls billed in error",
        "exempt_O": "Not subject to VAT",
    },
}

SEPT_START, SEPT_END = date(2026, 9, 1), date(2026, 9, 30)
MSISDN_A, MSISDN_B, MSISDN_C = "+33612345678", "+33698765432", "+33745678901"


def excl(incl_vat: str, rate: str = "20") -> Decimal:
    """Excl. VAT price of a VAT-included consumer price (rounded later, to 6 decimals)."""
    return Decimal(incl_vat) / (1 + Decimal(rate) / 100)


def _line(number, section, description, quantity, unit_code, unit_price, *, msisdn="",
          start=SEPT_START, end=SEPT_END, code="", category="S", rate="20.00", incl_vat=None):
    """Build a line whose net is exactly round_half_up(quantity x unit price)."""
    quantity, unit_price = Decimal(quantity), round_half_up(Decimal(unit_price), PRICE_QUANTUM)
    # Print "24.99" and "0.833", not "24.990000": drop trailing zeros, keep 2 decimals at least.
    unit_price = max(unit_price.normalize(), unit_price.quantize(CENT), key=lambda d: -d.as_tuple().exponent)
    return DocumentLine(
        number=number, section=section, description=description, quantity=quantity,
        unit_code=unit_code, unit_price=unit_price,
        net_amount=round_half_up(quantity * unit_price),
        vat_category=category, vat_rate=Decimal(rate), msisdn=msisdn,
        period_start=start, period_end=end, product_code=code,
        unit_price_incl_vat=Decimal(incl_vat) if incl_vat is not None else None,
    )


def vat_breakdown(lines, exemption_reason: str = "") -> tuple[VatTotal, ...]:
    """Group line nets per (category, rate) and compute the VAT of each group once.

    `exemption_reason` is the BT-120 text of the category O group (the only exempt one here).
    """
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.vat_category, line.vat_rate)
        groups[key] = groups.get(key, Decimal("0.00")) + line.net_amount
    totals = []
    for (category, rate), base in sorted(groups.items()):
        exempt = category == "O"
        totals.append(VatTotal(
            category=category, rate=rate, base=base,
            amount=round_half_up(base * rate / 100),
            exemption_reason=exemption_reason if exempt else "",
            exemption_code="VATEX-EU-O" if exempt else "",
        ))
    return tuple(totals)


def _invoice_lines(t, business: bool) -> list[DocumentLine]:
    if business:
        return [
            _line(1, "plan_options", f"{t['plan_pro']} — {t['month']}", "1", "MON", "24.99",
                  msisdn=MSISDN_A, code="PLAN-PRO-100"),
            _line(2, "plan_options", f"{t['option_intl']} — {t['month']}", "1", "MON", "5.00",
                  msisdn=MSISDN_A, code="OPT-INTL-2H"),
            _line(3, "plan_options", f"{t['plan_pro']} — {t['month']}", "1", "MON", "24.99",
                  msisdn=MSISDN_B, code="PLAN-PRO-100"),
            # Plan change on the 16th: the unused half month of the old plan is credited with a
            # negative quantity (BT-146 must stay positive, BR-27), the new plan prorated.
            _line(4, "plan_options", t["credit_change"].format(plan=t["plan_pro"], start=16, end=30),
                  "-15", "DAY", Decimal("24.99") / 30, msisdn=MSISDN_B, code="PLAN-PRO-100",
                  start=date(2026, 9, 16)),
            _line(5, "plan_options", f"{t['plan_pro_unlimited']} — " + t["prorata"].format(start=16, end=30),
                  "15", "DAY", Decimal("39.99") / 30, msisdn=MSISDN_B, code="PLAN-PRO-UNL",
                  start=date(2026, 9, 16)),
            _line(6, "plan_options", f"{t['plan_pro_small']} — " + t["prorata"].format(start=19, end=30),
                  "12", "DAY", Decimal("14.99") / 30, msisdn=MSISDN_C, code="PLAN-PRO-20",
                  start=date(2026, 9, 19)),
            _line(7, "one_off", t["sim"], "1", "C62", "10.00", msisdn=MSISDN_C, code="SIM-3IN1",
                  start=date(2026, 9, 19), end=date(2026, 9, 19)),
            _line(8, "communications", t["calls_intl"], "37", "MIN", "0.35", msisdn=MSISDN_A,
                  code="USG-VOICE-INTL-Z2"),
            _line(9, "communications", t["roaming_data"], "250", "4L", "0.012", msisdn=MSISDN_B,
                  code="USG-DATA-ROAM-Z3"),
        ]
    # Consumer catalogue prices are VAT included: the excl. VAT unit price has 6 decimals.
    return [
        _line(1, "plan_options", f"{t['plan_home']} — {t['month']}", "1", "MON", excl("19.99"),
              msisdn=MSISDN_A, code="PLAN-HOME-60", incl_vat="19.99"),
        _line(2, "plan_options", f"{t['option_intl']} — {t['month']}", "1", "MON", excl("6.00"),
              msisdn=MSISDN_A, code="OPT-INTL-2H", incl_vat="6.00"),
        _line(3, "communications", t["calls_intl"], "12", "MIN", excl("0.42"),
              msisdn=MSISDN_A, code="USG-VOICE-INTL-Z2", incl_vat="0.42"),
        _line(4, "third_party", t["sms_plus"], "1", "C62", excl("1.00"),
              msisdn=MSISDN_A, code="TP-SMSPLUS", start=date(2026, 9, 12), end=date(2026, 9, 12),
              incl_vat="1.00"),
    ]


def _credit_note_lines(t, business: bool) -> list[DocumentLine]:
    if business:
        return [
            _line(1, "communications", t["calls_intl"], "37", "MIN", "0.35", msisdn=MSISDN_A,
                  code="USG-VOICE-INTL-Z2"),
            _line(2, "plan_options", f"{t['option_intl']} — {t['month']}", "1", "MON", "5.00",
                  msisdn=MSISDN_A, code="OPT-INTL-2H"),
        ]
    return [
        _line(1, "communications", t["calls_intl"], "12", "MIN", excl("0.42"),
              msisdn=MSISDN_A, code="USG-VOICE-INTL-Z2", incl_vat="0.42"),
    ]


def _notes(t, business: bool, vat_on_debits: bool) -> tuple[tuple[str, str], ...]:
    # BR-FR-05 wants PMT, PMD and AAB on every document, consumer ones included; for a
    # consumer the texts say the B2B mentions do not apply (Code de commerce L441-10).
    kind = "b2b" if business else "b2c"
    notes = [("PMT", t[f"PMT_{kind}"]), ("PMD", t[f"PMD_{kind}"]), ("AAB", t["AAB"])]
    if vat_on_debits:
        notes.append(("TXD", t["TXD"]))
    notes.append(("BAR", "B2B" if business else "B2C"))
    return tuple(notes)


def _payment(t, *, credit_note: bool, direct_debit: bool, buyer_iban: str, number: str,
             issue: date, language: str) -> Payment:
    due = date(2026, 10, 15) if direct_debit else date(2026, 10, 31)
    shown = due.strftime("%d/%m/%Y") if language == "fr" else due.isoformat()
    if credit_note:
        if direct_debit:  # settled against the next collection
            return Payment(means_code="97", due_date=issue, terms=t["terms_cn_dd"])
        # The refund goes to the customer's account: BT-84 is where the payment is made.
        return Payment(means_code="58", due_date=date(2026, 10, 20), terms=t["terms_cn_transfer"],
                       remittance_reference=number, payee_iban=buyer_iban)
    if direct_debit:
        return Payment(
            means_code="59", due_date=due, terms=t["terms_dd"].format(d=shown, last4=buyer_iban[-4:]),
            mandate_reference="TBM-MDT-2025-004821", creditor_identifier=CREDITOR_IDENTIFIER,
            debtor_iban=buyer_iban, collection_date=due,
        )
    return Payment(
        means_code="58", due_date=due, terms=t["terms_transfer"].format(d=shown, ref=number),
        remittance_reference=number, payee_iban=SELLER_IBAN, payee_bic=SELLER_BIC,
    )


def sample_document(*, business: bool = True, credit_note: bool = False, direct_debit: bool = True,
                    language: str = "fr", out_of_scope_line: bool = False) -> Document:
    """Return a consistent fictional invoice or credit note of Telcobill Mobile SAS.

    business: a company buyer (SIREN, SIRET, VAT, routing address 0225) or a consumer.
    credit_note: type 381 correcting F2026-000123 of 2026-10-01, positive amounts.
    direct_debit: SEPA direct debit (59) or SEPA credit transfer (58); a credit note is
        settled against the next debit (97) or refunded by transfer (58).
    out_of_scope_line: add the EUR 40 recovery indemnity as a category O line (section
        "penalties"). EN 16931 forbids mixing O with other categories and with VAT
        identifiers (BR-O-02, BR-O-11, BR-O-12), so such a document is NOT valid: it exists
        to show that limitation, not to be issued. Off by default.
    """
    t = _TEXTS[language]
    buyer = BUSINESS_BUYER if business else INDIVIDUAL_BUYER
    buyer_iban = BUSINESS_IBAN if business else INDIVIDUAL_IBAN
    if credit_note:
        number, issue = ("AV2026-000045" if business else "AV2026-000046"), date(2026, 10, 10)
        lines = _credit_note_lines(t, business)
    else:
        number, issue = ("F2026-000123" if business else "F2026-000124"), date(2026, 10, 1)
        lines = _invoice_lines(t, business)
    if out_of_scope_line:
        lines.append(_line(len(lines) + 1, "penalties", t["indemnity"], "1", "C62", "40.00",
                           code="FEE-RECOVERY-40", category="O", rate="0", start=None, end=None))

    vat_totals = vat_breakdown(lines, exemption_reason=t["exempt_O"])
    total_net = sum((line.net_amount for line in lines), Decimal("0.00"))
    total_vat = sum((v.amount for v in vat_totals), Decimal("0.00"))
    total_gross = total_net + total_vat
    vat_on_debits = business  # the operator opted; printed on its B2B invoices

    return Document(
        kind="credit_note" if credit_note else "invoice",
        type_code="381" if credit_note else "380",
        number=number,
        issue_date=issue,
        currency="EUR",
        language=language,
        seller=SELLER,
        buyer=buyer,
        buyer_is_business=business,
        account_number="CF-0048213" if business else "CP-1093377",
        period_start=SEPT_START,
        period_end=SEPT_END,
        lines=tuple(lines),
        vat_totals=vat_totals,
        total_net=total_net,
        total_vat=total_vat,
        total_gross=total_gross,
        prepaid=Decimal("0.00"),
        amount_due=total_gross,
        payment=_payment(t, credit_note=credit_note, direct_debit=direct_debit, buyer_iban=buyer_iban,
                         number=number, issue=issue, language=language),
        corrected_number=("F2026-000123" if business else "F2026-000124") if credit_note else "",
        corrected_issue_date=date(2026, 10, 1) if credit_note else None,
        reason=t["reason"] if credit_note else "",
        notes=_notes(t, business, vat_on_debits),
        vat_on_debits=vat_on_debits,
        support_phone="3900",
        support_phone_business="0970000000",
        support_url="https://www.telcobill-mobile.example/aide",
    )
