"""Contester une facture: the customer says what is wrong, a dispute is opened (audited) and the
invoice leaves the reminders; said once, in French; never on a stranger's invoice."""

from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent, Role
from telcobill.payments.models import Dispute
from tests.portal.personas import person

from .story import text


def url(invoice):
    return reverse("portal:dispute_invoice", args=[invoice.number])


def test_the_holder_contests_a_late_invoice_and_it_waits_for_an_answer(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    november = Invoice.objects.get(billing_account=family[0], cycle="2026-11")
    client = signed_in(holder)
    assert url(november) in text(client.get(reverse("portal:invoice", args=[november.number])))
    empty = client.post(url(november), {"description": "  "})
    assert empty.context["form"].errors == {"description": ["Dites-nous en quelques mots ce que vous contestez."]}

    response = client.post(url(november), {"description": "Appels vers la Suisse que je n'ai pas passés"}, follow=True)
    dispute = Dispute.objects.get()
    assert (dispute.invoice, dispute.description, dispute.outcome) == (
        november, "Appels vers la Suisse que je n'ai pas passés", "")
    assert AuditEvent.objects.get(kind="payments.dispute_opened").actor == holder
    assert f"Votre contestation de la facture {november.number} est enregistrée." in text(response)
    moment = next(m for m, _ in response.context["rows"] if m.invoice == november)
    assert (moment.kind, moment.payable) == ("disputed", False)
    assert "Cette facture est déjà contestée" in text(client.get(url(november)))
    client.post(url(november), {"description": "Encore"})
    assert Dispute.objects.count() == 1


def test_a_line_user_may_not_and_a_stranger_gets_404(family, stranger, signed_in):
    account, line = family
    november = Invoice.objects.get(billing_account=account, cycle="2026-11")
    user = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    assert signed_in(user).post(url(november), {"description": "Non"}).status_code == 403
    client = signed_in(stranger)
    assert client.get(url(november)).status_code == 404
    assert client.post(url(november), {"description": "Non"}).status_code == 404
    assert not Dispute.objects.exists()
