"""Catalogue samples for the tests: the demo file, a small valid catalogue to mutate, table counts."""

from __future__ import annotations

from telcobill.catalogue import models

# The smallest catalogue that passes every check, written the way an operator would.
MINIMAL = """\
format = 1

[policy]
upgrade = "immediate"
downgrade = "next_cycle"
allowance_on_change = "prorated"
early_termination_fee = "consumer_code"
termination_notice_days = 10

[[vat_rules]]
code = "standard"
category = "S"
name = "TVA 20 %"
rates = [{ valid_from = 2014-01-01, rate = 20 }]

[[vat_rules]]
code = "out_of_scope"
category = "O"
name = "Hors champ de la TVA"
exemption_reason = "Hors champ d'application de la TVA"
exemption_code = "VATEX-EU-O"
rates = [{ valid_from = 2014-01-01, rate = 0 }]

[[rounding_rules]]
code = "per_second"
name = "À la seconde"
minimum = 1
increment = 1

[[zones]]
code = "dest_france"
kind = "destination"
name = "France"
prefixes = ["33", "590"]
usage_prices = [
  { bucket = "voice", valid_from = 2025-01-01, unit = "min", amount = 0.05 },
]

[[zones]]
code = "roam_eu"
kind = "roaming"
name = "Union européenne"
countries = ["DE", "ES"]
like_home = true

[[zones]]
code = "roam_world"
kind = "roaming"
name = "Reste du monde"
countries = ["US"]
networks = ["901"]
usage_prices = [
  { bucket = "data", valid_from = 2025-01-01, unit = "MB", amount = 0.50 },
]

[[third_party_numbers]]
prefix = "3179"
kind = "service"
name = "RIO"

[[plans]]
code = "basic"
name = "Forfait Basic"
segment = "individual"
tier = 1
rounding = { voice = "per_second" }
prices = [
  { valid_from = 2025-01-01, amount = 9.99 },
  { valid_from = 2026-09-01, amount = 10.99 },
]
allowances = [
  { valid_from = 2025-01-01, bucket = "voice", unlimited = true },
  { valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB" },
]

[[plans]]
code = "premium"
name = "Forfait Premium"
segment = "individual"
tier = 2
commitment_months = 12
prices = [{ valid_from = 2025-01-01, amount = 19.99 }]

[[options]]
code = "data_plus"
name = "Option Data +10 Go"
compatible_plans = ["basic"]
prices = [{ valid_from = 2025-01-01, amount = 3 }]
allowances = [{ valid_from = 2025-01-01, bucket = "data", quantity = 10, unit = "GB" }]

[[fees]]
code = "sim"
name = "Carte SIM"
prices = [{ valid_from = 2025-01-01, amount = 10 }]

[[fees]]
code = "recovery"
name = "Indemnité forfaitaire pour frais de recouvrement"
segment = "business"
section = "penalties"
vat_rule = "out_of_scope"
includes_vat = false
prices = [{ valid_from = 2025-01-01, amount = 40 }]
"""

TABLES = [models.VatRule, models.VatRate, models.RoundingRule, models.Zone, models.UsagePrice,
          models.ThirdPartyNumber, models.Product, models.Price, models.Allowance, models.CataloguePolicy]


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def replaced(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced once; fails loudly when a test's anchor is missing."""
    assert text.count(old) >= 1, f"anchor not found: {old!r}"
    return text.replace(old, new, 1)
