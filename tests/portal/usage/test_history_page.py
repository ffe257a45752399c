"""Ma conso, history: 13 months as SVG bar charts drawn on the server, each value printed, a
title and a description for screen readers, the months not billed yet marked."""

import re

from django.urls import reverse


def chart(page: str, key: str) -> str:
    return re.search(rf'<svg class="conso-chart"[^>]*chart-{key}-title.*?</svg>', page, re.S).group(0)


def values(svg: str) -> list[str]:
    return [v.replace("\u00a0", " ") for v in re.findall(r'<text [^>]*class="value">([^<]*)</text>', svg)]


def test_thirteen_months_as_charts_with_their_values(story, camille, client):
    client.force_login(camille)
    response = client.get(reverse("portal:usage_history", args=[story.pk]))
    assert response.status_code == 200
    page = response.content.decode()

    data = chart(page, "data")
    assert values(data) == ["50 Mo", "0 Mo", "92 Mo"]  # since the line's activation in September
    assert '<title id="chart-data-title">Internet mobile, par mois</title>' in data
    assert ('<desc id="chart-data-desc">sept. 2026 : 50\u00a0Mo ; oct. 2026 : 0\u00a0Mo ; nov. 2026 : 92\u00a0Mo *'
            '</desc>') in data
    assert ">Données utilisées</text>" in data and ">Mois</text>" in data  # both axes say what they are
    assert ">nov. 2026*</text>" in data and ">sept. 2026</text>" in data
    assert data.count('fill="url(#hatch-data)"') == 1  # the month in progress

    # 600 s, 7,565 s (127 minutes begun), 754 s.
    assert values(chart(page, "voice")) == ["10 min", "127 min", "13 min"]
    assert values(chart(page, "sms")) == ["1", "1", "2"]
    # As billed, incl. VAT: 0.45 for October; November's 2.40 so far, not billed yet.
    assert values(chart(page, "out")) == ["0,00 €", "0,45 €", "2,40 €"]
    assert 'width="360" height="' in data
    # The bars are in proportion: November's 92 MB the longest (186 units), September's 50 MB.
    assert re.findall(r'<rect x="88" y="\d+" width="([\d.]+)"', data) == ["101.1", "0.0", "186.0"]


def test_a_line_sharing_its_data_shows_the_pools(people, atelier, client):
    client.force_login(people["line_user"])
    page = client.get(reverse("portal:usage_history", args=[atelier[1].pk])).content.decode()

    assert values(chart(page, "pool")) == ["0 Mo", "0 Mo", "3,5 Go"]
    assert values(chart(page, "data")) == ["0 Mo", "0 Mo", "0 Mo"]
    assert "sa consommation est comptée dans l'enveloppe partagée" in page
