"""A product the file no longer lists is deleted when unused, retired from sale when still in use."""

from datetime import date

import pytest

from telcobill.catalogue.loader import load_catalogue
from telcobill.catalogue.models import Price, Product, Subscription
from telcobill.customers.models import BillingAccount, Customer, Line

from .samples import MINIMAL

pytestmark = pytest.mark.django_db

PREMIUM = MINIMAL[MINIMAL.index('[[plans]]\ncode = "premium"'):MINIMAL.index("[[options]]")]
DATA_PLUS = MINIMAL[MINIMAL.index('[[options]]'):MINIMAL.index("[[fees]]")]


def subscribe(code: str) -> Subscription:
    customer = Customer.objects.create(number="C0001", kind="individual", name="Camille Martin")
    account = BillingAccount.objects.create(customer=customer, number="BA0001", name="Camille Martin",
                                            address_line1="3 rue des Lilas", postcode="69003", city="Lyon")
    line = Line.objects.create(billing_account=account, msisdn="+33612345678")
    return Subscription.objects.create(line=line, product=Product.objects.get(code=code),
                                       starts_on=date(2026, 1, 1))


def test_a_product_in_use_is_retired_and_keeps_its_prices(write_catalogue):
    load_catalogue(write_catalogue(MINIMAL))
    subscribe("premium")

    report = load_catalogue(write_catalogue(MINIMAL.replace(PREMIUM, "")))

    premium = Product.objects.get(code="premium")
    assert premium.retired is True
    assert report.retired_products == ["premium"]
    assert (report.tallies["products"].retired, report.tallies["products"].deleted) == (1, 0)
    assert [str(p.amount) for p in Price.objects.filter(product=premium)] == ["19.990000"]


def test_an_unused_product_is_deleted_with_its_dated_rows(write_catalogue):
    load_catalogue(write_catalogue(MINIMAL))

    report = load_catalogue(write_catalogue(MINIMAL.replace(DATA_PLUS, "")))

    assert not Product.objects.filter(code="data_plus").exists()
    assert not Price.objects.filter(product__code="data_plus").exists()
    assert (report.tallies["products"].deleted, report.tallies["products"].retired) == (1, 0)
    assert report.retired_products == []


def test_a_retired_product_listed_again_is_back_on_sale(write_catalogue):
    load_catalogue(write_catalogue(MINIMAL))
    subscribe("premium")
    load_catalogue(write_catalogue(MINIMAL.replace(PREMIUM, "")))

    report = load_catalogue(write_catalogue(MINIMAL))

    assert Product.objects.get(code="premium").retired is False
    assert report.tallies["products"].updated == 1


def test_a_retired_product_stays_retired_without_being_reported_again(write_catalogue):
    load_catalogue(write_catalogue(MINIMAL))
    subscribe("premium")
    load_catalogue(write_catalogue(MINIMAL.replace(PREMIUM, "")))

    report = load_catalogue(write_catalogue(MINIMAL.replace(PREMIUM, "")))

    assert Product.objects.get(code="premium").retired is True
    assert (report.retired, report.retired_products) == (0, [])


def test_a_plan_kept_in_the_file_can_be_retired_explicitly_and_still_get_new_prices(write_catalogue):
    load_catalogue(write_catalogue(MINIMAL))
    text = MINIMAL.replace('commitment_months = 12\nprices = [{ valid_from = 2025-01-01, amount = 19.99 }]',
                           'commitment_months = 12\nretired = true\nprices = [{ valid_from = 2025-01-01, '
                           'amount = 19.99 }, { valid_from = 2027-01-01, amount = 20.99 }]')

    load_catalogue(write_catalogue(text))

    premium = Product.objects.get(code="premium")
    assert premium.retired is True
    assert [str(p.amount) for p in Price.objects.filter(product=premium)] == ["19.990000", "20.990000"]
