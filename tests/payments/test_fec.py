"""The FEC (LPF art. A47 A-1) of a fiscal year: its 18 columns, every entry balanced, each journal
numbered without gaps, the customers' accounts equal to the ledger, the lettering from the
allocations; and the checker, which must catch what breaks the format."""

import csv
import shutil
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from telcobill.checks import check_accounting
from telcobill.payments.services import ledger
from telcobill.payments.services.fec import HEADER, fec_filename, fiscal_year, write_fec
from telcobill.payments.services.fec_check import check_fec
from telcobill.payments.services.lettering import letter_code
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.accounting_story import tell


@pytest.fixture
def story(catalogue, bill):
    return tell(bill)


@pytest.fixture
def fec_2026(story, tmp_path):
    return write_fec(2026, tmp_path)


def read(path) -> list[dict[str, str]]:
    with open(path, encoding="iso-8859-15", newline="") as f:
        return list(csv.DictReader(f, delimiter="|"))


def amount(value: str) -> Decimal:
    return Decimal(value.replace(",", "."))


def entries(rows) -> dict[str, list[dict[str, str]]]:
    by_number = defaultdict(list)
    for row in rows:
        by_number[row["EcritureNum"]].append(row)
    return by_number


def test_the_file_is_named_for_the_siren_and_the_year_end_with_the_18_columns(fec_2026, settings):
    assert fec_2026.path.name == f"{settings.OPERATOR['siren']}FEC20261231.txt" == "732829320FEC20261231.txt"
    raw = fec_2026.path.read_bytes()
    assert raw.split(b"\r\n")[0].decode() == "|".join(HEADER) == (
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
        "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise")
    assert "TVA collectée".encode("iso-8859-15") in raw  # ISO 8859-15, as A47 A-1 III lists it
    assert all(len(line.split(b"|")) == 18 for line in raw.split(b"\r\n") if line)
    assert check_fec(fec_2026.path) == []


def test_every_entry_balances_and_each_journal_is_numbered_in_date_order(fec_2026):
    rows = read(fec_2026.path)
    by_number = entries(rows)

    assert list(by_number) == ["VE000001", "VE000002", "BQ000001", "VE000003", "BQ000002", "VE000004", "VE000005",
                               "BQ000003", "BQ000004", "BQ000005", "BQ000006", "OD000001"]
    for number, lines in by_number.items():
        assert sum(amount(r["Debit"]) for r in lines) == sum(amount(r["Credit"]) for r in lines), number
        assert all(amount(r["Debit"]) == 0 or amount(r["Credit"]) == 0 for r in lines)
    total_debit = sum(amount(r["Debit"]) for r in rows)
    assert total_debit == sum(amount(r["Credit"]) for r in rows) == fec_2026.debit == Decimal("239.96")
    assert (fec_2026.entries, fec_2026.lines) == (12, len(rows))


def test_an_invoice_is_booked_to_the_customer_revenue_penalties_and_vat(story, fec_2026):
    [*lines] = entries(read(fec_2026.path))["VE000001"]
    number, customer = story.consumer_nov.number, story.consumer.customer.number

    assert [(r["JournalCode"], r["EcritureDate"], r["CompteNum"], r["CompAuxNum"], r["PieceRef"], r["Debit"],
             r["Credit"], r["EcritureLet"], r["DateLet"], r["ValidDate"]) for r in lines] == [
        ("VE", "20261101", "411000", customer, number, "50,99", "0,00", "A", "20261110", "20261101"),
        ("VE", "20261101", "706000", "", number, "0,00", "9,16", "", "", "20261101"),
        ("VE", "20261101", "763100", "", number, "0,00", "40,00", "", "", "20261101"),
        ("VE", "20261101", "445710", "", number, "0,00", "1,83", "", "", "20261101")]
    assert lines[0]["CompAuxLib"] == "Camille Martin"
    assert lines[3]["EcritureLib"] == f"Facture {number} Camille Martin TVA 20,00 %"


def test_a_credit_note_is_the_reverse_and_movements_go_to_the_bank_or_the_loss_account(story, fec_2026):
    by_number = entries(read(fec_2026.path))

    def book(number):
        return [(r["CompteNum"], r["Debit"], r["Credit"]) for r in by_number[number]]

    assert book("VE000003") == [("411000", "0,00", "12,00"), ("706000", "10,00", "0,00"), ("445710", "2,00", "0,00")]
    assert book("BQ000001") == [("411000", "0,00", "50,99"), ("512000", "50,99", "0,00")]  # a payment
    assert book("BQ000004") == [("411000", "10,99", "0,00"), ("512000", "0,00", "10,99")]  # returned
    assert book("BQ000006") == [("411000", "9,01", "0,00"), ("512000", "0,00", "9,01")]  # refunded
    assert book("OD000001") == [("411000", "0,00", "4,00"), ("654000", "4,00", "0,00")]  # written off
    refund = by_number["BQ000006"][0]
    assert (refund["PieceRef"], refund["EcritureDate"], refund["ValidDate"]) == ("RMB-1", "20261218", "20261218")


def test_the_customer_accounts_equal_the_ledger_balances(story, fec_2026):
    balances = defaultdict(Decimal)
    for row in read(fec_2026.path):
        if row["CompteNum"] == "411000":
            balances[row["CompAuxNum"]] += amount(row["Debit"]) - amount(row["Credit"])

    assert balances[story.consumer.customer.number] == ledger.balance(story.consumer).balance == Decimal("0.00")
    assert balances[story.business.customer.number] == ledger.balance(story.business).balance == Decimal("20.00")


def test_lines_that_settle_each_other_completely_share_a_letter(story, fec_2026):
    lettered = defaultdict(list)
    for row in read(fec_2026.path):
        if row["EcritureLet"]:
            lettered[row["EcritureLet"], row["DateLet"]].append((row["EcritureNum"], row["PieceRef"]))

    assert dict(lettered) == {
        ("A", "20261110"): [("VE000001", story.consumer_nov.number), ("BQ000001", "VIR-A1")],
        # The invoice, its credit note and the payment of the rest.
        ("B", "20261125"): [("VE000002", story.business_nov.number), ("VE000003", story.credit_note.number),
                            ("BQ000002", "VIR-B1")],
        # A card payment and its return cancel out; the invoice was paid again by transfer, the excess refunded.
        ("C", "20261210"): [("BQ000003", "CARD-1"), ("BQ000004", "CARD-1-R")],
        ("D", "20261218"): [("VE000004", story.consumer_dec.number), ("BQ000005", "VIR-A2"), ("BQ000006", "RMB-1")],
    }  # December's business invoice is still partly open: no letter


def test_the_next_year_opens_with_the_customer_balances(story, tmp_path):
    written = write_fec(2027, tmp_path)

    rows = read(written.path)
    assert [(r["JournalCode"], r["EcritureNum"], r["EcritureDate"], r["CompteNum"], r["CompAuxNum"], r["Debit"],
             r["Credit"]) for r in rows] == [
        ("AN", "AN000001", "20270101", "411000", story.business.customer.number, "20,00", "0,00"),
        ("AN", "AN000001", "20270101", "890000", "", "0,00", "20,00")]
    assert check_fec(written.path) == []


def test_names_are_written_in_iso_8859_15_and_never_hold_the_separator(catalogue, bill, tmp_path):
    account = make_individual("Zoë N’Diaye | Ştefan")
    activate_line(account=account, msisdn="0611112222", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")

    written = write_fec(2026, tmp_path)
    assert read(written.path)[0]["CompAuxLib"] == "Zoë N'Diaye / Stefan"
    assert check_fec(written.path) == []


def test_the_fiscal_year_follows_its_configured_end(settings):
    settings.ACCOUNTING = {**settings.ACCOUNTING, "fiscal_year_end": "06-30"}
    assert fiscal_year(2027) == (date(2026, 7, 1), date(2027, 6, 30))
    assert fec_filename(2027) == "732829320FEC20270630.txt"
    assert letter_code(1) + letter_code(26) + letter_code(27) + letter_code(703) == "AZAAAAA"


# --- The checker catches what breaks the format ------------------------------------------------------

def _replace_field(lines, line_number, column, value):
    fields = lines[line_number - 1].split("|")
    fields[HEADER.index(column)] = value
    lines[line_number - 1] = "|".join(fields)


def _drop_entry(lines, number):
    lines[:] = [line for line in lines if f"|{number}|" not in line]


@pytest.mark.parametrize(("damage", "problems"), [
    (lambda lines: _replace_field(lines, 2, "Debit", "50,98"),
     ["line 2: entry VE000001 is not balanced: debit 50,98, credit 50,99",
      "the file's debits (239,95) and credits (239,96) differ"]),
    (lambda lines: _replace_field(lines, 3, "EcritureDate", "2026-11-01"),
     ["line 3: EcritureDate '2026-11-01' is not a date YYYYMMDD", "line 3: entry VE000001 has two dates "
      "(20261101, 2026-11-01)"]),
    (lambda lines: _replace_field(lines, 4, "ValidDate", "20261131"),
     ["line 4: ValidDate '20261131' is not a date YYYYMMDD"]),
    (lambda lines: _replace_field(lines, 3, "Credit", "9.16"),
     ["line 3: Credit '9.16' is not an amount like 1234,56",
      "line 2: entry VE000001 is not balanced: debit 50,99, credit 41,83",
      "the file's debits (239,96) and credits (230,80) differ"]),
    (lambda lines: (_replace_field(lines, 2, "Debit", "50,99"), _replace_field(lines, 2, "Credit", "50,99")),
     ["line 2: both a debit and a credit", "line 2: entry VE000001 is not balanced: debit 50,99, credit 101,98",
      "the file's debits (239,96) and credits (290,95) differ"]),
    (lambda lines: _drop_entry(lines, "VE000002"),
     ["line 8: entry VE000003 follows number 1 of journal VE (the numbering must be continuous)"]),
    (lambda lines: lines.__setitem__(0, lines[0].replace("Montantdevise", "MontantDevise")),
     ["line 1: the header is not the 18 columns " + "|".join(HEADER)]),
    (lambda lines: lines.__setitem__(1, lines[1].rsplit("|", 1)[0]),
     ["line 2: 17 fields, expected 18", "line 3: entry VE000001 is not balanced: debit 0,00, credit 50,99",
      "the file's debits (188,97) and credits (239,96) differ"]),
    (lambda lines: _replace_field(lines, 2, "CompteNum", "CLI001"),
     ["line 2: CompteNum 'CLI001' does not start with 3 digits of the PCG"]),
    (lambda lines: _replace_field(lines, 2, "DateLet", ""), ["line 2: EcritureLet and DateLet go together"]),
])
def test_the_checker_catches_a_damaged_copy(fec_2026, tmp_path, damage, problems):
    lines = fec_2026.path.read_bytes().decode("iso-8859-15").split("\r\n")
    damage(lines)
    copy = tmp_path / "copy" / fec_2026.path.name
    copy.parent.mkdir()
    copy.write_bytes("\r\n".join(lines).encode("iso-8859-15"))

    assert check_fec(copy) == problems


def test_the_checker_wants_the_official_file_name(fec_2026, tmp_path):
    shutil.copy(fec_2026.path, tmp_path / "fec-2026.txt")
    assert check_fec(tmp_path / "fec-2026.txt") == ["file name 'fec-2026.txt': expected <SIREN>FEC<YYYYMMDD>.txt"]


# --- The command ---------------------------------------------------------------------------------------

def test_the_command_writes_the_fec_then_checks_it(story, tmp_path, capsys):
    call_command("accounting", "fec", "--year", "2026", "-o", str(tmp_path))

    assert "732829320FEC20261231.txt: 12 entries, 30 lines, débit = crédit = 239,96 €" in capsys.readouterr().out
    assert check_fec(tmp_path / "732829320FEC20261231.txt") == []


def test_the_command_fails_loudly_when_the_check_finds_a_problem(story, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("telcobill.cli.management.commands.accounting.check_fec",
                        lambda path: ["line 2: entry VE000001 is not balanced: debit 1,00, credit 2,00"])
    with pytest.raises(CommandError, match="1 problem.s. against the FEC format.*do not hand this file over") as failed:
        call_command("accounting", "fec", "--year", "2026", "-o", str(tmp_path))

    assert failed.value.returncode == 1
    assert "entry VE000001 is not balanced" in capsys.readouterr().out


def test_a_wrong_account_plan_stops_the_start(settings):
    assert check_accounting(None) == []
    accounts = {**settings.ACCOUNTING["accounts"], "customers": {"number": "CLIENTS", "label": "Clients"}}
    settings.ACCOUNTING = {**settings.ACCOUNTING, "accounts": accounts, "fiscal_year_end": "02-29"}
    assert [(error.id, error.msg.split(":")[0]) for error in check_accounting(None)] == [
        ("telcobill.E007", "TELCOBILL_ACCOUNT_CUSTOMERS='CLIENTS' is not an account number"),
        ("telcobill.E007", "TELCOBILL_FISCAL_YEAR_END='02-29' is not a day of every year")]
