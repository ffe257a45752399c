from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "telcobill.billing"
    label = "billing"
