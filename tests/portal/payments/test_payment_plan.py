"""Payer en plusieurs fois: the overdue amount spread within the operator's limits (only the counts
they allow are offered), the schedule previewed to the cent, the plan set up from the web; each
refusal said in French. An accountant may ask, a line user may not, a stranger gets 404."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from telcobill.customers.models import AuditEvent, Role
from telcobill.payments.models import Method, PaymentPlan
from telcobill.payments.services import ledger
from tests.portal.personas import person

from .story import plain, text


def plan_url(account):
    return reverse("portal:payment_plan", args=[account.number])


def test_the_holder_spreads_the_overdue_amount_in_two(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    client = signed_in(holder)
    choose = client.get(plan_url(account))
    # 32.97 overdue: in 3 the instalments would be under 15.00, so only 2 is offered.
    assert list(choose.context["choices"]) == [2]
    page = text(choose)
    assert "Vous avez 32,97 € en retard sur 3 factures." in page
    assert "16,49 € puis 16,48 € par mois, la première le 5 déc. 2026" in page

    preview = client.get(plan_url(account), {"fois": "2"})
    assert preview.context["schedule"] == [(date(2026, 12, 5), Decimal("16.49")), (date(2027, 1, 5), Decimal("16.48"))]
    response = client.post(plan_url(account), {"fois": "2"}, follow=True)
    plan = PaymentPlan.objects.get()
    assert (plan.total, plan.channel, plan.created_by, plan.invoices.count()) == (
        Decimal("32.97"), "web", holder, 3)
    assert list(plan.instalments.values_list("due_on", "amount")) == [
        (date(2026, 12, 5), Decimal("16.49")), (date(2027, 1, 5), Decimal("16.48"))]
    assert AuditEvent.objects.get(kind="payments.plan_created").actor == holder
    page = text(response)
    assert "Votre échéancier est en place : 2 mensualités, la première de 16,49 € le 5 déc. 2026." in page
    assert [(m.kind, m.amount) for m, _ in response.context["rows"]] == [
        ("instalment", Decimal("16.48")), ("instalment", Decimal("16.49"))]
    assert "Mensualité 1 sur 2 de votre échéancier" in page

    current = client.get(plan_url(account))
    assert (current.context["current"], current.context["paid"]) == (plan, Decimal("0.00"))


def test_a_count_the_limits_refuse_is_said_in_french_and_sets_nothing_up(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    client = signed_in(holder)
    response = client.get(plan_url(family[0]), {"fois": "3"})
    assert plain(response.context["error"]) == ("Chaque mensualité doit être d'au moins 15,00 € : choisissez moins de "
                                         "mensualités.")
    response = client.post(plan_url(family[0]), {"fois": "7"})
    assert plain(response.context["error"]) == ("Un échéancier en ligne compte au plus 6 mensualités. Pour davantage, "
                                         "appelez-nous au 3900.")
    assert not PaymentPlan.objects.exists()


def test_above_the_online_maximum_the_page_says_whom_to_call(family, holder, signed_in, settings, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    settings.PAYMENTS = {**settings.PAYMENTS, "plan_max_amount": "30.00"}
    response = signed_in(holder).get(plan_url(family[0]))
    assert response.context["choices"] == {}
    assert "Au-delà de 30,00 €, un échéancier se met en place avec un conseiller : appelez-nous au 3900." in text(
        response)


def test_nothing_overdue_nothing_to_spread(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    ledger.record_payment(family[0], amount=Decimal("32.97"), on=date(2026, 11, 20), method=Method.TRANSFER,
                          reference="VIR-3", label="Virement")
    response = signed_in(holder).get(plan_url(family[0]))
    assert "Vous n'avez pas de facture en retard : il n'y a rien à étaler." in text(response)


def test_an_accountant_may_ask_a_line_user_may_not_and_a_stranger_gets_404(family, stranger, signed_in,
                                                                           time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, line = family
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    assert signed_in(accountant).post(plan_url(account), {"fois": "2"}).status_code == 302
    assert PaymentPlan.objects.get().created_by == accountant
    user = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    assert signed_in(user).get(plan_url(account)).status_code == 403
    client = signed_in(stranger)
    assert client.get(plan_url(account)).status_code == 404
    assert client.post(plan_url(account), {"fois": "2"}).status_code == 404
    assert PaymentPlan.objects.count() == 1
