"""Each validation rule, one small change to a valid catalogue at a time: the exact problem reported."""

import pytest

from telcobill.catalogue.loader import CatalogueError, check_catalogue

from .samples import MINIMAL, replaced

BASIC_DATA = '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB" }'
BASIC_PRICES = '''prices = [
  { valid_from = 2025-01-01, amount = 9.99 },
  { valid_from = 2026-09-01, amount = 10.99 },
]'''
STANDARD_RATES = 'rates = [{ valid_from = 2014-01-01, rate = 20 }]'
PREMIUM_PRICES = 'prices = [{ valid_from = 2025-01-01, amount = 19.99 }]'

# (change: (old, new) pairs, problems after "demo.toml: ")
CASES = {
    "amounts are decimals": (
        [("amount = 9.99", 'amount = "9,99"')],
        ['plans[0].prices[0].amount: expected a decimal amount like "19.99" (0 or more, at most 6 decimals), '
         'got "9,99"']),
    "amounts have at most 6 decimals": (
        [("amount = 9.99", "amount = 9.9999999")],
        ['plans[0].prices[0].amount: expected a decimal amount like "19.99" (0 or more, at most 6 decimals), '
         'got 9.9999999']),
    "amounts are not negative": (
        [("amount = 9.99", "amount = -1")],
        ['plans[0].prices[0].amount: expected a decimal amount like "19.99" (0 or more, at most 6 decimals), '
         'got -1']),
    "a quoted amount is accepted": ([("amount = 9.99", 'amount = "9.99"')], []),
    "dates are ISO": (
        [("{ valid_from = 2026-09-01, amount = 10.99 }", '{ valid_from = "01/09/2026", amount = 10.99 }')],
        ['plans[0].prices[1].valid_from: expected an ISO date like 2026-09-01, got "01/09/2026"']),
    "a date and time is not a date": (
        [("{ valid_from = 2026-09-01, amount = 10.99 }", "{ valid_from = 2026-09-01T00:00:00, amount = 10.99 }")],
        ["plans[0].prices[1].valid_from: expected an ISO date like 2026-09-01, got a date and time "
         "2026-09-01T00:00:00"]),
    "a quoted ISO date is accepted": (
        [("{ valid_from = 2026-09-01, amount = 10.99 }", '{ valid_from = "2026-09-01", amount = 10.99 }')], []),
    "prices are in ascending date order": (
        [(BASIC_PRICES, 'prices = [{ valid_from = 2026-09-01, amount = 10.99 }, '
                        '{ valid_from = 2025-01-01, amount = 9.99 }]')],
        ["plans[0].prices[1].valid_from: expected a date after 2026-09-01 (rows in ascending order, one per "
         "date), got 2025-01-01"]),
    "one price per date": (
        [("{ valid_from = 2026-09-01, amount = 10.99 }", "{ valid_from = 2025-01-01, amount = 10.99 }")],
        ["plans[0].prices[1].valid_from: expected a date after 2025-01-01 (rows in ascending order, one per "
         "date), got 2025-01-01"]),
    "each plan has a price": (
        [(PREMIUM_PRICES, "prices = []")],
        ['plans[1].prices: expected at least one dated price like [{ valid_from = 2025-01-01, amount = "9.99" }], '
         "got an empty list"]),
    "a product without prices is refused": (
        [(PREMIUM_PRICES, "")],
        ['plans[1].prices: expected at least one dated price like [{ valid_from = 2025-01-01, amount = "9.99" }], '
         "got nothing"]),
    "VAT categories are EN 16931's": (
        [('category = "S"', 'category = "R"')],
        ['vat_rules[0].category: expected one of "S", "E", "AE", "K", "G", "O", "Z", got "R"']),
    "VAT rates are not negative": (
        [(STANDARD_RATES, "rates = [{ valid_from = 2014-01-01, rate = -5 }]")],
        ["vat_rules[0].rates[0].rate: expected a rate in percent like 20 or 5.5 (0 to 100, at most 2 decimals), "
         "got -5"]),
    "category S needs a rate above 0": (
        [(STANDARD_RATES, "rates = [{ valid_from = 2014-01-01, rate = 0 }]")],
        ["vat_rules[0].rates[0].rate: expected a rate above 0 for category S, got 0"]),
    "other categories have a rate of 0": (
        [("rates = [{ valid_from = 2014-01-01, rate = 0 }]", "rates = [{ valid_from = 2014-01-01, rate = 20 }]")],
        ["vat_rules[1].rates[0].rate: expected a rate of 0 for category O, got 20"]),
    "category O needs an exemption reason": (
        [("exemption_reason = \"Hors champ d'application de la TVA\"\n", "")],
        ["vat_rules[1].exemption_reason: expected an exemption reason for category O (printed on the invoice), "
         "got nothing"]),
    "category AE needs an exemption reason": (
        [("[[rounding_rules]]", '[[vat_rules]]\ncode = "reverse_charge"\ncategory = "AE"\nname = "Autoliquidation"\n'
                                'rates = [{ valid_from = 2014-01-01, rate = 0 }]\n\n[[rounding_rules]]')],
        ["vat_rules[2].exemption_reason: expected an exemption reason for category AE (printed on the invoice), "
         "got nothing"]),
    "the standard VAT rule must exist": (
        [('code = "standard"', 'code = "normal"'), ('code = "basic"', 'code = "basic"\nvat_rule = "normal"'),
         ('code = "premium"', 'code = "premium"\nvat_rule = "normal"'),
         ('code = "data_plus"', 'code = "data_plus"\nvat_rule = "normal"'),
         ('code = "sim"', 'code = "sim"\nvat_rule = "normal"'),
         ('unit = "min", amount = 0.05 }', 'unit = "min", amount = 0.05, vat_rule = "normal" }'),
         ('unit = "MB", amount = 0.50 }', 'unit = "MB", amount = 0.50, vat_rule = "normal" }'),
         ('name = "RIO"', 'name = "RIO"\nvat_rule = "normal"')],
        ['vat_rules: expected a VAT rule "standard" of category S (20 %), got no such rule']),
    "the out of scope rule carries VATEX-EU-O": (
        [('exemption_code = "VATEX-EU-O"', 'exemption_code = "VATEX-EU-E"')],
        ['vat_rules[1].exemption_code: expected a VAT rule "out_of_scope" of category O with exemption_code '
         '"VATEX-EU-O", got "VATEX-EU-E"']),
    "a VAT rule has a rate from the first price on": (
        [(STANDARD_RATES, "rates = [{ valid_from = 2025-06-01, rate = 20 }]")],
        ['zones[0].usage_prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" '
         'has its first rate, got 2025-01-01',
         'zones[2].usage_prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" '
         'has its first rate, got 2025-01-01',
         'plans[0].prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" has its '
         'first rate, got 2025-01-01',
         'plans[1].prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" has its '
         'first rate, got 2025-01-01',
         'options[0].prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" has '
         'its first rate, got 2025-01-01',
         'fees[0].prices[0].valid_from: expected a date on or after 2025-06-01, when VAT rule "standard" has its '
         'first rate, got 2025-01-01']),
    "allowance buckets are the Bucket choices": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "internet", quantity = 20, unit = "GB" }')],
        ['plans[0].allowances[1].bucket: expected one of "voice", "sms", "mms", "data", "data_eu", got "internet"']),
    "voice is counted in minutes": (
        [('bucket = "voice", unlimited = true', 'bucket = "voice", quantity = 2, unit = "h"')],
        ['plans[0].allowances[0].unit: expected one of "min", got "h"']),
    "data is counted in MB or GB": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "Go" }')],
        ['plans[0].allowances[1].unit: expected one of "MB", "GB", got "Go"']),
    "a quantity needs its unit": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20 }')],
        ['plans[0].allowances[1].unit: expected one of "MB", "GB", got nothing']),
    "unlimited is written explicitly": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", unit = "GB" }')],
        ["plans[0].allowances[1].quantity: expected a quantity like 100 (0 or more, at most 3 decimals), or "
         "unlimited = true, got nothing"]),
    "unlimited has no quantity": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB", unlimited = true }')],
        ["plans[0].allowances[1].quantity: expected no quantity with unlimited = true, got 20"]),
    "scope is line or pool": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB", scope = "shared" }')],
        ['plans[0].allowances[1].scope: expected one of "line", "pool", got "shared"']),
    "a pooled allowance is for businesses": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB", scope = "pool" }')],
        ['plans[0].allowances[1].scope: expected "line": an allowance is pooled across the lines of a business '
         'only (segment = "business"), got "pool"']),
    "an allowance row per bucket and date": (
        [(BASIC_DATA, BASIC_DATA + ",\n  " + BASIC_DATA)],
        ["plans[0].allowances[2].valid_from: expected a date after 2025-01-01 (rows in ascending order, one per "
         "date), got 2025-01-01"]),
    "allowance zones exist": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB", zones = ["roam_us"] }')],
        ['plans[0].allowances[1].zones[0]: expected the code of a zone of this file (did you mean "roam_eu"?), '
         'got "roam_us"']),
    "data allowances are for roaming zones": (
        [(BASIC_DATA, '{ valid_from = 2025-01-01, bucket = "data", quantity = 20, unit = "GB", '
                      'zones = ["dest_france"] }')],
        ['plans[0].allowances[1].zones: expected roaming zones only: data is counted where it is used, got '
         '["dest_france"]']),
    "destination prefixes are digits": (
        [('prefixes = ["33", "590"]', 'prefixes = ["+33", "590"]')],
        ['zones[0].prefixes[0]: expected a prefix of 1 to 8 digits as dialled after "+", like "33", got "+33"']),
    "a prefix belongs to one zone": (
        [('countries = ["DE", "ES"]', 'countries = ["DE", "ES"]\n'),
         ("[[third_party_numbers]]", '[[zones]]\ncode = "dest_dom"\nkind = "destination"\nname = "DOM"\n'
                                     'prefixes = ["590"]\n\n[[third_party_numbers]]')],
        ['zones[3].prefixes[0]: expected a prefix in one destination zone only, got "590" again (first at '
         'zones[0].prefixes[1])']),
    "roaming countries are ISO alpha-2": (
        [('countries = ["DE", "ES"]', 'countries = ["DE", "es", "ESP"]')],
        ['zones[1].countries[1]: expected an ISO 3166 alpha-2 country code in capitals, like "FR", got "es"',
         'zones[1].countries[2]: expected an ISO 3166 alpha-2 country code in capitals, like "FR", got "ESP"']),
    "France and the overseas departments are home, in no roaming zone": (
        [('countries = ["DE", "ES"]', 'countries = ["DE", "ES", "FR", "GP"]')],
        ['zones[1].countries[2]: expected a country where a line roams: France and the overseas departments '
         '(FR, GF, GP, MQ, RE, YT) are home, in no roaming zone, got "FR"',
         'zones[1].countries[3]: expected a country where a line roams: France and the overseas departments '
         '(FR, GF, GP, MQ, RE, YT) are home, in no roaming zone, got "GP"']),
    "a country belongs to one roaming zone": (
        [('countries = ["US"]', 'countries = ["US", "DE"]')],
        ['zones[2].countries[1]: expected a country in one roaming zone only, got "DE" again (first at '
         'zones[1].countries[0])']),
    "networks are MCC or MCC+MNC": (
        [('networks = ["901"]', 'networks = ["9011", "20801", "310260"]')],
        ['zones[2].networks[0]: expected a network code: an MCC of 3 digits like "901", or MCC+MNC of 5-6 digits '
         'like "20801", got "9011"']),
    "a roaming zone lists countries or networks": (
        [('countries = ["DE", "ES"]', "countries = []")],
        ["zones[1].countries: expected at least one country (or network) in a roaming zone, got an empty list"]),
    "calls received are charged in roaming zones only": (
        [('{ bucket = "voice", valid_from', '{ bucket = "voice", direction = "in", valid_from')],
        ['zones[0].usage_prices[0].direction: expected "out": only calls received while roaming outside the EU '
         'are charged, got "in"']),
    "out-of-plan data is priced per MB": (
        [('unit = "MB", amount = 0.50', 'unit = "GB", amount = 0.50')],
        ['zones[2].usage_prices[0].unit: expected one of "MB", got "GB"']),
    "rounding rules referenced exist": (
        [('rounding = { voice = "per_second" }', 'rounding = { voice = "per_sec" }')],
        ['plans[0].rounding.voice: expected the code of a rounding rule of this file (did you mean '
         '"per_second"?), got "per_sec"']),
    "rounding is per bucket": (
        [('rounding = { voice = "per_second" }', 'rounding = { calls = "per_second" }')],
        ['plans[0].rounding.calls: expected one of the keys voice, sms, mms, data, data_eu, got an unknown key '
         '"calls"']),
    "compatible plans exist": (
        [('compatible_plans = ["basic"]', 'compatible_plans = ["basic", "sim"]')],
        ['options[0].compatible_plans[1]: expected the code of a plan of this file, got "sim"']),
    "product codes are unique across kinds": (
        [('code = "sim"', 'code = "basic"')],
        ['fees[0].code: expected a product code used once (plans, options and fees), got "basic" again (first at '
         'plans[0].code)']),
    "plans on sale in a segment have distinct tiers": (
        [("tier = 2", "tier = 1")],
        ["plans[1].tier: expected a tier no other plan on sale in segment individual has, got 1 (also "
         "plans[0].tier)"]),
    "a retired plan may share a tier": ([("tier = 2", "tier = 1\nretired = true")], []),
    "consumer commitments are at most 24 months": (
        [("commitment_months = 12", "commitment_months = 36")],
        ["plans[1].commitment_months: expected at most 24 months for an offer open to consumers (Code de la "
         "consommation L224-28), got 36"]),
    "consumer prices include VAT": (
        [('code = "premium"', 'code = "premium"\nincludes_vat = false')],
        ['plans[1].includes_vat: expected true, or segment = "business": consumer prices are advertised VAT '
         "included, got false"]),
    "fee sections are fixed": (
        [('section = "penalties"', 'section = "fines"')],
        ['fees[1].section: expected one of "one_off", "third_party", "penalties", "adjustments", got "fines"']),
    "plans go to the plan and options section": (
        [('code = "basic"', 'code = "basic"\nsection = "one_off"')],
        ['plans[0].section: expected one of "plan_options", got "one_off"']),
    "policy values come from fixed choices": (
        [('upgrade = "immediate"', 'upgrade = "asap"'), ('allowance_on_change = "prorated"',
                                                          'allowance_on_change = "max"'),
         ('early_termination_fee = "consumer_code"', 'early_termination_fee = "all"')],
        ['policy.upgrade: expected one of "immediate", "next_cycle", got "asap"',
         'policy.allowance_on_change: expected one of "prorated", "highest", got "max"',
         'policy.early_termination_fee: expected one of "consumer_code", "remaining_fees", "none", got "all"']),
    "the termination notice is at most 10 days": (
        [("termination_notice_days = 10", "termination_notice_days = 30")],
        ["policy.termination_notice_days: expected a whole number from 0 to 10, got 30"]),
    "the format version is 1": (
        [("format = 1", "format = 2")],
        ["format: expected format = 1, got 2"]),
    "codes are lowercase": (
        [('code = "sim"', 'code = "SIM"')],
        ['fees[0].code: expected a code of lowercase letters, digits, _ and - (at most 40), got "SIM"']),
    "special numbers are digits": (
        [('prefix = "3179"', 'prefix = "31 79"')],
        ['third_party_numbers[0].prefix: expected a short code or prefix of digits as dialled, like "3179", '
         'got "31 79"']),
    "special number surcharges stay below 10 000": (
        [('name = "RIO"', 'name = "RIO"\nper_minute = 12000')],
        ['third_party_numbers[0].per_minute: expected a decimal amount like "0.80" (0 to 9999, at most 6 '
         'decimals), got 12000']),
}


@pytest.mark.parametrize("changes, expected", CASES.values(), ids=CASES.keys())
def test_the_rule_is_checked(write_catalogue, changes, expected):
    text = MINIMAL
    for old, new in changes:
        text = replaced(text, old, new)
    path = write_catalogue(text, "demo.toml")

    if not expected:
        check_catalogue(path)
        return
    with pytest.raises(CatalogueError) as refused:
        check_catalogue(path)
    assert refused.value.problems == [f"demo.toml: {problem}" for problem in expected]


def test_the_minimal_catalogue_is_valid(write_catalogue):
    spec, _ = check_catalogue(write_catalogue(MINIMAL))

    assert [p.code for p in spec.products] == ["basic", "premium", "data_plus", "sim", "recovery"]
