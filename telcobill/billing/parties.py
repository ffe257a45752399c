"""What a document prints about its parties and payment, frozen on the document when computed."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from telcobill.customers.models import BillingAccount, PaymentMethod


def seller() -> dict:
    op = settings.OPERATOR
    return {
        "name": op["name"], "legal_form": op["legal_form"], "share_capital": op["share_capital"],
        "rcs": op["rcs"], "siren": op["siren"], "siret": op["siret"], "vat_number": op["vat_number"],
        "address": {"line1": op["address_line1"], "line2": "", "postcode": op["postcode"], "city": op["city"],
                    "country_code": op["country_code"]},
        "email": op["email"], "phone": op["support_phone"],
        "electronic_address_scheme": "0225", "electronic_address": op["electronic_address"],
        "support_phone": op["support_phone"], "support_phone_business": op["support_phone_business"],
        "support_url": op["support_url"], "vat_on_debits": op["vat_on_debits"],
    }


def buyer(account: BillingAccount) -> dict:
    customer = account.customer
    business = customer.is_business
    return {
        "name": account.name or customer.name,
        "customer_number": customer.number,
        "account_number": account.number,
        "is_business": business,
        "legal_form": customer.legal_form,
        "siren": customer.siren,
        "siret": account.siret or customer.siret,
        "vat_number": customer.vat_number,
        "address": {"line1": account.address_line1, "line2": account.address_line2, "postcode": account.postcode,
                    "city": account.city, "country_code": account.country_code},
        "email": account.email,
        "electronic_address_scheme": account.electronic_address_scheme if business else "",
        "electronic_address": (account.electronic_address or customer.siren) if business else "",
    }


def due_date(account: BillingAccount, issue_date: date) -> date:
    billing = settings.BILLING
    if account.customer.is_business:
        days = account.payment_terms_days
    elif account.payment_method == PaymentMethod.DIRECT_DEBIT:
        days = billing["direct_debit_days"]
    else:
        days = billing["consumer_payment_days"]
    return issue_date + timedelta(days=days)


def payment(account: BillingAccount, issue_date: date) -> dict:
    op = settings.OPERATOR
    due = due_date(account, issue_date)
    if account.payment_method == PaymentMethod.DIRECT_DEBIT and account.mandate_reference:
        return {"means_code": "59", "due_date": due.isoformat(), "collection_date": due.isoformat(),
                "mandate_reference": account.mandate_reference, "creditor_identifier": op["creditor_identifier"],
                "debtor_iban": account.debit_iban}
    if account.payment_method == PaymentMethod.CARD:
        return {"means_code": "48", "due_date": due.isoformat()}
    return {"means_code": "58", "due_date": due.isoformat(), "payee_iban": op["iban"], "payee_bic": op["bic"]}


NOTES = {
    "fr": {
        "PMT_b2b": "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
        "PMT_b2c": "Indemnité forfaitaire pour frais de recouvrement : sans objet (client non professionnel)",
        "PMD_b2c": "Pénalités de retard : sans objet (client non professionnel)",
        "AAB": "Pas d'escompte pour paiement anticipé",
        "TXD": "Option pour le paiement de la taxe d'après les débits",
    },
    "en": {
        "PMT_b2b": "Fixed compensation for recovery costs in case of late payment: EUR 40",
        "PMT_b2c": "Fixed compensation for recovery costs: not applicable (consumer)",
        "PMD_b2c": "Late payment penalties: not applicable (consumer)",
        "AAB": "No discount for early payment",
        "TXD": "VAT paid on debits (option pour le paiement de la taxe d'après les débits)",
    },
}


def legal_notes(account: BillingAccount) -> list[list[str]]:
    """Mentions carried as notes (printed and in the XML), by subject code. BR-FR wants PMT, PMD
    and AAB on every document; for a consumer they say the B2B mentions do not apply."""
    words = NOTES.get(account.language, NOTES["fr"])
    if account.customer.is_business:
        notes = [["PMT", words["PMT_b2b"]], ["PMD", settings.BILLING["late_penalty_text"]], ["AAB", words["AAB"]]]
    else:
        notes = [["PMT", words["PMT_b2c"]], ["PMD", words["PMD_b2c"]], ["AAB", words["AAB"]]]
    if settings.OPERATOR["vat_on_debits"]:
        notes.append(["TXD", words["TXD"]])
    notes.append(["BAR", "B2B" if account.customer.is_business else "B2C"])
    return notes
