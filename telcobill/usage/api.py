"""`POST /api/v1/usage/batches`: up to 10,000 usage records as a JSON list of objects with the
fields of specs/usage-records.md, authenticated by the source's machine token (Bearer). Same
use case as the files: each record counted once per (source, record_id), a bad record rejected
alone with its position and reason, the others ingested."""

from __future__ import annotations

import json

from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from .csvfile import Row
from .models import UsageSource, hash_token
from .services.ingest import ingest_rows

MAX_RECORDS = 10_000
FIELDS = ("record_id", "msisdn", "type", "direction", "started_at", "peer", "peer_kind", "duration_s",
          "volume_bytes", "amount", "country", "network")


class SourceToken(HttpBearer):
    def authenticate(self, request, token):
        return UsageSource.objects.filter(token_hash=hash_token(token)).exclude(token_hash="").first()


class Rejection(Schema):
    record: int  # 1-based position in the list
    record_id: str
    reason: str


class BatchResult(Schema):
    batch: int
    accepted: int
    duplicates: int
    rejected: int
    rejections: list[Rejection]


class Problem(Schema):
    detail: str


router = Router(tags=["usage"], auth=SourceToken())

RECORD_SCHEMA = {
    "type": "array", "maxItems": MAX_RECORDS,
    "items": {"type": "object", "properties": {name: {"type": ["string", "number"]} for name in FIELDS},
              "required": ["record_id", "msisdn", "type", "started_at"]},
}


@router.post("/batches", response={200: BatchResult, 400: Problem, 413: Problem},
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": RECORD_SCHEMA}}}})
def post_batch(request):
    """Ingest a batch of usage records for the token's source."""
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError) as exc:
        return Status(400, {"detail": f"the body is not JSON: {exc}"})
    if not isinstance(payload, list):
        return Status(400, {"detail": "expected a JSON list of usage records (objects), got " + type(payload).__name__})
    if len(payload) > MAX_RECORDS:
        return Status(413, {"detail": f"{len(payload):,} records: at most {MAX_RECORDS:,} a request, split the batch"})
    rows = [Row(index, _raw(item), _fields(item)) for index, item in enumerate(payload, start=1)]
    result = ingest_rows(request.auth, rows, origin=f"API, {len(rows)} records", channel="api")
    from .models import RejectedRecord

    rejections = [
        {"record": r.line_number, "record_id": r.record_id, "reason": _as_record(r.reason, r.line_number)}
        for r in RejectedRecord.objects.filter(batch_id__in=result.batch_ids).order_by("line_number")]
    return Status(200, {"batch": result.batch_ids[-1], "accepted": result.accepted, "duplicates": result.duplicates,
                        "rejected": result.rejected, "rejections": rejections})


def _fields(item) -> dict[str, str]:
    if not isinstance(item, dict):
        return {"__error__": f"expected an object with the usage record fields, got {type(item).__name__}"}
    fields = {}
    for name in FIELDS:
        value = item.get(name)
        if value is None:
            continue
        fields[name] = value if isinstance(value, str) else (
            "__bad__" if isinstance(value, bool | dict | list) else str(value))
    return fields


def _raw(item) -> str:
    return json.dumps(item, ensure_ascii=False, default=str)[:2000]


def _as_record(reason: str, position: int) -> str:
    prefix = f"line {position}:"
    return f"record {position}:{reason[len(prefix):]}" if reason.startswith(prefix) else reason
