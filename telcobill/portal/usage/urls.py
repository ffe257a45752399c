from django.urls import path

from . import alerts, history, itemized, lines

urlpatterns = [
    path("", lines.usage, name="usage"),
    path("ligne/<int:pk>/", lines.line_month, name="usage_line"),
    path("ligne/<int:pk>/historique/", history.history, name="usage_history"),
    path("ligne/<int:pk>/communications/", itemized.itemized_page, name="usage_itemized"),
    path("ligne/<int:pk>/communications.csv", itemized.itemized_csv, name="usage_itemized_csv"),
    path("ligne/<int:pk>/alertes/", alerts.alerts, name="usage_alerts"),
    path("ligne/<int:pk>/plafond-etranger/", alerts.roaming_cap, name="usage_roaming_cap"),
]
