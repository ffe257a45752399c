"""The allowance thresholds a customer chooses for a line's alerts: recorded and audited, used by
the counters' alerts; the roaming cap's alerts stay whatever the choice."""

from datetime import UTC, datetime

import pytest

from telcobill.customers.models import AuditEvent
from telcobill.errors import Invalid
from telcobill.usage.models import AlertPreference, UsageAlert
from telcobill.usage.services.alert_preferences import set_alert_thresholds, thresholds_of
from tests.usage.conso_story import MB, ingest

NOW = datetime(2026, 10, 28, 12, tzinfo=UTC)


def test_chosen_thresholds_are_recorded_once_and_audited(camille):
    assert thresholds_of([camille.pk]) == {camille.pk: (80, 100)}

    assert set_alert_thresholds(line=camille, thresholds=["100", "50"]) == (50, 100)
    assert set_alert_thresholds(line=camille, thresholds=[50, 100]) == (50, 100)  # unchanged: nothing new

    assert thresholds_of([camille.pk]) == {camille.pk: (50, 100)}
    event = AuditEvent.objects.get(kind="line.usage_alerts")
    assert (event.summary, event.data) == ("+33612345678: usage alerts at [50, 100] % (were [80, 100])",
                                           {"thresholds": [50, 100], "before": [80, 100]})


def test_a_threshold_outside_the_choices_is_refused(camille):
    with pytest.raises(Invalid):
        set_alert_thresholds(line=camille, thresholds=[75])
    assert not AlertPreference.objects.exists()
    assert not AuditEvent.objects.exists()


def test_alerts_follow_the_lines_choice_and_the_roaming_cap_always_alerts(
        camille, source, usage_store, tmp_path, django_capture_on_commit_callbacks):
    set_alert_thresholds(line=camille, thresholds=[50])
    ingest(source, tmp_path, "a", [
        f"d-1,33612345678,data,out,2026-10-10T10:00:00+02:00,,,{85 * MB},FR",
        # 240 MB in the USA: 40.00 EUR excl. VAT, 80 % of the cap.
        f"r-1,33612345678,data,out,2026-10-12T10:00:00-04:00,,,{240 * MB},US",
    ], NOW, django_capture_on_commit_callbacks)

    assert sorted(UsageAlert.objects.values_list("kind", flat=True)) == ["allowance_50", "roaming_cap_80"]
    assert UsageAlert.objects.get(kind="allowance_50").message == (
        "50 % du forfait internet mobile consommé pour la ligne +33612345678.")

    set_alert_thresholds(line=camille, thresholds=[])
    ingest(source, tmp_path, "b", [f"d-2,33612345678,data,out,2026-10-11T10:00:00+02:00,,,{20 * MB},FR"], NOW,
           django_capture_on_commit_callbacks)
    assert UsageAlert.objects.count() == 2  # 105 MB of 100: no allowance alert asked for
