from django.apps import AppConfig


class UsageConfig(AppConfig):
    name = "telcobill.usage"
    label = "usage"
