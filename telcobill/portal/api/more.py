"""What the app does beyond reading invoices and counters: the payment timeline and how each
account pays; the account (billing address, e-facture and language); support conversations
(history, a new one, replying, closing); changing a line's plan or options with the price effect
first. The same use cases and the same role rules as the pages (`Space.can`), a stranger's
identifiers answering 404."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from telcobill.customers.models import BillingAccount
from telcobill.customers.services.billing_address import change_billing_address
from telcobill.customers.services.invoice_preferences import change_invoice_preferences
from telcobill.formats import iban_masked
from telcobill.payments.services import ledger
from telcobill.payments.services.timeline import timeline
from telcobill.support.models import MessageKind
from telcobill.support.services.conversations import close_by_customer, open_conversation, reply_as_customer
from telcobill.workflows import change_preview, lines

from ..access import Space
from ..help import scope
from ..payments.method import how_each_pays
from .auth import PersonToken, allowed_space, require

router = Router(auth=PersonToken())


# --- Payments ------------------------------------------------------------------------------------

class MomentOut(Schema):
    on: date
    kind: str  # debit_planned, debit_sent, debit_paid, debit_rejected, card_paid, card_failed,
    #            transfer_received, credit_note, payment_returned, refund, due, late, disputed, instalment
    amount: Decimal
    account: str
    invoice: str | None
    left: Decimal  # what the invoice still owes
    payable: bool  # owed and nothing planned to collect it: the app offers to pay by card
    method: str
    iban: str  # masked
    reason: str  # the bank's return code, a card's decline message
    status: str
    number: int  # an instalment's number, of `of`
    of: int


class HowItPaysOut(Schema):
    account: str
    method: str  # direct_debit, card, transfer
    mandate_reference: str | None
    mandate_iban: str | None  # masked
    card: str | None  # "visa •••• 4242"
    next_debit_on: date | None


class PaymentsOut(Schema):
    owed: Decimal
    credit: Decimal
    accounts: list[HowItPaysOut]
    moments: list[MomentOut]  # newest first, what is to come on top


@router.get("/payments", response=PaymentsOut, tags=["app: payments"])
def payments(request):
    """Every payment moment of the customer's accounts (debits, cards, transfers, credit notes,
    refunds, rejected debits, what is due or late) and how each account pays."""
    found = allowed_space(request, "see_invoices")
    accounts = list(found.accounts().order_by("number"))
    total = ledger.balance(*accounts)
    moments = timeline(accounts, since=found.oldest_visible, today=timezone.localdate())
    return {
        "owed": total.owed, "credit": total.credit,
        "accounts": [{
            "account": row["account"].number, "method": row["method"],
            "mandate_reference": row["mandate"].reference if row["mandate"] else None,
            "mandate_iban": iban_masked(row["mandate"].iban) if row["mandate"] else None,
            "card": f"{row['card'].brand} •••• {row['card'].last4}" if row["card"] else None,
            "next_debit_on": row["next_debit"].collect_on if row["next_debit"] else None}
            for row in how_each_pays(accounts)],
        "moments": [{
            "on": m.on, "kind": m.kind, "amount": m.amount, "account": m.account,
            "invoice": m.invoice.number if m.invoice else None, "left": m.left, "payable": m.payable,
            "method": m.method, "iban": iban_masked(m.iban) if m.iban else "", "reason": m.reason,
            "status": m.status, "number": m.number, "of": m.of} for m in moments]}


# --- Account -------------------------------------------------------------------------------------

class AccountOut(Schema):
    id: int
    number: str
    name: str
    address_line1: str
    address_line2: str
    postcode: str
    city: str
    country_code: str
    email: str
    paperless: bool
    paperless_pdf: bool
    language: str


class AddressIn(Schema):
    address_line1: str
    address_line2: str = ""
    postcode: str
    city: str
    country_code: str = "FR"


class PreferencesIn(Schema):
    paperless: bool
    with_pdf: bool = False
    language: str = "fr"


def _account_out(account: BillingAccount) -> dict:
    return {field: getattr(account, field) for field in AccountOut.model_fields}


def _holder_account(request, account_id: int) -> tuple[Space, BillingAccount]:
    found = allowed_space(request, "account")
    account = found.accounts().filter(pk=account_id).first()
    if account is None:
        raise HttpError(404, "no such billing account among yours")
    return found, account


@router.get("/accounts", response=list[AccountOut], tags=["app: account"])
def accounts(request):
    """The customer's billing accounts: address, billing e-mail, e-facture and language."""
    found = allowed_space(request, "see_invoices")
    return [_account_out(a) for a in found.accounts().order_by("number")]


@router.put("/accounts/{account_id}/address", response=AccountOut, tags=["app: account"])
def set_address(request, account_id: int, address: AddressIn):
    """The billing address the next invoices print (the holder's; audited). 400 names the field."""
    found, account = _holder_account(request, account_id)
    return _account_out(change_billing_address(account, by=found.person, **address.dict()))


@router.put("/accounts/{account_id}/invoicing", response=AccountOut, tags=["app: account"])
def set_invoicing(request, account_id: int, preferences: PreferencesIn):
    """E-facture (an e-mail at each new invoice, its PDF attached when `with_pdf`) or paper, and the
    documents' language (the holder's; audited)."""
    found, account = _holder_account(request, account_id)
    return _account_out(change_invoice_preferences(account, by=found.person, **preferences.dict()))


# --- Support conversations -------------------------------------------------------------------------

class ConversationOut(Schema):
    id: int
    category: str
    status: str  # new, assigned, answered, closed
    line: str | None
    created_at: datetime
    last_message_at: datetime


class MessageOut(Schema):
    kind: str  # customer, agent, event
    author: str  # the customer's name, or the agent's first name
    body: str
    event: str  # assigned, reopened, closed... for an event
    at: datetime


class ThreadOut(ConversationOut):
    messages: list[MessageOut]


class ConversationIn(Schema):
    category: str  # invoice, payment, network, offer, other
    body: str
    line_id: int | None = None


class ReplyIn(Schema):
    body: str


def _conversation_out(conversation) -> dict:
    return {"id": conversation.pk, "category": conversation.category, "status": conversation.status,
            "line": conversation.line.msisdn if conversation.line else None,
            "created_at": conversation.created_at, "last_message_at": conversation.last_message_at}


def _thread(conversation) -> dict:
    messages = []
    for message in conversation.messages.select_related("author").order_by("at", "pk"):
        if message.kind == MessageKind.AGENT:
            author = (message.author.first_name if message.author else "") or "Service client"
        else:
            author = message.author.display_name if message.author else ""
        messages.append({"kind": message.kind, "author": author, "body": message.body, "event": message.event,
                         "at": message.at})
    return {**_conversation_out(conversation), "messages": messages}


def _support_space(request) -> Space:
    return allowed_space(request, "support")


@router.get("/conversations", response=list[ConversationOut], tags=["app: support"])
def conversations(request):
    """The customer's conversations with support, the latest first (a line user: their own)."""
    found = _support_space(request)
    return [_conversation_out(c) for c in scope.conversations(found).select_related("line")
            .order_by("-last_message_at", "-pk")[:200]]


@router.post("/conversations", response={201: ThreadOut}, tags=["app: support"])
def new_conversation(request, payload: ConversationIn):
    """Write to support: a new conversation with its first message."""
    found = _support_space(request)
    line = found.line(payload.line_id) if payload.line_id else None
    conversation = open_conversation(customer=found.customer, person=found.person, category=payload.category,
                                     body=payload.body, line=line)
    return Status(201, _thread(conversation))


@router.get("/conversations/{conversation_id}", response=ThreadOut, tags=["app: support"])
def conversation(request, conversation_id: int):
    """A conversation and its messages, the agents' answers among them."""
    return _thread(scope.conversation(_support_space(request), conversation_id))


@router.post("/conversations/{conversation_id}/messages", response={201: ThreadOut}, tags=["app: support"])
def reply(request, conversation_id: int, payload: ReplyIn):
    """Reply (a closed conversation opens again)."""
    found = _support_space(request)
    conversation = scope.conversation(found, conversation_id)
    reply_as_customer(conversation, person=found.person, body=payload.body)
    conversation.refresh_from_db()
    return Status(201, _thread(conversation))


@router.post("/conversations/{conversation_id}/close", response=ThreadOut, tags=["app: support"])
def close(request, conversation_id: int):
    """The customer has their answer: close the conversation (409 when it already is)."""
    found = _support_space(request)
    conversation = scope.conversation(found, conversation_id)
    return _thread(close_by_customer(conversation, person=found.person))


# --- Line changes ----------------------------------------------------------------------------------

class PreviewLineOut(Schema):
    description: str
    quantity: Decimal
    unit_code: str  # DAY, MON
    net_amount: Decimal
    vat_rate: Decimal


class PreviewOut(Schema):
    effective_on: date
    cycle: str  # the bill run that bills it
    issue_date: date
    lines: list[PreviewLineOut]  # the line's fees on that invoice, once changed
    total_net: Decimal
    total_gross: Decimal
    total_before_net: Decimal
    total_before_gross: Decimal
    monthly_net: Decimal  # plan and options a month from `effective_on`
    monthly_gross: Decimal
    commitment_end: date | None


class PlanIn(Schema):
    plan: str


class OptionIn(Schema):
    option: str


class ChangedOut(Schema):
    effective_on: date


def _preview_out(preview) -> dict:
    return {"effective_on": preview.effective_on, "cycle": preview.cycle, "issue_date": preview.issue_date,
            "lines": [{"description": p.description, "quantity": p.quantity, "unit_code": p.unit_code,
                       "net_amount": p.net_amount, "vat_rate": p.vat_rate} for p in preview.lines],
            "total_net": preview.total.net, "total_gross": preview.total.gross,
            "total_before_net": preview.total_before.net, "total_before_gross": preview.total_before.gross,
            "monthly_net": preview.monthly.net, "monthly_gross": preview.monthly.gross,
            "commitment_end": preview.commitment_end}


def _changeable_line(request, line_id: int):
    """The line and the caller's space; a terminated line is refused by the use cases (409)."""
    found = allowed_space(request, "see_lines")
    line = found.line(line_id)  # a stranger's: 404 before any 403
    require(found, "lines")
    return found, line


@router.get("/lines/{line_id}/plan/preview", response=PreviewOut, tags=["app: lines"])
def plan_preview(request, line_id: int, plan: str):
    """What moving the line to `plan` today would bill, and from when (nothing is changed)."""
    _, line = _changeable_line(request, line_id)
    return _preview_out(change_preview.preview_plan_change(line=line, plan_code=plan,
                                                           requested_on=timezone.localdate()))


@router.post("/lines/{line_id}/plan", response=ChangedOut, tags=["app: lines"])
def change_plan(request, line_id: int, payload: PlanIn):
    """Move the line to another plan: recorded, billed by the next bill run, sent to the network."""
    found, line = _changeable_line(request, line_id)
    return {"effective_on": lines.change_plan(line=line, plan_code=payload.plan, requested_on=timezone.localdate(),
                                              by=found.person)}


@router.get("/lines/{line_id}/options/preview", response=PreviewOut, tags=["app: lines"])
def option_preview(request, line_id: int, add: str = "", remove: str = ""):
    """What adding (`add`) or removing (`remove`) an option today would bill."""
    _, line = _changeable_line(request, line_id)
    today = timezone.localdate()
    if bool(add) == bool(remove):
        raise HttpError(400, "name one option, to add or to remove")
    preview = (change_preview.preview_add_option(line=line, option_code=add, on=today) if add else
               change_preview.preview_remove_option(line=line, option_code=remove, on=today))
    return _preview_out(preview)


@router.post("/lines/{line_id}/options", response=ChangedOut, tags=["app: lines"])
def add_option(request, line_id: int, payload: OptionIn):
    """Add an option from today."""
    found, line = _changeable_line(request, line_id)
    today = timezone.localdate()
    lines.add_option(line=line, option_code=payload.option, on=today, by=found.person)
    return {"effective_on": today}


@router.delete("/lines/{line_id}/options/{option}", response=ChangedOut, tags=["app: lines"])
def remove_option(request, line_id: int, option: str):
    """Remove an option from today (the days already paid come back on the next invoice)."""
    found, line = _changeable_line(request, line_id)
    today = timezone.localdate()
    lines.remove_option(line=line, option_code=option, on=today, by=found.person)
    return {"effective_on": today}


# --- Consumption: history and itemized communications -----------------------------------------------

class MonthUsageOut(Schema):
    month: date
    voice_seconds: int
    sms: int
    data_bytes: int
    pool_data_bytes: int | None
    out_of_plan_excl_vat: Decimal
    out_of_plan_incl_vat: Decimal
    billed: bool  # invoiced by a bill run
    estimate: bool  # the month in progress: the amount so far


class CommunicationOut(Schema):
    at: datetime  # Paris time
    kind: str
    number: str  # the last 4 digits hidden unless the account chose full numbers
    where: str  # the roaming zone, "" at home
    quantity: str
    description: str
    excl_vat: Decimal
    incl_vat: Decimal
    roaming: bool


@router.get("/lines/{line_id}/usage/history", response=list[MonthUsageOut], tags=["app: usage"])
def usage_history(request, line_id: int):
    """The line's 13 months: calls, SMS and data used, and what was billed beyond the plan."""
    from telcobill.usage.services.history import usage_history as history

    line = allowed_space(request).line(line_id)
    return [{"month": m.month, "voice_seconds": m.voice_seconds, "sms": m.sms, "data_bytes": m.data_bytes,
             "pool_data_bytes": m.pool_data_bytes, "out_of_plan_excl_vat": m.out_of_plan_excl,
             "out_of_plan_incl_vat": m.out_of_plan_incl, "billed": m.billed, "estimate": m.estimate}
            for m in history(line, timezone.localdate().replace(day=1))]


@router.get("/lines/{line_id}/itemized", response=list[CommunicationOut], tags=["app: usage"])
def itemized(request, line_id: int, month: str, kind: str = ""):
    """The line's communications of `month` (2026-10), within the 12 months kept, oldest first;
    `kind`: calls, messages, data or roaming."""
    from telcobill.usage.services.itemized import itemized as communications
    from telcobill.usage.services.itemized import select
    from telcobill.usage.services.retention import retention_start

    line = allowed_space(request).line(line_id)
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise HttpError(400, f"month {month!r}: expected a month like 2026-10") from None
    if first < retention_start() or first > timezone.localdate():
        raise HttpError(404, f"month {month}: communications are kept 12 months, from {retention_start():%Y-%m}")
    if kind not in ("", "calls", "messages", "data", "roaming"):
        raise HttpError(400, f"kind {kind!r}: expected calls, messages, data or roaming")
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    return [{"at": c.at, "kind": c.kind, "number": c.number, "where": c.where, "quantity": c.quantity,
             "description": c.description, "excl_vat": c.excl_vat, "incl_vat": c.incl_vat, "roaming": c.roaming}
            for c in select(communications(line, first, language=language), kind=kind)]
