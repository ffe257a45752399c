"""Data and personas of the payments back-office tests: accounts billed the way the payments
tests bill them, an unmatched transfer from a bank statement, staff holding payments permissions."""

from datetime import date

from django.contrib.auth.models import Permission

from telcobill.billing.models import Invoice
from telcobill.customers.models import PaymentMethod, Person
from telcobill.payments.models import Transfer
from telcobill.payments.services.bank import import_bank_file
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_bank_files import credit, statement

PASSWORD = "correct horse battery staple"


def recovery_staff(email="recouvrement@operateur.example", *, payments: tuple[str, ...] | None = None) -> Person:
    """Staff of the collections team: the customers and billing permissions, and those of payments
    (all of them, or the codenames given)."""
    person = Person.objects.create_user(email, PASSWORD, is_staff=True, first_name="Hugo", last_name="Lambert")
    others = Permission.objects.filter(content_type__app_label__in=["customers", "billing", "documents"])
    mine = Permission.objects.filter(content_type__app_label="payments")
    if payments is not None:
        mine = mine.filter(codename__in=payments)
    person.user_permissions.set([*others, *mine])
    return person


def late_payer(bill, name="Camille Martin", msisdn="0612345678", cycles=("2026-11",), since=date(2026, 11, 1)):
    """An individual paying by transfer, a line on Forfait S from `since` (10,99 € a month, due 15
    days after the issue: 16 November for the November invoice), billed for `cycles`."""
    account = make_individual(name, payment_method=PaymentMethod.TRANSFER)
    activate_line(account=account, msisdn=msisdn, plan_code="PLAN-S", on=since, sim_fee=None)
    for cycle in cycles:
        bill(cycle)
    return account


def invoices(account) -> list[Invoice]:
    return list(Invoice.objects.filter(billing_account=account).order_by("issue_date", "pk"))


def unmatched_transfer(tmp_path, *, amount="25.00", reference="facture de novembre", debtor="C MARTIN",
                       bank_ref="B2", booked="2026-11-20") -> Transfer:
    """A credit on the operator's statement whose reference names no single invoice: in the queue."""
    path = tmp_path / f"releve-{bank_ref}.xml"
    path.write_bytes(statement(credit(booked, amount, reference, debtor, bank_ref)).replace(
        b"<MsgId>S1</MsgId>", f"<MsgId>S-{bank_ref}</MsgId>".encode()))
    assert import_bank_file(path).unmatched == [reference]
    return Transfer.objects.get(bank_ref=f"{bank_ref}/0")  # the entry's reference, its first detail
