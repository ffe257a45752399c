from django.urls import include, path

from .views import app, home, password, session

app_name = "portal"
urlpatterns = [
    path("", home.home, name="home"),
    path("connexion/", session.LoginView.as_view(), name="login"),
    path("deconnexion/", session.logout_view, name="logout"),
    path("choisir/", session.choose, name="choose"),
    path("mot-de-passe/oublie/", password.forgot, name="password_forgot"),
    path("mot-de-passe/code/", password.code, name="password_code"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", password.LinkView.as_view(), name="password_link"),
    path("manifest.webmanifest", app.manifest, name="manifest"),
    path("factures/", include("telcobill.portal.invoices.urls")),
    path("paiement/", include("telcobill.portal.payments.urls")),
    path("conso/", include("telcobill.portal.usage.urls")),
    path("lignes/", include("telcobill.portal.lines.urls")),
    path("compte/", include("telcobill.portal.account.urls")),
    path("aide/", include("telcobill.portal.help.urls")),
]
