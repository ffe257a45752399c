"""Staff upload a tutorial's video and its WebVTT captions in the admin; a video needs its
captions; the files are kept under MEDIA_ROOT and played back through the admin with Range support."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from telcobill.support.models import Tutorial

VIDEO = bytes(range(256)) * 8
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:03.000\nBienvenue dans votre espace client.\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form(**files) -> dict:
    return {"title": "Découvrir l'espace client", "slug": "decouvrir-l-espace-client", "summary": "En 2 minutes.",
            "body": "Bienvenue.", "audience": "all", "published": "on", "order": "5", **files}


def test_staff_upload_a_video_with_its_captions(client, agent, tmp_path):
    client.force_login(agent)
    response = client.post(reverse("admin:support_tutorial_add"), form(
        video=SimpleUploadedFile("accueil.mp4", VIDEO, "video/mp4"),
        captions=SimpleUploadedFile("accueil.vtt", CAPTIONS, "text/vtt")))
    assert response.status_code == 302
    tutorial = Tutorial.objects.get(slug="decouvrir-l-espace-client")
    assert (tutorial.video.name, tutorial.captions.name) == ("tutorials/videos/accueil.mp4",
                                                              "tutorials/captions/accueil.vtt")
    assert (tmp_path / "tutorials/videos/accueil.mp4").read_bytes() == VIDEO
    assert tutorial.video.url == "/admin/support/tutorial/fichier/tutorials/videos/accueil.mp4"

    page = client.get(reverse("admin:support_tutorial_change", args=[tutorial.pk])).content.decode()
    assert ('<video controls preload="metadata" width="360" src="/admin/support/tutorial/fichier/tutorials/videos/'
            'accueil.mp4"><track kind="captions" srclang="fr" label="Français" '
            'src="/admin/support/tutorial/fichier/tutorials/captions/accueil.vtt" default></video>') in page
    part = client.get(tutorial.video.url, headers={"Range": "bytes=256-511"})
    assert (part.status_code, part["Content-Range"]) == (206, "bytes 256-511/2048")
    assert b"".join(part.streaming_content) == VIDEO[256:512]


def test_a_video_needs_its_captions_and_captions_are_webvtt(client, agent):
    client.force_login(agent)
    response = client.post(reverse("admin:support_tutorial_add"), form(
        video=SimpleUploadedFile("accueil.mp4", VIDEO, "video/mp4")))
    assert response.context["adminform"].form.errors == {
        "captions": ["Ajoutez les sous-titres de la vidéo (fichier WebVTT)."]}
    response = client.post(reverse("admin:support_tutorial_add"), form(
        video=SimpleUploadedFile("accueil.mp4", VIDEO, "video/mp4"),
        captions=SimpleUploadedFile("accueil.vtt", b"1\n00:00:00,000 --> 00:00:03,000\nSRT\n", "text/vtt")))
    assert response.context["adminform"].form.errors == {
        "captions": ["Ce fichier n'est pas au format WebVTT : sa première ligne doit être « WEBVTT »."]}
    assert not Tutorial.objects.filter(slug="decouvrir-l-espace-client").exists()


def test_the_files_are_for_staff_with_the_permission(client, agent, hugo):
    client.force_login(agent)
    client.post(reverse("admin:support_tutorial_add"), form(
        video=SimpleUploadedFile("accueil.mp4", VIDEO, "video/mp4"),
        captions=SimpleUploadedFile("accueil.vtt", CAPTIONS, "text/vtt")))
    url = Tutorial.objects.get(slug="decouvrir-l-espace-client").video.url
    assert client.get(reverse("admin:support_tutorial_file", args=["tutorials/videos/autre.mp4"])).status_code == 404
    client.force_login(hugo)
    assert client.get(url).status_code == 403
