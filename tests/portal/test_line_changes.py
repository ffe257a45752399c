"""Changer d'offre from the customer space: the price effect shown is the billing engine's preview
(and then what the bill run bills), the change is recorded and sent to the network as a
provisioning order, the catalogue's refusals are said in French next to the choice."""

import html
from datetime import date
from decimal import Decimal

from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.catalogue.models import Product, Subscription
from telcobill.customers.models import ProvisioningOrder, Role
from telcobill.workflows.lines import terminate_line
from tests.portal.personas import person


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\xa0", " ").replace("\u202f", " ")


def test_the_holder_sees_the_price_effect_confirms_and_the_bill_run_bills_it(family, holder, signed_in, bill,
                                                                               time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    account, line = family
    client = signed_in(holder)
    url = reverse("portal:line_plan", args=[line.pk])

    choose = client.get(url)
    assert [o.code for o in choose.context["offers"]] == ["PLAN-12M", "PLAN-L", "PLAN-24M"]  # not PRO, not hers
    assert "19,99 € par mois" in text(choose)

    response = client.get(url, {"etape": "choix", "forfait": "PLAN-L"})
    preview = response.context["preview"]
    assert (preview.effective_on, preview.issue_date) == (date(2026, 11, 16), date(2026, 12, 1))
    page = text(response)
    for shown in ("À partir d’aujourd’hui", "19,99 € par mois", "au lieu de 10,99 € par mois",
                  "Sur votre prochaine facture, le 1 déc. 2026", "-5,50 €", "10,00 €", "24,49 €",
                  "Sans ce changement : 10,99 €", "Forfait S — remboursement (prorata 15 jours)"):
        assert shown in page, shown
    assert 'name="csrfmiddlewaretoken"' in page
    assert not ProvisioningOrder.objects.exists()

    done = client.post(url, {"forfait": "PLAN-L"})

    assert done["Location"] == reverse("portal:line", args=[line.pk])
    order = ProvisioningOrder.objects.get(line=line)
    assert (order.action, order.effective_on, order.payload, order.created_by) == (
        "change_plan", date(2026, 11, 16), {"msisdn": "+33612345678", "plan": "PLAN-L"}, holder)
    message = text(client.get(done["Location"]))
    assert "la ligne 06 12 34 56 78 passe au Forfait L le 16 nov. 2026" in message
    bill("2026-12")
    december = Invoice.objects.get(billing_account=account, cycle="2026-12")
    assert (december.total_net, december.total_gross) == (preview.total.net, preview.total.gross) == (
        Decimal("20.41"), Decimal("24.49"))


def test_a_downgrade_says_when_it_takes_effect(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    _, line = family
    Subscription.objects.filter(line=line).update(product=Product.objects.get(code="PLAN-L"))
    response = signed_in(holder).get(reverse("portal:line_plan", args=[line.pk]), {"forfait": "PLAN-S"})
    page = text(response)
    assert "À partir du 1 déc. 2026" in page and "vous gardez votre offre actuelle" in page
    assert "10,99 € par mois" in page and "au lieu de 19,99 € par mois" in page


def test_a_plan_outside_her_segment_is_refused_in_french_next_to_the_choice(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    _, line = family
    client = signed_in(holder)
    url = reverse("portal:line_plan", args=[line.pk])

    response = client.post(url, {"forfait": "PRO"})

    assert response.status_code == 400
    assert 'id="forfait-error"' in text(response) and 'aria-describedby="forfait-error"' in text(response)
    assert "Cette offre est réservée aux professionnels" in text(response)
    assert not ProvisioningOrder.objects.exists()
    assert list(line.subscriptions.values_list("product__code", flat=True)) == ["PLAN-S"]
    nothing = client.get(url, {"etape": "choix"})
    assert "Choisissez un forfait dans la liste." in text(nothing)
    assert "La ligne a déjà ce forfait" in text(client.get(url, {"forfait": "PLAN-S"}))


def test_an_option_is_added_then_removed_with_its_preview_and_orders(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    _, line = family
    client = signed_in(holder)
    url = reverse("portal:line_options", args=[line.pk])
    assert [o.code for o in client.get(url).context["available"]] == ["OPT-X"]

    preview = client.get(url, {"etape": "choix", "ajouter": "OPT-X"}).context["preview"]
    assert (preview.charged.gross, preview.monthly.gross, preview.total.gross) == (
        Decimal("1.50"), Decimal("13.99"), Decimal("15.49"))
    client.post(url, {"action": "ajouter", "option": "OPT-X"})

    time_machine.move_to("2026-11-20 10:00+01:00")
    client = signed_in(holder)  # a new session, days later
    removal = client.get(url, {"retirer": "OPT-X"})
    assert "Confirmer : retirer Option International" in text(removal)
    assert removal.context["preview"].monthly.gross == Decimal("10.99")
    client.post(url, {"action": "retirer", "option": "OPT-X"})

    assert [(o.effective_on, o.payload) for o in ProvisioningOrder.objects.filter(line=line).order_by("pk")] == [
        (date(2026, 11, 16), {"msisdn": "+33612345678", "add_option": "OPT-X"}),
        (date(2026, 11, 20), {"msisdn": "+33612345678", "remove_option": "OPT-X"}),
    ]
    option = line.subscriptions.get(product__code="OPT-X")
    assert (option.starts_on, option.ends_on) == (date(2026, 11, 16), date(2026, 11, 20))
    assert "Cette option n'est pas active sur la ligne." in text(client.post(url, {"action": "retirer",
                                                                                     "option": "OPT-X"}))


def test_a_manager_may_change_a_plan(family, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    account, line = family
    manager = person("gestion.martin@example.org", account.customer, Role.MANAGER)
    response = signed_in(manager).post(reverse("portal:line_plan", args=[line.pk]), {"forfait": "PLAN-L"})
    assert response.status_code == 302
    assert ProvisioningOrder.objects.get(line=line).created_by == manager


def test_a_terminated_line_offers_no_change(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-16 10:00+01:00")
    _, line = family
    terminate_line(line=line, last_day=date(2026, 11, 15), reason="Demande du client")
    client = signed_in(holder)
    page = client.get(reverse("portal:line", args=[line.pk]))
    assert not page.context["can_change"] and "Résiliée le" in text(page)
    assert "Cette ligne est résiliée : son offre ne peut plus changer." in text(
        client.get(reverse("portal:line_plan", args=[line.pk])))
    refused = client.post(reverse("portal:line_plan", args=[line.pk]), {"forfait": "PLAN-L"})
    assert refused.status_code == 400 and line.provisioning_orders.filter(action="change_plan").count() == 0
