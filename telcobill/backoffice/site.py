"""The admin site as the operator's staff see it: its name, its dashboard, its sign-in."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.utils.translation import gettext_lazy as _

from .forms import StaffSignInForm


def configure(site: AdminSite) -> None:
    site.site_header = _("telcobill — back office")
    site.site_title = _("telcobill back office")
    site.index_title = _("Tableau de bord")
    site.site_url = None  # the customer space is not where staff go from here
    site.index_template = "backoffice/admin_index.html"
    site.login_form = StaffSignInForm
