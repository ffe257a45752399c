"""`telcobill demo`: a small demo operator is built through the real use cases, every document
issued and rendered, and the same seed gives the same invoices."""

import pytest
from django.core.management import call_command

from telcobill.billing.models import BillRun, Invoice
from telcobill.customers.models import Access, BillingAccount, Customer, Person
from telcobill.documents.models import ArchiveEntry, Delivery, DocumentFile, EReport, LifecycleEvent
from telcobill.documents.services import archive
from telcobill.payments.models import Collection, CollectionBatch, Mandate, PaymentEvent
from telcobill.payments.services import ledger, pain
from telcobill.payments.services.collections import batch_file
from telcobill.support.models import Tutorial
from telcobill.workflows import ereporting


def _documents():
    return list(Invoice.objects.filter(number__isnull=False).order_by("number").values_list(
        "number", "billing_account__number", "total_net", "total_vat", "total_gross"))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_demo_is_built_rendered_and_deterministic(capsys):
    call_command("demo", seed=3, customers=12)
    out = capsys.readouterr().out
    first = _documents()

    assert Customer.objects.count() == 12
    assert BillRun.objects.filter(status="issued").count() == 14
    assert len(first) > 12
    assert DocumentFile.objects.filter(rendered_at__isnull=False).count() == len(first)
    assert "staff@telcobill.invalid" in out and "demo-telcobill-2026" in out
    assert Person.objects.get(email="staff@telcobill.invalid").is_staff
    # Logins for each persona the customer space serves, each one able to sign in.
    labels = [line.strip().rsplit(" ", 1)[0].strip() for line in out.splitlines()
              if line.startswith("  ") and ("@" in line or "+33" in line)]
    assert {"Back office (staff)", "Conseiller du service client (staff)", "Particulier, titulaire",
            "Professionnel, comptable", "Professionnel, utilisateur d'une ligne"} <= set(labels)
    line_user = Access.objects.get(role="line_user")
    assert line_user.line.billing_account.customer == line_user.customer
    # A tutorial with its video (WebM, one slide per step) and captions in step with it.
    tutorial = Tutorial.objects.get(slug="activer-le-prelevement-automatique")
    with tutorial.video.open("rb") as video:
        assert video.read(4) == b"\x1a\x45\xdf\xa3"  # EBML: a WebM file
    with tutorial.captions.open("rb") as captions:
        cues = captions.read().decode()
    assert cues.startswith("WEBVTT") and "00:00:03.000 --> 00:00:09.000\nÉtape 1 : Dans Factures et paiements" in cues
    # Every account paying by direct debit had its mandate (the bank stops some); each month's
    # debits went to the bank in one valid pain.008 batch on the collection date, and the debits
    # returned for insufficient funds were presented again a week later.
    debit = BillingAccount.objects.filter(payment_method="direct_debit")
    assert Mandate.objects.count() == debit.count() > 0
    batches = list(CollectionBatch.objects.filter(kind="pain.008").order_by("collect_on"))
    assert len(batches) >= 12 and {b.collect_on.day for b in batches} >= {15}
    for batch in batches:
        pain.validate(batch_file(batch).read_bytes())
    for batch in CollectionBatch.objects.filter(kind="pain.001"):
        pain.validate(batch_file(batch).read_bytes(), "pain.001.001.09")
    assert sum(b.count for b in batches) == PaymentEvent.objects.filter(kind="submitted").count()
    # The bank answered every debit, and the ledger reconciles with documents and payments to the cent.
    assert not Collection.objects.filter(status="submitted", collect_on__lt="2026-11-20").exists()
    result = ledger.reconcile()
    assert result.problems == []
    moved, open_items = result.identity
    assert moved == open_items and result.totals["paid"] > 0

    # E-invoicing: the business documents since September 2026 deposited on the demo platform with
    # their lifecycle, the consumer ones e-reported, the paper ones batched, everything archived.
    assert "E-invoicing: deposited" in out
    business = Invoice.objects.filter(number__isnull=False, buyer__is_business=True, issue_date__gte="2026-09-01")
    assert Delivery.objects.count() == business.count() > 0
    assert LifecycleEvent.objects.filter(status="200").count() == business.count()
    assert EReport.objects.filter(kind="transactions").count() == 8  # 1 Sep to 20 Nov 2026: 8 decades
    assert all(ereporting.check(report) == [] for report in EReport.objects.all())
    assert archive.verify().ok
    assert ArchiveEntry.objects.filter(kind="document").count() == len(first)

    call_command("demo", seed=3, customers=12)  # already built: kept as it is
    assert _documents() == first
    call_command("demo", seed=3, customers=12, reset=True)
    assert _documents() == first
