from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from telcobill.usage.models import ALERT_THRESHOLDS

KINDS = [("", _("Toutes")), ("appels", _("Appels")), ("sms", _("SMS et MMS")), ("internet", _("Internet mobile")),
         ("etranger", _("À l'étranger"))]
# The page's words in the address, the use case's below.
KIND_FILTERS = {"appels": "calls", "sms": "messages", "internet": "data", "etranger": "roaming"}


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # the form a date field reads


class ItemizedFilter(forms.Form):
    mois = forms.ChoiceField(label=_("Mois"), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=KINDS, required=False)
    du = forms.DateField(label=_("Du"), required=False, widget=_date(),
                         error_messages={"invalid": _("Saisissez une date, par exemple 03/10/2026.")})
    au = forms.DateField(label=_("Au"), required=False, widget=_date(),
                         error_messages={"invalid": _("Saisissez une date, par exemple 31/10/2026.")})
    numero = forms.CharField(label=_("Numéro appelé"), required=False, max_length=20,
                             widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))

    def __init__(self, *args, months: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mois"].choices = months

    def full_clean(self):
        super().full_clean()
        for name in self.errors:  # the message is read with its field
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true",
                                                       "aria-describedby": f"id_{name}-error"})

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["du"] > data["au"]:
            self.add_error("au", _("Choisissez une date de fin après la date de début."))
            data.pop("du")  # a range in error filters nothing
        return data


class AlertThresholds(forms.Form):
    seuils = forms.TypedMultipleChoiceField(label=_("M'alerter quand j'ai consommé"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seuils"].choices = [
            (t, gettext("%(percent)s %% de mon forfait") % {"percent": t} if t < 100 else gettext("tout mon forfait"))
            for t in ALERT_THRESHOLDS]


class LiftRoamingCap(forms.Form):
    confirme = forms.BooleanField(
        label=_("Je comprends que l'internet mobile hors Union européenne ne sera plus coupé au plafond, "
                "et que toute la consommation me sera facturée."),
        error_messages={"required": _("Cochez cette case pour confirmer, ou revenez en arrière pour garder "
                                      "le plafond.")})
