"""The person's own e-mail address and mobile, each change confirmed by a code sent to the new one,
and their language. Every role changes their own details."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from telcobill.customers.models import BillingAccount, ContactChallenge, ContactField
from telcobill.customers.services.contact import confirm_contact_change, request_contact_change, set_language
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.notifications import SmsNotSent

from ..access import Space, customer_page
from .forms import CodeForm, ContactForm, LanguageForm, show_refusal

FIELDS = {"email": ContactField.EMAIL, "mobile": ContactField.MOBILE}


def ask_code(request: HttpRequest, form: ContactForm, field: ContactField,
             account: BillingAccount | None = None) -> ContactChallenge | None:
    """Send the code to the new address; None (and the reason on the form) when refused."""
    try:
        return request_contact_change(request.user, field, form.cleaned_data["value"], account=account)
    except (Invalid, NotAllowed) as refusal:
        show_refusal(form, refusal)
    except SmsNotSent:
        form.add_error("value", _("Le SMS n'a pas pu être envoyé à ce numéro. Vérifiez-le ou réessayez plus tard."))
    return None


@customer_page
def change(request: HttpRequest, space: Space, field: str) -> HttpResponse:
    field = FIELDS[field]
    form = ContactForm(request.POST or None, kind="mobile" if field == ContactField.MOBILE else "email")
    if request.method == "POST" and form.is_valid():
        challenge = ask_code(request, form, field)
        if challenge:
            return redirect("portal:account_code", challenge.pk)
    current = request.user.mobile if field == ContactField.MOBILE else request.user.email
    return render(request, "portal/account/contact.html", {"space": space, "form": form, "field": field,
                                                           "current": current})


@customer_page
def code(request: HttpRequest, space: Space, challenge_id: int) -> HttpResponse:
    challenge = ContactChallenge.objects.filter(pk=challenge_id, person=request.user).first()
    if challenge is None or (challenge.billing_account_id
                             and not space.accounts().filter(pk=challenge.billing_account_id).exists()):
        raise Http404("no such request")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_contact_change(challenge.pk, form.cleaned_data["code"], person=request.user)
        except NotFound:
            raise Http404("no such request") from None
        except Invalid as refusal:
            form.add_error("code", capfirst(refusal.message))  # a wrong code: said under the code
        except NotAllowed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, {
                ContactField.EMAIL: _("Votre adresse e-mail est modifiée : utilisez-la pour vous connecter."),
                ContactField.MOBILE: _("Votre numéro de mobile est modifié."),
                ContactField.BILLING_EMAIL: _("L'e-mail de facturation est modifié : vos prochaines factures y "
                                              "seront envoyées.")}[challenge.field])
            return redirect("portal:account")
    return render(request, "portal/account/code.html", {"space": space, "form": form, "challenge": challenge})


@customer_page
def language(request: HttpRequest, space: Space) -> HttpResponse:
    form = LanguageForm(request.POST or None, initial={"language": request.user.language})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        set_language(request.user, chosen)
        translation.activate(chosen)
        messages.success(request, _("Langue enregistrée."))
        response = redirect("portal:account")
        # The pages follow at once (LocaleMiddleware reads this cookie before the browser's languages).
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 86400, samesite="Lax")
        return response
    return render(request, "portal/account/language.html", {"space": space, "form": form})
