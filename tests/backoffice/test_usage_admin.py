"""Usage in the back office: sources and their API tokens (shown once, audited), ingestion batches,
rejected records re-processed or discarded by staff (audited), live counters and alerts; nobody
but staff with the usage permissions reaches any of it."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from telcobill.customers.models import AuditEvent
from telcobill.usage.models import (
    BatchStatus,
    IngestBatch,
    LineCounter,
    RejectedRecord,
    RejectStatus,
    UsageAlert,
    UsageSource,
    hash_token,
)
from telcobill.usage.services.ingest import ingest_file
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.usage.conftest import demo_catalogue, usage_store, write_csv  # noqa: F401

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
REJECTS = reverse("admin:usage_rejectedrecord_changelist")
TOKEN = re.compile(r"<code>(tbu_[^<]+)</code>")


@pytest.fixture
def usage_staff(staff):
    """The billing team's staff, who also look after usage."""
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="usage"))
    return staff


@pytest.fixture
def usage_client(client, usage_staff):
    client.force_login(usage_staff)
    return client


@pytest.fixture
def rows(db):
    """One of each: a source with its token, a batch, an open reject, a counter, an alert."""
    source = UsageSource(name="switch", description="Commutateur de Paris")
    source.new_token()
    source.save()
    batch = IngestBatch.objects.create(source=source, channel="file", origin="cdr-20261120.csv",
                                       status=BatchStatus.COMMITTED, accepted=3, rejected=1, created_at=NOW,
                                       committed_at=NOW)
    reject = RejectedRecord.objects.create(
        source=source, batch=batch, line_number=4, raw="x-9,33699999999,voice,2026-11-19T10:00:00+01:00,,60",
        fields={"record_id": "x-9", "msisdn": "33699999999", "type": "voice"}, record_id="x-9",
        reason="line 4: msisdn +33699999999 has no line in service on 2026-11-19", received_at=NOW)
    customer = make_individual("Camille Martin").customer
    counter = LineCounter.objects.create(pool_customer=customer, month=date(2026, 11, 1), bucket="voice",
                                         group=f"P{customer.pk}:voice", used=187, included=7200,
                                         last_usage_at=NOW)
    alert = UsageAlert.objects.create(customer=customer, month=date(2026, 11, 1), kind="allowance_80",
                                      group=f"P{customer.pk}:voice", message="80 % du forfait appels consommé.",
                                      created_at=NOW)
    return {"source": source, "batch": batch, "reject": reject, "counter": counter, "alert": alert}


def _action(client, name: str, *rejects):
    return client.post(REJECTS, {"action": name, "_selected_action": [r.pk for r in rejects], "index": "0"},
                       follow=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Sources and their tokens

def test_staff_creates_a_source_and_sees_its_token_once(usage_client, usage_staff):
    response = usage_client.post(reverse("admin:usage_usagesource_add"),
                                 {"name": "mediation", "description": "Plateforme de médiation"}, follow=True)

    assert response.status_code == 200
    source = UsageSource.objects.get(name="mediation")
    (token,) = TOKEN.findall(response.content.decode())
    assert token.startswith("tbu_mediation_")
    assert hash_token(token) == source.token_hash
    assert source.token_hint == token[:12]
    assert "il ne sera plus affiché" in response.content.decode()
    again = usage_client.get(reverse("admin:usage_usagesource_changelist")).content.decode()
    assert token not in again
    assert "tbu_mediatio…" in again  # the hint, to tell tokens apart
    event = AuditEvent.objects.get(kind="usage_source.token_issued")
    assert (event.actor, event.customer) == (usage_staff, None)
    assert event.summary == "API token issued for usage source mediation"
    assert event.data == {"source": "mediation", "first": True}
    assert token not in event.summary + repr(event.data)


def test_staff_replaces_a_sources_token_from_its_page(usage_client, usage_staff, rows):
    source = rows["source"]
    old_hash = source.token_hash
    page = usage_client.get(reverse("admin:usage_usagesource_change", args=[source.pk])).content.decode()
    url = reverse("admin:usage_usagesource_new_token", args=[source.pk])
    assert f'formaction="{url}"' in page
    assert "Créer un nouveau jeton API" in page

    response = usage_client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("admin:usage_usagesource_change", args=[source.pk]), 302)]
    (token,) = TOKEN.findall(response.content.decode())
    source.refresh_from_db()
    assert hash_token(token) == source.token_hash != old_hash
    assert (source.name, source.description) == ("switch", "Commutateur de Paris")
    event = AuditEvent.objects.get(kind="usage_source.token_issued")
    assert (event.actor, event.summary, event.data) == (usage_staff, "API token replaced for usage source switch",
                                                        {"source": "switch", "first": False})
    assert token not in event.summary + repr(event.data)


def test_a_token_is_only_issued_on_a_post(usage_client, rows):
    source = rows["source"]

    response = usage_client.get(reverse("admin:usage_usagesource_new_token", args=[source.pk]))

    assert response.status_code == 405
    assert UsageSource.objects.get().token_hash == source.token_hash
    assert not AuditEvent.objects.exists()


def test_a_source_keeps_its_name_and_is_never_deleted(usage_client, rows):
    source = rows["source"]

    change = usage_client.post(reverse("admin:usage_usagesource_change", args=[source.pk]),
                               {"name": "renamed", "description": "Commutateur de Lyon"})
    delete = usage_client.post(reverse("admin:usage_usagesource_delete", args=[source.pk]), {"post": "yes"})

    assert change.status_code == 302
    assert delete.status_code == 403
    source.refresh_from_db()
    assert (source.name, source.description, source.token_hash) == ("switch", "Commutateur de Lyon",
                                                                    rows["source"].token_hash)
    assert not AuditEvent.objects.exists()  # no token issued by saving the form


def test_the_sources_list_counts_their_batches(usage_client, rows):
    html = usage_client.get(reverse("admin:usage_usagesource_changelist")).content.decode()

    assert "Commutateur de Paris" in html
    assert '<td class="field-batch_count">1</td>' in html


# Batches

def test_a_refused_file_shows_why_and_a_batch_leads_to_its_rejects(usage_client, rows):
    refused = IngestBatch.objects.create(source=rows["source"], channel="file", origin="cdr-broken.csv",
                                         status=BatchStatus.REFUSED, message="line 1: no record_id column")

    listing = usage_client.get(reverse("admin:usage_ingestbatch_changelist"), {"status__exact": "refused"})
    refused_page = usage_client.get(reverse("admin:usage_ingestbatch_change", args=[refused.pk])).content.decode()
    batch_page = usage_client.get(reverse("admin:usage_ingestbatch_change", args=[rows["batch"].pk])).content.decode()

    assert [b.pk for b in listing.context["cl"].result_list] == [refused.pk]
    assert "line 1: no record_id column" in refused_page
    assert f'href="{REJECTS}?batch__id__exact={rows["batch"].pk}&amp;state=all"' in batch_page
    assert "Voir les 1 rejets de ce lot" in batch_page


def test_batches_cannot_be_added_changed_or_deleted(usage_client, rows):
    batch = rows["batch"]

    assert usage_client.get(reverse("admin:usage_ingestbatch_add")).status_code == 403
    assert usage_client.post(reverse("admin:usage_ingestbatch_change", args=[batch.pk]),
                             {"origin": "x"}).status_code == 403
    assert usage_client.post(reverse("admin:usage_ingestbatch_delete", args=[batch.pk]),
                             {"post": "yes"}).status_code == 403
    assert IngestBatch.objects.get().origin == "cdr-20261120.csv"


# Rejects

def test_the_rejects_list_shows_the_open_rejects_by_default(usage_client, rows):
    done = RejectedRecord.objects.create(source=rows["source"], batch=rows["batch"], line_number=5, raw="y",
                                         reason="line 5: unknown type 'fax'", status=RejectStatus.DISCARDED)

    open_only = usage_client.get(REJECTS)
    everything = usage_client.get(REJECTS, {"state": "all"})
    found = usage_client.get(REJECTS, {"q": "33699999999"})

    assert [r.pk for r in open_only.context["cl"].result_list] == [rows["reject"].pk]
    assert "line 4: msisdn +33699999999 has no line in service on 2026-11-19" in open_only.content.decode()
    assert {r.pk for r in everything.context["cl"].result_list} == {rows["reject"].pk, done.pk}
    assert [r.pk for r in found.context["cl"].result_list] == [rows["reject"].pk]


def test_a_reject_shows_its_raw_text_and_the_fields_read(usage_client, rows):
    html = usage_client.get(reverse("admin:usage_rejectedrecord_change", args=[rows["reject"].pk])).content.decode()

    assert '<pre style="white-space: pre-wrap; margin: 0">x-9,33699999999,voice,2026-11-19T10:00:00+01:00,,60</pre>' \
        in html
    assert "<tr><th>msisdn</th><td><code>33699999999</code></td></tr>" in html


def test_a_reject_whose_cause_is_fixed_is_reprocessed(usage_client, usage_staff, demo_catalogue, usage_store,  # noqa: F811
                                                      tmp_path, time_machine):
    time_machine.move_to(NOW, tick=False)
    source = UsageSource.objects.create(name="switch")
    path = write_csv(tmp_path / "early.csv", "record_id,msisdn,type,started_at,peer,duration_s",
                     "e-1,33611111111,voice,2026-10-05T10:00:00+02:00,33145678901,60",
                     "e-2,33611111111,voice,2026-10-06T10:00:00+02:00,33145678901,61")
    ingest_file(source, path, now=NOW)
    early, late = RejectedRecord.objects.order_by("line_number")
    activate_line(account=make_individual("Léa Petit"), msisdn="+33611111111", plan_code="forfait_2h",
                  on=date(2026, 10, 6))

    response = _action(usage_client, "reprocess", early, late)

    assert _messages(response) == [
        "Réintégration de 2 rejet(s) : 1 accepté(s), 0 doublon(s) déjà reçu(s), 1 toujours rejeté(s)."]
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.status, late.status) == (RejectStatus.OPEN, RejectStatus.REPROCESSED)
    assert late.resolved_batch.channel == "reprocess"
    assert early.reason.startswith("line 2: msisdn +33611111111 has no line in service on 2026-10-05")
    event = AuditEvent.objects.get(kind="usage_rejects.reprocessed")
    assert (event.actor, event.summary) == (
        usage_staff, "2 rejected usage records re-processed: 1 accepted, 0 duplicates, 1 rejected again")
    assert event.data == {"selected": 2, "accepted": 1, "duplicates": 0, "rejected": 1}


def test_staff_discards_a_reject(usage_client, usage_staff, rows):
    reject = rows["reject"]

    response = _action(usage_client, "discard", reject)

    assert _messages(response) == ["1 rejet abandonné."]
    reject.refresh_from_db()
    assert reject.status == RejectStatus.DISCARDED
    event = AuditEvent.objects.get(kind="usage_rejects.discarded")
    assert (event.actor, event.summary, event.data) == (usage_staff, "1 rejected usage records discarded",
                                                        {"selected": 1, "discarded": 1})


def test_a_reject_already_dealt_with_is_left_alone(usage_client, rows):
    reject = rows["reject"]
    reject.status = RejectStatus.DISCARDED
    reject.save()

    response = usage_client.post(f"{REJECTS}?state=all", {"action": "reprocess", "_selected_action": [reject.pk],
                                                          "index": "0"}, follow=True)

    assert _messages(response) == ["Aucun rejet à traiter dans la sélection."]
    assert RejectedRecord.objects.get().status == RejectStatus.DISCARDED
    assert IngestBatch.objects.count() == 1
    assert not AuditEvent.objects.exists()


# Counters and alerts

def test_counters_read_as_minutes_megabytes_and_euros(usage_client, rows):
    customer = rows["counter"].pool_customer
    LineCounter.objects.create(pool_customer=customer, month=date(2026, 11, 1), bucket="data", group="P:data",
                               used=52_428_800, included=1_610_612_736)
    LineCounter.objects.create(pool_customer=customer, month=date(2026, 11, 1), bucket="roaming_spend",
                               group="P:roaming", out_of_plan=Decimal("12.345678"))
    LineCounter.objects.create(pool_customer=customer, month=date(2026, 10, 1), bucket="sms", group="P:sms",
                               used=1234, included=None)

    november = usage_client.get(reverse("admin:usage_linecounter_changelist"), {"month": "2026-11-01"})
    sms = usage_client.get(reverse("admin:usage_linecounter_changelist"), {"bucket": "sms"})

    html = november.content.decode()
    assert len(november.context["cl"].result_list) == 3
    assert '<td class="field-used_">3\xa0min\xa007\xa0s</td><td class="field-included_">120\xa0min</td>' in html
    assert '<td class="field-used_">50\xa0Mo</td><td class="field-included_">1,5\xa0Go</td>' in html
    assert '<td class="field-out_of_plan_">12,35\xa0€</td>' in html
    assert ('<td class="field-used_">1\xa0234</td><td class="field-included_">illimité</td>'
            in sms.content.decode())


def test_alerts_are_listed_with_their_threshold_in_words(usage_client, rows):
    html = usage_client.get(reverse("admin:usage_usagealert_changelist")).content.decode()

    assert '<td class="field-kind_">80 % du forfait</td>' in html
    assert "80 % du forfait appels consommé." in html
    assert '<td class="field-sent_at_">—</td>' in html


def test_counters_and_alerts_are_read_only(usage_client, rows):
    counter, alert = rows["counter"], rows["alert"]

    assert usage_client.get(reverse("admin:usage_linecounter_add")).status_code == 403
    assert usage_client.get(reverse("admin:usage_usagealert_add")).status_code == 403
    assert usage_client.post(reverse("admin:usage_linecounter_change", args=[counter.pk]),
                             {"used": "0"}).status_code == 403
    assert usage_client.post(reverse("admin:usage_usagealert_delete", args=[alert.pk]),
                             {"post": "yes"}).status_code == 403
    assert LineCounter.objects.get().used == 187
    assert UsageAlert.objects.count() == 1


# Strangers

PAGES = [
    ("get", "admin:app_list", "app"),
    ("get", "admin:usage_usagesource_changelist", None),
    ("get", "admin:usage_usagesource_add", None),
    ("post", "admin:usage_usagesource_add", None),
    ("get", "admin:usage_usagesource_change", "source"),
    ("post", "admin:usage_usagesource_change", "source"),
    ("post", "admin:usage_usagesource_new_token", "source"),
    ("get", "admin:usage_ingestbatch_changelist", None),
    ("get", "admin:usage_ingestbatch_change", "batch"),
    ("get", "admin:usage_rejectedrecord_changelist", None),
    ("get", "admin:usage_rejectedrecord_change", "reject"),
    ("post", "admin:usage_rejectedrecord_changelist", "reprocess"),
    ("post", "admin:usage_rejectedrecord_changelist", "discard"),
    ("get", "admin:usage_linecounter_changelist", None),
    ("get", "admin:usage_linecounter_change", "counter"),
    ("get", "admin:usage_usagealert_changelist", None),
    ("get", "admin:usage_usagealert_change", "alert"),
]
PAGE_IDS = [f"{method} {name} {key or ''}".strip() for method, name, key in PAGES]


def _call(client, rows, method, name, key):
    if key == "app":
        url, data = reverse(name, args=["usage"]), None
    elif key in ("reprocess", "discard"):
        url, data = reverse(name), {"action": key, "_selected_action": [rows["reject"].pk], "index": "0"}
    else:
        url = reverse(name, args=[rows[key].pk] if key else [])
        data = {"name": "intruder", "description": "Pirate"} if method == "post" else None
    return getattr(client, method)(url, data)


def _sent_to_admin_login(response) -> bool:
    return response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login")


@pytest.mark.parametrize(("method", "name", "key"), PAGES, ids=PAGE_IDS)
def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, rows, method, name, key):
    assert _sent_to_admin_login(_call(client, rows, method, name, key))


@pytest.mark.parametrize(("method", "name", "key"), PAGES, ids=PAGE_IDS)
def test_a_customer_who_is_not_staff_is_sent_to_the_admin_login(client, holder, rows, method, name, key):
    client.force_login(holder)
    assert _sent_to_admin_login(_call(client, rows, method, name, key))


@pytest.mark.parametrize(("method", "name", "key"), PAGES, ids=PAGE_IDS)
def test_staff_without_the_usage_permissions_is_refused(client, staff, rows, method, name, key):
    client.force_login(staff)  # the billing team's permissions, none of usage's
    # The app's own index does not exist for someone who may see none of its models.
    assert _call(client, rows, method, name, key).status_code == (404 if key == "app" else 403)


def test_strangers_change_nothing(client, holder, staff, rows):
    for persona in (None, holder, staff):
        client.logout()
        if persona:
            client.force_login(persona)
        for method, name, key in PAGES:
            _call(client, rows, method, name, key)

    assert list(UsageSource.objects.values_list("name", "description", "token_hash")) == [
        ("switch", "Commutateur de Paris", rows["source"].token_hash)]
    assert RejectedRecord.objects.get().status == RejectStatus.OPEN
    assert IngestBatch.objects.count() == 1
    assert not AuditEvent.objects.exists()
