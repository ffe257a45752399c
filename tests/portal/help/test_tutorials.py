"""A tutorial: its guide as HTML, its video with French captions, the video streamed by the
platform with Range support (a phone's player seeks: 206 and the exact bytes). A tutorial that is
not for this customer, or not published, answers 404 on every route."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from telcobill.support.models import Audience, Tutorial

VIDEO = bytes(range(256)) * 40  # 10,240 bytes: what matters is which ones come back
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:04.000\nOuvrez Factures et paiements.\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def with_video(slug: str, audience=Audience.ALL, published=True) -> Tutorial:
    tutorial = Tutorial.objects.create(title="Payer par carte", slug=slug, summary="En vidéo.", audience=audience,
                                       published=published, body="## Étapes\n1. Ouvrez la facture.\n2. Payez.")
    tutorial.video.save("payer.mp4", ContentFile(VIDEO), save=False)
    tutorial.captions.save("payer.vtt", ContentFile(CAPTIONS))
    return tutorial


def routes(slug: str) -> list[str]:
    return [reverse(name, args=[slug]) for name in
            ("portal:help_tutorial", "portal:help_tutorial_video", "portal:help_tutorial_captions")]


def test_a_written_guide_reads_as_html(client, camille):
    client.force_login(camille)
    response = client.get(reverse("portal:help_tutorial", args=["activer-le-prelevement-automatique"]))
    page = response.content.decode()
    assert "<h1>Activer le prélèvement automatique</h1>" in page
    # No line break before French punctuation, nor inside « »: non-breaking spaces.
    assert ("<h2>Les étapes</h2>\n<ol><li>Dans Factures et paiements, ouvrez «\u00a0Mode de paiement\u00a0».</li>"
            in page)
    assert ("<h2>Avant de commencer</h2>\n<ul><li>L&#x27;IBAN du compte à prélever\u00a0: il figure sur votre RIB.</li>"
            in page)
    assert "<video" not in page


def test_a_video_guide_has_the_player_and_its_french_captions(client, camille):
    with_video("payer-par-carte")
    client.force_login(camille)
    page = client.get(reverse("portal:help_tutorial", args=["payer-par-carte"])).content.decode()
    assert ('<video class="tutorial-video" controls preload="metadata" playsinline\n'
            '         src="/aide/tutoriels/payer-par-carte/video/" aria-describedby="transcript-note">') in page
    assert ('<track kind="captions" srclang="fr" label="Français" src="/aide/tutoriels/payer-par-carte/sous-titres.vtt"'
            ' default>') in page
    assert "<h2>Étapes</h2>\n<ol><li>Ouvrez la facture.</li><li>Payez.</li></ol>" in page


def test_the_whole_video_then_a_range_as_a_player_seeks(client, camille):
    with_video("payer-par-carte")
    client.force_login(camille)
    url = reverse("portal:help_tutorial_video", args=["payer-par-carte"])

    whole = client.get(url)
    assert whole.status_code == 200
    assert (whole["Content-Type"], whole["Content-Length"], whole["Accept-Ranges"]) == ("video/mp4", "10240", "bytes")
    assert b"".join(whole.streaming_content) == VIDEO

    part = client.get(url, headers={"Range": "bytes=1000-1099"})
    assert part.status_code == 206
    assert (part["Content-Range"], part["Content-Length"]) == ("bytes 1000-1099/10240", "100")
    assert b"".join(part.streaming_content) == VIDEO[1000:1100]

    end = client.get(url, headers={"Range": "bytes=10200-"})
    assert (end.status_code, end["Content-Range"]) == (206, "bytes 10200-10239/10240")
    assert b"".join(end.streaming_content) == VIDEO[10200:]

    last = client.get(url, headers={"Range": "bytes=-16"})
    assert b"".join(last.streaming_content) == VIDEO[-16:]

    past = client.get(url, headers={"Range": "bytes=10240-"})
    assert (past.status_code, past["Content-Range"]) == (416, "bytes */10240")

    # The file was replaced since the player's first request: it gets the new file, whole.
    stale = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and b"".join(stale.streaming_content) == VIDEO
    fresh = client.get(url, headers={"Range": "bytes=0-9", "If-Range": whole["ETag"]})
    assert fresh.status_code == 206 and b"".join(fresh.streaming_content) == VIDEO[:10]


def test_the_captions_are_webvtt(client, camille):
    with_video("payer-par-carte")
    client.force_login(camille)
    response = client.get(reverse("portal:help_tutorial_captions", args=["payer-par-carte"]))
    assert response["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(response.streaming_content) == CAPTIONS


def test_a_guide_for_businesses_is_not_an_individuals(client, camille, paul):
    with_video("gerer-la-flotte", audience=Audience.BUSINESS)
    client.force_login(camille)
    for url in routes("gerer-la-flotte"):
        assert client.get(url).status_code == 404, url
        assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 404, url
    client.force_login(paul)
    for url in routes("gerer-la-flotte"):
        assert client.get(url).status_code == 200, url


def test_an_unpublished_guide_or_a_missing_video_answers_404(client, camille):
    with_video("brouillon", published=False)
    client.force_login(camille)
    for url in routes("brouillon") + routes("inconnu") + routes("comprendre-ma-facture")[1:]:
        assert client.get(url).status_code == 404, url


def test_a_video_missing_from_storage_answers_404(client, camille, tmp_path):
    with_video("payer-par-carte")
    (tmp_path / "tutorials/videos/payer.mp4").unlink()
    client.force_login(camille)
    assert client.get(reverse("portal:help_tutorial_video", args=["payer-par-carte"])).status_code == 404


def test_the_video_needs_a_signed_in_customer(client, db):
    with_video("payer-par-carte")
    response = client.get(reverse("portal:help_tutorial_video", args=["payer-par-carte"]))
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
