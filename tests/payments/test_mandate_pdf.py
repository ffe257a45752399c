"""The mandate as a PDF: the standard French SEPA Core form, with the reference, the creditor's
identifier, the debtor's account in groups of four and the legal sentences; an ended mandate
says so."""

import io
import re
from datetime import UTC, date, datetime

import pypdf
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from telcobill.payments.models import MandateStatus
from telcobill.payments.services.mandate_pdf import mandate_context, render_mandate_pdf
from telcobill.payments.services.mandates import create_mandate, lapse_unused_mandates
from tests.factories import make_individual

CONSENT = ("En signant ce formulaire de mandat, vous autorisez (A) Telcobill Mobile à envoyer des instructions à "
           "votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément aux "
           "instructions de Telcobill Mobile. Vous bénéficiez du droit d'être remboursé par votre banque selon les "
           "conditions décrites dans la convention que vous avez passée avec elle. Une demande de remboursement "
           "doit être présentée dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement "
           "autorisé.")


@pytest.fixture
def mandate(db):
    account = make_individual()
    # 28 November 2026, 14:03 in Paris.
    with time_machine.travel(datetime(2026, 11, 28, 13, 3, tzinfo=UTC), tick=False):
        return create_mandate(account, iban="FR76 3000 6000 0112 3456 7890 189", holder="Camille Martin",
                              street="8 rue des Lilas", postcode="69003", city="Lyon", channel="web")


def text_of(pdf: bytes) -> str:
    words = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", words)  # the consent paragraph wraps: compare it as one line


def test_the_form_carries_the_reference_the_creditor_the_account_and_the_legal_text(mandate, settings):
    pdf = render_mandate_pdf(mandate)
    text = text_of(pdf)

    assert pdf.startswith(b"%PDF-") and len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    for expected in ["Mandat de prélèvement SEPA", mandate.reference, settings.OPERATOR["creditor_identifier"],
                     "FR76 3000 6000 0112 3456 7890 189", "AGRIFRPPXXX", "Camille Martin", "8 rue des Lilas",
                     "69003", "Lyon", "France", CONSENT,
                     "Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez "
                     "obtenir auprès de votre banque.",
                     "Paiement récurrent/répétitif",
                     "Signé électroniquement le 28/11/2026 à 14:03 (espace client)",
                     "Telcobill Mobile", "12 rue de la Convention, 75015 Paris, France"]:
        assert expected in text, expected


def test_a_replaced_mandate_says_it_was_revoked_and_by_which_one(mandate):
    with time_machine.travel(datetime(2027, 3, 12, 9, 0, tzinfo=UTC), tick=False):
        second = create_mandate(mandate.billing_account, iban="DE89370400440532013000", holder="Camille Martin",
                                street="8 rue des Lilas", postcode="69003", city="Lyon", channel="paper")
    mandate.refresh_from_db()

    text = text_of(render_mandate_pdf(mandate))
    assert f"Mandat révoqué le 12/03/2027, remplacé par le mandat {second.reference}." in text
    assert "Signé sur formulaire papier le 12/03/2027" in text_of(render_mandate_pdf(second))


def test_a_lapsed_mandate_says_it_can_no_longer_be_used(mandate):
    with time_machine.travel(datetime(2029, 12, 1, 9, 0, tzinfo=UTC), tick=False):
        assert lapse_unused_mandates() == [mandate.reference]
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.LAPSED

    assert "Mandat caduc depuis le 01/12/2029 : aucun prélèvement présenté pendant 36 mois." in text_of(
        render_mandate_pdf(mandate))


def test_a_holder_name_full_of_typst_syntax_is_printed_literally(mandate):
    mandate.holder = '#panic("x") *Martin* $x$ <a> [b]'
    assert '#panic("x") *Martin* $x$ <a> [b]' in text_of(render_mandate_pdf(mandate))


def test_an_active_mandate_is_dated_as_active_on_the_day_printed(mandate):
    assert mandate_context(mandate, today=date(2026, 12, 1))["status"] == {
        "ended": False, "text": "Mandat actif au 01/12/2026"}


def test_staff_write_the_pdf_by_its_reference(mandate, tmp_path, capsys):
    path = tmp_path / "mandat.pdf"
    call_command("sepa", "mandate-pdf", mandate.reference, "-o", str(path))

    assert mandate.reference in text_of(path.read_bytes())
    assert f"Mandate {mandate.reference} (Actif)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no mandate TB-NOPE-001"):
        call_command("sepa", "mandate-pdf", "TB-NOPE-001", "-o", str(tmp_path / "x.pdf"))
