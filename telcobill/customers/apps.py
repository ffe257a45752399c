from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "telcobill.customers"
    label = "customers"
