"""The customer's conversations with support: the history (filters for a business with many),
the contact form, a thread where they read the answers and reply, closing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telcobill.customers.models import LineStatus
from telcobill.errors import Invalid, NotAllowed
from telcobill.support.models import Category, ConversationStatus, MessageKind
from telcobill.support.services.conversations import close_by_customer, open_conversation, reply_as_customer

from ..access import Space, customer_page
from . import scope, words
from .forms import ContactForm, ReplyForm, show_refusal

PAGE = 20


@customer_page
def conversation_list(request: HttpRequest, space: Space) -> HttpResponse:
    rows = scope.conversations(space).with_opening().select_related("line", "opened_by")
    state, category = request.GET.get("etat", ""), request.GET.get("sujet", "")
    if state == "ouvertes":
        rows = rows.exclude(status=ConversationStatus.CLOSED)
    elif state == "closes":
        rows = rows.filter(status=ConversationStatus.CLOSED)
    if category in Category.values:
        rows = rows.filter(category=category)
    page = Paginator(rows.order_by("-last_message_at", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/help/conversations.html", {
        "space": space, "page": page, "rows": [(c, words.status(c.status)) for c in page],
        "state": state, "category": category, "categories": Category.choices,
        "filtered": bool(state or category)})


@customer_page
def contact(request: HttpRequest, space: Space) -> HttpResponse:
    space.require("support")
    lines = list(space.lines().exclude(status=LineStatus.TERMINATED).order_by("msisdn"))
    initial = {"category": request.GET.get("sujet")}
    if len(lines) == 1:
        initial["line"] = lines[0].pk
    form = ContactForm(request.POST or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = open_conversation(customer=space.customer, person=request.user,
                                             category=form.cleaned_data["category"], body=form.cleaned_data["body"],
                                             line=form.chosen_line())
        except Invalid as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Votre demande n° %(number)s est envoyée.") % {"number": conversation.pk})
            return redirect("portal:help_conversation", conversation.pk)
    return render(request, "portal/help/contact.html", {
        "space": space, "form": form, "next_step": words.next_step_for_new(request.user)},
        status=400 if form.errors else 200)


@customer_page
def conversation(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    found = scope.conversation(space, pk)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply_as_customer(found, person=request.user, body=form.cleaned_data["body"])
        except Invalid as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Message envoyé."))
            return redirect(reverse("portal:help_conversation", args=[found.pk]) + "#dernier")
    thread = []
    for message in found.messages.select_related("author", "assignee"):
        if message.kind == MessageKind.EVENT:
            text = words.event_text(message, request.user)
            if text:
                thread.append({"event": text, "at": message.at})
        else:
            thread.append({"message": message, "mine": message.kind == MessageKind.CUSTOMER,
                           "author": words.author(message, request.user), "at": message.at})
    return render(request, "portal/help/conversation.html", {
        "space": space, "conversation": found, "status": words.status(found.status), "thread": thread,
        "form": form, "next_step": words.next_step(found, request.user)}, status=400 if form.errors else 200)


@customer_page
@require_POST
def close(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    found = scope.conversation(space, pk)
    try:
        close_by_customer(found, person=request.user)
    except NotAllowed:
        pass  # closed already (twice the button, or by an agent meanwhile): the page says it
    else:
        messages.success(request, _("Demande close. Vous pouvez la rouvrir à tout moment en écrivant un message."))
    return redirect("portal:help_conversation", found.pk)
