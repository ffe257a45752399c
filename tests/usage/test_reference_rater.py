"""The reference rater (docs/rating.md) on hand-computed examples, then a few properties.

Amounts are in EUR excl. VAT to 6 places. Prices below are VAT included at 20 % unless said
otherwise, so an amount is the price incl. VAT ÷ 1.2, rounded half-up to the micro-euro.
No database: rating is pure.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telcobill.usage.rating.inputs import (
    PARIS,
    AllowanceGroup,
    PlanPeriod,
    Record,
    SpecialNumber,
    Tariff,
    UsagePrice,
)
from telcobill.usage.rating.reference import charges, classify, eligible_group, rate
from tests.usage.rating_strategies import rating_problems

MB = 1_048_576
JAN_2025 = date(2025, 1, 1)


def _price(amount: str, unit: str, valid_from: date = JAN_2025, includes_vat: bool = True) -> UsagePrice:
    return UsagePrice(valid_from, unit, Decimal(amount), includes_vat, "standard")


TARIFF = Tariff(
    destination_prefixes={
        "33": "dest_france", "590": "dest_france", "262": "dest_france",
        "34": "dest_europe", "39": "dest_europe", "44": "dest_europe", "49": "dest_europe",
        "1": "dest_usa_canada",
        **{digit: "dest_world" for digit in "23456789"},
    },
    home_destination="dest_france",
    roaming_countries={"IT": "roam_eu", "ES": "roam_eu", "PT": "roam_eu", "CH": "roam_ch_uk", "GB": "roam_ch_uk",
                       "US": "roam_usa_canada", "MA": "roam_world"},
    roaming_networks={"901": "roam_maritime"},
    like_home=frozenset({"roam_eu"}),
    prices={
        ("dest_france", "voice", "out"): (_price("0.05", "min"),),
        ("dest_france", "sms", "out"): (_price("0.05", "sms"),),
        ("dest_france", "data", "out"): (_price("0.05", "MB"),),
        ("dest_europe", "voice", "out"): (_price("0.19", "min"),),
        ("dest_europe", "sms", "out"): (_price("0.07", "sms"),),
        ("dest_usa_canada", "voice", "out"): (_price("0.39", "min"),),
        # A price cut on 15 October 2026.
        ("dest_world", "voice", "out"): (_price("1.19", "min"), _price("0.99", "min", date(2026, 10, 15))),
        ("roam_eu", "data_eu", "out"): (_price("0.001289", "MB", date(2026, 1, 1)),),
        ("roam_ch_uk", "voice", "out"): (_price("0.49", "min"),),
        ("roam_ch_uk", "voice", "in"): (_price("0.19", "min"),),
        ("roam_ch_uk", "data", "out"): (_price("0.02", "MB"),),
        ("roam_maritime", "data", "out"): (_price("9.99", "MB"),),
        ("roam_maritime", "voice", "in"): (_price("2.99", "min"),),
    },
    specials={
        "3179": SpecialNumber("3179", "service", "RIO", Decimal(0), Decimal(0), "standard"),
        "118712": SpecialNumber("118712", "service", "118 712", Decimal("2.99"), Decimal("0.99"), "standard"),
        "0899": SpecialNumber("0899", "premium", "0899", Decimal("0.35"), Decimal("0.80"), "standard"),
        "81212": SpecialNumber("81212", "content", "SMS+", Decimal("0.99"), Decimal(0), "standard"),
        "36150": SpecialNumber("36150", "content", "Press", Decimal(0), Decimal(0), "reduced"),
    },
    vat_rates={"standard": ((date(2014, 1, 1), Decimal("20.00")),),
               "reduced": ((date(2014, 1, 1), Decimal("5.50")),)},
    rounding={
        "forfait_2h": {"voice": (1, 1), "data": (1024, 1024)},
        "forfait_20go": {"voice": (1, 1), "data": (1024, 1024)},
        "pro_10go": {"voice": (60, 60), "data": (1024, 1024)},
        "pro_100go": {"voice": (30, 1), "data": (1024, 1024)},
    },
)
PLANS = [
    PlanPeriod(1, "forfait_2h", JAN_2025, None),
    PlanPeriod(2, "forfait_20go", JAN_2025, None),
    # Line 3 changes plan on 15 October: per minute before, 30 s then per second from that day.
    PlanPeriod(3, "pro_10go", JAN_2025, date(2026, 10, 15)),
    PlanPeriod(3, "pro_100go", date(2026, 10, 15), None),
    PlanPeriod(4, "pro_100go", JAN_2025, None),
    PlanPeriod(5, "pro_100go", JAN_2025, None),
]
FRANCE, UK, GERMANY, MOROCCO, USA = "33145678901", "442079460000", "4930123456", "212522000000", "12125550000"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Paris time in October 2026."""
    return datetime(2026, 10, day, hour, minute, tzinfo=PARIS)


def voice(record_id: str, started_at: datetime, seconds: int, peer: str = FRANCE, line_id: int = 1,
          **fields) -> Record:
    return Record("mediation", record_id, line_id, "voice", started_at, peer=peer, quantity=seconds, **fields)


def sms(record_id: str, started_at: datetime, peer: str, line_id: int = 1, **fields) -> Record:
    return Record("mediation", record_id, line_id, "sms", started_at, peer=peer, quantity=1, **fields)


def data(record_id: str, started_at: datetime, volume: int, line_id: int = 2, **fields) -> Record:
    return Record(fields.pop("source", "mediation"), record_id, line_id, "data", started_at, peer="",
                  quantity=volume, **fields)


def figures(rated) -> list[tuple]:
    return [(r.rounded, r.included, r.chargeable, r.amount) for r in rated]


def group(key: str, bucket: str, quantity: int | None, *line_ids: int, zones: tuple[str, ...] = ()):
    return AllowanceGroup(key, bucket, zones, quantity, line_ids)


VOICE_2H = group("L1:voice:", "voice", 7200, 1)
OPTION_300_MIN = group("L2:voice:dest_europe+dest_usa_canada", "voice", 18000, 2,
                       zones=("dest_europe", "dest_usa_canada"))


def test_a_call_within_the_allowance_is_included_and_the_one_crossing_it_is_split():
    rated = rate([voice("a2", at(4, 10), 500), voice("a1", at(3, 10), 7000)], TARIFF, PLANS, [VOICE_2H])
    # 7000 s of the 7200 s: all included. 500 s with 200 s left: 200 included, 300 chargeable:
    # 300 s = 5 min × 0.05 = 0.25 incl. VAT = 0.2083333... excl. VAT -> 0.208333.
    assert figures(rated) == [(7000, 7000, 0, Decimal("0.000000")), (500, 200, 300, Decimal("0.208333"))]
    second = rated[1]
    assert (second.record_id, second.charge, second.zone, second.special) == ("a2", "voice:dest_france", "home", "")
    assert (second.section, second.vat_rule, second.bucket) == ("communications", "standard", "voice")


def test_per_minute_rounding_counts_61_seconds_as_120_then_the_new_plan_counts_them_as_61():
    records = [
        voice("b1", at(14, 12), 61, line_id=3),
        # 15 October 00:30 in Paris is still 14 October in UTC: the plan is the Paris day's.
        voice("b2", datetime(2026, 10, 14, 22, 30, tzinfo=UTC), 61, line_id=3),
    ]
    rated = rate(records, TARIFF, PLANS, [])
    # pro_10go, per minute: 61 s -> 120 s = 2 min × 0.05 = 0.10 incl. VAT -> 0.0833333 -> 0.083333.
    # pro_100go, 30 s then per second: 61 s stay 61 s = 61/60 × 0.05 = 0.0508333 incl. -> 0.0423611 -> 0.042361.
    assert figures(rated) == [(120, 0, 120, Decimal("0.083333")), (61, 0, 61, Decimal("0.042361"))]


def test_30_seconds_then_per_second_rounding_and_0_stays_0():
    rated = rate([voice("c1", at(5, 9), 10, line_id=4), voice("c2", at(5, 10), 45, line_id=4),
                  voice("c3", at(5, 11), 0, line_id=4)], TARIFF, PLANS, [])
    # 10 s -> 30 s = 0.5 min × 0.05 = 0.025 incl. VAT -> 0.0208333 -> 0.020833.
    # 45 s = 0.75 min × 0.05 = 0.0375 incl. VAT -> 0.03125 exactly. 0 s (no answer): 0, nothing.
    assert figures(rated) == [(30, 0, 30, Decimal("0.020833")), (45, 0, 45, Decimal("0.031250")),
                              (0, 0, 0, Decimal("0.000000"))]
    assert rated[2].vat_rule == "standard"


def test_an_sms_to_europe_is_out_of_plan_when_the_plan_covers_france_only():
    groups = [group("L1:sms:", "sms", None, 1)]
    rated = rate([sms("d1", at(6, 8), "393331234567"), sms("d2", at(6, 9), "33612345678")], TARIFF, PLANS, groups)
    # Europe: no group covers it, 1 SMS × 0.07 incl. VAT -> 0.0583333 -> 0.058333. France: unlimited.
    assert figures(rated) == [(1, 0, 1, Decimal("0.058333")), (1, 1, 0, Decimal("0.000000"))]
    assert [r.charge for r in rated] == ["sms:dest_europe", "sms:dest_france"]


def test_a_call_abroad_is_covered_by_a_zone_limited_option():
    groups = [group("L2:voice:", "voice", None, 2), OPTION_300_MIN]
    rated = rate([voice("e1", at(7, 10), 600, UK, line_id=2), voice("e2", at(7, 11), 90, MOROCCO, line_id=2)],
                 TARIFF, PLANS, groups)
    # UK: 600 s of the option's 300 min, included. Morocco: in no group, 1.5 min × 1.19 = 1.785
    # incl. VAT -> 1.4875 excl. VAT.
    assert figures(rated) == [(600, 600, 0, Decimal("0.000000")), (90, 0, 90, Decimal("1.487500"))]
    assert [r.charge for r in rated] == ["voice:dest_europe", "voice:dest_world"]


def test_the_group_with_the_fewest_zones_is_consumed_and_only_it():
    groups = [OPTION_300_MIN, group("L2:voice:dest_europe", "voice", 60, 2, zones=("dest_europe",))]
    rated = rate([voice("f1", at(8, 10), 100, GERMANY, line_id=2), voice("f2", at(8, 11), 30, USA, line_id=2)],
                 TARIFF, PLANS, groups)
    # Germany: the one-zone group (60 s) only, even with the other group unused: 60 included,
    # 40 s × 0.19/min = 0.1266667 incl. VAT -> 0.1055556 -> 0.105556. USA: the two-zone group.
    assert figures(rated) == [(100, 60, 40, Decimal("0.105556")), (30, 30, 0, Decimal("0.000000"))]


def test_a_pooled_data_group_is_consumed_by_two_lines_in_record_order():
    pool = group("P7:data:", "data", 10 * MB, 4, 5)
    same_time = at(9, 12)
    records = [data("r1", same_time, 3 * MB, line_id=4, source="roaming_hub"),
               data("r9", same_time, 4 * MB, line_id=5),
               data("r2", same_time, 5 * MB, line_id=4)]
    rated = rate(records, TARIFF, PLANS, [pool])
    # Same instant: by source ("mediation" < "roaming_hub"), then record_id ("r2" < "r9").
    # mediation/r2 (line 4) 5 MB included; mediation/r9 (line 5) 4 MB included (9 of 10 used);
    # roaming_hub/r1 (line 4) 3 MB: 1 included, 2 MB × 0.05 = 0.10 incl. VAT -> 0.083333.
    assert [(r.source, r.record_id, r.line_id) for r in rated] == [
        ("mediation", "r2", 4), ("mediation", "r9", 5), ("roaming_hub", "r1", 4)]
    assert figures(rated) == [(5 * MB, 5 * MB, 0, Decimal("0.000000")), (4 * MB, 4 * MB, 0, Decimal("0.000000")),
                              (3 * MB, MB, 2 * MB, Decimal("0.083333"))]
    assert rated[2].charge == "data:dest_france"


EU_GROUPS = [group("L2:data:", "data", 100 * MB, 2), group("L2:data_eu:", "data_eu", 40 * MB, 2)]


def test_like_home_data_beyond_the_eu_limit_pays_the_eu_surcharge_only():
    rated = rate([data("g1", at(5, 10), 30 * MB, country="IT"), data("g2", at(6, 10), 20 * MB, country="IT")],
                 TARIFF, PLANS, EU_GROUPS)
    # g1: 30 MB, inside both. g2: 20 MB, data group 50 of 100 (all included), EU limit 30 of 40
    # used before it: 10 MB beyond it, at the data_eu price only:
    # 10 MB × 0.001289 = 0.01289 incl. VAT -> 0.0107417 -> 0.010742. included 20 + chargeable 10 > 20.
    assert figures(rated) == [(30 * MB, 30 * MB, 0, Decimal("0.000000")),
                              (20 * MB, 20 * MB, 10 * MB, Decimal("0.010742"))]
    assert (rated[1].charge, rated[1].zone, rated[1].vat_rule) == ("data_eu:roam_eu", "roam_eu", "standard")


def test_like_home_data_beyond_both_limits_pays_the_home_price_and_the_eu_surcharge():
    records = [data("g1", at(5, 10), 50 * MB, country="IT"), data("g3", at(7, 10), 60 * MB, country="ES")]
    rated = rate(records, TARIFF, PLANS, EU_GROUPS)
    # g3: 60 MB with 50 MB left in the data group and none in the EU limit (50 of 40 used).
    # Beyond the data group: 10 MB × 0.05 = 0.50 incl. VAT -> 0.4166667 -> 0.416667.
    # Beyond the EU limit only: 60 - 10 = 50 MB × 0.001289 = 0.06445 incl. VAT -> 0.0537083 -> 0.053708.
    # Chargeable: the larger part beyond a limit, 60 MB; amount 0.416667 + 0.053708 = 0.470375.
    assert figures(rated)[1] == (60 * MB, 50 * MB, 60 * MB, Decimal("0.470375"))


def test_data_at_home_does_not_count_against_the_eu_limit():
    records = [data("h1", at(5, 10), 50 * MB), data("h2", at(6, 10), 40 * MB, country="PT"),
               data("h3", at(7, 10), 10 * MB, country="GP")]
    rated = rate(records, TARIFF, PLANS, EU_GROUPS)
    # h1 at home: data group only. h2 in Portugal (like home): 40 MB of the 40 MB EU limit. h3 in
    # Guadeloupe, an overseas department, is at home: the last 10 MB of the data group, none of
    # the EU limit (else 10 MB beyond it would be charged).
    assert figures(rated) == [(50 * MB, 50 * MB, 0, Decimal("0.000000")), (40 * MB, 40 * MB, 0, Decimal("0.000000")),
                              (10 * MB, 10 * MB, 0, Decimal("0.000000"))]
    assert [(r.zone, r.charge) for r in rated] == [("home", "data:dest_france"), ("roam_eu", "data_eu:roam_eu"),
                                                   ("home", "data:dest_france")]


def test_unlimited_data_still_stops_at_the_eu_limit_when_roaming():
    groups = [group("L2:data:", "data", None, 2), group("L2:data_eu:", "data_eu", 40 * MB, 2)]
    rated = rate([data("i1", at(5, 10), 50 * MB, country="IT")], TARIFF, PLANS, groups)
    # Unlimited: all 50 MB included in the data group; 10 MB beyond the EU limit:
    # 10 × 0.001289 = 0.01289 incl. VAT -> 0.010742.
    assert figures(rated) == [(50 * MB, 50 * MB, 10 * MB, Decimal("0.010742"))]


def test_data_on_a_ship_is_rated_by_the_maritime_network_whatever_the_country():
    rated = rate([data("j1", at(10, 15), 1_000_000, country="FR", network="90112")], TARIFF, PLANS, EU_GROUPS)
    # Network 901 wins over FR. Per kB: 1,000,000 B -> 977 kB = 1,000,448 B = 977/1024 MB, in no
    # group (they cover home and like home), × 9.99 = 9.5314746 incl. VAT -> 7.9428955 -> 7.942896.
    assert figures(rated) == [(1_000_448, 0, 1_000_448, Decimal("7.942896"))]
    assert (rated[0].zone, rated[0].charge) == ("roam_maritime", "data:roam_maritime")


def test_an_incoming_call_outside_like_home_zones_is_charged_at_the_in_price():
    records = [voice("k1", at(11, 10), 90, direction="in", country="GB"),
               sms("k2", at(11, 11), UK, direction="in", country="GB"),
               voice("k3", at(11, 12), 90, direction="in", country="IT"),
               voice("k4", at(11, 13), 7200)]
    rated = rate(records, TARIFF, PLANS, [VOICE_2H])
    # k1: 1.5 min × 0.19 = 0.285 incl. VAT -> 0.2375, nothing included. k2: no SMS "in" price: free.
    # k3: roaming like home, free. k4: the 2 h are intact (incoming records consume nothing).
    assert figures(rated) == [(90, 0, 90, Decimal("0.237500")), (1, 0, 0, Decimal("0.000000")),
                              (90, 0, 0, Decimal("0.000000")), (7200, 7200, 0, Decimal("0.000000"))]
    assert [r.charge for r in rated[:3]] == ["voice_in:roam_ch_uk", "sms_in:roam_ch_uk", "voice_in:roam_eu"]


def test_an_incoming_call_at_home_is_free():
    rated = rate([voice("l1", at(12, 10), 300, MOROCCO, direction="in")], TARIFF, PLANS, [])
    assert figures(rated) == [(300, 0, 0, Decimal("0.000000"))]
    assert (rated[0].charge, rated[0].zone) == ("voice_in:home", "home")


def test_an_sms_received_from_a_special_number_is_an_ordinary_incoming_sms():
    rated = rate([sms("l2", at(12, 11), "81212", peer_kind="short", direction="in")], TARIFF, PLANS, [])
    # No surcharge: the special number is the one sending.
    assert figures(rated) == [(1, 0, 0, Decimal("0.000000"))]
    assert (rated[0].charge, rated[0].special, rated[0].section) == ("sms_in:home", "", "communications")


def test_a_roaming_zone_list_covers_any_usage_there_even_roaming_like_home():
    groups = [group("L1:voice:roam_eu", "voice", 600, 1, zones=("roam_eu",))]
    rated = rate([voice("t1", at(17, 10), 300, MOROCCO, country="IT"), voice("t2", at(17, 11), 300, MOROCCO)],
                 TARIFF, PLANS, groups)
    # From Italy: while in roam_eu, so covered whatever the destination. From France: not covered,
    # 5 min × 0.99 (the price since 15 October) = 4.95 incl. VAT -> 4.125.
    assert figures(rated) == [(300, 300, 0, Decimal("0.000000")), (300, 0, 300, Decimal("4.125000"))]
    assert [r.charge for r in rated] == ["voice:dest_world", "voice:dest_world"]


def test_a_118712_call_is_a_national_call_included_plus_the_surcharge():
    records = [voice("m1", at(13, 10), 125, "118712", peer_kind="short"),
               voice("m2", at(13, 11), 20, "3939", peer_kind="short")]
    rated = rate(records, TARIFF, PLANS, [VOICE_2H])
    # m1: 125 s included in the 2 h; surcharge 2.99 + 0.99 × 125/60 = 2.99 + 2.0625 = 5.0525
    # incl. VAT -> 4.2104167 -> 4.210417. m2: an unlisted short code is a national call, included.
    assert figures(rated) == [(125, 125, 0, Decimal("4.210417")), (20, 20, 0, Decimal("0.000000"))]
    assert [(r.charge, r.special, r.section) for r in rated] == [
        ("special:118712", "118712", "communications"), ("voice:dest_france", "", "communications")]


def test_a_0899_number_is_found_from_its_international_form():
    rated = rate([voice("n1", at(20, 10), 61, "33899123456", line_id=3)], TARIFF, PLANS, [])
    # 0899 123 456. pro_100go: 61 s, in no group: 61/60 × 0.05 = 0.0508333 incl. VAT -> 0.042361;
    # surcharge 0.35 + 0.80 × 61/60 = 1.1633333 incl. VAT -> 0.9694444 -> 0.969444; total 1.011805.
    assert figures(rated) == [(61, 0, 61, Decimal("1.011805"))]
    assert (rated[0].charge, rated[0].special) == ("special:0899", "0899")


def test_an_sms_to_81212_goes_to_third_party_services():
    rated = rate([sms("o1", at(14, 10), "81212", peer_kind="short"), sms("o2", at(14, 11), "33899123456")],
                 TARIFF, PLANS, [group("L1:sms:", "sms", None, 1)])
    # The SMS are included (unlimited SMS). 81212: the content surcharge 0.99 incl. VAT -> 0.825.
    # 0899: an SMS has no seconds, so only the per-call 0.35 incl. VAT -> 0.2916667 -> 0.291667.
    assert figures(rated) == [(1, 1, 0, Decimal("0.825000")), (1, 1, 0, Decimal("0.291667"))]
    assert [(r.charge, r.section) for r in rated] == [("special:81212", "third_party"),
                                                      ("special:0899", "communications")]


def test_a_content_purchase_is_billed_excl_vat_with_its_number_s_vat_rule():
    records = [Record("mediation", "p1", 1, "content", at(15, 10), peer="81212", peer_kind="short",
                      amount=Decimal("3.00")),
               Record("mediation", "p2", 1, "content", at(15, 11), peer="64646", peer_kind="short",
                      amount=Decimal("4.99")),
               Record("mediation", "p3", 1, "content", at(15, 12), peer="36150", peer_kind="short",
                      amount=Decimal("1.00"))]
    rated = rate(records, TARIFF, PLANS, [])
    # 3.00 / 1.2 = 2.50; unlisted 64646: standard rule, 4.99 / 1.2 = 4.1583333 -> 4.158333;
    # 36150 at 5.5 %: 1.00 / 1.055 = 0.9478673 -> 0.947867.
    assert figures(rated) == [(0, 0, 0, Decimal("2.500000")), (0, 0, 0, Decimal("4.158333")),
                              (0, 0, 0, Decimal("0.947867"))]
    assert [(r.charge, r.vat_rule, r.section, r.bucket, r.special) for r in rated] == [
        ("content:81212", "standard", "third_party", "content", "81212"),
        ("content:64646", "standard", "third_party", "content", ""),
        ("content:36150", "reduced", "third_party", "content", "36150")]


def test_a_price_change_applies_from_its_paris_day():
    records = [voice("q1", at(14, 23, 30), 60, MOROCCO),
               voice("q2", datetime(2026, 10, 14, 22, 30, tzinfo=UTC), 60, MOROCCO)]  # 00:30 on the 15th in Paris
    rated = rate(records, TARIFF, PLANS, [VOICE_2H])
    # Not to the home destination, so outside the 2 h. 1 min × 1.19 -> 0.9916667 -> 0.991667;
    # from 15 October, 1 min × 0.99 -> 0.825.
    assert figures(rated) == [(60, 0, 60, Decimal("0.991667")), (60, 0, 60, Decimal("0.825000"))]


def test_a_business_price_excl_vat_is_taken_as_is():
    key = ("dest_usa_canada", "voice", "out")
    tariff = dataclasses.replace(TARIFF, prices={**TARIFF.prices, key: (_price("0.30", "min", includes_vat=False),)})
    rated = rate([voice("s1", at(16, 10), 90, USA, line_id=4)], tariff, PLANS, [])
    # 1.5 min × 0.30 excl. VAT = 0.45, no VAT to take out.
    assert figures(rated) == [(90, 0, 90, Decimal("0.450000"))]


def test_charges_sum_the_rated_records_per_line_and_charge():
    rated = rate([voice("a1", at(3, 10), 7000), voice("a2", at(4, 10), 500), voice("a3", at(4, 11), 60, MOROCCO)],
                 TARIFF, PLANS, [VOICE_2H])
    assert charges(rated) == {(1, "voice:dest_france"): (7500, 300, Decimal("0.208333")),
                              (1, "voice:dest_world"): (60, 60, Decimal("0.991667"))}


# --- Properties ------------------------------------------------------------------------------------

# A rating problem is large on purpose (a tariff, groups, up to 60 records): slow to generate.
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTIES
@given(rating_problems())
def test_there_is_one_rated_record_per_record_in_rating_order(problem):
    records, tariff, plans, groups, _ = problem
    rated = rate(records, tariff, plans, groups)
    assert [(r.source, r.record_id) for r in rated] == [
        (r.source, r.record_id) for r in sorted(records, key=Record.order_key)]
    assert all(r.amount >= 0 and r.amount == r.amount.quantize(Decimal("0.000001")) for r in rated)


@PROPERTIES
@given(rating_problems())
def test_included_and_chargeable_make_the_rounded_quantity_except_like_home_data_and_free_incoming(problem):
    records, tariff, plans, groups, _ = problem
    for r in rate(records, tariff, plans, groups):
        assert 0 <= r.included <= r.rounded and 0 <= r.chargeable <= r.rounded
        if r.charge.startswith("data_eu:"):
            # The part beyond the EU limit may lie inside the data group.
            assert r.included + r.chargeable >= r.rounded
        elif "_in:" in r.charge:
            # Nothing included; all chargeable at an "in" price, or free.
            assert r.included == 0 and r.chargeable in (0, r.rounded)
        else:
            assert r.included + r.chargeable == r.rounded


@PROPERTIES
@given(rating_problems())
def test_a_limited_group_includes_what_was_used_up_to_its_quantity(problem):
    records, tariff, plans, groups, _ = problem
    rated = {(r.source, r.record_id): r for r in rate(records, tariff, plans, groups)}
    included, used = defaultdict(int), defaultdict(int)
    for record in records:
        usage = classify(record, tariff)
        if usage.bucket == "content" or usage.incoming:
            continue
        chosen = eligible_group(groups, record.line_id, usage.bucket, usage, tariff)
        if chosen is not None:
            r = rated[(record.source, record.record_id)]
            included[chosen.key] += r.included
            used[chosen.key] += r.rounded
    for g in groups:
        if g.quantity is not None and g.bucket != "data_eu":
            assert included[g.key] == min(g.quantity, used[g.key])


@PROPERTIES
@given(rating_problems(), st.randoms())
def test_the_result_does_not_depend_on_the_order_records_come_in(problem, random):
    records, tariff, plans, groups, _ = problem
    shuffled = list(records)
    random.shuffle(shuffled)
    assert rate(shuffled, tariff, plans, groups) == rate(records, tariff, plans, groups)


@PROPERTIES
@given(rating_problems())
def test_charges_add_up_to_the_rated_records(problem):
    records, tariff, plans, groups, _ = problem
    rated = rate(records, tariff, plans, groups)
    totals = charges(rated)
    assert sum(amount for _, _, amount in totals.values()) == sum(r.amount for r in rated)
    assert sum(chargeable for _, chargeable, _ in totals.values()) == sum(r.chargeable for r in rated)
    assert {line for line, _ in totals} == {r.line_id for r in rated}


def test_roaming_like_at_home_a_call_to_an_eu_number_is_a_call_home():
    tariff = dataclasses.replace(TARIFF, like_home_destinations=frozenset({"dest_europe"}))
    rome = "39061234567"
    records = [voice("k1", at(5, 10), 120, rome, country="IT"), voice("k2", at(5, 11), 120, country="IT"),
               voice("k3", at(5, 12), 60, USA, country="IT"), voice("k4", at(5, 13), 60, rome)]
    rated = rate(records, tariff, PLANS, [group("L1:voice:", "voice", 600, 1)])
    # From Italy, Rome (k1) is called as Paris (k2) is: 240 s of the plan's 600. New York (k3)
    # stays a call to the USA, out of plan. From France, Rome (k4) is an international call.
    assert [(r.charge, r.included, r.chargeable) for r in rated] == [
        ("voice:dest_france", 120, 0), ("voice:dest_france", 120, 0), ("voice:dest_usa_canada", 0, 60),
        ("voice:dest_europe", 0, 60)]
