"""The forms of Mon compte: labelled fields only; the rules are the use cases' (customers/services),
and a refusal about one field is shown next to it (`show_refusal`)."""

from __future__ import annotations

from babel import Locale
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from telcobill.customers.identifiers import format_msisdn
from telcobill.customers.models import Role
from telcobill.errors import TelcobillError
from telcobill.formats import babel_locale

LANGUAGES = [("fr", "Français"), ("en", "English")]  # each in its own language, as a language menu shows it


def show_refusal(form: forms.Form, refusal: TelcobillError) -> None:
    """A use case's refusal next to its field (an Invalid's code names it), else above the form."""
    form.add_error(refusal.code if refusal.code in form.fields else None, capfirst(refusal.message))


def countries() -> list[tuple[str, str]]:
    """France first, then every country by its name in the page's language."""
    names = Locale.parse(babel_locale()).territories
    others = sorted(((code, name) for code, name in names.items() if len(code) == 2 and code.isalpha()
                     and code not in ("FR", "ZZ", "EU", "EZ", "UN", "QO", "XA", "XB")), key=lambda c: c[1])
    return [("FR", names["FR"]), *others]


class AddressForm(forms.Form):
    address_line1 = forms.CharField(label=_("Numéro et rue"), max_length=200, widget=forms.TextInput(
        attrs={"autocomplete": "address-line1"}))
    address_line2 = forms.CharField(label=_("Complément d'adresse (facultatif)"), max_length=200, required=False,
                                    help_text=_("Bâtiment, étage, lieu-dit…"),
                                    widget=forms.TextInput(attrs={"autocomplete": "address-line2"}))
    postcode = forms.CharField(label=_("Code postal"), max_length=10, widget=forms.TextInput(
        attrs={"autocomplete": "postal-code", "inputmode": "numeric", "class": "short"}))
    city = forms.CharField(label=_("Ville"), max_length=100, widget=forms.TextInput(
        attrs={"autocomplete": "address-level2"}))
    country_code = forms.ChoiceField(label=_("Pays"), widget=forms.Select(attrs={"autocomplete": "country"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country_code"].choices = countries()
        for field in self.fields.values():
            field.error_messages["required"] = _("Ce champ est à remplir.")


class ContactForm(forms.Form):
    """A new e-mail address or mobile; `kind` sets the keyboard phones show."""

    value = forms.CharField(max_length=254)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["value"]
        field.error_messages["required"] = _("Ce champ est à remplir.")
        if kind == "mobile":
            field.label = _("Nouveau numéro de mobile")
            field.help_text = _("Par exemple 06 12 34 56 78. Nous y envoyons un code par SMS.")
            field.widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
        else:
            field.label = _("Nouvelle adresse e-mail")
            field.help_text = _("Nous y envoyons un code pour vérifier qu'elle est bien à vous.")
            field.widget = forms.EmailInput(attrs={"autocomplete": "email"})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code reçu"), max_length=12, help_text=_("6 chiffres, valable 10 minutes."),
                           error_messages={"required": _("Saisissez le code reçu.")},
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                         "class": "short code"}))


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Langue de l'espace client et des messages"), choices=LANGUAGES,
                                 widget=forms.RadioSelect)


class InvoicePreferencesForm(forms.Form):
    paperless = forms.TypedChoiceField(
        label=_("Recevoir mes factures"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Par e-mail (facture électronique)")), ("no", _("Par courrier (facture papier)"))])
    with_pdf = forms.BooleanField(label=_("Joindre la facture en PDF à l'e-mail"), required=False)
    language = forms.ChoiceField(label=_("Langue des factures et des e-mails"), choices=LANGUAGES,
                                 widget=forms.RadioSelect)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne"), max_length=254,
                             error_messages={"required": _("Ce champ est à remplir."),
                                             "invalid": _("Saisissez une adresse e-mail complète, par exemple "
                                                          "prenom.nom@exemple.fr.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label=_("Prénom (facultatif)"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom (facultatif)"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("Rôle"), widget=forms.RadioSelect, choices=[
        (Role.MANAGER.value, _("Gestionnaire : lignes, forfaits, options et assistance")),
        (Role.ACCOUNTANT.value, _("Comptable : factures, paiements et exports, sans rien modifier")),
        (Role.LINE_USER.value, _("Utilisateur d'une ligne : la conso de sa ligne seulement"))],
        error_messages={"required": _("Choisissez un rôle.")})
    line = forms.TypedChoiceField(label=_("Sa ligne (pour un utilisateur de ligne)"), required=False, coerce=int,
                                  empty_value=None)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("Choisir une ligne"))] + [
            (line.pk, format_msisdn(line.msisdn) + (f" · {line.label}" if line.label else "")) for line in lines]


class InvitationPasswordForm(SetPasswordForm):
    """Choosing one's password from the invitation: French labels, errors next to each field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Choisissez votre mot de passe")
        self.fields["new_password1"].help_text = _("10 caractères au moins, pas uniquement des chiffres, "
                                                   "ni un mot de passe courant.")
        self.fields["new_password2"].label = _("Confirmez-le")
        self.fields["new_password2"].help_text = ""
        self.error_messages = {**self.error_messages,
                               "password_mismatch": _("Les deux mots de passe ne sont pas identiques.")}

    def clean(self):
        # The password's problems go next to the field where it was chosen, not its confirmation.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data
