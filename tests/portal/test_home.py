"""Accueil's consumption card: each line's main allowances this month (at home and in the EU),
one per kind; allowances for other zones and usage no allowance covers are left to Ma conso."""

from datetime import date

from django.urls import reverse

from telcobill.usage.models import LineCounter

GB = 1_073_741_824


def test_the_home_shows_each_lines_main_allowance_once(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    line = family[1]
    month = date(2026, 11, 1)
    for group, bucket, used, included in (
            (f"L{line.pk}:voice:", "voice", 3600, None),
            (f"L{line.pk}:voice:dest_europe+dest_usa_canada", "voice", 600, 18000),  # an international option
            (f"L{line.pk}:voice:out", "voice", 120, 0),  # calls no allowance covers
            (f"L{line.pk}:data:", "data", 15 * GB, 20 * GB)):
        LineCounter.objects.create(line=line, month=month, bucket=bucket, group=group, used=used, included=included)

    response = signed_in(holder).get(reverse("portal:home"))

    [item] = response.context["lines"]
    assert [(c["bucket"], c["share"]) for c in item["counters"]] == [("data", 75), ("voice", None)]
    page = response.content.decode()
    assert "<h3>06 12 34 56 78" in page and page.count("illimité") == 1
