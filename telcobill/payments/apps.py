from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "telcobill.payments"
    label = "payments"
    verbose_name = "Paiements"
    default_auto_field = "django.db.models.BigAutoField"
