"""A tutorial: its guide, its video with French captions; the video and captions streamed by the
platform (a phone's player seeks with Range requests: 206 and the bytes asked)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from telcobill.support.files import file_response

from ..access import Space, customer_page
from . import scope


@customer_page
def tutorial(request: HttpRequest, space: Space, slug: str) -> HttpResponse:
    found = scope.tutorial(space, slug)
    others = scope.tutorials(space).exclude(pk=found.pk)[:4]
    return render(request, "portal/help/tutorial.html", {"space": space, "tutorial": found, "others": others})


@customer_page
def video(request: HttpRequest, space: Space, slug: str) -> HttpResponse:
    found = scope.tutorial(space, slug)
    if not found.video:
        raise Http404("this tutorial has no video")
    return file_response(request, found.video)


@customer_page
def captions(request: HttpRequest, space: Space, slug: str) -> HttpResponse:
    found = scope.tutorial(space, slug)
    if not found.captions:
        raise Http404("this tutorial has no captions")
    return file_response(request, found.captions)
