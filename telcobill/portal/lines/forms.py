"""The forms of Mes lignes: labelled fields, errors in the customer's words next to the field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

REASONS = [("perte", _("Perte")), ("vol", _("Vol"))]


class LineDetailsForm(forms.Form):
    label = forms.CharField(label=_("Libellé de la ligne"), max_length=100, required=False,
                            help_text=_("Le nom de la personne qui utilise la ligne, ou son usage (« Standard »)."))
    cost_centre = forms.CharField(label=_("Centre de coûts"), max_length=50, required=False,
                                  help_text=_("Pour répartir les coûts : un service, un chantier, une agence…"))


class SuspendForm(forms.Form):
    reason = forms.ChoiceField(label=_("Que s'est-il passé ?"), choices=REASONS, widget=forms.RadioSelect,
                               error_messages={"required": _("Choisissez « Perte » ou « Vol ».")})
