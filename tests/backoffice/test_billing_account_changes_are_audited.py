from django.forms.models import model_to_dict
from django.urls import reverse

from telcobill.customers.models import AuditEvent
from tests.factories import make_individual


def test_changing_bank_details_or_the_billing_email_is_audited(staff_client, staff, db):
    account = make_individual("Camille Martin")
    data = {k: v for k, v in model_to_dict(account).items() if k not in ("id", "created_at")}
    data.update({"debit_iban": "FR1420041010050500013M02606", "email": "camille@example.net", "lines-TOTAL_FORMS": "0",
                 "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"})

    response = staff_client.post(reverse("admin:customers_billingaccount_change", args=[account.pk]), data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(kind="billing_account.changed")
    assert (event.actor, event.customer) == (staff, account.customer)
    assert event.data == {"account": account.number, "fields": ["email", "debit_iban"]}
    assert "FR1420041010050500013M02606" not in str(event.data) + event.summary  # names, not values


def test_changing_the_name_on_the_invoice_is_not_an_audit_event(staff_client, db):
    account = make_individual("Camille Martin")
    data = {k: v for k, v in model_to_dict(account).items() if k not in ("id", "created_at")}
    data.update({"name": "Camille Martin-Roux", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
                 "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000"})

    staff_client.post(reverse("admin:customers_billingaccount_change", args=[account.pk]), data)

    account.refresh_from_db()
    assert account.name == "Camille Martin-Roux"
    assert not AuditEvent.objects.exists()


def test_changing_where_and_how_e_invoices_are_routed_is_audited(staff_client, staff, db):
    from tests.factories import make_business

    account = make_business("Menuiserie Atlantique SAS")
    data = {k: v for k, v in model_to_dict(account).items() if k not in ("id", "created_at")}
    data.update({"einvoice_syntax": "ubl", "electronic_address": "44306184100013", "electronic_address_scheme": "0009",
                 "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
                 "lines-MAX_NUM_FORMS": "1000"})

    response = staff_client.post(reverse("admin:customers_billingaccount_change", args=[account.pk]), data)

    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.einvoice_syntax, account.electronic_address_scheme, account.electronic_address) == (
        "ubl", "0009", "44306184100013")
    event = AuditEvent.objects.get(kind="billing_account.changed")
    assert event.data == {"account": account.number,
                          "fields": ["electronic_address_scheme", "electronic_address", "einvoice_syntax"]}
