"""Ma conso, this month: a line's allowances against its usage, out-of-plan amounts (incl. VAT for
an individual, excl. and incl. for a business), the roaming cap, how fresh; a business's lines
listed and searched, its shared data; a line user on their line only."""

import re
from html import unescape

from django.urls import reverse


def text(response) -> str:
    """The page as read: tags dropped, spaces (non-breaking ones included) collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " "))


def test_an_individual_reads_their_line_this_month(story, camille, client):
    client.force_login(camille)
    assert text(client.get(reverse("portal:usage"))) == text(client.get(reverse("portal:usage_line",
                                                                                  args=[story.pk])))
    page = text(client.get(reverse("portal:usage")))

    assert "Ma conso 06 12 34 56 78" in page
    assert "Hors forfait en novembre 2026 2,40 € TTC" in page
    assert "Mis à jour aujourd'hui à 14 h 05 · dernière communication comptée le 15 nov. à 16 h 00" in page
    assert "Appels 12 min 34 s sur 2 h 10 %" in page
    assert "SMS 2 SMS · illimité" in page
    assert "Internet mobile 80 Mo sur 100 Mo 80 %" in page
    # 12 MB in the USA at 0.20 EUR incl. VAT per MB.
    assert "Internet mobile hors forfait 12 Mo" in page
    assert "Hors forfait : 2,40 € TTC" in page
    assert "HT" not in page
    assert "2,40 € TTC sur un plafond de 60,00 € TTC 4 %" in page
    assert "Plafond actif" in page


def test_a_business_finds_its_lines_and_reads_excl_and_incl_vat(people, atelier, client):
    client.force_login(people["holder"])
    page = text(client.get(reverse("portal:usage")))

    assert "Internet mobile partagé de l'entreprise 3,5 Go sur 120 Go 3 %" in page
    assert "06 11 11 11 11 Standard partagé 0,00 € 0,00 €" in page
    assert "06 22 22 22 22 Léa Dupont partagé 0,00 € 0,00 €" in page
    assert "06 33 33 33 33 Marc — atelier 1,5 Go 0,00 € 0,00 €" in page

    for typed in ("06 33", "+33 6 33 33", "0033633"):
        found = client.get(reverse("portal:usage"), {"q": typed}).context["rows"]
        assert [row["line"].msisdn for row in found] == ["+33633333333"], typed
    found = client.get(reverse("portal:usage"), {"q": "léa"}).context["rows"]
    assert [row["line"].msisdn for row in found] == ["+33622222222"]

    page = text(client.get(reverse("portal:usage_line", args=[atelier[2].pk])))
    assert "Internet mobile 1,5 Go sur 10 Go 15 %" in page
    assert "Appels 2 min · illimité" in page  # 95 s, counted by the minute on Pro 10 Go
    assert "Hors forfait en novembre 2026 0,00 € HT 0,00 € TTC" in page
    assert "0,00 € HT sur un plafond de 50,00 € HT" in page

    page = text(client.get(reverse("portal:usage_line", args=[atelier[0].pk])))
    assert "Enveloppe partagée de l'entreprise" in page
    assert "Internet mobile 3,5 Go sur 120 Go 3 %" in page


def test_a_line_user_sees_their_line_only(people, atelier, client):
    client.force_login(people["line_user"])
    response = client.get(reverse("portal:usage"))
    assert response.context["line"] == atelier[1]
    assert "← Toutes les lignes" not in text(response)

    others = [atelier[0].pk, atelier[2].pk]
    for route in ("portal:usage_line", "portal:usage_history", "portal:usage_itemized", "portal:usage_itemized_csv",
                  "portal:usage_alerts"):
        for pk in others:
            assert client.get(reverse(route, args=[pk])).status_code == 404, route
    # Searching the list shows nothing more than their line.
    rows = client.get(reverse("portal:usage"), {"q": "06"}).context["rows"]
    assert [row["line"].pk for row in rows] == [atelier[1].pk]
