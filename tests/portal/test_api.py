"""The mobile app's API: a personal token for an e-mail or mobile and password; the same scoping
as the pages (a stranger's invoice answers 404, a line user's invoices 403); the schema published."""

from decimal import Decimal

import pytest

from telcobill.billing.models import Invoice
from telcobill.customers.models import Access, Role
from telcobill.portal.models import AppToken
from tests.portal.personas import PASSWORD, person


def token_for(client, identifier, password=PASSWORD):
    response = client.post("/api/v1/app/token", {"identifier": identifier, "password": password, "device": "Pixel 8"},
                           content_type="application/json")
    return response


@pytest.fixture
def api(client):
    def call(token, path, **headers):
        return client.get(f"/api/v1/app{path}", HTTP_AUTHORIZATION=f"Bearer {token}",
                          **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return call


def test_a_token_is_issued_once_kept_hashed_and_revocable(client, holder, api):
    assert token_for(client, "camille.martin@example.org", "wrong").status_code == 401
    response = token_for(client, "camille.martin@example.org")
    token = response.json()["token"]
    row = AppToken.objects.get()
    assert (row.device, row.hint, token.startswith("tba_")) == ("Pixel 8", token[:8], True)
    assert token not in str(AppToken.objects.values_list("token_hash", flat=True)[0])
    assert api(token, "/me").json()["customers"] == [
        {"number": holder.accesses.get().customer.number, "name": "Camille Martin", "kind": "individual",
         "role": "holder"}]
    client.delete("/api/v1/app/token", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api(token, "/me").status_code == 401


def test_invoices_balance_and_documents_through_the_api(client, family, holder, api):
    token = token_for(client, "camille.martin@example.org").json()["token"]
    invoices = api(token, "/invoices", ).json()
    assert [(i["number"], i["total_gross"], i["status"]) for i in invoices] == [
        (i.number, "10.99", "late") for i in Invoice.objects.filter(billing_account=family[0]).order_by("-issue_date")]
    assert api(token, "/balance").json() == {"owed": "32.97", "credit": "0.00", "balance": "32.97"}
    number = invoices[0]["number"]
    detail = api(token, f"/invoices/{number}").json()
    assert [(line["description"], Decimal(line["net_amount"])) for line in detail["lines"]] == [
        ("Forfait S", Decimal("9.16"))]
    assert api(token, f"/invoices/{number}/pdf").content.startswith(b"%PDF-")
    assert b"CrossIndustryInvoice" in api(token, f"/invoices/{number}/xml").content
    lines = api(token, "/lines").json()
    assert [line["msisdn"] for line in lines] == ["+33612345678"]
    assert api(token, f"/lines/{lines[0]['id']}/usage").status_code == 200


def test_a_stranger_gets_404_and_a_line_user_403(client, family, holder, stranger, api):
    token = token_for(client, "paul.moreau@example.com").json()["token"]
    mine = Invoice.objects.filter(billing_account=family[0]).first().number
    for path in (f"/invoices/{mine}", f"/invoices/{mine}/pdf", f"/invoices/{mine}/xml", f"/invoices/{mine}/ubl",
                 f"/lines/{family[1].pk}/usage"):
        assert api(token, path).status_code == 404
    user = person("leo.martin@example.org", family[0].customer, Role.LINE_USER, line=family[1])
    token = token_for(client, user.email).json()["token"]
    assert api(token, "/invoices").status_code == 403
    assert api(token, "/balance").status_code == 403
    assert api(token, f"/lines/{family[1].pk}/usage").status_code == 200


def test_someone_with_two_customers_names_one(client, family, stranger_account, api):
    both = person("nora.benali@example.org", family[0].customer, Role.ACCOUNTANT)
    Access.objects.create(person=both, customer=stranger_account.customer, role=Role.HOLDER)
    token = token_for(client, both.email).json()["token"]
    assert api(token, "/invoices").status_code == 400
    garage = api(token, "/invoices", x_customer=stranger_account.customer.number).json()
    assert [i["total_gross"] for i in garage] == ["10.99"]
    assert api(token, "/invoices", x_customer="C999999").status_code == 404


def test_the_openapi_schema_lists_the_app_routes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/app/token", "/api/v1/app/me", "/api/v1/app/invoices", "/api/v1/app/invoices/{number}/pdf",
            "/api/v1/app/balance", "/api/v1/app/lines/{line_id}/usage"} <= set(paths)
