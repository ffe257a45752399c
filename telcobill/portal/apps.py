from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "telcobill.portal"
    label = "portal"
