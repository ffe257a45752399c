from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "telcobill.backoffice"
    label = "backoffice"
