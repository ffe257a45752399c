"""Another customer's line answers 404 on every Ma conso route, read or change, and changes nothing."""

from django.urls import reverse

from telcobill.customers.models import AuditEvent, ProvisioningOrder
from telcobill.usage.models import AlertPreference

ROUTES = ("portal:usage_line", "portal:usage_history", "portal:usage_itemized", "portal:usage_itemized_csv",
          "portal:usage_alerts", "portal:usage_roaming_cap")


def test_a_strangers_line_answers_404_everywhere(people, garage_line, client):
    client.force_login(people["holder"])  # Atelier Dupont's holder, who may change her own lines
    for route in ROUTES:
        url = reverse(route, args=[garage_line.pk])
        assert client.get(url).status_code == 404, route
    for route, data in (("portal:usage_alerts", {"seuils": ["50"]}), ("portal:usage_roaming_cap", {"confirme": "on"}),
                        ("portal:usage_roaming_cap", {"plafond": "retablir"})):
        assert client.post(reverse(route, args=[garage_line.pk]), data).status_code == 404, route
    assert client.get(reverse("portal:usage"), {"q": "0698765432"}).context["rows"] == []
    garage_line.refresh_from_db()
    assert garage_line.roaming_cap_opt_out is False
    assert not AlertPreference.objects.exists()
    assert not ProvisioningOrder.objects.filter(action="roaming_cap").exists()
    assert not AuditEvent.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(garage_line, client):
    response = client.get(reverse("portal:usage_line", args=[garage_line.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
