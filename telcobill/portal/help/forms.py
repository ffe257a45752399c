"""The contact form and the reply box: labelled fields; the rules are the use cases'
(support/services), and a refusal about one field is shown next to it."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from telcobill.customers.identifiers import format_msisdn
from telcobill.errors import TelcobillError
from telcobill.support.models import Category
from telcobill.support.services.conversations import MAX_LENGTH

MESSAGE_HELP = _("Donnez les détails utiles : numéro de facture, date, ce qui s'est passé. N'écrivez jamais votre "
                 "mot de passe ni votre numéro de carte bancaire.")
# The use case's own words (support/services/conversations.clean_body), said before it is called.
MESSAGE_ERRORS = {"required": _("Écrivez votre message."),
                  "max_length": _("Votre message dépasse %(limit_value)s caractères : raccourcissez-le.")}


def show_refusal(form: forms.Form, refusal: TelcobillError) -> None:
    """A use case's refusal next to its field (an Invalid's code names it), else above the form."""
    form.add_error(refusal.code if refusal.code in form.fields else None, capfirst(refusal.message))


class ContactForm(forms.Form):
    category = forms.ChoiceField(label=_("Sujet de votre demande"), choices=Category.choices,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": _("Choisissez le sujet de votre demande.")})
    line = forms.TypedChoiceField(label=_("Ligne concernée (facultatif)"), required=False, coerce=int,
                                  empty_value=None)
    body = forms.CharField(label=_("Votre message"), help_text=MESSAGE_HELP, max_length=MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 7}), error_messages=MESSAGE_ERRORS)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = {line.pk: line for line in lines}
        choices = [(pk, format_msisdn(line.msisdn) + (f" · {line.label}" if line.label else ""))
                   for pk, line in self.lines.items()]
        self.fields["line"].choices = [("", _("Aucune ligne en particulier")), *choices]
        self.fields["line"].error_messages["invalid_choice"] = _("Choisissez une ligne dans la liste.")
        if not choices:
            del self.fields["line"]

    def chosen_line(self):
        return self.lines.get(self.cleaned_data.get("line"))


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Votre message"), max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages=MESSAGE_ERRORS)
