"""POST /api/v1/usage/batches: the files' use case behind a per-source machine token."""

import json
from datetime import date

import pytest

from telcobill.usage import store
from telcobill.usage.models import IngestBatch, RecordKey, UsageFile

URL = "/api/v1/usage/batches"


@pytest.fixture
def token(source):
    value = source.new_token()
    source.save()
    return value


def post(client, payload, token, **extra):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def record(n, **fields):
    return {"record_id": f"api-{n}", "msisdn": "+33612345678", "type": "voice", "direction": "out",
            "started_at": f"2026-10-{n % 28 + 1:02d}T10:00:00+02:00", "peer": "33145678901", "duration_s": 60 + n,
            **fields}


def test_a_batch_is_ingested_with_each_bad_record_rejected_alone(client, camille, token, usage_store):
    answer = post(client, [record(1), record(2, duration_s=-5), record(3, type="sms", duration_s=None)], token)

    assert answer.status_code == 200
    assert answer.json() == {"batch": IngestBatch.objects.get().pk, "accepted": 2, "duplicates": 0, "rejected": 1,
                             "rejections": [{"record": 2, "record_id": "api-2",
                                             "reason": "record 2: duration_s is -5, expected a whole number ≥ 0"}]}
    again = post(client, [record(1), record(3, type="sms")], token).json()
    assert (again["accepted"], again["duplicates"], again["rejected"]) == (0, 2, 0)
    assert sorted(store.read_month(date(2026, 10, 1)).column("record_id").to_pylist()) == ["api-1", "api-3"]


@pytest.mark.parametrize("authorization", ["", "Bearer ", "Bearer tbu_switch_not-the-token"])
def test_without_the_source_token_nothing_is_ingested(client, camille, token, usage_store, authorization):
    answer = client.post(URL, data=json.dumps([record(1)]), content_type="application/json",
                         **({"HTTP_AUTHORIZATION": authorization} if authorization else {}))
    assert answer.status_code == 401
    assert RecordKey.objects.count() == 0


def test_too_many_records_or_not_a_list_is_refused_whole(client, camille, token, usage_store):
    too_many = post(client, [record(n) for n in range(10_001)], token)
    assert (too_many.status_code, too_many.json()) == (
        413, {"detail": "10,001 records: at most 10,000 a request, split the batch"})
    not_json = post(client, "{not json", token)
    assert not_json.status_code == 400 and not_json.json()["detail"].startswith("the body is not JSON")
    an_object = post(client, {"records": []}, token)
    assert an_object.json() == {"detail": "expected a JSON list of usage records (objects), got dict"}
    assert RecordKey.objects.count() == 0 and IngestBatch.objects.count() == 0


def test_small_batches_are_compacted_without_losing_or_doubling_a_record(client, camille, token, usage_store,
                                                                          django_capture_on_commit_callbacks):
    for n in range(12):
        with django_capture_on_commit_callbacks(execute=True):  # compaction is queued after commit
            assert post(client, [record(n)], token).status_code == 200

    live = UsageFile.objects.filter(live=True)
    # The 10th batch triggered the merge of the first ten files; two more arrived after it.
    assert sorted(f.records for f in live) == [1, 1, 10]
    assert UsageFile.objects.filter(live=False).count() == 10
    ids = store.read_month(date(2026, 10, 1)).column("record_id").to_pylist()
    assert sorted(ids) == sorted(f"api-{n}" for n in range(12))
