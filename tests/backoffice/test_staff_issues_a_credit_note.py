from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus, NumberSeries
from telcobill.customers.models import AuditEvent


@pytest.fixture
def page(invoice, time_machine):
    time_machine.move_to(datetime(2026, 11, 20, 9, 30, tzinfo=UTC), tick=False)
    return reverse("backoffice:credit_note", args=[invoice.number])


def credit_notes():
    return Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE)


def test_the_page_lists_the_invoice_lines_with_their_amounts(staff_client, page):
    html = staff_client.get(page).content.decode()

    assert 'name="positions" value="1"' in html and 'name="positions" value="3"' in html
    assert "Forfait S (prorata 22 jours)" in html
    assert "6,50\u00a0€" in html and "9,16\u00a0€" in html and "8,33\u00a0€" in html
    assert "28,79\u00a0€" in html  # total, and what is left to credit


def test_staff_credits_a_chosen_line_and_gets_the_first_credit_note_number(staff_client, staff, invoice, page,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(page, {"reason": "Carte SIM offerte", "scope": "lines", "positions": ["3"]})

    note = credit_notes().get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:billing_invoice_change", args=[note.pk])
    assert note.number == "AV2026-000001"
    assert note.status == InvoiceStatus.ISSUED
    assert str(note.issue_date) == "2026-11-20"
    assert note.corrects == invoice
    assert note.reason == "Carte SIM offerte"
    assert (note.total_net, note.total_vat, note.total_gross) == (Decimal("8.33"), Decimal("1.67"), Decimal("10.00"))
    assert [(ln.description, ln.net_amount) for ln in note.lines.all()] == [("Carte SIM", Decimal("8.33"))]
    assert note.file.rendered_at is not None  # the PDF rendered once the issue committed
    event = AuditEvent.objects.get(kind="credit_note.issued")
    assert event.actor == staff
    assert event.data == {"invoice": "F2026-000001", "credit_note": "AV2026-000001", "amount": "10.00"}
    followed = staff_client.get(response["Location"]).content.decode()
    assert "Avoir AV2026-000001 émis pour la facture F2026-000001 : 10,00\u00a0€ TTC." in followed


def test_staff_credits_an_amount_including_vat(staff_client, invoice, page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(page, {"reason": "Geste commercial", "scope": "amount", "amount": "5,00"})

    note = credit_notes().get()
    assert note.number == "AV2026-000001"
    assert (note.total_net, note.total_vat, note.total_gross) == (Decimal("4.17"), Decimal("0.83"), Decimal("5.00"))
    assert [ln.description for ln in note.lines.all()] == ["Avoir partiel — Geste commercial"]


def test_crediting_more_than_is_left_is_refused_on_the_form_and_issues_nothing(staff_client, page):
    response = staff_client.post(page, {"reason": "Erreur", "scope": "amount", "amount": "30,00"})

    assert response.status_code == 400
    assert "invoice F2026-000001 has 28.79 € left to credit; this credit note would credit 30.00 €" in (
        response.content.decode())
    assert not credit_notes().exists()
    assert not NumberSeries.objects.filter(code="AV2026").exists()


def test_choosing_lines_without_ticking_any_is_refused(staff_client, page):
    response = staff_client.post(page, {"reason": "Erreur", "scope": "lines"})

    assert response.status_code == 400
    assert "Cochez au moins une ligne à créditer." in response.content.decode()
    assert not credit_notes().exists()


def test_a_credit_note_needs_a_reason(staff_client, page):
    response = staff_client.post(page, {"reason": "", "scope": "whole"})

    assert response.status_code == 400
    assert not credit_notes().exists()


def test_an_unknown_invoice_is_not_found(staff_client, db):
    assert staff_client.get(reverse("backoffice:credit_note", args=["F2026-424242"])).status_code == 404
