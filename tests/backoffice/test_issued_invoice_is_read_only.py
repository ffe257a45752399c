from django.forms.models import model_to_dict
from django.urls import reverse

from telcobill.billing.models import Invoice, InvoiceLine


def _snapshot(invoice):
    return model_to_dict(Invoice.objects.get(pk=invoice.pk)), list(
        InvoiceLine.objects.filter(invoice=invoice).order_by("position").values())


def test_the_change_view_of_an_issued_invoice_has_nothing_to_save(staff_client, invoice):
    response = staff_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert reverse("admin:billing_invoice_delete", args=[invoice.pk]) not in html
    assert '<input type="text"' not in html  # every field is shown, none is editable


def test_a_post_to_change_an_issued_invoice_is_refused_and_changes_nothing(staff_client, invoice):
    before = _snapshot(invoice)

    response = staff_client.post(reverse("admin:billing_invoice_change", args=[invoice.pk]),
                                 {"number": "F2026-999999", "total_gross": "0.00", "reason": "edited"})

    assert response.status_code == 403
    assert _snapshot(invoice) == before


def test_a_post_to_delete_an_issued_invoice_is_refused_and_deletes_nothing(staff_client, invoice):
    before = _snapshot(invoice)

    page = staff_client.get(reverse("admin:billing_invoice_delete", args=[invoice.pk]))
    response = staff_client.post(reverse("admin:billing_invoice_delete", args=[invoice.pk]), {"post": "yes"})
    staff_client.post(reverse("admin:billing_invoice_changelist"),
                             {"action": "delete_selected", "_selected_action": [invoice.pk], "post": "yes"})

    assert page.status_code == 403
    assert response.status_code == 403
    assert _snapshot(invoice) == before


def test_even_a_superuser_cannot_change_an_issued_invoice(client, django_user_model, invoice):
    root = django_user_model.objects.create_superuser("root@operateur.example", "x" * 12)
    client.force_login(root)
    before = _snapshot(invoice)

    response = client.post(reverse("admin:billing_invoice_change", args=[invoice.pk]), {"reason": "edited"})

    assert response.status_code == 403
    assert _snapshot(invoice) == before
