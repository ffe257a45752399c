"""The conversation page's forms: they parse what the agent chose; the use cases decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from telcobill.customers.models import Person
from telcobill.support.models import CannedAnswer, Conversation
from telcobill.support.services.conversations import MAX_LENGTH
from telcobill.support.services.inbox import AGENT_STATUSES


def agents() -> QuerySet[Person]:
    """Active staff who may answer conversations (the permission held directly or by a group)."""
    answer = Permission.objects.get(content_type__app_label="support", codename="change_conversation")
    return (Person.objects.filter(is_staff=True, is_active=True)
            .filter(Q(is_superuser=True) | Q(user_permissions=answer) | Q(groups__permissions=answer))
            .distinct().order_by("first_name", "last_name", "email"))


class AgentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.display_name


class AssignForm(forms.Form):
    agent = AgentChoice(label=_("Attribuer à"), queryset=Person.objects.none(), required=False,
                        empty_label=_("Personne (à attribuer)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents()


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=[(s.value, s.label) for s in AGENT_STATUSES])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Réponse au client"), max_length=MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
                           help_text=_("Le client la lit dans son espace client et reçoit un e-mail."),
                           error_messages={"required": _("Écrivez la réponse.")})


def canned_answers(conversation: Conversation) -> list[CannedAnswer]:
    """The active canned answers, those of the conversation's subject first, then the general ones."""
    rows = CannedAnswer.objects.filter(active=True)
    rank = {conversation.category: 0, "": 1}
    return sorted(rows, key=lambda a: (rank.get(a.category, 2), a.order, a.title))
