"""Alertes: the holder and the managers choose the thresholds and lift the roaming cap (confirmed,
audited, sent to the network); an accountant and a line user read them and change nothing."""

from django.urls import reverse

from telcobill.customers.models import AuditEvent, ProvisioningOrder
from telcobill.usage.models import AlertPreference
from tests.portal.usage.test_this_month import text


def test_the_holder_chooses_the_thresholds(camille_line, camille, client):
    client.force_login(camille)
    url = reverse("portal:usage_alerts", args=[camille_line.pk])
    page = text(client.get(url))
    assert "Les alertes sont envoyées par e-mail à camille.martin@example.org." in page
    assert "60,00 € TTC dans le mois" in page

    response = client.post(url, {"seuils": ["50", "100"]})

    assert response.status_code == 302
    assert AlertPreference.objects.get(line=camille_line).thresholds == [50, 100]
    assert AuditEvent.objects.get(kind="line.usage_alerts").actor == camille
    assert "Vos préférences d'alertes sont enregistrées." in text(client.get(url))


def test_lifting_the_roaming_cap_is_confirmed_audited_and_sent_to_the_network(
        camille_line, camille, client, django_capture_on_commit_callbacks):
    client.force_login(camille)
    url = reverse("portal:usage_roaming_cap", args=[camille_line.pk])
    assert "Lever le plafond hors UE ?" in text(client.get(url))

    response = client.post(url, {})  # not confirmed
    assert response.status_code == 200
    assert "Cochez cette case pour confirmer, ou revenez en arrière pour garder le plafond." in text(response)
    camille_line.refresh_from_db()
    assert camille_line.roaming_cap_opt_out is False
    assert not ProvisioningOrder.objects.filter(action="roaming_cap").exists()

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"confirme": "on"})
    assert response["Location"] == reverse("portal:usage_alerts", args=[camille_line.pk])
    camille_line.refresh_from_db()
    assert camille_line.roaming_cap_opt_out is True
    order = ProvisioningOrder.objects.get(action="roaming_cap")
    assert (order.payload, order.created_by) == ({"msisdn": "+33612345678", "cap": "none"}, camille)
    event = AuditEvent.objects.get(kind="line.roaming_cap")
    assert (event.actor, event.data) == (camille, {"opt_out": True})

    with django_capture_on_commit_callbacks(execute=False):
        client.post(url, {"plafond": "retablir"})
    camille_line.refresh_from_db()
    assert camille_line.roaming_cap_opt_out is False
    assert list(ProvisioningOrder.objects.order_by("pk").values_list("payload__cap", flat=True)) == ["none", "default"]


def test_a_manager_may_an_accountant_and_a_line_user_may_not(people, atelier, client,
                                                             django_capture_on_commit_callbacks):
    line = atelier[1]
    alerts, cap = (reverse("portal:usage_alerts", args=[line.pk]),
                   reverse("portal:usage_roaming_cap", args=[line.pk]))
    for role in ("accountant", "line_user"):
        client.force_login(people[role])
        page = text(client.get(alerts))
        assert "Alertes à : 80 %, 100 %." in page and "Lever le plafond" not in page
        assert client.post(alerts, {"seuils": ["50"]}).status_code == 403
        assert client.get(cap).status_code == 403
        assert client.post(cap, {"confirme": "on"}).status_code == 403
    line.refresh_from_db()
    assert line.roaming_cap_opt_out is False
    assert not AlertPreference.objects.exists()
    assert not ProvisioningOrder.objects.filter(action="roaming_cap").exists()
    assert not AuditEvent.objects.exists()

    client.force_login(people["manager"])
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(cap, {"confirme": "on"}).status_code == 302
    line.refresh_from_db()
    assert line.roaming_cap_opt_out is True
    # Business: the cap read excl. and incl. VAT.
    assert "50,00 € HT (60,00 € TTC)" in text(client.get(alerts))
