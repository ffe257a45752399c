"""A conversation in the back office: read the thread and the customer; take it, assign it,
change its status, answer it (a canned answer fills the reply: ?reponse=<id>, no script needed)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telcobill.errors import TelcobillError
from telcobill.support.models import CannedAnswer, Conversation, Event, MessageKind
from telcobill.support.services import inbox

from ..access import frame, staff_page
from .forms import AssignForm, ReplyForm, StatusForm, canned_answers

ANSWER = "support.change_conversation"


@staff_page("support.view_conversation")
def page(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation.objects.select_related(
        "customer", "line", "opened_by", "assigned_to"), pk=pk)
    may_answer = request.user.has_perm(ANSWER)
    canned = canned_answers(conversation)
    chosen = None
    if request.GET.get("reponse", "").isdigit():
        chosen = next((a for a in canned if a.pk == int(request.GET["reponse"])), None)
    form = ReplyForm(request.POST or None, initial={"body": _fill(chosen, conversation)} if chosen else None)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            try:
                inbox.answer(conversation, agent=request.user, body=form.cleaned_data["body"])
            except TelcobillError as exc:
                form.add_error("body", exc.message)
            else:
                messages.success(request, _("Réponse envoyée : le client est prévenu par e-mail."))
                return redirect("backoffice:support_conversation", conversation.pk)
    context = frame(
        request, _("Demande n° %(number)s") % {"number": conversation.pk}, conversation=conversation,
        thread=[_row(m) for m in conversation.messages.select_related("author", "assignee")],
        may_answer=may_answer, form=form, canned=canned, chosen=chosen,
        assign_form=AssignForm(initial={"agent": conversation.assigned_to_id}),
        status_form=StatusForm(initial={"status": conversation.status}),
        mine=conversation.assigned_to_id == request.user.pk,
        inbox_url=reverse("admin:support_conversation_changelist") + "?etat=ouvertes",
        customer_url=_customer_url(request, conversation))
    return render(request, "backoffice/support/conversation.html", context, status=400 if form.errors else 200)


@staff_page(ANSWER)
@require_POST
def take_it(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    try:
        inbox.take(conversation, agent=request.user)
    except TelcobillError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Vous avez pris la demande n° %(number)s.") % {"number": pk})
    return redirect("backoffice:support_conversation", pk)


@staff_page(ANSWER)
@require_POST
def assign_it(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un conseiller dans la liste."))
        return redirect("backoffice:support_conversation", pk)
    agent = form.cleaned_data["agent"]
    try:
        inbox.assign(conversation, agent=agent, by=request.user)
    except TelcobillError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Demande attribuée à %(name)s.") % {"name": _name(agent)}
                         if agent else _("La demande n'est plus attribuée."))
    return redirect("backoffice:support_conversation", pk)


@staff_page(ANSWER)
@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = get_object_or_404(Conversation, pk=pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un statut dans la liste."))
        return redirect("backoffice:support_conversation", pk)
    conversation = inbox.set_status(conversation, status=form.cleaned_data["status"], by=request.user)
    messages.success(request, _("Statut : %(status)s.") % {"status": conversation.get_status_display()})
    return redirect("backoffice:support_conversation", pk)


def _fill(answer: CannedAnswer, conversation: Conversation) -> str:
    person = conversation.opened_by
    return answer.text_for(person.first_name if person else "")


def _customer_url(request: HttpRequest, conversation: Conversation) -> str:
    if not request.user.has_perm("customers.view_customer"):
        return ""
    return reverse("admin:customers_customer_change", args=[conversation.customer_id])


def _name(person, *, empty: str = "—") -> str:
    """Someone as staff name them: their full name, else their login."""
    return person.display_name if person else empty


def _row(message) -> dict:
    """A row of the thread as staff read it: who wrote, or what happened and who did it."""
    who = _name(message.author)
    if message.kind != MessageKind.EVENT:
        return {"message": message, "who": who, "agent": message.kind == MessageKind.AGENT}
    assignee = _name(message.assignee, empty="")
    text = {
        Event.ASSIGNED: (_("Prise par %(who)s") % {"who": who} if message.assignee_id == message.author_id
                         else _("Attribuée à %(assignee)s par %(who)s") % {"assignee": assignee, "who": who}),
        Event.UNASSIGNED: _("N'est plus attribuée (%(who)s)") % {"who": who},
        Event.CLOSED: _("Close par %(who)s") % {"who": who},
        Event.REOPENED: _("Rouverte par %(who)s") % {"who": who},
        Event.WAITING: _("Mise en attente du client par %(who)s") % {"who": who},
    }[message.event]
    return {"event": text, "at": message.at}
