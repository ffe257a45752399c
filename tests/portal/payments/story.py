"""What the payments pages' tests share (pages and browser): Léa, debited until her bank rejected
November's debit (account closed, AC04: the mandate stopped); the text of a page as the customer
reads it; the confirmation code found in the e-mail that carried it."""

import html
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_bank_files import camt054, write
from tests.portal.personas import person

OLD_IBAN = "FR7630006000011234567890189"
NEW_IBAN = "FR76 3000 4000 0312 3456 7890 143"  # BNP Paribas


def plain(words: str) -> str:
    """French spaces made plain: "10,99 €", "1 500,00 €"."""
    return words.replace("\xa0", " ").replace("\u202f", " ")


def text(response) -> str:
    """A page as the customer reads it (entities decoded, French spaces made plain)."""
    return plain(html.unescape(response.content.decode()))


def code_sent_to(address: str) -> str:
    """The 6-digit code of the last confirmation e-mail sent to `address`."""
    [*_, message] = [m for m in mail.outbox if address in m.to and "code de confirmation" in m.body]
    return re.search(r" : (\d{6})\. ", message.body).group(1)


@pytest.fixture
def rejected(catalogue, bill, settings, tmp_path):
    """Léa's account: November's invoice (10.99) debited on the 16th, returned AC04 on the 18th."""
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    account = make_individual("Léa Girard")
    activate_line(account=account, msisdn="0611223344", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    create_mandate(account, iban=OLD_IBAN, holder="Léa Girard", street="3 place Bellecour", postcode="69002",
                   city="Lyon", channel="paper")
    bill("2026-11")
    with time_machine.travel(datetime(2026, 11, 14, 18, tzinfo=UTC), tick=False):
        collect(date(2026, 11, 15))
    invoice = Invoice.objects.get(billing_account=account)
    import_bank_file(write(tmp_path, "retour.xml", camt054(("DBIT", "2026-11-18", invoice.number, "10.99", "AC04"))))
    return account, invoice


@pytest.fixture
def lea(rejected):
    return person("lea.girard@example.org", rejected[0].customer, Role.HOLDER)
