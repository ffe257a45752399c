"""A misspelt or unknown key is refused (a typo must not pass silently)."""

import pytest

from telcobill.catalogue.loader import CatalogueError, check_catalogue

from .samples import MINIMAL, replaced


def problems(write_catalogue, text: str) -> list[str]:
    with pytest.raises(CatalogueError) as refused:
        check_catalogue(write_catalogue(text, "demo.toml"))
    return refused.value.problems


def test_a_misspelt_key_is_refused_with_a_suggestion(write_catalogue):
    text = replaced(MINIMAL, 'commitment_months = 12', 'commitement_months = 12')

    assert problems(write_catalogue, text) == [
        'demo.toml: plans[1].commitement_months: expected one of the keys code, name, name_en, description, '
        'segment, vat_rule, includes_vat, retired, section, prices, commitment_months, tier, rounding, '
        'allowances (did you mean "commitment_months"?), got an unknown key "commitement_months"',
    ]


def test_an_unknown_key_in_a_dated_row_is_refused(write_catalogue):
    text = replaced(MINIMAL, '{ valid_from = 2026-09-01, amount = 10.99 }',
                    '{ valid_from = 2026-09-01, amount = 10.99, vat = 20 }')

    assert problems(write_catalogue, text) == [
        'demo.toml: plans[0].prices[1].vat: expected one of the keys valid_from, amount, got an unknown key "vat"',
    ]


def test_an_unknown_top_level_table_is_refused(write_catalogue):
    assert problems(write_catalogue, MINIMAL + '\n[[plan]]\ncode = "x"\n') == [
        'demo.toml: plan: expected one of the keys format, policy, vat_rules, rounding_rules, zones, '
        'third_party_numbers, plans, options, fees (did you mean "plans"?), got an unknown key "plan"',
    ]


def test_a_key_of_another_kind_of_product_is_refused(write_catalogue):
    text = replaced(MINIMAL, 'code = "sim"', 'code = "sim"\ntier = 3')

    assert problems(write_catalogue, text) == [
        'demo.toml: fees[0].tier: expected one of the keys code, name, name_en, description, segment, vat_rule, '
        'includes_vat, retired, section, prices, got an unknown key "tier"',
    ]


def test_a_country_list_on_a_destination_zone_is_refused(write_catalogue):
    text = replaced(MINIMAL, 'prefixes = ["33", "590"]', 'prefixes = ["33", "590"]\ncountries = ["FR"]')

    assert problems(write_catalogue, text) == [
        'demo.toml: zones[0].countries: expected one of the keys code, kind, name, prefixes, like_home, usage_prices, '
        'got an unknown key "countries"',
    ]
