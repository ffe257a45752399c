import pytest
from django.core.exceptions import ValidationError

from telcobill.customers.identifiers import clean_msisdn, clean_siren, clean_siret, clean_vat_number, format_msisdn
from telcobill.customers.models import Customer
from telcobill.errors import Invalid


@pytest.mark.parametrize(("raw", "expected"), [
    ("0612345678", "+33612345678"), ("06 12 34 56 78", "+33612345678"), ("33612345678", "+33612345678"),
    ("+33612345678", "+33612345678"), ("+590690123456", "+590690123456"), ("0690123456", "+590690123456"),
])
def test_an_msisdn_is_kept_as_e164(raw, expected):
    assert clean_msisdn(raw) == expected


@pytest.mark.parametrize("raw", ["06123", "hello", "", "+3361234567890123"])
def test_a_wrong_msisdn_is_refused_with_the_expected_form(raw):
    with pytest.raises(Invalid, match="expected|not a valid"):
        clean_msisdn(raw)


def test_a_french_msisdn_reads_nationally():
    assert format_msisdn("+33612345678") == "06 12 34 56 78"
    assert format_msisdn("+447700900123") == "+44 7700 900123"


def test_siren_siret_and_vat_numbers_are_checked():
    assert clean_siren("443 061 841") == "443061841"
    assert clean_siret("44306184100013", siren_value="443061841") == "44306184100013"
    assert clean_vat_number("fr 44 732829320") == "FR44732829320"
    with pytest.raises(Invalid, match="Luhn"):
        clean_siren("443061842")
    with pytest.raises(Invalid, match="does not belong to SIREN 732829320"):
        clean_siret("44306184100013", siren_value="732829320")
    with pytest.raises(Invalid, match="not a valid intra-EU VAT number"):
        clean_vat_number("FR00732829320")


def test_a_business_customer_is_validated_field_by_field():
    customer = Customer(number="C1", kind="business", name="X", siren="443061842", siret="44306184100013",
                        vat_number="FR00443061841")
    with pytest.raises(ValidationError) as raised:
        customer.clean()
    assert set(raised.value.message_dict) == {"siren", "siret", "vat_number"}
