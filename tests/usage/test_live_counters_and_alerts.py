"""After each ingestion: counters per line and bucket (used, included, out-of-plan so far, how
fresh), alerts at 80 % and 100 % of an allowance and of the roaming spend cap, each once."""

from datetime import UTC, date, datetime
from decimal import Decimal

from telcobill.usage.models import LineCounter, UsageAlert
from telcobill.usage.services.ingest import ingest_file
from tests.usage.conftest import write_csv

HEADER = "record_id,msisdn,type,started_at,peer,duration_s,volume_bytes,country"
MB = 1_048_576
NOW = datetime(2026, 10, 28, 12, tzinfo=UTC)


def ingest(source, path, capture):
    with capture(execute=True):
        return ingest_file(source, path, now=NOW)


def test_data_counter_and_allowance_alerts_once(camille, source, usage_store, tmp_path,
                                                django_capture_on_commit_callbacks, mailoutbox):
    ingest(source, write_csv(tmp_path / "a.csv", HEADER,
                             f"d-1,33612345678,data,2026-10-10T10:00:00+02:00,,,{85 * MB},FR"),
           django_capture_on_commit_callbacks)

    counter = LineCounter.objects.get(line=camille, month=date(2026, 10, 1), bucket="data")
    assert (counter.used, counter.included, counter.out_of_plan) == (85 * MB, 100 * MB, Decimal("0"))
    assert counter.last_usage_at == datetime(2026, 10, 10, 8, tzinfo=UTC)
    assert list(UsageAlert.objects.values_list("kind", "message")) == [
        ("allowance_80", "80 % du forfait internet mobile consommé pour la ligne +33612345678.")]
    assert [m.to for m in mailoutbox] == [[camille.billing_account.email]]

    # 20 MB more: 5 MB beyond the allowance at 0.05 EUR/MB incl. VAT = 0.25 -> 0.208333 excl.
    ingest(source, write_csv(tmp_path / "b.csv", HEADER,
                             f"d-2,33612345678,data,2026-10-11T10:00:00+02:00,,,{20 * MB},FR"),
           django_capture_on_commit_callbacks)
    counter = LineCounter.objects.get(line=camille, month=date(2026, 10, 1), bucket="data")
    assert (counter.used, counter.out_of_plan) == (105 * MB, Decimal("0.208333"))
    assert sorted(UsageAlert.objects.values_list("kind", flat=True)) == ["allowance_100", "allowance_80"]

    # The same file again: duplicates, nothing new, no alert twice.
    ingest(source, write_csv(tmp_path / "b2.csv", HEADER,
                             f"d-2,33612345678,data,2026-10-11T10:00:00+02:00,,,{20 * MB},FR"),
           django_capture_on_commit_callbacks)
    assert UsageAlert.objects.count() == 2
    assert len(mailoutbox) == 2
    assert all(a.sent_at is not None for a in UsageAlert.objects.all())


def test_roaming_spend_cap_alerts_at_80_and_100_percent(camille, source, usage_store, tmp_path,
                                                        django_capture_on_commit_callbacks):
    # USA: 0.20 EUR/MB incl. VAT = 0.166667 excl.; 240 MB = 40.00 EUR excl. VAT: 80 % of the 50 EUR cap.
    ingest(source, write_csv(tmp_path / "us.csv", HEADER,
                             f"r-1,33612345678,data,2026-10-12T10:00:00-04:00,,,{240 * MB},US"),
           django_capture_on_commit_callbacks)
    spend = LineCounter.objects.get(line=camille, bucket="roaming_spend")
    assert spend.out_of_plan == Decimal("40.000000")
    assert list(UsageAlert.objects.values_list("kind", "message")) == [
        ("roaming_cap_80", "Itinérance hors UE : la ligne +33612345678 a consommé 40.00 € HT, "
                           "80 % du plafond de 50.00 € HT.")]

    ingest(source, write_csv(tmp_path / "us2.csv", HEADER,
                             f"r-2,33612345678,data,2026-10-12T12:00:00-04:00,,,{60 * MB},US"),
           django_capture_on_commit_callbacks)
    assert UsageAlert.objects.get(kind="roaming_cap_100").message == (
        "Itinérance hors UE : la ligne +33612345678 a atteint le plafond de 50.00 € HT (50.00 € HT) ; "
        "l'internet mobile hors UE est suspendu jusqu'au mois prochain.")
