"""A line's consumption this month, read from the counters: each allowance against its usage,
what is out of plan, the roaming spend against the cap, how fresh; a business's shared pool."""

from datetime import UTC, date, datetime
from decimal import Decimal

from telcobill.usage.services.consumption import line_consumption
from telcobill.workflows.lines import activate_line
from tests.factories import make_business
from tests.usage.conso_story import MB, NOW, camille_story, ingest

GB = 1_073_741_824


def test_each_allowance_with_its_usage_out_of_plan_and_freshness(camille, source, usage_store, tmp_path, bill,
                                                                 django_capture_on_commit_callbacks, time_machine):
    camille_story(source, tmp_path, django_capture_on_commit_callbacks, bill, time_machine)

    c = line_consumption(camille, date(2026, 11, 1))

    assert [(m.bucket, m.used, m.included, m.out_of_plan, m.share) for m in c.meters] == [
        ("voice", 754, 7200, Decimal("0"), 10),
        ("sms", 2, None, Decimal("0"), None),
        ("data", 80 * MB, 100 * MB, Decimal("0"), 80),
        # 12 MB in the USA, no allowance there: 12 x 0.20 incl. VAT = 2.00 excl.
        ("data", 12 * MB, 0, Decimal("2.000000"), None),
    ]
    assert c.pools == ()
    assert (c.out_of_plan, c.incl_vat(c.out_of_plan)) == (Decimal("2.000000"), Decimal("2.40"))
    assert (c.roaming_spend, c.roaming_cap, c.roaming_cap_lifted) == (Decimal("2.000000"), Decimal("50.00"), False)
    assert c.refreshed_at == NOW
    assert c.last_usage_at == datetime(2026, 11, 15, 15, tzinfo=UTC)


def test_an_allowance_shows_before_any_usage(camille, usage_store):
    c = line_consumption(camille, date(2026, 11, 1))

    assert [(m.bucket, m.used, m.included) for m in c.meters] == [
        ("voice", 0, 7200), ("sms", 0, None), ("data", 0, 100 * MB)]
    assert (c.out_of_plan, c.refreshed_at, c.last_usage_at) == (Decimal(0), None, None)


def test_a_shared_plan_line_reads_its_business_pool(demo_catalogue, source, usage_store, tmp_path,
                                                    django_capture_on_commit_callbacks):
    account = make_business("Atelier Dupont SARL")
    first = activate_line(account=account, msisdn="0611111111", plan_code="pro_partage", on=date(2026, 9, 1))
    activate_line(account=account, msisdn="0622222222", plan_code="pro_partage", on=date(2026, 9, 1))
    ingest(source, tmp_path, "pool", [
        f"p-1,33611111111,data,out,2026-11-05T10:00:00+01:00,,,{3 * GB},FR",
        f"p-2,33622222222,data,out,2026-11-06T10:00:00+01:00,,,{GB // 2},FR",
    ], NOW, django_capture_on_commit_callbacks)

    c = line_consumption(first, date(2026, 11, 1))

    # Two lines bring 60 GB each to one pool, which both consume.
    assert [(m.bucket, m.used, m.included, m.pooled) for m in c.pools] == [("data", 3 * GB + GB // 2, 120 * GB, True)]
    assert "data" not in [m.bucket for m in c.meters]
