"""The demo catalogue loads, with exact counts, prices, allowances, zones and policy."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest

from telcobill.catalogue.loader import DEMO_CATALOGUE, load_catalogue
from telcobill.catalogue.models import Allowance, CataloguePolicy, Product, ThirdPartyNumber, UsagePrice, Zone
from telcobill.catalogue.snapshot import load_snapshot

from .samples import table_counts

pytestmark = pytest.mark.django_db

# code: (kind, segment, commitment months, tier, section, price, includes VAT) — prices on 2026-01-15
PRODUCTS = {
    "forfait_2h": ("plan", "individual", 0, 1, "plan_options", "2.99", True),
    "forfait_20go": ("plan", "individual", 0, 2, "plan_options", "7.99", True),
    "forfait_40go": ("plan", "individual", 0, 3, "plan_options", "9.99", True),
    "forfait_80go_5g": ("plan", "individual", 0, 4, "plan_options", "12.99", True),
    "forfait_150go_5g": ("plan", "individual", 12, 5, "plan_options", "16.99", True),
    "forfait_5g_illimite": ("plan", "individual", 24, 6, "plan_options", "29.99", True),
    "pro_10go": ("plan", "business", 0, 1, "plan_options", "9.00", False),
    "pro_100go_5g": ("plan", "business", 0, 2, "plan_options", "19.00", False),
    "pro_partage": ("plan", "business", 0, 3, "plan_options", "22.00", False),
    "pro_illimite_5g": ("plan", "business", 24, 4, "plan_options", "35.00", False),
    "option_international": ("option", "all", 0, 0, "plan_options", "5.00", True),
    "option_data_10go": ("option", "individual", 0, 0, "plan_options", "3.00", True),
    "option_multi_sim": ("option", "all", 0, 0, "plan_options", "5.00", True),
    "pass_monde_5go": ("option", "all", 0, 0, "plan_options", "15.00", True),
    "option_securite": ("option", "all", 0, 0, "plan_options", "2.99", True),
    "carte_sim": ("fee", "all", 0, 0, "one_off", "10.00", True),
    "esim": ("fee", "all", 0, 0, "one_off", "10.00", True),
    "frais_activation": ("fee", "all", 0, 0, "one_off", "10.00", True),
    "remplacement_sim": ("fee", "all", 0, 0, "one_off", "10.00", True),
    "frais_resiliation_anticipee": ("fee", "all", 0, 0, "one_off", "0.00", True),
    "indemnite_recouvrement": ("fee", "business", 0, 0, "penalties", "40.00", False),
    "penalites_retard": ("fee", "business", 0, 0, "penalties", "0.00", False),
}


def test_it_creates_every_item_of_the_demo_catalogue():
    report = load_catalogue(DEMO_CATALOGUE)

    created = {kind: tally.created for kind, tally in report.tallies.items()}
    assert created == {"vat_rules": 3, "rounding_rules": 4, "zones": 12, "third_party_numbers": 5, "products": 22}
    assert (report.updated, report.deleted, report.retired) == (0, 0, 0)
    assert table_counts() == {"VatRule": 3, "VatRate": 3, "RoundingRule": 4, "Zone": 12, "UsagePrice": 45,
                              "ThirdPartyNumber": 5, "Product": 22, "Price": 24, "Allowance": 62,
                              "CataloguePolicy": 1}


def test_each_product_has_its_kind_segment_commitment_tier_and_price():
    load_catalogue(DEMO_CATALOGUE)
    snapshot = load_snapshot()
    day = date(2026, 1, 15)

    found = {}
    for p in Product.objects.all():
        price = snapshot.product(p.code).price_on(day)
        found[p.code] = (p.kind, p.segment, p.commitment_months, p.tier, p.section, str(price.amount.quantize(
            Decimal("0.01"))), price.includes_vat)
    assert found == PRODUCTS


def test_a_price_change_applies_from_its_date_and_old_periods_keep_the_old_price():
    load_catalogue(DEMO_CATALOGUE)
    plan = load_snapshot().product("forfait_40go")

    assert plan.price_on(date(2025, 1, 1)).amount == Decimal("9.99")
    assert plan.price_on(date(2026, 8, 31)).amount == Decimal("9.99")
    assert plan.price_on(date(2026, 9, 1)).amount == Decimal("10.99")
    assert plan.price_on(date(2027, 6, 30)).amount == Decimal("10.99")
    with pytest.raises(LookupError):
        plan.price_on(date(2024, 12, 31))


def test_the_world_pass_gets_cheaper_on_april_first_2026():
    load_catalogue(DEMO_CATALOGUE)
    world = load_snapshot().product("pass_monde_5go")

    assert world.price_on(date(2026, 3, 31)).amount == Decimal("15.00")
    assert world.price_on(date(2026, 4, 1)).amount == Decimal("12.99")


def test_vat_rules_the_billing_code_relies_on_are_there():
    load_catalogue(DEMO_CATALOGUE)
    snapshot = load_snapshot()

    standard, out_of_scope = snapshot.vat("standard"), snapshot.vat("out_of_scope")
    assert (standard.category, standard.rate_on(date(2026, 9, 1))) == ("S", Decimal("20.00"))
    assert (out_of_scope.category, out_of_scope.rate_on(date(2026, 9, 1))) == ("O", Decimal("0.00"))
    assert out_of_scope.exemption_reason == "Hors champ d'application de la TVA"
    assert out_of_scope.exemption_code == "VATEX-EU-O"
    assert snapshot.product("indemnite_recouvrement").vat_rule == "out_of_scope"
    assert snapshot.product("penalites_retard").vat_rule == "out_of_scope"
    assert snapshot.product("carte_sim").vat_rule == "standard"


def test_allowances_are_explicit_dated_and_pooled_where_shared():
    load_catalogue(DEMO_CATALOGUE)

    def rows(code):
        return [(a.valid_from.isoformat(), a.bucket, a.quantity, a.unit, a.scope, a.zones)
                for a in Allowance.objects.filter(product__code=code).order_by("valid_from", "bucket", "id")]

    assert rows("forfait_2h") == [
        ("2025-01-01", "data", Decimal("100"), "MB", "line", []),
        ("2025-01-01", "sms", None, "sms", "line", []),
        ("2025-01-01", "voice", Decimal("120"), "min", "line", []),
    ]
    assert rows("forfait_5g_illimite") == [
        ("2025-01-01", "data", None, "MB", "line", []),
        ("2025-01-01", "data_eu", Decimal("40"), "GB", "line", []),
        ("2025-01-01", "mms", None, "mms", "line", []),
        ("2025-01-01", "sms", None, "sms", "line", []),
        ("2025-01-01", "voice", None, "min", "line", []),
        ("2025-01-01", "voice", None, "min", "line", ["dest_europe", "dest_europe_other", "dest_usa_canada"]),
        ("2026-01-01", "data_eu", Decimal("46"), "GB", "line", []),
    ]
    pooled = Allowance.objects.get(product__code="pro_partage", bucket="data")
    assert (pooled.quantity, pooled.unit, pooled.scope) == (Decimal("60"), "GB", "pool")
    world = Allowance.objects.get(product__code="pass_monde_5go")
    assert world.zones == ["roam_ch_uk", "roam_usa_canada", "roam_world"]


def test_zones_cover_home_overseas_and_satellite_networks():
    load_catalogue(DEMO_CATALOGUE)

    france = Zone.objects.get(code="dest_france")
    assert france.prefixes == ["33", "590", "594", "596", "262"]
    eu = Zone.objects.get(code="roam_eu")
    assert eu.like_home and {"DE", "NO", "MF", "BL"} <= set(eu.countries)
    europe, others = Zone.objects.get(code="dest_europe"), Zone.objects.get(code="dest_europe_other")
    assert europe.like_home and {"39", "49", "47"} <= set(europe.prefixes)  # called from the EU as from home
    assert not others.like_home and {"41", "44"} <= set(others.prefixes)
    roaming = {c for z in Zone.objects.filter(kind="roaming") for c in z.countries}
    assert not roaming & {"FR", "GP", "MQ", "GF", "RE", "YT"}  # at home there, in no roaming zone
    maritime = Zone.objects.get(code="roam_maritime")
    assert (maritime.kind, maritime.networks, maritime.countries) == ("roaming", ["901"], [])
    roaming_countries = [c for z in Zone.objects.filter(kind="roaming") for c in z.countries]
    assert len(roaming_countries) == len(set(roaming_countries))


def test_out_of_plan_prices_are_dated_per_zone_and_bucket():
    load_catalogue(DEMO_CATALOGUE)

    def price(zone, bucket, direction="out"):
        rows = UsagePrice.objects.filter(zone__code=zone, bucket=bucket, direction=direction).order_by("valid_from")
        return [(p.valid_from.isoformat(), p.amount, p.unit, p.includes_vat) for p in rows]

    assert price("dest_france", "voice") == [("2025-01-01", Decimal("0.05"), "min", True)]
    assert price("roam_eu", "data_eu") == [
        ("2025-01-01", Decimal("0.001523"), "MB", True),
        ("2026-01-01", Decimal("0.001289"), "MB", True),
        ("2027-01-01", Decimal("0.001171"), "MB", True),
    ]
    assert price("roam_world", "voice", "in") == [("2025-01-01", Decimal("1.29"), "min", True)]
    assert price("roam_maritime", "data") == [("2025-01-01", Decimal("9.99"), "MB", True)]


def test_special_numbers_carry_their_surcharges():
    load_catalogue(DEMO_CATALOGUE)

    found = {n.prefix: (n.kind, n.per_call, n.per_minute) for n in ThirdPartyNumber.objects.all()}
    assert found == {
        "3179": ("service", Decimal("0"), Decimal("0")),
        "118712": ("service", Decimal("2.99"), Decimal("0.99")),
        "36180": ("premium", Decimal("0"), Decimal("0.80")),
        "0899": ("premium", Decimal("0.35"), Decimal("0.80")),
        "81212": ("content", Decimal("0.99"), Decimal("0")),
    }


def test_the_load_records_its_file_and_policy():
    report = load_catalogue(DEMO_CATALOGUE)

    policy = CataloguePolicy.objects.get()
    assert policy.pk == report.policy_id
    assert policy.source == str(DEMO_CATALOGUE.resolve())
    assert policy.sha256 == hashlib.sha256(DEMO_CATALOGUE.read_bytes()).hexdigest() == report.sha256
    assert (policy.upgrade, policy.downgrade, policy.allowance_on_change, policy.early_termination_fee,
            policy.termination_notice_days) == ("immediate", "next_cycle", "prorated", "consumer_code", 10)


def test_options_name_the_plans_they_fit():
    load_catalogue(DEMO_CATALOGUE)

    assert Product.objects.get(code="option_data_10go").compatible_plans == [
        "forfait_20go", "forfait_40go", "forfait_80go_5g", "forfait_150go_5g"]
    assert Product.objects.get(code="option_multi_sim").compatible_plans == []  # every plan
    assert Product.objects.get(code="forfait_2h").rounding == {"voice": "per_second", "data": "per_kb"}
