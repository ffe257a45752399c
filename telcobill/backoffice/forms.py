"""The back office's forms: they parse what staff type; the use cases decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount
from telcobill.payments.models import Dispute, Method
from telcobill.portal.forms import SignInForm


def _choices() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "radiolist"})  # the admin's look for radio buttons


CYCLE = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Un cycle s'écrit AAAA-MM, par exemple 2026-11."))


class StaffSignInForm(SignInForm):
    """The customer space's sign-in (e-mail or mobile, throttled), for staff only."""

    error_messages = {
        **SignInForm.error_messages,
        "invalid_login": _("Identifiant ou mot de passe incorrect, ou compte sans accès au back office."),
    }
    required_css_class = "required"

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")


# --- bill runs -------------------------------------------------------------------------------

class StartBillRunForm(forms.Form):
    TRIAL, REAL = "trial", "real"

    cycle = forms.CharField(label=_("Cycle"), max_length=7, validators=[CYCLE],
                            widget=forms.TextInput(attrs={"placeholder": "2026-11", "size": 8}))
    mode = forms.ChoiceField(label=_("Mode"), widget=_choices(), initial=TRIAL, choices=[
        (TRIAL, _("Essai : calculer et contrôler, rien n'est émis")),
        (REAL, _("Pour de vrai : calculer, puis approuver pour émettre")),
    ])

    @property
    def trial(self) -> bool:
        return self.cleaned_data["mode"] == self.TRIAL


class HoldForm(forms.Form):
    account_number = forms.CharField(label=_("Compte de facturation"), max_length=20,
                                     widget=forms.TextInput(attrs={"placeholder": _("n° de compte"), "size": 12}))
    reason = forms.CharField(label=_("Motif"), max_length=300,
                             widget=forms.TextInput(attrs={"size": 50}),
                             help_text=_("Ce qui permettra à la personne suivante d'agir."))


class ReleaseForm(forms.Form):
    account_number = forms.CharField(max_length=20, widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    """The generation of the run whose report staff read: they approve that one, not another."""

    generation = forms.IntegerField(widget=forms.HiddenInput)


# --- credit notes ----------------------------------------------------------------------------

class CreditNoteForm(forms.Form):
    WHOLE, LINES, AMOUNT = "whole", "lines", "amount"

    reason = forms.CharField(label=_("Motif (imprimé sur l'avoir)"), max_length=300,
                             widget=forms.TextInput(attrs={"size": 60}))
    scope = forms.ChoiceField(label=_("Créditer"), widget=_choices(), initial=LINES, choices=[
        (WHOLE, _("toute la facture")),
        (LINES, _("les lignes cochées")),
        (AMOUNT, _("un montant TTC")),
    ])
    positions = forms.TypedMultipleChoiceField(label=_("Lignes"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    amount = forms.DecimalField(label=_("Montant TTC (€)"), required=False, min_value=Decimal("0.01"),
                                max_digits=12, decimal_places=2, localize=True)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["positions"].choices = [(ln.position, ln.position) for ln in lines]

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == self.LINES and not cleaned.get("positions"):
            self.add_error("positions", _("Cochez au moins une ligne à créditer."))
        if scope == self.AMOUNT and cleaned.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Indiquez le montant TTC à créditer."))
        return cleaned

    def use_case_arguments(self) -> dict:
        """`positions` and `amount_incl_vat` for `credit_invoice`, from the chosen scope."""
        scope = self.cleaned_data["scope"]
        return {"positions": self.cleaned_data["positions"] if scope == self.LINES else None,
                "amount_incl_vat": self.cleaned_data["amount"] if scope == self.AMOUNT else None}


# --- lines -----------------------------------------------------------------------------------

class _LineChangeForm(forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Motif"), max_length=200, widget=forms.TextInput(attrs={"size": 50}))

    def line_ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["ids"].split(",") if i.strip().isdigit()]


class SuspendLinesForm(_LineChangeForm):
    on = forms.DateField(label=_("Suspendre le"), initial=timezone.localdate,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    field_order = ["on", "reason", "ids"]


class TerminateLinesForm(_LineChangeForm):
    last_day = forms.DateField(label=_("Dernier jour de service"), initial=timezone.localdate,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    field_order = ["last_day", "reason", "ids"]


# --- payments --------------------------------------------------------------------------------

class AssignTransferForm(forms.Form):
    """Whose an unmatched transfer is: a billing account, and the invoices it pays, in order."""

    account_number = forms.CharField(label=_("Compte de facturation"), max_length=20,
                                     widget=forms.TextInput(attrs={"placeholder": _("n° de compte"), "size": 12}))
    invoice_numbers = forms.CharField(
        label=_("Factures réglées, dans l'ordre"), max_length=500, required=False,
        widget=forms.TextInput(attrs={"size": 50, "placeholder": "F2026-000123 F2026-000456"}),
        help_text=_("Facultatif. Numéros séparés par des espaces ou des virgules. Sans facture, le virement "
                    "règle les plus anciennes ; ce qui reste est un crédit sur le compte."))

    def clean_account_number(self):
        number = self.cleaned_data["account_number"].strip().upper()
        account = BillingAccount.objects.select_related("customer").filter(number=number).first()
        if account is None:
            raise forms.ValidationError(_("Aucun compte de facturation n° %(number)s : vérifiez le numéro."),
                                        params={"number": number}, code="unknown")
        self.cleaned_data["account"] = account
        return number

    def clean_invoice_numbers(self):
        numbers = list(dict.fromkeys(n for n in self.cleaned_data["invoice_numbers"].replace(",", " ").upper().split()))
        found = Invoice.objects.filter(number__in=numbers).in_bulk(field_name="number")
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(_("Facture inconnue : %(numbers)s."), params={"numbers": ", ".join(unknown)},
                                        code="unknown")
        self.cleaned_data["invoices"] = [found[n] for n in numbers]
        return " ".join(numbers)


class CloseDisputeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Issue"), widget=_choices(), choices=[
        (Dispute.Outcome.UPHELD, _("Facture due : la relance reprend (un prélèvement n'est pas représenté)")),
        (Dispute.Outcome.CREDITED, _("Contestation fondée : un avoir est émis pour ce qui reste dû")),
        (Dispute.Outcome.WRITTEN_OFF, _("Passer ce qui reste dû en perte")),
    ])
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60}),
                           help_text=_("Ce qui a été constaté. Gardée avec la contestation ; pour un avoir, "
                                       "imprimée dans son motif."))


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Montant (€)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
                                localize=True, widget=forms.TextInput(attrs={"size": 10, "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Rembourser par"), widget=_choices(), initial=Method.TRANSFER, choices=[
        (Method.TRANSFER, _("virement SEPA (dans la prochaine remise pain.001)")),
        (Method.CARD, _("carte bancaire, sur un paiement par carte du compte")),
    ])
    reason = forms.CharField(label=_("Motif (imprimé sur le virement)"), max_length=200,
                             widget=forms.TextInput(attrs={"size": 50}))
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False,
                           widget=forms.TextInput(attrs={"size": 34, "autocomplete": "off"}))
    holder = forms.CharField(label=_("Titulaire du compte"), max_length=70, required=False,
                             widget=forms.TextInput(attrs={"size": 40}))

    def __init__(self, *args, credit: Decimal, mandate_iban: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].validators.append(MaxValueValidator(
            credit, _("Au plus le crédit du compte : %(credit)s.") % {"credit": euros(credit)}))
        self.mandate_iban = mandate_iban
        self.fields["iban"].help_text = (
            _("Vide : l'IBAN du mandat, %(iban)s.") % {"iban": mandate_iban} if mandate_iban
            else _("Le compte n'a pas de mandat : indiquez l'IBAN du RIB du client."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == Method.TRANSFER and not cleaned.get("iban") and not self.mandate_iban:
            self.add_error("iban", _("Indiquez l'IBAN à créditer (le compte n'a pas de mandat)."))
        return cleaned


class ReceivablesForm(forms.Form):
    on = forms.DateField(label=_("Situation au"), required=False,
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def day(self):
        """The date asked for, or today (also when what was typed is not a date)."""
        if self.is_valid() and self.cleaned_data["on"]:
            return self.cleaned_data["on"]
        return timezone.localdate()
