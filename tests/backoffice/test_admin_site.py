from django.urls import reverse

from tests.backoffice.conftest import PASSWORD


def test_the_dashboard_is_the_operators_back_office_and_leads_to_the_bill_runs(staff_client):
    html = staff_client.get(reverse("admin:index")).content.decode()

    assert "telcobill — back office" in html
    assert reverse("backoffice:billrun_list") in html
    assert "Pilotage de la facturation" in html


def test_staff_signs_in_to_the_back_office_with_their_email(client, staff):
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD,
                                                    "next": reverse("admin:index")})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_customer_cannot_sign_in_to_the_back_office(client, holder):
    response = client.post(reverse("admin:login"), {"username": holder.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "compte sans accès au back office" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_bill_runs_entry_of_the_admin_leads_to_the_control_page(staff_client):
    response = staff_client.get(reverse("admin:billing_billrun_changelist"))

    assert response["Location"] == reverse("backoffice:billrun_list")
