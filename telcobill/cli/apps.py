from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "telcobill.cli"
    label = "cli"

    def ready(self):
        from telcobill import checks  # noqa: F401  (registers the start-up checks)
