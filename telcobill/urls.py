from django.contrib import admin
from django.urls import include, path

from telcobill.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("backoffice/", include("telcobill.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("payments/", include("telcobill.payments.urls")),
    path("", include("telcobill.portal.urls")),
]
