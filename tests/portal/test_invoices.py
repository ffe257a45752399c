"""Factures et paiements: the documents of the period with their status, one as a page, its PDF
and XML, a year's ZIP; never another customer's, never beyond the visible period."""

import io
import zipfile
from decimal import Decimal

from django.urls import reverse
from facturx import get_xml_from_pdf

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from telcobill.payments.models import Method
from telcobill.payments.services import ledger
from tests.portal.personas import person


def numbers(response):
    return [invoice.number for invoice, _ in response.context["rows"]]


def test_the_holder_sees_the_year_with_each_status(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    september, october, november = Invoice.objects.filter(billing_account=account).order_by("issue_date")
    ledger.record_payment(account, amount=september.total_gross, on=september.due_date, method=Method.TRANSFER,
                          reference="VIR-1", label="Virement", invoices=[september.pk])
    client = signed_in(holder)
    response = client.get(reverse("portal:invoices"), {"annee": "2026"})
    assert response.status_code == 200
    assert numbers(response) == [november.number, october.number, september.number]
    labels = [status.label.replace("\xa0", " ") for _, status in response.context["rows"]]
    assert labels == ["En retard : 10,99 € à régler", "En retard : 10,99 € à régler", "Payée"]
    assert b"factures 2026 (ZIP)" in response.content.replace("\u00a0".encode(), b" ")
    # A month: only November's.
    assert numbers(client.get(reverse("portal:invoices"), {"mois": "2026-11"})) == [november.number]


def test_a_pdf_is_that_invoice_and_a_year_zip_holds_each_one(family, holder, signed_in):
    account, _ = family
    client = signed_in(holder)
    november = Invoice.objects.get(billing_account=account, cycle="2026-11")
    response = client.get(reverse("portal:invoice_pdf", args=[november.number]))
    assert response["Content-Disposition"] == f'attachment; filename="facture-{november.number}-2026-11-01.pdf"'
    _, xml = get_xml_from_pdf(response.content, check_xsd=False)
    assert f"<ram:ID>{november.number}</ram:ID>".encode() in xml

    response = client.get(reverse("portal:invoices_year_zip", args=[2026]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == sorted(f"facture-{i.number}-{i.issue_date}.pdf" for i in Invoice.objects.filter(
        billing_account=account))
    assert all(archive.read(name).startswith(b"%PDF-") for name in names)
    assert client.get(reverse("portal:invoices_year_zip", args=[2019])).status_code == 404


def test_a_stranger_gets_404_on_every_document_route(family, holder, stranger, signed_in):
    mine = Invoice.objects.filter(billing_account=family[0]).first()
    client = signed_in(stranger)
    for route in ("portal:invoice", "portal:invoice_pdf", "portal:invoice_xml", "portal:invoice_ubl"):
        assert client.get(reverse(route, args=[mine.number])).status_code == 404
    assert numbers(client.get(reverse("portal:invoices"))) == [
        Invoice.objects.get(billing_account__customer__name="Garage Moreau SARL").number]
    assert client.get(reverse("portal:invoices_year_zip", args=[2026])).status_code == 200  # their own only


def test_an_accountant_reads_invoices_and_a_line_user_does_not(family, signed_in):
    account, line = family
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    user = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    assert len(numbers(signed_in(accountant).get(reverse("portal:invoices")))) == 3
    client = signed_in(user)
    assert client.get(reverse("portal:invoices")).status_code == 403
    number = Invoice.objects.filter(billing_account=account).first().number
    assert client.get(reverse("portal:invoice_pdf", args=[number])).status_code == 403


def test_invoices_older_than_24_months_are_not_listed_for_individuals(family, holder, signed_in, time_machine):
    time_machine.move_to("2028-10-15 10:00+01:00")
    client = signed_in(holder)
    response = client.get(reverse("portal:invoices"), {"annee": "2026"})
    assert numbers(response) == [Invoice.objects.get(billing_account=family[0], cycle=cycle).number
                                 for cycle in ("2026-11", "2026-10")]
    assert "consultables ici pendant 24 mois, soit depuis le 1 oct. 2026" in response.content.decode()
    september = Invoice.objects.get(billing_account=family[0], cycle="2026-09")
    assert client.get(reverse("portal:invoice", args=[september.number])).status_code == 404


def test_someone_with_two_customers_chooses_one(family, stranger_account, signed_in):
    both = person("nora.benali@example.org", family[0].customer, Role.ACCOUNTANT)
    from telcobill.customers.models import Access
    Access.objects.create(person=both, customer=stranger_account.customer, role=Role.HOLDER)
    client = signed_in(both)
    assert client.get(reverse("portal:invoices"))["Location"] == reverse("portal:choose")
    client.post(reverse("portal:choose"), {"customer": stranger_account.customer_id})
    response = client.get(reverse("portal:home"))
    assert response.context["space"].customer == stranger_account.customer
    assert response.context["owed"] == ledger.balance(stranger_account).balance == Decimal("10.99")


def test_an_individual_reads_each_line_incl_vat_a_business_excl_vat(family, holder, stranger, signed_in):
    november = Invoice.objects.get(billing_account=family[0], cycle="2026-11")
    response = signed_in(holder).get(reverse("portal:invoice", args=[november.number]))
    assert [(row["line"].description, row["incl_vat"]) for row in response.context["lines"]] == [
        ("Forfait S", Decimal("10.99"))]
    assert response.context["status"].code == "late"
    garage = Invoice.objects.get(billing_account__customer=stranger.accesses.get().customer)
    response = signed_in(stranger).get(reverse("portal:invoice", args=[garage.number]))
    assert "Montant HT" in response.content.decode() and response.context["business"]
