from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "telcobill.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

    def ready(self):
        from django.contrib import admin

        from .site import configure

        configure(admin.site)
