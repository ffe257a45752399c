from django.urls import reverse

from telcobill.customers.models import AuditEvent, Person

ADD = reverse("admin:customers_person_add")
PASSWORD = "Violette-Ardoise-42"


def test_staff_adds_a_person_who_signs_in_with_a_mobile_number(staff_client):
    response = staff_client.post(ADD, {"email": "", "mobile": "06 12 34 56 78", "first_name": "Léa",
                                       "last_name": "Petit", "password1": PASSWORD, "password2": PASSWORD})

    person = Person.objects.get(mobile="+33612345678")
    assert response.status_code == 302
    assert person.email is None  # not "": e-mail addresses are unique
    assert person.password.startswith("argon2")
    assert person.check_password(PASSWORD)
    assert not person.is_staff


def test_a_person_needs_an_email_address_or_a_mobile_number(staff_client):
    response = staff_client.post(ADD, {"email": "", "mobile": "", "password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert "renseignez au moins l&#x27;un des deux" in response.content.decode()
    assert Person.objects.count() == 1  # the staff member only


def test_making_someone_staff_is_audited(staff_client, staff, holder):
    change = reverse("admin:customers_person_change", args=[holder.pk])
    form = staff_client.get(change).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                                  "user_permissions", "last_login")}
    data.update({"is_staff": "on", "is_active": "on", "date_joined_0": holder.date_joined.strftime("%d/%m/%Y"),
                 "date_joined_1": holder.date_joined.strftime("%H:%M:%S"),
                 "accesses-TOTAL_FORMS": "1", "accesses-INITIAL_FORMS": "1", "accesses-MIN_NUM_FORMS": "0",
                 "accesses-MAX_NUM_FORMS": "1000", "accesses-0-id": holder.accesses.get().pk,
                 "accesses-0-person": holder.pk})
    data.pop("date_joined", None)

    response = staff_client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    holder.refresh_from_db()
    assert holder.is_staff
    event = AuditEvent.objects.get(kind="person.changed")
    assert (event.actor, event.data["fields"]) == (staff, ["is_staff"])
