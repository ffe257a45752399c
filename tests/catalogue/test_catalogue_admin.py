"""The back office lists and edits the catalogue: every page answers for staff, none for a customer."""

from datetime import date

import pytest

from telcobill.catalogue.loader import DEMO_CATALOGUE, load_catalogue
from telcobill.catalogue.models import CataloguePolicy, Product, Subscription, VatRule, Zone
from telcobill.customers.models import BillingAccount, Customer, Line, Person

pytestmark = pytest.mark.django_db

MODELS = ["product", "vatrule", "roundingrule", "zone", "usageprice", "thirdpartynumber", "cataloguepolicy",
          "subscription"]


@pytest.fixture
def staff_client(client):
    staff = Person.objects.create_superuser("staff@telcobill.invalid")  # force_login: no password to hash
    client.force_login(staff)
    return client


@pytest.fixture
def catalogue():
    load_catalogue(DEMO_CATALOGUE)
    customer = Customer.objects.create(number="C0001", kind="individual", name="Camille Martin")
    account = BillingAccount.objects.create(customer=customer, number="BA0001", name="Camille Martin",
                                            address_line1="3 rue des Lilas", postcode="69003", city="Lyon")
    line = Line.objects.create(billing_account=account, msisdn="+33612345678")
    Subscription.objects.create(line=line, product=Product.objects.get(code="forfait_40go"),
                                starts_on=date(2026, 1, 1))


@pytest.mark.parametrize("model", MODELS)
def test_each_list_page_answers_for_staff(staff_client, catalogue, model):
    response = staff_client.get(f"/admin/catalogue/{model}/")

    assert response.status_code == 200


def test_the_product_page_shows_its_dated_prices_and_allowances(staff_client, catalogue):
    product = Product.objects.get(code="forfait_40go")

    response = staff_client.get(f"/admin/catalogue/product/{product.pk}/change/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "2026-09-01" in body and "10.990000" in body
    assert "data_eu" in body


def test_products_are_searched_by_code_and_filtered_by_kind(staff_client, catalogue):
    response = staff_client.get("/admin/catalogue/product/", {"q": "pro_", "kind__exact": "plan"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4


def test_the_list_of_loads_shows_the_latest_first(staff_client, catalogue):
    load_catalogue(DEMO_CATALOGUE)

    response = staff_client.get("/admin/catalogue/cataloguepolicy/")

    shown = list(response.context["cl"].result_list)
    assert shown == list(CataloguePolicy.objects.order_by("-loaded_at"))
    assert len(shown) == 2


@pytest.mark.parametrize("model, lookup", [(VatRule, {"code": "standard"}), (Zone, {"code": "roam_eu"})])
def test_the_vat_rule_and_zone_pages_show_their_dated_rows(staff_client, catalogue, model, lookup):
    obj = model.objects.get(**lookup)

    response = staff_client.get(f"/admin/catalogue/{model._meta.model_name}/{obj.pk}/change/")

    assert response.status_code == 200


def test_a_customer_cannot_open_the_catalogue_admin(client, catalogue):
    person = Person.objects.create_user("camille@example.fr")
    client.force_login(person)

    response = client.get("/admin/catalogue/product/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
