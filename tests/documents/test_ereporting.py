"""E-reporting: the periodic summaries (10.3 consumer transactions, 10.4 payments) are the stored
documents' totals to the cent, the file is the same bytes each time, and a recorded report that
no longer matches the documents is caught.

    Camille (consumer)  F(Nov) 10.99 = 9.16 + VAT 1.83 (S 20 %), issued 1 Nov
                        credit note 4.00 = 3.33 + VAT 0.67, issued 12 Nov
                        paid 10.99 by card 5 Nov, returned 15 Nov; 6.99 by transfer 25 Nov
    Louis (consumer)    F(Nov) 59.99 = 16.66 + VAT 3.33 (S 20 %) + 40.00 indemnity (O 0 %)
                        paid 59.99 by transfer 10 Nov
    Atelier (business)  F(Nov) 24.00 = 20.00 + VAT 4.00, paid 10.00 by transfer 25 Nov
                        (not in 10.3: e-invoiced; in 10.4: VAT on services is due when paid)
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from telcobill.billing.models import Charge, DocumentKind, Invoice, Section
from telcobill.billing.totals import VatLine
from telcobill.catalogue.models import Product
from telcobill.documents.models import EReport
from telcobill.documents.snapshot import document_of
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.services import ledger
from telcobill.workflows import ereporting
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.ereporting import Period, periods, split
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

D = Decimal


@dataclass
class Books:
    camille: Invoice
    louis: Invoice
    atelier: Invoice
    credit_note: Invoice


@pytest.fixture
def books(catalogue, bill, settings, tmp_path) -> Books:
    settings.EINVOICING = {**settings.EINVOICING, "dir": tmp_path / "einvoicing", "ereporting_cadence": "decade"}
    camille, louis = make_individual("Camille Martin"), make_individual("Louis Bernard")
    atelier = make_business("Atelier Dupont SARL")
    activate_line(account=camille, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    activate_line(account=louis, msisdn="0623456789", plan_code="PLAN-L", on=date(2026, 11, 1), sim_fee=None)
    Charge.objects.create(billing_account=louis, product=Product.objects.get(code="indemnite_recouvrement"),
                          section=Section.PENALTIES, description="", charged_on=date(2026, 10, 20))
    activate_line(account=atelier, msisdn="0698765432", plan_code="PRO", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    invoices = {i.billing_account_id: i for i in Invoice.objects.filter(cycle="2026-11")}
    books = Books(invoices[camille.pk], invoices[louis.pk], invoices[atelier.pk], credit_note=None)

    def pay(account, amount, day, reference, method="transfer"):
        entry, _ = ledger.record_payment(account, amount=D(amount), on=day, method=method, reference=reference,
                                         label=f"Paiement {reference}")
        return entry

    card = pay(camille, "10.99", date(2026, 11, 5), "CARD-1", method="card")
    pay(louis, "59.99", date(2026, 11, 10), "VIR-L1")
    # Camille's credit note finds her invoice paid: it is credit, which settles it again once the card comes back.
    books.credit_note = credit_invoice(books.camille.number, reason="Geste commercial", amount_incl_vat=D("4.00"),
                                       now=datetime(2026, 11, 12, 9, 0, tzinfo=UTC))
    ledger.reverse_payment(card, on=date(2026, 11, 15), reference="CARD-1-R", label="Paiement contesté")
    pay(camille, "6.99", date(2026, 11, 25), "VIR-C1")
    pay(atelier, "10.00", date(2026, 11, 25), "VIR-A1")
    return books


def cells(data):
    return [(c.category, c.rate, c.base, c.vat, c.count) for c in data.totals]


def days(data):
    return [(day, [(c.category, c.rate, c.base, c.vat, c.count) for c in day_cells]) for day, day_cells in data.days]


def test_the_documents_are_as_the_story_says(books):
    assert [(i.total_net, i.total_vat, i.total_gross) for i in (books.camille, books.louis, books.atelier,
                                                                 books.credit_note)] == [
        (D("9.16"), D("1.83"), D("10.99")), (D("56.66"), D("3.33"), D("59.99")), (D("20.00"), D("4.00"), D("24.00")),
        (D("3.33"), D("0.67"), D("4.00"))]
    assert books.credit_note.kind == DocumentKind.CREDIT_NOTE and books.credit_note.issue_date == date(2026, 11, 12)
    assert books.atelier.buyer["is_business"] and not books.louis.buyer.get("is_business")


def test_transactions_are_the_consumer_documents_totals_per_rate_and_day(books):
    first, _ = ereporting.build_transactions_report(date(2026, 11, 1), date(2026, 11, 10))
    assert days(first) == [(date(2026, 11, 1), [("S", D("20.00"), D("25.82"), D("5.16"), 2),
                                                ("O", D("0.00"), D("40.00"), D("0.00"), 1)])]
    assert (first.count, first.total_net, first.total_vat) == (2, D("65.82"), D("5.16"))
    # The business invoice is e-invoiced, not e-reported: the consumer documents' own totals, exactly.
    consumer = [books.camille, books.louis]
    assert (first.total_net, first.total_vat) == (sum(i.total_net for i in consumer),
                                                  sum(i.total_vat for i in consumer))

    # The credit note counts negative, on its own issue day.
    second, _ = ereporting.build_transactions_report(date(2026, 11, 11), date(2026, 11, 20))
    assert days(second) == [(date(2026, 11, 12), [("S", D("20.00"), D("-3.33"), D("-0.67"), 1)])]
    assert (second.count, second.total_net, second.total_vat) == (1, D("-3.33"), D("-0.67"))

    third, content = ereporting.build_transactions_report(date(2026, 11, 21), date(2026, 11, 30))
    assert (third.days, third.totals, third.count, third.total_net) == ((), (), 0, D("0.00"))
    assert b"<Transactions/>" in content


def test_each_rate_is_the_sum_of_the_documents_printed_vat_breakdowns(books):
    data, _ = ereporting.build_transactions_report(date(2026, 11, 1), date(2026, 11, 30))
    expected: dict = {}
    for invoice in (books.camille, books.louis, books.credit_note):
        sign = -1 if invoice.kind == DocumentKind.CREDIT_NOTE else 1
        for vat in document_of(invoice).vat_totals:  # what the PDF and the XML say
            base, amount, count = expected.get((vat.category, vat.rate), (D("0.00"), D("0.00"), 0))
            expected[vat.category, vat.rate] = (base + sign * vat.base, amount + sign * vat.amount, count + 1)
    assert {(c.category, c.rate): (c.base, c.vat, c.count) for c in data.totals} == expected == {
        ("S", D("20.00")): (D("22.49"), D("4.49"), 3), ("O", D("0.00")): (D("40.00"), D("0.00"), 1)}


def test_payments_are_split_per_rate_of_the_invoice_they_pay_and_returns_count_negative(books):
    data, _ = ereporting.build_payments_report(date(2026, 11, 1), date(2026, 11, 30))
    assert days(data) == [
        (date(2026, 11, 5), [("S", D("20.00"), D("9.16"), D("1.83"), 1)]),
        (date(2026, 11, 10), [("S", D("20.00"), D("16.66"), D("3.33"), 1), ("O", D("0.00"), D("40.00"), D("0.00"), 1)]),
        (date(2026, 11, 15), [("S", D("20.00"), D("-9.16"), D("-1.83"), 1)]),
        # 6.99 of Camille's 10.99: VAT 1.16; 10.00 of Atelier's 24.00: VAT 1.67.
        (date(2026, 11, 25), [("S", D("20.00"), D("14.16"), D("2.83"), 2)]),
    ]
    assert cells(data) == [("S", D("20.00"), D("30.82"), D("6.16"), 5), ("O", D("0.00"), D("40.00"), D("0.00"), 1)]
    # What was collected, VAT included: the payments less the return (the credit note is not a payment).
    assert data.total_net + data.total_vat == D("10.99") + D("59.99") - D("10.99") + D("6.99") + D("10.00")
    assert data.count == 5


def test_an_invoice_paid_in_three_payments_reports_exactly_its_own_vat_per_rate():
    vat_lines = (VatLine("S", D("20.00"), D("16.66"), D("3.33")), VatLine("O", D("0.00"), D("40.00"), D("0.00")))
    paid, parts = D("0.00"), []
    for amount in (D("20.00"), D("20.00"), D("19.99")):
        before, paid = paid, paid + amount
        part = [(after[2] - was[2], after[3] - was[3])
                for after, was in zip(split(paid, vat_lines), split(before, vat_lines), strict=True)]
        assert sum(base + vat for base, vat in part) == amount
        parts.append(part)
    assert parts == [[(D("5.55"), D("1.11")), (D("13.34"), D("0.00"))],
                     [(D("5.56"), D("1.11")), (D("13.33"), D("0.00"))],
                     [(D("5.55"), D("1.11")), (D("13.33"), D("0.00"))]]
    # Paid in full: the invoice's own breakdown, to the cent.
    assert split(D("59.99"), vat_lines) == (("S", D("20.00"), D("16.66"), D("3.33")),
                                            ("O", D("0.00"), D("40.00"), D("0.00")))


def test_a_report_is_produced_once_as_a_file_and_again_byte_for_byte(books, settings):
    report = ereporting.produce("transactions", date(2026, 11, 1), today=date(2026, 11, 11))
    path = settings.EINVOICING["dir"] / "ereporting" / "10.3_732829320_20261101_20261110.xml"
    assert report.file_name == path.name
    first = path.read_bytes()
    assert report.sha256 == hashlib.sha256(first).hexdigest()
    assert (report.period_end, report.siren, report.document_count, report.total_net, report.total_vat) == (
        date(2026, 11, 10), "732829320", 2, D("65.82"), D("5.16"))
    assert report.totals == [{"category": "S", "rate": "20.00", "base": "25.82", "vat": "5.16", "count": 2},
                             {"category": "O", "rate": "0.00", "base": "40.00", "vat": "0.00", "count": 1}]
    text = first.decode()
    assert "<ReportType>10.3</ReportType>" in text and "<Siren>732829320</Siren>" in text
    assert '<Day date="2026-11-01">' in text and '<OperationCategory code="TPS1">' in text
    assert '<Vat category="S" rate="20.00">' in text and "<TaxableAmount>25.82</TaxableAmount>" in text

    path.unlink()
    again = ereporting.produce("transactions", date(2026, 11, 1), today=date(2026, 12, 1))
    assert again.pk == report.pk and again.sha256 == report.sha256 and path.read_bytes() == first
    assert EReport.objects.count() == 1
    assert ereporting.check(again) == []


def test_a_period_that_would_now_give_other_bytes_is_refused_and_its_file_kept(books, settings):
    report = ereporting.produce("transactions", date(2026, 11, 11), today=date(2026, 11, 21))
    path = settings.EINVOICING["dir"] / "ereporting" / report.file_name
    first = path.read_bytes()
    settings.OPERATOR = {**settings.OPERATOR, "siren": "443061841"}  # anything that changes the bytes
    with pytest.raises(NotAllowed, match="was produced with SHA-256") as refused:
        ereporting.produce("transactions", date(2026, 11, 11), today=date(2026, 11, 21))
    assert refused.value.code == "ereport_changed"
    assert path.read_bytes() == first and EReport.objects.get().sha256 == report.sha256


def test_check_catches_a_tampered_total_and_a_tampered_file(books, settings):
    report = ereporting.produce("transactions", date(2026, 11, 1), today=date(2026, 11, 11))
    EReport.objects.filter(pk=report.pk).update(
        total_vat=D("5.17"), totals=[{**report.totals[0], "vat": "5.17"}, report.totals[1]])
    assert ereporting.check(EReport.objects.get()) == [
        "S 20.00 %: vat 5.17 recorded, 5.16 from the documents",
        "total VAT: 5.17 recorded, 5.16 from the documents"]
    EReport.objects.filter(pk=report.pk).update(total_vat=report.total_vat, totals=report.totals)
    path = settings.EINVOICING["dir"] / "ereporting" / report.file_name
    path.write_bytes(path.read_bytes().replace(b"25.82", b"25.83"))
    assert ereporting.check(EReport.objects.get()) == [f"file {path} is not the one recorded (SHA-256 differs)"]


def test_a_period_not_over_or_not_a_period_start_is_refused(books):
    with pytest.raises(NotAllowed, match="not over") as refused:
        ereporting.produce("transactions", date(2026, 11, 21), today=date(2026, 11, 30))
    assert refused.value.code == "period_open"
    with pytest.raises(Invalid, match="2026-11-05 does not start a transactions period .decade.; the period "
                                      "holding it starts on 2026-11-01"):
        ereporting.produce("transactions", date(2026, 11, 5), today=date(2026, 12, 1))
    with pytest.raises(Invalid, match="does not start a payments period .month."):
        ereporting.produce("payments", date(2026, 11, 11), today=date(2026, 12, 1), force=True)
    assert not EReport.objects.exists()


def test_no_payments_report_is_due_under_vat_on_debits_unless_forced(books):
    with pytest.raises(NotAllowed, match="VAT on debits") as refused:
        ereporting.produce("payments", date(2026, 11, 1), today=date(2026, 12, 1))
    assert refused.value.code == "vat_on_debits" and not EReport.objects.exists()
    report = ereporting.produce("payments", date(2026, 11, 1), today=date(2026, 12, 1), force=True)
    assert (report.period_end, report.document_count, report.total_net, report.total_vat) == (
        date(2026, 11, 30), 5, D("70.82"), D("6.16"))
    assert report.file_name == "10.4_732829320_20261101_20261130.xml"
    assert ereporting.check(report) == []


def test_every_period_over_is_produced_once(books, settings):
    produced = ereporting.produce_due(date(2026, 11, 21))
    assert [(r.kind, r.period_start, r.period_end) for r in produced] == [
        ("transactions", date(2026, 11, 1), date(2026, 11, 10)),
        ("transactions", date(2026, 11, 11), date(2026, 11, 20))]
    assert ereporting.produce_due(date(2026, 11, 21)) == []

    settings.OPERATOR = {**settings.OPERATOR, "vat_on_debits": False}
    produced = ereporting.produce_due(date(2026, 12, 1))
    assert [(r.kind, r.period_start, r.period_end) for r in produced] == [
        ("transactions", date(2026, 11, 21), date(2026, 11, 30)), ("payments", date(2026, 11, 1), date(2026, 11, 30))]
    assert all(ereporting.check(report) == [] for report in EReport.objects.all())


def test_each_report_produced_is_handed_to_the_platform_once(books, tmp_path):
    from pathlib import Path

    from telcobill.documents.models import Platform

    platform = Platform.objects.create(code="pa-test", name="PA de test", exchange_dir=str(tmp_path / "pa"),
                                       is_default=True)
    [first, second] = ereporting.produce_due(date(2026, 11, 21))
    outbox = Path(platform.exchange_dir) / "outbox" / "ereporting"
    assert sorted(p.name for p in outbox.iterdir()) == sorted([first.file_name, second.file_name])
    assert (outbox / first.file_name).read_bytes() == (ereporting.report_dir() / first.file_name).read_bytes()
    assert (first.platform, second.platform) == (platform, platform) and first.deposited_at is not None
    assert ereporting.deposit(first).deposited_at == first.deposited_at  # once


def test_a_payment_booked_late_into_a_reported_period_is_sent_as_a_corrective_version(books, settings):
    """A bank statement imported after the month was reported: the month is reported again, whole."""
    settings.OPERATOR = {**settings.OPERATOR, "vat_on_debits": False}
    first = [r for r in ereporting.produce_due(date(2026, 12, 1)) if r.kind == "payments"][0]
    assert (first.version, first.total_net + first.total_vat) == (1, D("6.99") + D("59.99") + D("10.00"))
    assert ereporting.produce_due(date(2026, 12, 2)) == []  # nothing late: nothing sent

    ledger.record_payment(books.atelier.billing_account, amount=D("5.00"), on=date(2026, 11, 28),
                          method="transfer", reference="VIR-A2", label="Virement reçu le 28")
    [corrected] = ereporting.produce_due(date(2026, 12, 3))
    assert (corrected.kind, corrected.period_start, corrected.version, corrected.replaces) == (
        "payments", date(2026, 11, 1), 2, first)
    assert corrected.total_net + corrected.total_vat == first.total_net + first.total_vat + D("5.00")
    assert corrected.file_name == first.file_name.replace(".xml", "_v2.xml")
    content = (ereporting.report_dir() / corrected.file_name).read_bytes()
    assert f'<Version>2</Version>\n    <Replaces sha256="{first.sha256}"/>'.encode() in content
    assert (ereporting.report_dir() / first.file_name).is_file()  # what was sent stays as it was
    assert ereporting.check(corrected) == []
    assert ereporting.produce_due(date(2026, 12, 4)) == []  # corrected once
    assert ereporting.latest("payments", date(2026, 11, 1)) == corrected


def test_monthly_cadence_reports_transactions_by_month(books, settings):
    settings.EINVOICING = {**settings.EINVOICING, "ereporting_cadence": "month"}
    report = ereporting.produce("transactions", date(2026, 11, 1), today=date(2026, 12, 1))
    assert (report.period_end, report.document_count, report.total_net, report.total_vat) == (
        date(2026, 11, 30), 3, D("62.49"), D("4.49"))


@pytest.mark.parametrize(("start", "end", "cadence", "expected"), [
    ("2026-11-01", "2026-11-30", "decade", [("2026-11-01", "2026-11-10"), ("2026-11-11", "2026-11-20"),
                                            ("2026-11-21", "2026-11-30")]),
    ("2026-12-15", "2026-12-31", "decade", [("2026-12-11", "2026-12-20"), ("2026-12-21", "2026-12-31")]),
    ("2027-02-21", "2027-03-01", "decade", [("2027-02-21", "2027-02-28"), ("2027-03-01", "2027-03-10")]),
    ("2028-02-25", "2028-02-25", "decade", [("2028-02-21", "2028-02-29")]),
    ("2026-11-12", "2027-02-01", "month", [("2026-11-01", "2026-11-30"), ("2026-12-01", "2026-12-31"),
                                           ("2027-01-01", "2027-01-31"), ("2027-02-01", "2027-02-28")]),
])
def test_periods_are_decades_or_months(start, end, cadence, expected):
    assert periods(date.fromisoformat(start), date.fromisoformat(end), cadence) == [
        Period(date.fromisoformat(a), date.fromisoformat(b)) for a, b in expected]


def test_the_command_produces_checks_and_fails_on_a_difference(books):
    out = StringIO()
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        call_command("ereporting", "produce", "--period-start", "2026-11-01", stdout=out)
        call_command("ereporting", "produce", "--period-start", "2026-11-01", "--kind", "payments", "--force",
                     stdout=out)
        call_command("ereporting", "check", "--period-start", "2026-11-01", stdout=out)
        call_command("ereporting", "due", "--today", "2026-12-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Opérations B2C (10.3) 2026-11-01 – 2026-11-10: 2 operation(s), HT 65.82, TVA 5.16")
    assert lines[1].startswith("Encaissements (10.4) 2026-11-01 – 2026-11-30: 5 operation(s), HT 70.82, TVA 6.16")
    assert lines[2].endswith("reproduced to the cent from the stored documents")
    assert lines[-1] == "2 report(s) produced"  # the two other decades of November

    EReport.objects.filter(kind="transactions", period_start=date(2026, 11, 1)).update(total_net=D("65.80"))
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("ereporting", "check", "--period-start", "2026-11-01", stderr=err)
    assert failed.value.returncode == 1
    assert err.getvalue() == "total excl. VAT: 65.80 recorded, 65.82 from the documents\n"
    with pytest.raises(CommandError, match="--period-start: expected a date") as refused:
        call_command("ereporting", "produce", "--period-start", "1er novembre")
    assert refused.value.returncode == 2


def test_a_wrong_cadence_is_refused_at_start_up(settings):
    from telcobill.checks import check_ereporting_cadence

    assert check_ereporting_cadence(None) == []
    settings.EINVOICING = {**settings.EINVOICING, "ereporting_cadence": "weekly"}
    [error] = check_ereporting_cadence(None)
    assert (error.id, error.msg) == ("telcobill.E008", "TELCOBILL_EREPORTING_CADENCE='weekly' is not valid: "
                                     "expected 'decade' (réel normal mensuel) or 'month'")
