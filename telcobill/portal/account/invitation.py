"""The invitation link: the invited person chooses their password (Django's password reset tokens)
and arrives signed in on their new space."""

from __future__ import annotations

from django.contrib.auth.views import PasswordResetConfirmView
from django.urls import reverse_lazy

from telcobill.customers.services.people import invitation_accepted

from .forms import InvitationPasswordForm


class InvitationView(PasswordResetConfirmView):
    template_name = "portal/account/invitation.html"
    form_class = InvitationPasswordForm
    success_url = reverse_lazy("portal:home")
    post_reset_login = True
    post_reset_login_backend = "telcobill.customers.auth.EmailOrMobileBackend"

    def form_valid(self, form):
        response = super().form_valid(form)
        invitation_accepted(form.user)
        return response
