from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("backoffice/", include("telcobill.backoffice.urls")),
    path("admin/", admin.site.urls),
    path("", include("telcobill.portal.urls")),
]
