"""The customer space as an installable web app: its manifest (name, icons, colours), served from
the platform itself like every asset."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control


@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    name = settings.OPERATOR["name"]
    body = {
        "name": f"{name} — Espace client",
        "short_name": name[:12],
        "lang": "fr",
        "start_url": reverse("portal:home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6fa",
        "theme_color": "#0b5fff",
        "icons": [{"src": static(f"portal/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any maskable"} for size in (192, 512)],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/manifest+json")
