"""The customer space installs as a web app: a manifest naming it, with local icons."""

import json

from django.contrib.staticfiles import finders
from django.urls import reverse


def test_the_manifest_names_the_space_and_its_icons_are_served_locally(client, settings):
    response = client.get(reverse("portal:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        f"{settings.OPERATOR['name']} — Espace client", "/", "standalone")
    assert [icon["sizes"] for icon in manifest["icons"]] == ["192x192", "512x512"]
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/portal/")
        with open(finders.find(icon["src"].removeprefix("/static/")), "rb") as png:
            assert png.read(8) == b"\x89PNG\r\n\x1a\n"


def test_every_page_links_the_manifest(client):
    assert b'rel="manifest" href="/manifest.webmanifest"' in client.get(reverse("portal:login")).content
