"""The accounting exports an operator's accountant imports: the sales and payments journals, the VAT
collected and the receivables by age, to the cent, and the command that writes them. The FEC is
tested in test_fec.py, on the same story (accounting_story.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.payments.models import LedgerEntry
from telcobill.payments.services.accounting import (
    AgeBucket,
    payments_journal,
    receivables_by_age,
    sales_columns,
    sales_journal,
    vat_collected,
)
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.accounting_story import pay, tell

NOV_1, DEC_31 = date(2026, 11, 1), date(2026, 12, 31)
S20, O0 = ("S", Decimal("20.00")), ("O", Decimal("0.00"))


@pytest.fixture
def story(catalogue, bill):
    return tell(bill)


def signed_document_totals(start, end) -> tuple[Decimal, Decimal, Decimal]:
    """The issued documents' own totals, credit notes negative: what every journal must add up to."""
    totals = [Decimal("0.00")] * 3
    for kind, *amounts in Invoice.objects.filter(status=InvoiceStatus.ISSUED, issue_date__range=(start, end)) \
            .values_list("kind", "total_net", "total_vat", "total_gross"):
        sign = -1 if kind == DocumentKind.CREDIT_NOTE else 1
        totals = [total + sign * amount for total, amount in zip(totals, amounts, strict=True)]
    return tuple(totals)


def test_the_sales_journal_has_a_row_per_document_and_adds_up_to_the_documents(story):
    rows = list(sales_journal(NOV_1, DEC_31))

    assert sales_columns(NOV_1, DEC_31) == [S20, O0]
    assert [(r.issue_date, r.number, r.kind, r.customer_name, r.bases, r.net, r.vat, r.gross) for r in rows] == [
        (NOV_1, story.consumer_nov.number, "invoice", "Camille Martin",
         {S20: Decimal("9.16"), O0: Decimal("40.00")}, Decimal("49.16"), Decimal("1.83"), Decimal("50.99")),
        (NOV_1, story.business_nov.number, "invoice", "Atelier Dupont SARL",
         {S20: Decimal("20.00")}, Decimal("20.00"), Decimal("4.00"), Decimal("24.00")),
        (date(2026, 11, 20), story.credit_note.number, "credit_note", "Atelier Dupont SARL",
         {S20: Decimal("-10.00")}, Decimal("-10.00"), Decimal("-2.00"), Decimal("-12.00")),
        (date(2026, 12, 1), story.consumer_dec.number, "invoice", "Camille Martin",
         {S20: Decimal("9.16")}, Decimal("9.16"), Decimal("1.83"), Decimal("10.99")),
        (date(2026, 12, 1), story.business_dec.number, "invoice", "Atelier Dupont SARL",
         {S20: Decimal("20.00")}, Decimal("20.00"), Decimal("4.00"), Decimal("24.00")),
    ]
    totals = tuple(sum((getattr(r, name) for r in rows), Decimal(0)) for name in ("net", "vat", "gross"))
    assert totals == signed_document_totals(NOV_1, DEC_31) == (Decimal("88.32"), Decimal("9.66"), Decimal("97.98"))
    assert rows[0].customer_number == story.consumer.customer.number


def test_a_period_holds_only_the_documents_issued_in_it(story):
    assert [r.number for r in sales_journal(date(2026, 11, 2), date(2026, 11, 30))] == [story.credit_note.number]
    assert list(sales_journal(date(2027, 1, 1), date(2027, 1, 31))) == []


def test_the_vat_collected_by_rate_equals_the_documents_vat(story):
    report = vat_collected(NOV_1, DEC_31)

    assert [(r.category, r.rate, r.base, r.vat) for r in report.rows] == [
        ("S", Decimal("20.00"), Decimal("48.32"), Decimal("9.66")),
        ("O", Decimal("0.00"), Decimal("40.00"), Decimal("0.00"))]
    net, vat, _ = signed_document_totals(NOV_1, DEC_31)
    assert (report.base, report.vat, report.documents, report.on_debits) == (net, vat, 5, True)
    # November alone: the credit note takes its VAT back in the month it is issued.
    november = vat_collected(NOV_1, date(2026, 11, 30))
    assert [(r.category, r.base, r.vat) for r in november.rows] == [
        ("S", Decimal("19.16"), Decimal("3.83")), ("O", Decimal("40.00"), Decimal("0.00"))]


def test_the_payments_journal_lists_each_movement_with_the_invoices_it_settled(story):
    rows = list(payments_journal(NOV_1, DEC_31))

    consumer_dec, business_dec = story.consumer_dec.number, story.business_dec.number
    assert [(r.on, r.kind, r.method, r.reference, r.amount, r.settled) for r in rows] == [
        (date(2026, 11, 10), "payment", "transfer", "VIR-A1", Decimal("-50.99"),
         ((story.consumer_nov.number, Decimal("50.99")),)),
        (date(2026, 11, 25), "payment", "transfer", "VIR-B1", Decimal("-12.00"),
         ((story.business_nov.number, Decimal("12.00")),)),
        (date(2026, 12, 5), "payment", "card", "CARD-1", Decimal("-10.99"), ((consumer_dec, Decimal("10.99")),)),
        # A return names what its payment had settled: that invoice is open again.
        (date(2026, 12, 10), "reversal", "card", "CARD-1-R", Decimal("10.99"), ((consumer_dec, Decimal("10.99")),)),
        (date(2026, 12, 15), "payment", "transfer", "VIR-A2", Decimal("-20.00"), ((consumer_dec, Decimal("10.99")),)),
        (date(2026, 12, 18), "refund", "transfer", "RMB-1", Decimal("9.01"), ()),
        (date(2026, 12, 20), "write_off", "", business_dec, Decimal("-4.00"), ((business_dec, Decimal("4.00")),)),
    ]
    ledger_total = LedgerEntry.objects.filter(kind__in=["payment", "reversal", "refund", "write_off"]).aggregate(
        total=Sum("amount"))["total"]
    assert sum((r.amount for r in rows), Decimal(0)) == Decimal(ledger_total).quantize(Decimal("0.01")) \
        == Decimal("-77.98")


def test_receivables_as_of_a_date_count_only_what_was_allocated_by_then(story):
    # 12 December: the card payment of the 5th came back on the 10th, December's invoice is open again.
    receivables = receivables_by_age(date(2026, 12, 12))
    assert [(i.number, i.days_past_due, i.bucket, i.open_amount) for i in receivables.invoices] == [
        (story.consumer_dec.number, -3, AgeBucket.NOT_DUE, Decimal("10.99")),
        (story.business_dec.number, -19, AgeBucket.NOT_DUE, Decimal("24.00"))]
    # 16 December: paid 20.00 for 10.99, so 9.01 of credit until the refund of the 18th.
    receivables = receivables_by_age(date(2026, 12, 16))
    consumer, business = receivables.customers
    assert (consumer.name, consumer.total, consumer.credit, consumer.balance) == (
        "Camille Martin", Decimal("0.00"), Decimal("9.01"), Decimal("-9.01"))
    assert (business.name, business.buckets[AgeBucket.NOT_DUE], business.balance) == (
        "Atelier Dupont SARL", Decimal("24.00"), Decimal("24.00"))
    # Each customer's balance is their account's balance from the ledger on that day.
    for customer, account in ((consumer, story.consumer), (business, story.business)):
        on_the_day = LedgerEntry.objects.filter(billing_account=account, on__lte=date(2026, 12, 16)).aggregate(
            total=Sum("amount"))["total"]
        assert customer.balance == Decimal(on_the_day).quantize(Decimal("0.01"))


@pytest.fixture
def two_unpaid_invoices(catalogue, bill):
    """A consumer's November and December invoices (10.99 each, due 15 Nov and 15 Dec), the first paid in March."""
    account = make_individual("Léa Petit")
    activate_line(account=account, msisdn="0611112222", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    bill("2026-12")
    november, december = Invoice.objects.filter(billing_account=account).order_by("issue_date")
    assert (november.due_date, december.due_date) == (date(2026, 11, 15), date(2026, 12, 15))
    pay(account, "10.99", date(2027, 3, 1), "VIR-MARS", invoice=november)
    return account


@pytest.mark.parametrize(("on", "expected"), [
    (date(2026, 11, 15), {AgeBucket.NOT_DUE: "10.99"}),  # the due date itself: not late
    (date(2026, 11, 16), {AgeBucket.DAYS_1_30: "10.99"}),
    (date(2026, 12, 15), {AgeBucket.DAYS_1_30: "10.99", AgeBucket.NOT_DUE: "10.99"}),  # 30 days late
    (date(2026, 12, 16), {AgeBucket.DAYS_31_60: "10.99", AgeBucket.DAYS_1_30: "10.99"}),
    (date(2027, 2, 13), {AgeBucket.DAYS_61_90: "10.99", AgeBucket.DAYS_31_60: "10.99"}),  # 90 and 60 days
    (date(2027, 2, 14), {AgeBucket.OVER_90: "10.99", AgeBucket.DAYS_61_90: "10.99"}),
    (date(2027, 3, 1), {AgeBucket.DAYS_61_90: "10.99"}),  # November paid that day
])
def test_receivables_are_bucketed_by_days_past_due(two_unpaid_invoices, on, expected):
    receivables = receivables_by_age(on)

    buckets = {bucket: Decimal(expected.get(bucket, "0.00")) for bucket in AgeBucket}
    [customer] = receivables.customers
    assert customer.buckets == buckets
    assert receivables.totals == buckets
    assert receivables.total == sum(buckets.values())


# --- The command -------------------------------------------------------------------------------------

def test_the_sales_journal_is_written_as_a_french_csv(story, tmp_path, capsys):
    out = tmp_path / "ventes.csv"
    call_command("accounting", "sales", "--from", "2026-11-01", "--to", "2026-12-31", "-o", str(out))

    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a BOM: spreadsheets read the accents right
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Date;Numéro;Type;N° client;Client;Compte de facturation;HT S 20,00 %;HT O 0,00 %;"
                        "Total HT;TVA;Total TTC")
    number = story.consumer.customer.number
    assert lines[1] == (f"01/11/2026;{story.consumer_nov.number};Facture;{number};Camille Martin;"
                        f"{story.consumer.number};9,16;40,00;49,16;1,83;50,99")
    assert lines[3].startswith(f"20/11/2026;{story.credit_note.number};Avoir;")
    assert lines[3].endswith(";-10,00;0,00;-10,00;-2,00;-12,00")
    assert len(lines) == 6
    assert "5 document(s) from 2026-11-01 to 2026-12-31: HT 88,32, TVA 9,66, TTC 97,98" in capsys.readouterr().out


def test_the_payments_journal_goes_to_standard_output_without_a_file(story, capsys):
    call_command("accounting", "payments", "--from", "2026-12-01", "--to", "2026-12-31")

    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == ("Date;Type;Moyen;Référence;N° client;Client;Compte de facturation;Débit;Crédit;"
                        "Factures réglées;Libellé")
    assert lines[2].startswith("10/12/2026;Paiement retourné;Carte bancaire;CARD-1-R;")
    assert f";10,99;0,00;{story.consumer_dec.number} (10,99);" in lines[2]
    assert len(lines) == 6
    assert "5 movement(s) from 2026-12-01 to 2026-12-31: débit 20,00, crédit 34,99" in captured.err


def test_the_vat_table_is_printed_and_written(story, tmp_path, capsys):
    out = tmp_path / "tva.csv"
    call_command("accounting", "vat", "--from", "2026-11-01", "--to", "2026-12-31", "-o", str(out))

    printed = capsys.readouterr().out
    assert "48,32" in printed and "9,66" in printed
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "Catégorie;Libellé;Taux;Base HT;TVA",
        "S;Taux normal ou réduit;20,00;48,32;9,66",
        "O;Hors champ de la TVA;0,00;40,00;0,00",
        "Total;;;88,32;9,66"]


def test_the_receivables_are_printed_and_written(story, tmp_path, capsys):
    out = tmp_path / "balance-agee.csv"
    call_command("accounting", "receivables", "--on", "2027-01-20", "-o", str(out))

    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ("N° client;Client;Non échu;1 à 30 jours;31 à 60 jours;61 à 90 jours;Plus de 90 jours;"
                        "Total échu et non échu;Crédit non utilisé;Solde")
    assert lines[1:] == [f"{story.business.customer.number};Atelier Dupont SARL;0,00;20,00;0,00;0,00;0,00;20,00;"
                         "0,00;20,00", "Total;;0,00;20,00;0,00;0,00;0,00;20,00;0,00;20,00"]
    printed = capsys.readouterr().out
    assert "Créances clients au 2027-01-20" in printed and story.business.customer.number in printed


@pytest.mark.parametrize(("arguments", "message"), [
    (["sales", "--from", "2026-11-31", "--to", "2026-12-31"], "--from: expected a date like 2026-11-30"),
    (["vat", "--from", "2026-12-01", "--to", "2026-11-30"], "--to 2026-11-30 is before --from 2026-12-01"),
    (["receivables", "--on", "yesterday"], "--on: expected a date like 2026-11-30, got 'yesterday'"),
])
def test_a_wrong_date_is_refused_with_exit_code_2(db, arguments, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("accounting", *arguments)
    assert refused.value.returncode == 2
