from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CliConfig(AppConfig):
    name = "telcobill.cli"
    label = "cli"
    verbose_name = _("Ligne de commande")

    def ready(self):
        from telcobill import checks  # noqa: F401  (registers the start-up checks)
