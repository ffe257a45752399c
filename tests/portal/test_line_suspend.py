"""Suspendre une ligne perdue ou volée: a confirmation page that says what happens next, the
suspend use case (a provisioning order for the network), audited; refusals in French."""

import html
from datetime import date

from django.urls import reverse

from telcobill.customers.models import AuditEvent, ProvisioningOrder


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ")


def test_the_holder_suspends_a_stolen_line_and_is_told_what_happens_next(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    _, line = family
    client = signed_in(holder)
    url = reverse("portal:line_suspend", args=[line.pk])
    page = text(client.get(url))
    assert "Votre forfait et vos options restent facturés pendant la suspension" in page
    assert 'appelez le service client au <a class="nowrap" href="tel:3900">3900</a>' in page

    response = client.post(url, {"reason": "vol"})

    assert response["Location"] == reverse("portal:line", args=[line.pk])
    line.refresh_from_db()
    assert line.status == "suspended"
    order = ProvisioningOrder.objects.get(line=line)
    assert (order.action, order.effective_on, order.payload, order.created_by) == (
        "suspend", date(2026, 11, 16), {"msisdn": "+33612345678", "reason": "stolen"}, holder)
    event = AuditEvent.objects.get(kind="line.suspended")
    assert (event.actor, event.customer, event.data) == (holder, line.billing_account.customer, {"reason": "stolen"})
    after = text(client.get(response["Location"]))
    assert "la ligne 06 12 34 56 78 est suspendue." in after and "Cette ligne est suspendue." in after
    assert "Pour recevoir une nouvelle carte SIM avec le même numéro et rétablir la ligne" in after
    assert "Suspendre la ligne" not in after  # no second suspension offered

    again = client.post(url, {"reason": "perte"})
    assert again.status_code == 400 and "Cette ligne est suspendue : elle ne peut pas être suspendue." in text(again)
    assert ProvisioningOrder.objects.count() == 1


def test_without_a_reason_nothing_is_suspended_and_the_error_is_next_to_the_choice(family, holder, signed_in):
    _, line = family
    response = signed_in(holder).post(reverse("portal:line_suspend", args=[line.pk]), {})
    assert response.status_code == 400
    assert 'id="reason-error"' in text(response) and "Choisissez « Perte » ou « Vol »." in text(response)
    line.refresh_from_db()
    assert line.status == "active" and not ProvisioningOrder.objects.exists() and not AuditEvent.objects.exists()
