"""A business with 50 lines for the pages of Mes lignes: plans, labels, cost centres, an option,
two suspended lines, billed in November 2026; its holder, manager and accountant."""

from datetime import date

from telcobill.customers.models import Role
from telcobill.workflows.lines import activate_line, add_option, suspend_line
from tests.factories import make_business
from tests.portal.personas import person

CENTRES = ["Atelier", "Commercial", "Direction"]


def number(i: int) -> str:
    return f"06220000{i:02d}"


def make_fleet(bill):
    account = make_business("Transports Lefèvre SAS", siren="732829320")
    lines = {}
    for i in range(1, 51):
        lines[i] = activate_line(
            account=account, msisdn=number(i), plan_code="PLAN-L" if i % 5 == 0 else "PRO", on=date(2026, 11, 1),
            label="Hélène Durand" if i == 42 else f"Salarié {i:02d}",
            cost_centre="" if i % 10 == 0 else CENTRES[i % 3], sim_fee=None)
    add_option(line=lines[3], option_code="OPT-X", on=date(2026, 11, 1))
    for i in (7, 13):
        suspend_line(line=lines[i], on=date(2026, 11, 10), reason="lost")
    bill("2026-11")
    customer = account.customer
    people = {role: person(f"{role}@lefevre.example", customer, role)
              for role in (Role.HOLDER, Role.MANAGER, Role.ACCOUNTANT)}
    return account, lines, people
