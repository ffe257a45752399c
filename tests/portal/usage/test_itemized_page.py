"""Détail des communications: a month of a line, filtered, page by page, downloaded as CSV for a
French spreadsheet; called numbers masked unless the account chose full numbers."""

from decimal import Decimal

from django.urls import reverse

from tests.portal.usage.test_this_month import text


def test_filter_a_month_by_kind_and_number(story, camille, client):
    client.force_login(camille)
    url = reverse("portal:usage_itemized", args=[story.pk])

    response = client.get(url)  # this month by default
    assert response.context["count"] == 5
    assert "5 communications en novembre 2026" in text(response)

    response = client.get(url, {"mois": "2026-10", "type": "appels"})
    page = text(response)
    assert "3 communications en octobre 2026" in page
    assert ("3 oct. · 14 h 05 Appel émis 3314567XXXX France 116 min 40 s inclus 0,00 €") in page
    assert ("4 oct. · 09 h 12 Appel émis 44207946XXXX France 1 min 05 s Appels hors forfait vers Suisse, "
            "Royaume-Uni, Andorre, Monaco, Saint-Marin et Gibraltar 0,21 €") in page
    assert "Les 4 derniers chiffres des numéros appelés sont masqués" in page

    response = client.get(url, {"mois": "2026-10", "numero": "+44 20"})
    assert [c.number for c in response.context["page"].object_list] == ["44207946XXXX"]
    response = client.get(url, {"mois": "2026-11", "type": "etranger"})
    assert [(c.kind, c.where, c.quantity, c.incl_vat) for c in response.context["page"].object_list] == [
        ("Internet émis", "États-Unis et Canada", "12,0 Mo", Decimal("2.40"))]


def test_errors_are_said_next_to_their_field(story, camille, client):
    client.force_login(camille)
    response = client.get(reverse("portal:usage_itemized", args=[story.pk]),
                          {"mois": "2026-10", "du": "2026-10-20", "au": "2026-10-02"})
    html = response.content.decode()
    assert ('<input type="date" name="au" value="2026-10-02" aria-invalid="true" aria-describedby="id_au-error" '
            'id="id_au">') in html
    assert '<p class="field-message" id="id_au-error">Choisissez une date de fin après la date de début.</p>' in html
    assert response.context["count"] == 4  # the month, unfiltered by the dates in error


def test_the_csv_is_what_the_filters_select_for_a_french_spreadsheet(story, camille, client):
    client.force_login(camille)
    response = client.get(reverse("portal:usage_itemized_csv", args=[story.pk]), {"mois": "2026-10", "type": "appels"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="communications-33612345678-2026-10.csv"'
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines() == [
        "date;heure;type;numéro;lieu;quantité;détail;montant HT;montant TTC",
        "03/10/2026;14:05:09;Appel émis;3314567XXXX;;116 min 40 s;inclus;0,00;0,00",
        "04/10/2026;09:00:00;Appel émis;3314567XXXX;;8 min 20 s;Appels hors forfait vers France métropolitaine et "
        "départements d'outre-mer;0,21;0,25",
        "04/10/2026;09:12:44;Appel émis;44207946XXXX;;1 min 05 s;Appels hors forfait vers Suisse, Royaume-Uni, "
        "Andorre, Monaco, Saint-Marin et Gibraltar;0,17;0,21",
    ]


def test_full_numbers_when_the_account_chose_them(story, camille, client):
    account = story.billing_account
    account.itemized_full_numbers = True
    account.save()
    client.force_login(camille)
    response = client.get(reverse("portal:usage_itemized", args=[story.pk]), {"mois": "2026-10", "type": "appels"})
    assert [c.number for c in response.context["page"].object_list] == ["33145678901", "33145678901", "442079460000"]
    assert "sont masqués" not in text(response)
    csv = client.get(reverse("portal:usage_itemized_csv", args=[story.pk]), {"mois": "2026-10", "numero": "01 45"})
    assert [row.split(";")[3] for row in csv.content.decode("utf-8-sig").splitlines()[1:]] == [
        "33145678901", "33145678901"]
