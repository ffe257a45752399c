from django.urls import path

from . import billing, contact, invitation, overview, people

urlpatterns = [
    path("", overview.overview, name="account"),
    path("adresse/<int:account_id>/", billing.address, name="account_address"),
    path("facturation/<int:account_id>/", billing.invoicing, name="account_invoicing"),
    path("facturation/<int:account_id>/email/", billing.billing_email, name="account_billing_email"),
    path("coordonnees/email/", contact.change, {"field": "email"}, name="account_email"),
    path("coordonnees/mobile/", contact.change, {"field": "mobile"}, name="account_mobile"),
    path("code/<int:challenge_id>/", contact.code, name="account_code"),
    path("langue/", contact.language, name="account_language"),
    path("personnes/", people.people_list, name="account_people"),
    path("personnes/inviter/", people.invite, name="account_invite"),
    path("personnes/<int:person_id>/retirer/", people.remove, name="account_remove"),
    path("invitation/<uidb64>/<token>/", invitation.InvitationView.as_view(), name="account_invitation"),
]
