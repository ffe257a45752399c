"""A forgotten password: a link by e-mail, or a code by SMS for people who have only a mobile (or
chose SMS). The answer never says whether an account exists; requests are throttled per
identifier; the SMS code is bound to the browser session that asked (the session and the phone
are both needed) and dies after 10 minutes or 5 wrong tries. A reset is audited and the person
told through their channel."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from telcobill import one_time_codes
from telcobill.customers import throttling
from telcobill.customers.auth import find_person
from telcobill.customers.models import AuditEvent, Person
from telcobill.notifications.send import EMAIL, destination, send_notice, send_to

SESSION = "password_reset"
LINK_SECONDS = 3600  # a reset link works one hour (invitations keep Django's 3 days)


class ResetTokens(PasswordResetTokenGenerator):
    """Django's tokens (dead once the password changed), valid one hour for a reset."""

    key_salt = "telcobill.portal.password-reset"

    def check_token(self, user, token) -> bool:
        if not super().check_token(user, token):
            return False
        try:
            issued = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - issued <= LINK_SECONDS


reset_tokens = ResetTokens()
SALT = "telcobill.portal.password-reset"


class ForgotForm(forms.Form):
    identifier = forms.CharField(label=gettext_lazy("Adresse e-mail ou numéro de mobile"), max_length=254,
                                 widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))


class CodeForm(SetPasswordForm):
    code = forms.CharField(label=gettext_lazy("Code reçu par SMS"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    field_order = ["code", "new_password1", "new_password2"]


def forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"].strip()
        key = f"reset:{identifier}"
        if throttling.is_locked_out(key):
            form.add_error("identifier", _("Trop de demandes pour cet identifiant. Réessayez dans 15 minutes."))
        else:
            throttling.record_failure(key)  # every request counts: each one sends a message to someone
            person = find_person(identifier)
            if person is not None and person.is_active and not person.is_staff:
                if destination(person)[0] == EMAIL:
                    _send_link(request, person)
                else:
                    return _send_code(request, person)
            elif "@" not in identifier:
                # A number nobody uses gets the same page as one somebody does.
                request.session[SESSION] = {"person": None, "hash": "", "expires": _expiry(), "attempts": 0}
                return redirect("portal:password_code")
            messages.info(request, _("Si un compte correspond à cette adresse, un e-mail vient de lui être envoyé "
                                     "avec un lien pour choisir un nouveau mot de passe (valable 1 heure)."))
            return redirect("portal:login")
    return render(request, "portal/password/forgot.html", {"form": form})


def _expiry() -> str:
    return one_time_codes.expiry(timezone.now()).isoformat()


def _send_link(request: HttpRequest, person: Person) -> None:
    path = reverse("portal:password_link", args=[urlsafe_base64_encode(force_bytes(person.pk)),
                                                 reset_tokens.make_token(person)])
    text = _("Bonjour,\n\nPour choisir un nouveau mot de passe pour votre espace client, ouvrez ce lien "
             "(valable 1 heure) :\n%(link)s\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot "
             "de passe ne change pas.\n\n%(operator)s") % {"link": request.build_absolute_uri(path),
                                                            "operator": settings.OPERATOR["name"]}
    send_to(person.email, text, subject=_("%(operator)s : nouveau mot de passe") % {
        "operator": settings.OPERATOR["name"]})


def _send_code(request: HttpRequest, person: Person) -> HttpResponse:
    code = one_time_codes.new_code()
    request.session[SESSION] = {"person": person.pk, "hash": one_time_codes.code_hash(SALT, person.pk, code=code),
                                "expires": _expiry(), "attempts": 0}
    send_to(person.mobile, _("Votre code pour choisir un nouveau mot de passe : %(code)s. Il expire dans 10 "
                             "minutes. Ne le communiquez à personne.") % {"code": code}, subject="")
    return redirect("portal:password_code")


def code(request: HttpRequest) -> HttpResponse:
    state = request.session.get(SESSION)
    if not state:
        return redirect("portal:password_forgot")
    person = Person.objects.filter(pk=state["person"]).first() if state["person"] else None
    form = CodeForm(person or Person(), request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = _check(state, person, form.cleaned_data["code"])
        request.session[SESSION] = state
        if problem:
            form.add_error("code", problem)
        else:
            form.save()
            del request.session[SESSION]
            _reset_done(person, "sms")
            messages.success(request, _("Votre mot de passe est changé. Connectez-vous avec le nouveau."))
            return redirect("portal:login")
    return render(request, "portal/password/code.html", {"form": form})


def _check(state: dict, person: Person | None, typed: str) -> str:
    """The refusal in the customer's words, or "" when the code is right (and counted otherwise)."""
    if datetime.fromisoformat(state["expires"]) <= timezone.now():
        return _("Le code a expiré : demandez-en un nouveau.")
    if state["attempts"] >= one_time_codes.MAX_ATTEMPTS:
        return _("Trop de codes incorrects : demandez un nouveau code.")
    if person is not None and constant_time_compare(one_time_codes.code_hash(SALT, person.pk, code=typed),
                                                    state["hash"]):
        return ""
    state["attempts"] += 1
    left = one_time_codes.MAX_ATTEMPTS - state["attempts"]
    if not left:
        return _("Code incorrect. Demandez un nouveau code.")
    return ngettext("Code incorrect : encore %(left)d essai.", "Code incorrect : encore %(left)d essais.",
                    left) % {"left": left}


def _reset_done(person: Person, how: str) -> None:
    AuditEvent.objects.create(actor=person, kind="customers.password_reset",
                              summary="Mot de passe réinitialisé par "
                                      + ("lien e-mail" if how == "email" else "code SMS"),
                              data={"channel": how})
    notice = _("Le mot de passe de votre espace client vient d'être changé. Si ce n'est pas vous, contactez-nous "
               "sans attendre au %(phone)s.") % {"phone": settings.OPERATOR["support_phone"]}
    send_notice(person, notice,
                subject=_("%(operator)s : mot de passe changé") % {"operator": settings.OPERATOR["name"]})


class LinkView(PasswordResetConfirmView):
    """The e-mailed link: Django's token (one hour, dead once the password changed)."""

    template_name = "portal/password/link.html"
    token_generator = reset_tokens
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        _reset_done(form.user, "email")
        messages.success(self.request, _("Votre mot de passe est changé. Connectez-vous avec le nouveau."))
        return response

