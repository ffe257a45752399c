"""Personnes et rôles: who has access to the customer, inviting someone and removing them; the
holder's (space.require("people")). Another customer's person answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from telcobill.customers.services import people
from telcobill.errors import Invalid, NotAllowed, NotFound

from ..access import Space, customer_page
from .forms import InviteForm, show_refusal


@customer_page
def people_list(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("people")
    return render(request, "portal/account/people.html", {"space": space, "members": people.members(space.customer)})


@customer_page
def invite(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("people")
    lines = list(space.lines().order_by("msisdn"))
    form = InviteForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        line = next((each for each in lines if each.pk == data["line"]), None)
        try:
            access = people.invite(space.customer, by=request.user, email=data["email"], role=data["role"],
                                   line=line, first_name=data["first_name"], last_name=data["last_name"])
        except (Invalid, NotAllowed) as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": access.person.email})
            return redirect("portal:account_people")
    return render(request, "portal/account/invite.html", {"space": space, "form": form})


@customer_page
def remove(request: HttpRequest, space: Space, person_id: int) -> HttpResponse:
    space.require("people")
    member = next((m for m in people.members(space.customer) if m.person.pk == person_id), None)
    if member is None:
        raise Http404("no such person in this space")
    refusal = None
    if request.method == "POST":
        try:
            people.remove(space.customer, member.person, by=request.user)
        except NotFound:
            raise Http404("no such person in this space") from None
        except NotAllowed as error:
            refusal = error.message
        else:
            messages.success(request, _("L'accès de %(who)s est retiré.") % {"who": member.person})
            return redirect("portal:account_people")
    return render(request, "portal/account/remove.html", {"space": space, "member": member, "refusal": refusal},
                  status=409 if refusal else 200)
