from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    # The address to register in the Stripe dashboard (Developers → Webhooks).
    path("stripe/webhook", views.stripe_webhook, name="stripe_webhook"),
]
