"""Small, explicit test data: a purpose-built catalogue and customers (not the demo's)."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from telcobill.catalogue.models import CataloguePolicy, Price, Product, VatRate, VatRule
from telcobill.customers.models import BillingAccount, Customer, PaymentMethod

_numbers = itertools.count(1)


def make_catalogue() -> None:
    standard = VatRule.objects.create(code="standard", category="S", name="TVA 20 %")
    VatRate.objects.create(vat_rule=standard, valid_from=date(2014, 1, 1), rate=Decimal("20.00"))
    out = VatRule.objects.create(code="out_of_scope", category="O", name="Hors champ",
                                 exemption_reason="Hors champ d'application de la TVA", exemption_code="VATEX-EU-O")
    VatRate.objects.create(vat_rule=out, valid_from=date(2014, 1, 1), rate=Decimal("0"))
    _product("PLAN-S", "plan", "Forfait S", [("2025-01-01", "9.99", True), ("2026-09-01", "10.99", True)], tier=1)
    _product("PLAN-L", "plan", "Forfait L", [("2025-01-01", "19.99", True)], tier=2)
    _product("PLAN-12M", "plan", "Forfait 12 mois", [("2025-01-01", "14.99", True)], tier=2, commitment=12)
    _product("PLAN-24M", "plan", "Forfait 24 mois", [("2025-01-01", "24.00", True)], tier=3, commitment=24)
    _product("PRO", "plan", "Pro 100 Go", [("2025-01-01", "20.00", False)], tier=2, segment="business",
             commitment=24)
    _product("OPT-X", "option", "Option International", [("2025-01-01", "3.00", True)])
    _product("carte_sim", "fee", "Carte SIM", [("2025-01-01", "10.00", True)], section="one_off")
    _product("frais_resiliation_anticipee", "fee", "Frais de résiliation anticipée", [("2025-01-01", "0", True)],
             section="one_off")
    _product("indemnite_recouvrement", "fee", "Indemnité forfaitaire pour frais de recouvrement",
             [("2025-01-01", "40.00", False)], section="penalties", vat=out)
    CataloguePolicy.objects.create(source="tests")


def _product(code, kind, name, prices, *, tier=0, segment="all", commitment=0, section="plan_options", vat=None):
    product = Product.objects.create(code=code, kind=kind, name=name, name_en=name, segment=segment, tier=tier,
                                     commitment_months=commitment, section=section,
                                     vat_rule=vat or VatRule.objects.get(code="standard"))
    for valid_from, amount, includes_vat in prices:
        Price.objects.create(product=product, valid_from=date.fromisoformat(valid_from), amount=Decimal(amount),
                             includes_vat=includes_vat)
    return product


def make_individual(name="Camille Martin", *, language="fr", payment_method=PaymentMethod.DIRECT_DEBIT):
    n = next(_numbers)
    first, last = name.split(" ", 1)
    customer = Customer.objects.create(number=f"C{n:06d}", kind="individual", name=name, first_name=first,
                                       last_name=last)
    return BillingAccount.objects.create(
        customer=customer, number=f"A{n:06d}", name=name, address_line1="8 rue des Lilas", postcode="69003",
        city="Lyon", email=f"client{n}@example.org", language=language, payment_method=payment_method,
        debit_iban="FR7630006000011234567890189", mandate_reference=f"TBM-{n:08d}")


def make_business(name="Atelier Dupont SARL", *, siren="443061841", terms=30):
    n = next(_numbers)
    customer = Customer.objects.create(number=f"C{n:06d}", kind="business", name=name, legal_form="SARL",
                                       siren=siren, siret=f"{siren}00013", vat_number=_vat(siren))
    return BillingAccount.objects.create(
        customer=customer, number=f"A{n:06d}", name=name, address_line1="14 avenue de la Gare", postcode="33000",
        city="Bordeaux", email=f"compta{n}@example.com", payment_method=PaymentMethod.TRANSFER,
        payment_terms_days=terms, siret=f"{siren}00013", electronic_address=siren)


def _vat(siren: str) -> str:
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"
