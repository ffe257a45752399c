from django.urls import reverse


def test_a_staff_member_lists_the_invoices_with_their_totals(staff_client, invoice):
    response = staff_client.get(reverse("admin:billing_invoice_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "F2026-000001" in html
    assert "28,79\u00a0€" in html
    assert reverse("backoffice:document_pdf", args=["F2026-000001"]) in html


def test_a_staff_member_finds_an_invoice_by_account_number_or_buyer_name(staff_client, invoice):
    url = reverse("admin:billing_invoice_changelist")

    by_account = staff_client.get(url, {"q": invoice.billing_account.number})
    by_name = staff_client.get(url, {"q": "camille"})
    by_other = staff_client.get(url, {"q": "Dupont"})

    assert "F2026-000001" in by_account.content.decode()
    assert "F2026-000001" in by_name.content.decode()
    assert "F2026-000001" not in by_other.content.decode()


def test_a_staff_member_opens_an_invoice_and_sees_its_lines_and_actions(staff_client, invoice):
    response = staff_client.get(reverse("admin:billing_invoice_change", args=[invoice.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Forfait S (prorata 22 jours)" in html
    assert "Carte SIM" in html
    assert "23,99\u00a0€" in html and "4,80\u00a0€" in html and "28,79\u00a0€" in html
    assert "Télécharger le PDF" in html
    assert "XML Factur-X" in html
    assert reverse("backoffice:credit_note", args=["F2026-000001"]) in html
