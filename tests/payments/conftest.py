"""Personas of the payments tests."""

import pytest

from telcobill.customers.models import Person


@pytest.fixture
def staff(db):
    """Someone from the billing team deciding what the machine must not guess."""
    return Person.objects.create_user("recouvrement@operateur.example", "correct horse battery staple",
                                      is_staff=True, first_name="Inès", last_name="Roux")
