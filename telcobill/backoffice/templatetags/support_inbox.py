"""The dashboard's "Service client" box: the conversations waiting for an agent, counted, with links."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from telcobill.support.models import Conversation, ConversationStatus

register = template.Library()


@register.inclusion_tag("backoffice/support/inbox_box.html", takes_context=True)
def support_box(context) -> dict:
    user = context["request"].user
    if not user.has_perm("support.view_conversation"):
        return {"visible": False}
    inbox = reverse("admin:support_conversation_changelist")
    waiting = Conversation.objects.filter(status__in=[ConversationStatus.NEW, ConversationStatus.ASSIGNED])
    rows = [
        (_("Nouvelles, à attribuer"), waiting.filter(assigned_to__isnull=True).count(),
         {"etat": "ouvertes", "conseiller": "personne"}),
        (_("Qui vous sont attribuées, à traiter"), waiting.filter(assigned_to=user).count(),
         {"etat": "ouvertes", "conseiller": "moi"}),
    ]
    return {"visible": True, "inbox": inbox + "?etat=ouvertes",
            "rows": [{"label": label, "count": count, "url": f"{inbox}?{urlencode(query)}"}
                     for label, count, query in rows]}
