"""Paper on request: the documents of a bill run for accounts on paper go to the mail house as one
duplex PDF (each document on a recto, its address in the envelope's window) and a manifest."""

import csv
import hashlib
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.billing.models import BillRun, BillRunStatus, DocumentKind, Invoice
from telcobill.billing.services.adjustments import add_adjustment
from telcobill.customers.models import AuditEvent, BillingAccount
from telcobill.documents.models import DocumentFile, PrintBatch
from telcobill.documents.services.print_batch import MANIFEST_COLUMNS, build_print_batch, mark_sent
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_individual

MM = 25.4 / 72


def on_paper(account, **address):
    BillingAccount.objects.filter(pk=account.pk).update(paperless=False, **address)
    account.refresh_from_db()
    return account


@pytest.fixture
def accounts(catalogue, bill):
    """Five accounts on paper (one abroad, one with a two-page invoice, one credited), one paperless."""
    paperless = make_individual("Nina Rousseau")
    BillingAccount.objects.filter(pk=paperless.pk).update(postcode="01000", city="Bourg-en-Bresse")
    company = on_paper(make_business("Menuiserie Atlantique SAS"))  # 33000 Bordeaux
    credited = on_paper(make_individual("Hugo Bernard"), number="A900002")  # 69003 Lyon
    lyon = on_paper(make_individual("Chloé Petit"), number="A900001")  # same postcode, smaller number
    paris = on_paper(make_individual("Léa Dubois"), postcode="75011", city="Paris")
    abroad = on_paper(make_individual("Jan Peeters"), postcode="1000", city="Bruxelles", country_code="BE")
    activate_line(account=paperless, msisdn="0611111111", plan_code="PLAN-S", on=date(2026, 10, 1))
    for i in range(20):  # enough lines for a second page
        activate_line(account=company, msisdn=f"06987654{i:02d}", plan_code="PRO", on=date(2026, 10, 1))
    activate_line(account=credited, msisdn="0612345670", plan_code="PLAN-S", on=date(2026, 10, 1))
    activate_line(account=lyon, msisdn="0612345671", plan_code="PLAN-S", on=date(2026, 10, 1))
    activate_line(account=paris, msisdn="0612345678", plan_code="PLAN-L", on=date(2026, 10, 12))
    activate_line(account=abroad, msisdn="0612345679", plan_code="PLAN-S", on=date(2026, 10, 1))
    bill("2026-10")
    add_adjustment(account=credited, amount=Decimal("-50.00"), includes_vat=True, charged_on=date(2026, 10, 20),
                   description="Geste commercial")
    bill("2026-11")
    return dict(paperless=paperless, company=company, credited=credited, lyon=lyon, paris=paris, abroad=abroad)


def document(account) -> Invoice:
    return Invoice.objects.get(billing_account=account, cycle="2026-11")


def lot_of(batch: PrintBatch) -> pypdf.PdfReader:
    return pypdf.PdfReader(Path(settings.DOCUMENTS_DIR) / batch.pdf_path)


def manifest_rows(batch: PrintBatch) -> list[dict]:
    text = (Path(settings.DOCUMENTS_DIR) / batch.manifest_path).read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def positions_of(page: pypdf.PageObject, wanted: str) -> list[tuple[float, float]]:
    """Where `wanted` is drawn on the page, as test_pdf.py finds the address (points, from bottom left)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() == wanted:
            found.append((cm[4], cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_exactly_the_paper_accounts_documents_are_printed_presorted_by_postcode(accounts):
    batch = build_print_batch("2026-11")

    order = ["company", "lyon", "credited", "paris", "abroad"]  # 33000, 69003 ×2 by account, 75011, then BE
    assert [row["document"] for row in manifest_rows(batch)] == [document(accounts[key]).number for key in order]
    assert document(accounts["credited"]).kind == DocumentKind.CREDIT_NOTE
    assert (batch.cycle, batch.documents, batch.pages, batch.sheets) == ("2026-11", 5, 6, 5)
    assert batch.pdf_path == "print/2026-11/lot-2026-11.pdf"
    assert batch.manifest_path == "print/2026-11/manifest.csv"
    assert batch.sent_at is None


def test_the_manifest_says_who_where_which_pages_and_how_much(accounts):
    batch = build_print_batch("2026-11")
    raw = (Path(settings.DOCUMENTS_DIR) / batch.manifest_path).read_bytes()

    assert raw.startswith(b"\xef\xbb\xbfsequence;document;compte;destinataire;")  # BOM, `;`, a header
    assert raw.count(b"\r\n") == 6
    rows = manifest_rows(batch)
    assert list(rows[0]) == list(MANIFEST_COLUMNS)
    number = {key: document(account).number for key, account in accounts.items()}
    assert [list(row.values())[:13] for row in rows] == [
        ["1", number["company"], accounts["company"].number, "Menuiserie Atlantique SAS", "14 avenue de la Gare", "",
         "33000", "Bordeaux", "FR", "1", "2", "1", "480,00"],
        ["2", number["lyon"], "A900001", "Chloé Petit", "8 rue des Lilas", "", "69003", "Lyon", "FR",
         "3", "1", "1", "10,99"],
        ["3", number["credited"], "A900002", "Hugo Bernard", "8 rue des Lilas", "", "69003", "Lyon", "FR",
         "5", "1", "1", "-39,01"],  # a credit note counts negative, as in every export
        ["4", number["paris"], accounts["paris"].number, "Léa Dubois", "8 rue des Lilas", "", "75011", "Paris", "FR",
         "7", "1", "1", "29,99"],
        ["5", number["abroad"], accounts["abroad"].number, "Jan Peeters", "8 rue des Lilas", "", "1000", "Bruxelles",
         "BE", "9", "1", "1", "10,99"],
    ]
    for row in rows:
        stored = DocumentFile.objects.get(invoice__number=row["document"])
        pdf = (Path(settings.DOCUMENTS_DIR) / stored.pdf_path).read_bytes()
        assert row["sha256_pdf"] == stored.pdf_sha256 == hashlib.sha256(pdf).hexdigest()


def test_each_document_starts_on_a_recto_with_a_blank_verso_after_an_odd_page_count(accounts):
    batch = build_print_batch("2026-11")
    lot = lot_of(batch)
    rows = manifest_rows(batch)

    assert len(lot.pages) == batch.pages + 4 == 2 * batch.sheets == 10  # 6 printed, 4 blank
    blanks = set(range(1, 11))
    for row in rows:
        first, count = int(row["premiere_page"]), int(row["pages"])
        assert first % 2 == 1
        pages = [lot.pages[n - 1].extract_text() for n in range(first, first + count)]
        assert all(row["document"] in text for text in pages)
        assert f"Page {count}/{count}" in pages[-1]
        blanks -= set(range(first, first + count))
    assert sorted(blanks) == [4, 6, 8, 10]
    assert all(lot.pages[n - 1].extract_text() == "" for n in blanks)
    assert sum(int(row["pages"]) for row in rows) == batch.pages
    assert sum(int(row["feuilles"]) for row in rows) == batch.sheets


def test_the_address_sits_in_the_dl_window_on_each_documents_first_page(accounts):
    batch = build_print_batch("2026-11")
    lot = lot_of(batch)

    for row in manifest_rows(batch):
        page = lot.pages[int(row["premiere_page"]) - 1]
        ((x, y),) = positions_of(page, row["destinataire"])
        assert 108 <= x * MM <= 112
        assert 45 <= (float(page.mediabox.height) - y) * MM <= 58
    assert "1000 BRUXELLES\nBELGIQUE" in lot.pages[8].extract_text()  # abroad: the country is printed


def test_building_again_gives_the_same_files_and_the_same_row(accounts):
    first = build_print_batch("2026-11")
    folder = Path(settings.DOCUMENTS_DIR) / "print" / "2026-11"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}

    again = build_print_batch("2026-11")

    assert (again.pk, again.pdf_sha256, again.created_at) == (first.pk, first.pdf_sha256, first.created_at)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before  # no .part left either
    assert sorted(before) == ["lot-2026-11.pdf", "manifest.csv"]
    assert hashlib.sha256(before["lot-2026-11.pdf"]).hexdigest() == first.pdf_sha256
    assert PrintBatch.objects.filter(cycle="2026-11").count() == 1


def test_the_lot_carries_fixed_metadata_and_no_date(accounts):
    lot = lot_of(build_print_batch("2026-11"))

    assert dict(lot.metadata) == {"/Title": "Lot d'impression 2026-11", "/Creator": "telcobill"}
    assert lot.pdf_header == "%PDF-1.7"


def test_a_cycle_without_a_paper_account_gives_an_empty_batch_and_no_file(accounts):
    build_print_batch("2026-11")
    BillingAccount.objects.update(paperless=True)  # everyone went paperless before the batch left

    batch = build_print_batch("2026-11")

    assert (batch.documents, batch.pages, batch.sheets, batch.pdf_path, batch.pdf_sha256, batch.manifest_path) == (
        0, 0, 0, "", "", "")
    assert list((Path(settings.DOCUMENTS_DIR) / "print" / "2026-11").iterdir()) == []
    with pytest.raises(Invalid, match="the print batch of 2026-11 has no document: nothing to hand"):
        mark_sent("2026-11", "Paul")


def test_a_cycle_without_a_bill_run_or_not_issued_is_refused(db):
    with pytest.raises(NotFound, match="no bill run for cycle 2026-11: nothing to print"):
        build_print_batch("2026-11")
    BillRun.objects.create(cycle="2026-12", status=BillRunStatus.COMPUTED, issue_date=date(2026, 12, 1))
    with pytest.raises(NotAllowed, match=r"the bill run of 2026-12 is not issued \(status computed\)") as refused:
        build_print_batch("2026-12")
    assert refused.value.code == "bill_run_not_issued"
    assert not PrintBatch.objects.exists()


def test_a_batch_handed_to_the_mail_house_is_recorded_once_and_never_rebuilt(accounts):
    built = build_print_batch("2026-11")

    sent = mark_sent("2026-11", "Paul Martin")

    assert sent.sent_at is not None and sent.sent_by == "Paul Martin" and sent.pdf_sha256 == built.pdf_sha256
    event = AuditEvent.objects.get(kind="documents.print_batch_sent")
    assert event.summary == "Lot d'impression 2026-11 remis à l'imprimeur par Paul Martin"
    assert event.data == {"cycle": "2026-11", "by": "Paul Martin", "documents": 5, "sheets": 5,
                          "pdf_sha256": built.pdf_sha256}
    with pytest.raises(NotAllowed, match="already handed to the mail house on") as twice:
        mark_sent("2026-11", "Someone else")
    assert twice.value.code == "print_batch_sent"
    with pytest.raises(NotAllowed, match="was handed to the mail house on .*; it is not built again"):
        build_print_batch("2026-11")
    assert AuditEvent.objects.filter(kind="documents.print_batch_sent").count() == 1
    assert PrintBatch.objects.get(cycle="2026-11").sent_at == sent.sent_at


def test_marking_a_batch_never_built_is_refused(db):
    with pytest.raises(NotFound, match=r"no print batch for cycle 2026-11: build it first"):
        mark_sent("2026-11", "Paul")


def test_the_cli_builds_then_records_the_handover(accounts, capsys):
    call_command("paper", "batch", "--cycle", "2026-11")
    out = capsys.readouterr().out
    batch = PrintBatch.objects.get(cycle="2026-11")
    root = Path(settings.DOCUMENTS_DIR)
    assert "Print batch 2026-11: 5 document(s), 6 page(s) + 4 blank, 5 sheet(s) printed duplex" in out
    assert f"PDF:      {root / 'print/2026-11/lot-2026-11.pdf'}" in out
    assert f"SHA-256:  {batch.pdf_sha256}" in out
    assert f"Manifest: {root / 'print/2026-11/manifest.csv'}" in out

    call_command("paper", "sent", "--cycle", "2026-11", "--by", "Paul")
    assert "Print batch 2026-11 handed to the mail house on" in capsys.readouterr().out
    assert AuditEvent.objects.get(kind="documents.print_batch_sent").data["by"] == "Paul"


def test_the_cli_refuses_an_unknown_cycle_with_exit_2(db):
    with pytest.raises(CommandError, match="no bill run for cycle 2031-01") as refused:
        call_command("paper", "batch", "--cycle", "2031-01")
    assert refused.value.returncode == 2


def test_the_bill_run_prepares_the_batch_once_it_is_issued(accounts):
    """The `bill` fixture runs the on-commit tasks: the run's batch exists without anyone asking."""
    batch = PrintBatch.objects.get(cycle="2026-11")
    assert [row["document"] for row in manifest_rows(batch)] == [
        document(accounts[name]).number for name in ["company", "lyon", "credited", "paris", "abroad"]]
    assert (batch.documents, batch.sheets) == (5, 5)
