"""Bill run control: start a cycle (trial or real), read its report, hold and release accounts,
approve and issue.

The run is synchronous here: fine for a small operator or a trial. A large run goes through
`telcobill billrun --cycle ...` (or a worker): a web request is not the place for an hour of work.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from telcobill.billing.models import BillRun, BillRunHold, BillRunStatus, Invoice, InvoiceStatus
from telcobill.billing.services import billrun
from telcobill.errors import TelcobillError
from telcobill.workflows.bill_run import run_bill_run

from ..access import frame, staff_page
from ..forms import ApproveForm, HoldForm, ReleaseForm, StartBillRunForm

VIEW, CONTROL = "billing.view_billrun", "billing.change_billrun"


def _next_cycle() -> str:
    today = timezone.localdate()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


def _by(request: HttpRequest) -> str:
    return request.user.email or str(request.user)


def _outcome(request: HttpRequest, run: BillRun) -> None:
    status = run.get_status_display()
    if run.status == BillRunStatus.ISSUED:
        issued = Invoice.objects.filter(bill_run=run, status=InvoiceStatus.ISSUED).count()
        messages.success(request, _("Cycle %(cycle)s : %(status)s, %(n)d documents émis.")
                         % {"cycle": run.cycle, "status": status.lower(), "n": issued})
    elif run.trial:
        messages.success(request, _("Cycle %(cycle)s calculé en essai : rien n'a été émis. Lisez le rapport.")
                         % {"cycle": run.cycle})
    else:
        messages.success(request, _("Cycle %(cycle)s : %(status)s.") % {"cycle": run.cycle, "status": status})


@staff_page(VIEW)
def billrun_list(request: HttpRequest) -> HttpResponse:
    form = StartBillRunForm(initial={"cycle": _next_cycle()})
    runs = BillRun.objects.order_by("-cycle")[:60]
    return render(request, "backoffice/billrun_list.html",
                  frame(request, _("Cycles de facturation"), runs=runs, form=form,
                        can_control=request.user.has_perm(CONTROL)))


@staff_page(CONTROL)
@require_POST
def billrun_start(request: HttpRequest) -> HttpResponse:
    form = StartBillRunForm(request.POST)
    if not form.is_valid():
        runs = BillRun.objects.order_by("-cycle")[:60]
        return render(request, "backoffice/billrun_list.html",
                      frame(request, _("Cycles de facturation"), runs=runs, form=form, can_control=True), status=400)
    cycle = form.cleaned_data["cycle"]
    try:
        run = run_bill_run(cycle, trial=form.trial)
    except TelcobillError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:billrun_list")
    _outcome(request, run)
    return redirect("backoffice:billrun_detail", cycle=run.cycle)


@staff_page(VIEW)
def billrun_detail(request: HttpRequest, cycle: str) -> HttpResponse:
    run = get_object_or_404(BillRun, cycle=cycle)
    report = run.report or {}
    held_accounts = [h["account"] for h in report.get("held_sample", [])]
    holds = list(BillRunHold.objects.filter(cycle=cycle).select_related("billing_account")
                 .order_by("billing_account__number"))
    documents = dict(Invoice.objects.filter(bill_run=run, billing_account__number__in=held_accounts + [
        h.billing_account.number for h in holds]).values_list("billing_account__number", "pk"))
    now = timezone.now()
    stale = run.lock_heartbeat and now - run.lock_heartbeat > timedelta(
        seconds=settings.BILLING["lock_stale_seconds"])
    context = frame(
        request, _("Cycle %(cycle)s") % {"cycle": cycle}, run=run, report=report,
        by_kind_and_status=_rows(report), held=[{**h, "document": documents.get(h["account"])}
                                               for h in report.get("held_sample", [])],
        holds=[{"hold": h, "document": documents.get(h.billing_account.number)} for h in holds],
        drafts_left=Invoice.objects.filter(bill_run=run, status=InvoiceStatus.DRAFT).exclude(
            billing_account_id__in=[h.billing_account_id for h in holds]).count(),
        documents_url=reverse("admin:billing_invoice_changelist") + f"?cycle={cycle}",
        hold_form=HoldForm(), can_control=request.user.has_perm(CONTROL), lock_stale=stale,
        can_approve=run.status == BillRunStatus.COMPUTED and not run.trial,
        can_compute=run.status in (BillRunStatus.COMPUTING, BillRunStatus.COMPUTED),
    )
    return render(request, "backoffice/billrun_detail.html", context)


def _rows(report: dict) -> list[dict]:
    kinds = {"invoice": _("Factures"), "credit_note": _("Avoirs")}
    statuses = {"draft": _("Brouillon"), "held": _("Retenue"), "issued": _("Émise")}
    rows = []
    for key, row in sorted(report.get("by_kind_and_status", {}).items()):
        kind, status = key.split(":")
        rows.append({"kind": kinds.get(kind, kind), "status": statuses.get(status, status), **row})
    return rows


@staff_page(CONTROL)
@require_POST
def billrun_hold(request: HttpRequest, cycle: str) -> HttpResponse:
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le compte de facturation et le motif de la retenue."))
        return redirect("backoffice:billrun_detail", cycle=cycle)
    number = form.cleaned_data["account_number"].strip()
    try:
        billrun.hold_account(cycle=cycle, account_number=number, reason=form.cleaned_data["reason"], by=_by(request))
    except TelcobillError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Compte %(account)s retenu : il ne sera pas émis avec le cycle %(cycle)s.")
                         % {"account": number, "cycle": cycle})
    return redirect("backoffice:billrun_detail", cycle=cycle)


@staff_page(CONTROL)
@require_POST
def billrun_release(request: HttpRequest, cycle: str) -> HttpResponse:
    form = ReleaseForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["account_number"]
        try:
            billrun.release_account(cycle=cycle, account_number=number)
        except TelcobillError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Compte %(account)s libéré : il sera émis à la prochaine émission du cycle.")
                             % {"account": number})
    return redirect("backoffice:billrun_detail", cycle=cycle)


@staff_page(CONTROL)
@require_POST
def billrun_approve(request: HttpRequest, cycle: str) -> HttpResponse:
    """Approve a computed run and issue it; on an issued run, issue the drafts released since."""
    run = get_object_or_404(BillRun, cycle=cycle)
    form = ApproveForm(request.POST)
    # Approve what was read: not a trial, nor a run computed again since the page was shown
    # (run_bill_run would compute a trial for real and issue it in the same call).
    if run.trial or not form.is_valid() or form.cleaned_data["generation"] != run.generation:
        messages.error(request, _("Le cycle %(cycle)s a été recalculé ou n'est qu'un essai depuis l'affichage "
                                  "de son rapport : relisez-le avant d'approuver.") % {"cycle": cycle})
        return redirect("backoffice:billrun_detail", cycle=cycle)
    try:
        run = run_bill_run(cycle, approve_by=_by(request))
    except TelcobillError as exc:
        messages.error(request, exc.message)
    else:
        _outcome(request, run)
    return redirect("backoffice:billrun_detail", cycle=cycle)
