"""The bill run rates the usage month from the store and bills what is out of plan; usage of an
invoiced month that arrives late is billed as the exact difference on the next invoice."""

from datetime import UTC, datetime
from decimal import Decimal

from telcobill.billing.models import Invoice
from telcobill.usage.models import UsageRating, UsageTotal
from telcobill.usage.services.ingest import ingest_file
from tests.usage.conftest import write_csv

HEADER = "record_id,msisdn,type,started_at,peer,duration_s,volume_bytes,country"


def usage_lines(cycle: str, line):
    invoice = Invoice.objects.get(cycle=cycle, billing_account=line.billing_account)
    return [(x.description, x.quantity, x.unit_code, x.unit_price, x.net_amount, x.vat_rate, x.period_start)
            for x in invoice.lines.filter(kind="usage").order_by("position")]


def test_out_of_plan_usage_then_a_late_record_billed_as_the_difference(camille, source, usage_store, tmp_path, bill):
    october = write_csv(
        tmp_path / "oct.csv", HEADER,
        # 7,000 s + 500 s of calls to French numbers: 300 s beyond the 2 h allowance.
        "c-1,33612345678,voice,2026-10-03T14:05:09+02:00,33145678901,7000,,FR",
        "c-2,33612345678,voice,2026-10-04T09:00:00+02:00,33145678901,500,,FR",
        # A call to London (Europe zone, never included): 65 s at 0.19 EUR/min incl. VAT.
        "c-3,33612345678,voice,2026-10-04T09:12:44+02:00,442079460000,65,,FR",
        # SMS are unlimited: nothing billed.
        "c-4,33612345678,sms,2026-10-05T10:00:00+02:00,33698765432,,,FR",
    )
    ingest_file(source, october, now=datetime(2026, 10, 31, 23, tzinfo=UTC))

    bill("2026-11")

    # 300 s = 5 min x 0.05 = 0.25 incl. VAT -> 0.208333 excl. -> 0.21; 65 s x 0.19 / 60 = 0.205833
    # incl. -> 0.171528 excl. -> 0.17.
    october_first = datetime(2026, 10, 1).date()
    # Lines in charge order (voice:dest_europe_other, voice:dest_france).
    assert usage_lines("2026-11", camille) == [
        ("Appels hors forfait vers Suisse, Royaume-Uni, Andorre, Monaco, Saint-Marin et Gibraltar", Decimal("1.0800"),
         "MIN",
         Decimal("0.158822"), Decimal("0.17"), Decimal("20.00"), october_first),
        ("Appels hors forfait vers France métropolitaine et départements d'outre-mer", Decimal("5.0000"), "MIN",
         Decimal("0.041667"), Decimal("0.21"), Decimal("20.00"), october_first),
    ]

    # A roaming partner's file arrives on 10 November with a 600 s call of 20 October.
    late = write_csv(tmp_path / "late.csv", HEADER,
                     "c-5,33612345678,voice,2026-10-20T18:00:00+02:00,33145678901,600,,FR")
    ingest_file(source, late, now=datetime(2026, 11, 10, tzinfo=UTC))
    bill("2026-12")

    # October now owes 900 s = 15 min x 0.05 = 0.75 incl. -> 0.625 excl. -> 0.63; 0.21 was billed:
    # 0.42 for 10 more minutes (unit price 0.625 - 0.21 = 0.415 over 10 min). The London call did not
    # change: no line.
    assert usage_lines("2026-12", camille) == [
        ("Régularisation octobre 2026 — Appels hors forfait vers France métropolitaine et départements "
         "d'outre-mer", Decimal("10.0000"), "MIN", Decimal("0.041500"), Decimal("0.42"), Decimal("20.00"),
         october_first),
    ]
    assert UsageRating.objects.get(month=october_first).late is True
    assert UsageTotal.objects.get(month=october_first, charge="voice:dest_france").amount == Decimal("0.625000")

    # Billing December again from the same facts adds nothing more (re-run is stable).
    bill("2027-01")
    assert usage_lines("2027-01", camille) == []
