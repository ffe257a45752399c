"""A cycle's bill run: its record, its lock, and the staff controls (hold, release, approve)."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from telcobill.customers.models import BillingAccount
from telcobill.errors import Invalid, NotAllowed, NotFound

from .. import proration
from ..models import BillRun, BillRunHold, BillRunStatus, Invoice, InvoiceStatus


def issue_date_of(cycle: str) -> date:
    year, month = proration.parse_cycle(cycle)
    return date(year, month, settings.BILLING["billing_day"])


def get_or_create_run(cycle: str) -> BillRun:
    try:
        issue_date = issue_date_of(cycle)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    run, _ = BillRun.objects.get_or_create(cycle=cycle, defaults={"issue_date": issue_date})
    return run


def get_run(cycle: str) -> BillRun:
    run = BillRun.objects.filter(cycle=cycle).first()
    if run is None:
        raise NotFound(f"no bill run for cycle {cycle}: compute it first with `telcobill billrun --cycle {cycle}`")
    return run


# --- the run lock ----------------------------------------------------------------------------

def new_lock_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder_is_dead(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid))


def acquire_lock(run: BillRun, owner: str, *, now: datetime) -> None:
    """Take the run's lock, or refuse while another live process holds it.

    One conditional UPDATE: free, stale (no heartbeat for `lock_stale_seconds`), or held by a
    process of this host that no longer exists (killed). 0 rows: another worker has it."""
    stale = now - timedelta(seconds=settings.BILLING["lock_stale_seconds"])
    free = Q(lock_owner="") | Q(lock_heartbeat__lt=stale)
    current = BillRun.objects.filter(pk=run.pk).values_list("lock_owner", "lock_heartbeat").first()
    if current and current[0] and _holder_is_dead(current[0]):
        free |= Q(lock_owner=current[0])
    if BillRun.objects.filter(pk=run.pk).filter(free).update(lock_owner=owner, lock_heartbeat=now) == 1:
        run.lock_owner, run.lock_heartbeat = owner, now
        return
    holder, seen = current or ("?", None)
    age = f", last seen {int((now - seen).total_seconds())} s ago" if seen else ""
    raise NotAllowed(f"the bill run of cycle {run.cycle} is already running ({holder}{age}); "
                     "wait for it to finish, or for its lock to go stale if it died", code="billrun_running")


def heartbeat(run: BillRun, owner: str, *, now: datetime) -> None:
    if BillRun.objects.filter(pk=run.pk, lock_owner=owner).update(lock_heartbeat=now) != 1:
        raise NotAllowed(f"the bill run of cycle {run.cycle} lost its lock to another process",
                         code="billrun_lock_lost")


def release_lock(run: BillRun, owner: str) -> None:
    BillRun.objects.filter(pk=run.pk, lock_owner=owner).update(lock_owner="", lock_heartbeat=None)


# --- staff controls --------------------------------------------------------------------------

def hold_account(*, cycle: str, account_number: str, reason: str, by: str) -> BillRunHold:
    """Leave an account out of the cycle's issue until released."""
    if not reason.strip():
        raise Invalid("a hold needs a reason the next person can act on")
    account = _account(account_number)
    if Invoice.objects.filter(billing_account=account, cycle=cycle, bill_run__isnull=False,
                              status=InvoiceStatus.ISSUED).exists():
        raise NotAllowed(f"account {account_number} is already issued for cycle {cycle}")
    hold, _ = BillRunHold.objects.update_or_create(cycle=cycle, billing_account=account,
                                                   defaults={"reason": reason, "created_by": by})
    return hold


def release_account(*, cycle: str, account_number: str) -> None:
    if not BillRunHold.objects.filter(cycle=cycle, billing_account=_account(account_number)).delete()[0]:
        raise NotFound(f"account {account_number} is not on the hold list of cycle {cycle}")


def approve(*, cycle: str, by: str, now: datetime) -> BillRun:
    """Staff approval of a computed run: the condition to issue it."""
    if not by.strip():
        raise Invalid("an approval names who approves")
    with transaction.atomic():
        run = BillRun.objects.select_for_update().get(pk=get_run(cycle).pk)
        if run.trial:
            raise NotAllowed(f"cycle {cycle} was computed as a trial: compute it for real with "
                             f"`telcobill billrun --cycle {cycle}` before approving", code="trial")
        if run.status != BillRunStatus.COMPUTED:
            raise NotAllowed(f"cycle {cycle} is {run.get_status_display().lower()}: only a computed run "
                             "can be approved", code="not_computed")
        run.status, run.approved_by, run.approved_at = BillRunStatus.APPROVED, by, now
        run.save(update_fields=["status", "approved_by", "approved_at"])
    return run


def _account(number: str) -> BillingAccount:
    account = BillingAccount.objects.filter(number=number).first()
    if account is None:
        raise NotFound(f"no billing account {number}")
    return account
