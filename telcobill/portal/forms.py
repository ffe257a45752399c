from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from telcobill.customers import throttling


class SignInForm(AuthenticationForm):
    username = forms.CharField(label=_("Adresse e-mail ou numéro de mobile"), max_length=254,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))

    error_messages = {
        "invalid_login": _("Identifiant ou mot de passe incorrect. Vérifiez-les et réessayez."),
        "inactive": _("Ce compte est désactivé. Contactez le service client."),
        "locked": _("Trop de tentatives. Pour votre sécurité, réessayez dans 15 minutes "
                    "ou réinitialisez votre mot de passe."),
    }

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            if throttling.is_locked_out(identifier):
                raise forms.ValidationError(self.error_messages["locked"], code="locked")
            self.user_cache = authenticate(self.request, username=identifier, password=password)
            if self.user_cache is None:
                throttling.record_failure(identifier)
                raise self.get_invalid_login_error()
            throttling.clear_failures(identifier)
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
