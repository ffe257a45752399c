"""Signing in and out of the customer space, and choosing which customer to manage."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView as DjangoLoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..access import SESSION_KEY, accesses
from ..forms import SignInForm


class LoginView(DjangoLoginView):
    template_name = "portal/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Signed in: the pages speak the person's language from now on."""
        response = super().form_valid(form)
        language = form.get_user().language
        if language in dict(settings.LANGUAGES):
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax",
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True)
        return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


@login_required
def choose(request: HttpRequest) -> HttpResponse:
    """A person with access to several customers picks the one they manage now."""
    if request.user.is_staff:
        return redirect("admin:index")
    rows = list(accesses(request.user))
    if request.method == "POST":
        wanted = request.POST.get("customer", "")
        access = next((a for a in rows if str(a.customer_id) == wanted), None)
        if access is not None:
            request.session[SESSION_KEY] = access.customer_id
            return redirect("portal:home")
    return render(request, "portal/choose.html", {"accesses": rows})
