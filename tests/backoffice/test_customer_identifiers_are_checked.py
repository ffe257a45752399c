from django.urls import reverse

from telcobill.customers.models import Customer

ADD = reverse("admin:customers_customer_add")
FORMSETS = {f"{prefix}-{key}": value for prefix in ("billing_accounts", "accesses")
            for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0",
                               "MAX_NUM_FORMS": "1000"}.items()}


def business(**fields):
    return {**FORMSETS, "number": "C900001", "kind": "business", "name": "Atelier Dupont SARL", "legal_form": "SARL",
            "siren": "443061841", "siret": "44306184100013", "vat_number": "FR64443061841", **fields}


def test_a_business_customer_with_valid_identifiers_is_created(staff_client):
    response = staff_client.post(ADD, business(siren="443 061 841"))

    assert response.status_code == 302
    customer = Customer.objects.get(number="C900001")
    assert (customer.siren, customer.siret, customer.vat_number) == ("443061841", "44306184100013", "FR64443061841")


def test_a_wrong_siren_or_a_siret_of_another_company_is_refused(staff_client):
    bad_siren = staff_client.post(ADD, business(siren="443061842"))
    foreign_siret = staff_client.post(ADD, business(siret="73282932000074"))

    assert "is not valid: expected 9 digits with a correct Luhn checksum" in bad_siren.content.decode()
    assert "Un client professionnel a un SIREN." not in bad_siren.content.decode()
    assert "does not belong to SIREN 443061841" in foreign_siret.content.decode()
    assert not Customer.objects.filter(number="C900001").exists()


def test_a_business_customer_needs_a_siren(staff_client):
    response = staff_client.post(ADD, business(siren="", siret="", vat_number=""))

    assert "Un client professionnel a un SIREN." in response.content.decode()
    assert not Customer.objects.filter(number="C900001").exists()
