"""Who may open a back-office page, and the admin's frame around it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def staff_page(permission: str) -> Callable:
    """Staff only (anyone else is sent to the admin sign-in), holding the Django `permission`."""

    def decorate(view):
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return staff_member_required(guarded)

    return decorate


def frame(request: HttpRequest, title: str, **context) -> dict:
    """The context the admin templates expect (header, user tools, sidebar), plus the page's."""
    return {**admin.site.each_context(request), "title": title, **context}
