from django.urls import include, path

from .views import app, home, session

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", session.LoginView.as_view(), name="login"),
    path("deconnexion/", session.logout_view, name="logout"),
    path("choisir/", session.choose, name="choose"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("factures/", include("telcobill.portal.invoices.urls")),
    path("paiement/", include("telcobill.portal.payments.urls")),
    path("conso/", include("telcobill.portal.usage.urls")),
    path("lignes/", include("telcobill.portal.lines.urls")),
    path("compte/", include("telcobill.portal.account.urls")),
]
