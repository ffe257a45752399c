"""The app API beyond invoices: the payment timeline, the account, support conversations and
line changes. The same use cases and role rules as the pages: an accountant reads but changes no
plan and no address, a line user sees their own conversations only, a stranger gets 404."""

import json
from decimal import Decimal

import pytest

from telcobill.customers.models import AuditEvent, ProvisioningOrder, Role
from telcobill.support.models import Conversation
from tests.portal.personas import person
from tests.portal.test_api import token_for


@pytest.fixture
def app(client):
    """Calls as someone: app(who).get(path) / .post(path, body) / .put / .delete."""

    class As:
        def __init__(self, who):
            self.auth = f"Bearer {token_for(client, who.email).json()['token']}"

        def get(self, path, **query):
            return client.get(f"/api/v1/app{path}", query, HTTP_AUTHORIZATION=self.auth)

        def _send(self, method, path, body=None):
            return getattr(client, method)(f"/api/v1/app{path}", json.dumps(body or {}),
                                           content_type="application/json", HTTP_AUTHORIZATION=self.auth)

        def post(self, path, body=None):
            return self._send("post", path, body)

        def put(self, path, body=None):
            return self._send("put", path, body)

        def delete(self, path):
            return self._send("delete", path)

    return As


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")


def test_the_payment_timeline_says_what_is_late_and_how_each_account_pays(family, holder, app, today):
    account, _ = family
    body = app(holder).get("/payments").json()
    assert (body["owed"], body["credit"]) == ("32.97", "0.00")
    assert body["accounts"] == [{"account": account.number, "method": "transfer", "mandate_reference": None,
                                 "mandate_iban": None, "card": None, "next_debit_on": None}]
    # Paid by transfer and not paid yet: November's due today, September's and October's late.
    assert [(m["kind"], m["on"], m["amount"], m["left"], m["payable"]) for m in body["moments"]] == [
        ("due", "2026-11-16", "10.99", "10.99", True), ("late", "2026-10-16", "10.99", "10.99", True),
        ("late", "2026-09-16", "10.99", "10.99", True)]


def test_the_holder_changes_the_address_and_the_e_facture_audited(family, holder, app):
    account, _ = family
    me = app(holder)
    [row] = me.get("/accounts").json()
    assert (row["number"], row["city"], row["language"]) == (account.number, account.city, "fr")

    changed = me.put(f"/accounts/{account.pk}/address", {"address_line1": "12 rue des Lilas", "postcode": "69003",
                                                         "city": "Lyon"})
    assert changed.status_code == 200 and (changed.json()["postcode"], changed.json()["city"]) == ("69003", "Lyon")
    refused = me.put(f"/accounts/{account.pk}/address", {"address_line1": "12 rue des Lilas", "postcode": "6900",
                                                         "city": "Lyon"})
    assert refused.status_code == 400 and "code postal" in refused.json()["detail"].lower()
    account.refresh_from_db()
    assert (account.postcode, account.city) == ("69003", "Lyon")  # the refused change wrote nothing

    prefs = me.put(f"/accounts/{account.pk}/invoicing", {"paperless": False, "language": "en"})
    assert (prefs.json()["paperless"], prefs.json()["paperless_pdf"], prefs.json()["language"]) == (False, False, "en")
    assert list(AuditEvent.objects.filter(customer=account.customer).values_list("kind", flat=True)
                .order_by("pk")) == ["customers.billing_address_changed", "customers.invoice_preferences_changed"]


def test_an_accountant_reads_the_accounts_and_changes_nothing_a_stranger_gets_404(
        family, holder, stranger, stranger_account, app):
    account, line = family
    city = account.city
    accountant = app(person("nora.benali@example.org", account.customer, Role.ACCOUNTANT))
    assert accountant.get("/accounts").status_code == 200
    assert accountant.get("/payments").status_code == 200
    assert accountant.put(f"/accounts/{account.pk}/address", {"address_line1": "x", "postcode": "75001",
                                                              "city": "Paris"}).status_code == 403
    assert accountant.put(f"/accounts/{account.pk}/invoicing", {"paperless": False}).status_code == 403
    assert accountant.get(f"/lines/{line.pk}/plan/preview", plan="PLAN-L").status_code == 403
    assert accountant.post(f"/lines/{line.pk}/plan", {"plan": "PLAN-L"}).status_code == 403

    other = app(stranger)
    assert other.put(f"/accounts/{account.pk}/address", {"address_line1": "x", "postcode": "75001",
                                                         "city": "Paris"}).status_code == 404
    assert other.get(f"/lines/{line.pk}/plan/preview", plan="PLAN-L").status_code == 404
    assert other.post(f"/lines/{line.pk}/options", {"option": "OPT-X"}).status_code == 404
    assert [a["number"] for a in other.get("/accounts").json()] == [stranger_account.number]
    account.refresh_from_db()
    assert (account.city, ProvisioningOrder.objects.count()) == (city, 0)


def test_a_plan_change_previewed_then_made(family, holder, app, today):
    _, line = family
    me = app(holder)
    preview = me.get(f"/lines/{line.pk}/plan/preview", plan="PLAN-L").json()
    assert (preview["effective_on"], preview["issue_date"], preview["total_gross"], preview["total_before_gross"],
            preview["monthly_gross"]) == ("2026-11-16", "2026-12-01", "24.49", "10.99", "19.99")
    assert ProvisioningOrder.objects.count() == 0  # a preview changes nothing

    assert me.post(f"/lines/{line.pk}/plan", {"plan": "PLAN-L"}).json() == {"effective_on": "2026-11-16"}
    order = ProvisioningOrder.objects.get(line=line)
    assert (order.action, order.payload) == ("change_plan", {"msisdn": "+33612345678", "plan": "PLAN-L"})
    same = me.post(f"/lines/{line.pk}/plan", {"plan": "PLAN-L"})
    assert same.status_code == 400 and same.json()["code"] == "same_plan"

    added = me.get(f"/lines/{line.pk}/options/preview", add="OPT-X").json()
    assert Decimal(added["monthly_gross"]) == Decimal("22.99")
    assert me.post(f"/lines/{line.pk}/options", {"option": "OPT-X"}).json() == {"effective_on": "2026-11-16"}
    assert me.delete(f"/lines/{line.pk}/options/OPT-X").json() == {"effective_on": "2026-11-16"}
    assert me.get(f"/lines/{line.pk}/options/preview").status_code == 400


def test_conversations_from_the_app_with_the_agents_answer(family, holder, app):
    account, line = family
    me = app(holder)
    created = me.post("/conversations", {"category": "invoice", "body": "Pourquoi 10,99 € ?", "line_id": line.pk})
    assert created.status_code == 201
    thread = created.json()
    assert (thread["status"], thread["line"], [(m["kind"], m["body"]) for m in thread["messages"]]) == (
        "new", "+33612345678", [("customer", "Pourquoi 10,99 € ?")])
    number = thread["id"]
    assert me.post("/conversations", {"category": "nope", "body": "x"}).status_code == 400

    assert [c["id"] for c in me.get("/conversations").json()] == [number]
    assert me.post(f"/conversations/{number}/close").json()["status"] == "closed"
    assert me.post(f"/conversations/{number}/close").status_code == 409
    reopened = me.post(f"/conversations/{number}/messages", {"body": "Finalement, encore une question."}).json()
    assert reopened["status"] == "new"
    assert [m["event"] or m["kind"] for m in reopened["messages"]] == ["customer", "closed", "reopened", "customer"]


def test_a_line_user_sees_only_their_conversations_and_a_stranger_none(family, holder, stranger, app):
    account, line = family
    holder_thread = app(holder).post("/conversations", {"category": "payment", "body": "Mon prélèvement ?"}).json()
    user = app(person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line))
    mine = user.post("/conversations", {"category": "network", "body": "Pas de réseau au bureau."}).json()
    assert [c["id"] for c in user.get("/conversations").json()] == [mine["id"]]
    assert user.get(f"/conversations/{holder_thread['id']}").status_code == 404
    assert user.get("/payments").status_code == 403
    assert user.get(f"/lines/{line.pk}/plan/preview", plan="PLAN-L").status_code == 403

    other = app(stranger)
    assert other.get(f"/conversations/{mine['id']}").status_code == 404
    assert other.post(f"/conversations/{mine['id']}/messages", {"body": "Bonjour"}).status_code == 404
    assert other.post(f"/conversations/{mine['id']}/close").status_code == 404
    assert other.post("/conversations", {"category": "network", "body": "x", "line_id": line.pk}).status_code == 404
    assert Conversation.objects.filter(customer=account.customer).count() == 2


def test_the_schema_lists_the_new_routes(client):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {"/api/v1/app/payments", "/api/v1/app/accounts", "/api/v1/app/accounts/{account_id}/address",
            "/api/v1/app/accounts/{account_id}/invoicing", "/api/v1/app/conversations",
            "/api/v1/app/conversations/{conversation_id}", "/api/v1/app/conversations/{conversation_id}/messages",
            "/api/v1/app/conversations/{conversation_id}/close", "/api/v1/app/lines/{line_id}/plan/preview",
            "/api/v1/app/lines/{line_id}/plan", "/api/v1/app/lines/{line_id}/options",
            "/api/v1/app/lines/{line_id}/options/preview", "/api/v1/app/lines/{line_id}/options/{option}",
            "/api/v1/app/lines/{line_id}/advice"} <= paths
