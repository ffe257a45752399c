"""Setting up or changing direct debit: the IBAN, its holder and address are asked
(`request_mandate_change`, which sends a one-time code through the person's channel), then the code
typed creates the mandate (`confirm_mandate_change`). Only the holder."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.formats import iban_masked
from telcobill.notifications import SmsNotSent, masked
from telcobill.one_time_codes import attempts_left
from telcobill.payments.models import Mandate, MandateChallenge, MandateStatus
from telcobill.payments.services.mandates import confirm_mandate_change, request_mandate_change

from ..access import Space, customer_page
from .accounts import account_of, page
from .forms import CodeForm, DebitForm
from .words import iban_problem

# The code could not leave (the SMTP server or the SMS gateway refused, or SMS is not set up here).
NOT_SENT = (SmsNotSent, smtplib.SMTPException, OSError, ImproperlyConfigured)


@customer_page
def debit_setup(request: HttpRequest, space: Space, account: str) -> HttpResponse:
    space.require("bank_details")
    account = account_of(space, account)
    if request.method == "POST":
        form = DebitForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                challenge = request_mandate_change(
                    account, space.person, iban=data["iban"], holder=data["holder"], street=data["street"],
                    postcode=data["postcode"], city=data["city"], country=data["country"], channel="web")
            except Invalid as error:
                _put_back(form, error)
            except NotAllowed as error:
                form.add_error(None, _("Vous avez demandé trois codes en moins d'une heure. Pour votre sécurité, "
                                       "réessayez dans une heure.") if error.code == "too_many_requests"
                               else _("Seul le titulaire du contrat peut changer le compte prélevé."))
            except NOT_SENT:
                form.add_error(None, _("Nous n'avons pas pu vous envoyer le code de confirmation. Réessayez dans "
                                       "quelques minutes."))
            else:
                return redirect("portal:debit_confirm", account=account.number, challenge=challenge.pk)
    else:
        form = DebitForm(initial=_known_details(account))
    current = Mandate.objects.filter(billing_account=account, status=MandateStatus.ACTIVE).first()
    return page(request, "debit_form.html", space, {"account": account, "form": form, "current": current,
                                                    "creditor": settings.OPERATOR["name"]})


@customer_page
def debit_confirm(request: HttpRequest, space: Space, account: str, challenge: int) -> HttpResponse:
    space.require("bank_details")
    account = account_of(space, account)
    # Someone else's request (or another account's) looks like no request at all.
    challenge = MandateChallenge.objects.filter(pk=challenge, billing_account=account, person=space.person).first()
    if challenge is None:
        raise Http404("no such request")
    if challenge.used_at:
        return redirect("portal:payment_method")
    form = CodeForm(request.POST or None)
    dead = False
    if request.method == "POST" and form.is_valid():
        try:
            mandate = confirm_mandate_change(challenge.pk, form.cleaned_data["code"], person=space.person)
        except NotFound:
            raise Http404("no such request") from None
        except Invalid:
            challenge.refresh_from_db()
            left = attempts_left(challenge)
            dead = left == 0
            form.add_error("code", ngettext("Code incorrect : il vous reste %(left)d essai.",
                                            "Code incorrect : il vous reste %(left)d essais.", left) % {"left": left}
                           if left > 0 else _("Code incorrect, et c'était le dernier essai : demandez un nouveau "
                                              "code."))
        except NotAllowed as error:
            if error.code == "already_used":
                return redirect("portal:payment_method")
            dead = True
            form.add_error(None, _("Ce code a expiré : demandez-en un nouveau.") if error.code == "expired"
                           else _("Trop de codes incorrects : demandez un nouveau code."))
        else:
            messages.success(request, _("C'est fait : vos prochaines factures seront prélevées sur le compte "
                                        "%(iban)s (mandat %(rum)s).") % {"iban": iban_masked(mandate.iban),
                                                                        "rum": mandate.reference})
            return redirect("portal:payment_method")
    return page(request, "debit_code.html", space, {
        "account": account, "challenge": challenge, "form": form, "dead": dead,
        "sent_to": masked(challenge.sent_to), "by_sms": "@" not in challenge.sent_to,
        "expires_at": timezone.localtime(challenge.expires_at), "iban": challenge.details["iban"]})


def _put_back(form: DebitForm, error: Invalid) -> None:
    """A use case's refusal next to the field it is about."""
    if error.code.startswith("iban"):
        form.add_error("iban", iban_problem(error))
    elif error.code == "country":
        form.add_error("country", _("Choisissez un pays de la liste."))
    else:
        form.add_error(None, _("Vérifiez le titulaire et son adresse : tous les champs sont à remplir."))


def _known_details(account) -> dict:
    """The form filled with what we know: the current mandate's holder, else the billing address."""
    mandate = Mandate.objects.filter(billing_account=account).order_by("-pk").first()
    if mandate:
        return {"holder": mandate.holder, "street": mandate.street, "postcode": mandate.postcode,
                "city": mandate.city, "country": mandate.country}
    return {"holder": account.name, "street": account.address_line1, "postcode": account.postcode,
            "city": account.city, "country": account.country_code}
