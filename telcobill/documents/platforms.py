"""Adapters to plateformes agréées (PA): deposit a business document, read the statuses back.

A platform is reached through an adapter; `FileExchange` is the common file exchange most
platforms offer beside their API (an SFTP folder pair, mounted or synchronised here):

    <root>/outbox/<number>.pdf|.xml          documents deposited by the operator
    <root>/outbox/<number>.<code>.json       statuses the operator reports (212 Encaissée)
    <root>/statuses/*.json                   statuses written by the platform
    <root>/statuses/processed/               status files read and recorded
    <root>/statuses/rejected/                status files that could not be read, each with a
                                             `.error.txt` saying what is wrong

A status file is one JSON object (docs/einvoicing.md):

    {"message_id": "PA-8841", "document": "F2026-000123", "status": "210",
     "at": "2026-12-02T09:15:00+01:00", "reason_code": "ADR_ERR", "reason": "..."}

`status` is the lifecycle code of XP Z12-012 (CDAR 200-213). A platform that speaks CDAR XML
gets its own adapter with the same two methods; nothing else in telcobill changes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from telcobill.files import write_atomically

STATUS_CODES = {str(code) for code in range(200, 214)}


@dataclass(frozen=True)
class StatusReport:
    """One status of one document, as a platform reported it."""

    message_id: str
    document: str  # the document number
    status: str  # "200".."213"
    at: datetime
    reason_code: str = ""
    reason: str = ""
    source: str = ""  # the file (or message) it came from
    amount: Decimal | None = None  # 212 Encaissée: the amount collected


@dataclass(frozen=True)
class BadStatus:
    """A status message that could not be read: what and why, for a person to act on."""

    source: str
    error: str


class FileExchange:
    """The file-exchange adapter of one platform, rooted at `root`."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.outbox = self.root / "outbox"
        self.statuses = self.root / "statuses"

    # --- operator -> platform ----------------------------------------------------------------

    def deposit(self, file_name: str, payload: bytes) -> Path:
        """Drop a document in the outbox, atomically (the platform never picks half a file)."""
        return write_atomically(self.outbox / file_name, payload)

    def report_status(self, report: StatusReport) -> Path:
        """Tell the platform a status the operator owns (212 Encaissée for services)."""
        body = {"message_id": report.message_id, "document": report.document, "status": report.status,
                "at": report.at.isoformat(), "reason_code": report.reason_code, "reason": report.reason}
        if report.amount is not None:
            body["amount"] = f"{report.amount:.2f}"
        name = f"{report.document.replace('/', '_')}.{report.status}.json"
        return write_atomically(self.outbox / name, json.dumps(body, ensure_ascii=False, indent=1).encode())

    # --- platform -> operator ----------------------------------------------------------------

    def read_statuses(self) -> Iterator[StatusReport | BadStatus]:
        """The status files waiting, oldest name first; each is yielded, then `done()` files it."""
        if not self.statuses.is_dir():
            return
        for path in sorted(p for p in self.statuses.iterdir() if p.is_file() and p.suffix == ".json"):
            yield parse_status(path.read_bytes(), path.name)

    def done(self, item: StatusReport | BadStatus) -> None:
        """File a status message away: processed, or rejected with its error beside it."""
        source = self.statuses / item.source
        if isinstance(item, BadStatus):
            target = self.statuses / "rejected" / item.source
            write_atomically(target.with_name(target.name + ".error.txt"), (item.error + "\n").encode())
        else:
            target = self.statuses / "processed" / item.source
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.exists():
            os.replace(source, target)


def parse_status(data: bytes, source: str) -> StatusReport | BadStatus:
    """Read one status file; anything wrong names the field and what was expected."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return BadStatus(source, f"{source}: not a JSON object ({error})")
    if not isinstance(body, dict):
        return BadStatus(source, f"{source}: expected one JSON object, got {type(body).__name__}")
    for name in ("message_id", "document", "status", "at"):
        if not isinstance(body.get(name), str) or not body[name].strip():
            return BadStatus(source, f"{source}: field '{name}' is missing or empty (expected text)")
    if body["status"] not in STATUS_CODES:
        return BadStatus(source, f"{source}: field 'status' is {body['status']!r}, expected a lifecycle code "
                                 "from 200 to 213")
    try:
        at = datetime.fromisoformat(body["at"])
    except ValueError:
        return BadStatus(source, f"{source}: field 'at' is {body['at']!r}, expected a date and time like "
                                 "2026-12-02T09:15:00+01:00")
    if at.tzinfo is None:
        return BadStatus(source, f"{source}: field 'at' has no time zone, expected one like +01:00")
    if body["status"] in ("210", "213") and not str(body.get("reason") or body.get("reason_code") or "").strip():
        return BadStatus(source, f"{source}: a refusal (status {body['status']}) must give 'reason' or "
                                 "'reason_code'")
    amount = None
    if body.get("amount") not in (None, ""):
        try:
            amount = Decimal(str(body["amount"]))
        except InvalidOperation:
            return BadStatus(source, f"{source}: field 'amount' is {body['amount']!r}, expected an amount like 120.00")
    return StatusReport(message_id=body["message_id"].strip(), document=body["document"].strip(),
                        status=body["status"], at=at, reason_code=str(body.get("reason_code") or "")[:20],
                        reason=str(body.get("reason") or "")[:500], source=source, amount=amount)
