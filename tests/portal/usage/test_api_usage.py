"""Consumption in the app API: a line's 13 months and its itemized communications, filtered like
the page; within the retention; a stranger's line answers 404."""

from decimal import Decimal

from tests.portal.personas import person
from tests.portal.test_api import token_for


def get(client, who, path, **query):
    token = token_for(client, who.email).json()["token"]
    return client.get(f"/api/v1/app{path}", query, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_history_and_the_itemized_communications(story, camille, client):
    history = get(client, camille, f"/lines/{story.pk}/usage/history").json()
    assert [(m["month"], m["billed"], m["estimate"]) for m in history] == [
        ("2026-09-01", True, False), ("2026-10-01", True, False), ("2026-11-01", False, True)]

    calls = get(client, camille, f"/lines/{story.pk}/itemized", month="2026-10", kind="calls").json()
    assert [(c["number"], c["quantity"], c["incl_vat"]) for c in calls] == [
        ("3314567XXXX", "116 min 40 s", "0.00"), ("3314567XXXX", "8 min 20 s", "0.25"),
        ("44207946XXXX", "1 min 05 s", "0.21")]
    abroad = get(client, camille, f"/lines/{story.pk}/itemized", month="2026-11", kind="roaming").json()
    assert [(c["where"], Decimal(c["incl_vat"])) for c in abroad] == [("États-Unis et Canada", Decimal("2.40"))]

    assert get(client, camille, f"/lines/{story.pk}/itemized", month="2026-13").status_code == 400
    assert get(client, camille, f"/lines/{story.pk}/itemized", month="2026-10", kind="fax").status_code == 400
    too_old = get(client, camille, f"/lines/{story.pk}/itemized", month="2025-10")
    assert too_old.status_code == 404 and "kept 12 months" in too_old.json()["detail"]


def test_a_strangers_line_answers_404(story, garage_line, client):
    from telcobill.customers.models import Role

    stranger = person("paul.moreau@example.com", garage_line.billing_account.customer, Role.HOLDER)
    assert get(client, stranger, f"/lines/{story.pk}/usage/history").status_code == 404
    assert get(client, stranger, f"/lines/{story.pk}/itemized", month="2026-10").status_code == 404
