"""The forms of the payments pages: labelled fields, errors in the customer's words next to the
field. What the details must be (a valid IBAN, an address) is checked by the use cases; their
refusals are put back on the field concerned (`debit.py`)."""

from __future__ import annotations

from babel import Locale
from django import forms
from django.utils.translation import gettext_lazy as _

from telcobill.formats import babel_locale

# Where a SEPA direct debit can be drawn from, most frequent first.
SEPA_COUNTRIES = ["FR", "BE", "LU", "MC", "DE", "ES", "IT", "NL", "PT", "CH", "AT", "IE"]


def _countries() -> list[tuple[str, str]]:
    names = Locale.parse(babel_locale()).territories
    return [(code, names.get(code, code)) for code in SEPA_COUNTRIES]


class DebitForm(forms.Form):
    iban = forms.CharField(label=_("IBAN"), max_length=42, help_text=_("Sur votre RIB : 27 caractères pour un "
                                                                        "compte en France, commençant par FR76."),
                           error_messages={"required": _("Indiquez l'IBAN du compte à prélever (sur votre RIB).")},
                           widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                         "autocapitalize": "characters"}))
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=70,
                             error_messages={"required": _("Indiquez le nom du titulaire du compte, comme sur le "
                                                           "RIB.")},
                             widget=forms.TextInput(attrs={"autocomplete": "name"}))
    street = forms.CharField(label=_("Adresse du titulaire (numéro et rue)"), max_length=70,
                             error_messages={"required": _("Indiquez l'adresse du titulaire : votre banque la "
                                                           "reçoit avec chaque prélèvement.")},
                             widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    postcode = forms.CharField(label=_("Code postal"), max_length=16,
                               error_messages={"required": _("Indiquez le code postal.")},
                               widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}))
    city = forms.CharField(label=_("Ville"), max_length=35, error_messages={"required": _("Indiquez la ville.")},
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    country = forms.ChoiceField(label=_("Pays"), choices=_countries,
                                error_messages={"required": _("Choisissez le pays."),
                                                "invalid_choice": _("Choisissez un pays de la liste.")})
    consent = forms.BooleanField(
        label=_("J'autorise le prélèvement de mes factures sur ce compte (mandat de prélèvement SEPA)."),
        error_messages={"required": _("Cochez cette case pour autoriser le prélèvement.")})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code de confirmation"), max_length=12,
                           help_text=_("6 chiffres, valable 10 minutes."),
                           error_messages={"required": _("Saisissez le code à 6 chiffres que nous vous avons "
                                                         "envoyé.")},
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "autofocus": True}))


class DisputeForm(forms.Form):
    description = forms.CharField(
        label=_("Qu'est-ce qui ne va pas sur cette facture ?"), max_length=300,
        help_text=_("Par exemple : « appels vers l'étranger que je n'ai pas passés ». 300 caractères au plus."),
        error_messages={"required": _("Dites-nous en quelques mots ce que vous contestez."),
                        "max_length": _("300 caractères au plus : l'essentiel suffit, un conseiller vous "
                                        "recontactera.")},
        widget=forms.Textarea(attrs={"rows": 4}))
