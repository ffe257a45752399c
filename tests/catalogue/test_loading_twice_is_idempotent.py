"""Loading the same file again changes nothing but adds a policy row."""

import pytest

from telcobill.catalogue.loader import DEMO_CATALOGUE, load_catalogue
from telcobill.catalogue.models import Allowance, Price, Product, UsagePrice

from .samples import table_counts

pytestmark = pytest.mark.django_db


def test_a_second_load_of_the_same_file_keeps_the_same_rows():
    load_catalogue(DEMO_CATALOGUE)
    before = table_counts()
    ids = {model: sorted(model.objects.values_list("id", flat=True)) for model in (Product, Price, Allowance,
                                                                                   UsagePrice)}

    report = load_catalogue(DEMO_CATALOGUE)

    after = table_counts()
    assert after == {**before, "CataloguePolicy": before["CataloguePolicy"] + 1}
    assert {model: sorted(model.objects.values_list("id", flat=True)) for model in ids} == ids
    assert (report.created, report.updated, report.deleted, report.retired) == (0, 0, 0, 0)
    assert {kind: tally.unchanged for kind, tally in report.tallies.items()} == {
        "vat_rules": 3, "rounding_rules": 4, "zones": 12, "third_party_numbers": 5, "products": 22}


def test_a_changed_price_updates_only_its_product(write_catalogue):
    text = DEMO_CATALOGUE.read_text(encoding="utf-8")
    load_catalogue(write_catalogue(text))
    before = table_counts()

    changed = text.replace("{ valid_from = 2025-01-01, amount = 2.99 }",
                           "{ valid_from = 2025-01-01, amount = 2.99 },\n"
                           "  { valid_from = 2027-01-01, amount = 3.99 }", 1)
    report = load_catalogue(write_catalogue(changed))

    assert report.tallies["products"].updated == 1
    assert report.tallies["products"].unchanged == 21
    assert table_counts()["Price"] == before["Price"] + 1
    assert [str(p.amount) for p in Price.objects.filter(product__code="forfait_2h")] == ["2.990000", "3.990000"]
