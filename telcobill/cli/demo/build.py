"""Build the demo operator: ~500 customers over 14 months, every bill run issued, every PDF rendered.

Deterministic for a seed: the same seed gives the same customers, lines, events and invoices.
Changes happen in date order and each cycle is billed on its billing day, after the changes
dated before it, as in production.
"""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings

from telcobill.billing.models import Charge, Invoice, InvoiceStatus, Section
from telcobill.billing.proration import cycle_of, next_month, previous_month
from telcobill.catalogue.loader import load_catalogue
from telcobill.catalogue.models import Product
from telcobill.customers.models import (
    Access,
    BillingAccount,
    Customer,
    CustomerKind,
    Line,
    LineStatus,
    PaymentMethod,
    Person,
    ProvisioningOrder,
    ProvisioningStatus,
    Role,
)
from telcobill.documents.services.render import pending_ids, render_documents
from telcobill.errors import TelcobillError
from telcobill.payments.services.dunning import install_default_steps
from telcobill.payments.services.mandates import create_mandate
from telcobill.processes import django_pool
from telcobill.support.starter import install_starter_content
from telcobill.usage.models import UsageSource
from telcobill.usage.services.advice import advise
from telcobill.usage.services.counters import refresh_counters
from telcobill.usage.services.ingest import ingest_file
from telcobill.workflows import lines as line_changes
from telcobill.workflows.bill_run import run_bill_run
from telcobill.workflows.bill_run_batch import ComputePool
from telcobill.workflows.credit_note import credit_invoice
from telcobill.workflows.provisioning import deliver_order

from . import identities, names
from . import usage as demo_usage
from .einvoicing import einvoicing_story
from .money import MoneyStory
from .personas import individual_holder, mobile_holder, showcase_business
from .support import support_story, tutorial_video_story

CATALOGUE = Path(__file__).resolve().parents[2] / "catalogue" / "demo_catalogue.toml"
FIRST_DAY = date(2025, 9, 1)
LAST_DAY = date(2026, 11, 27)
FIRST_CYCLE, LAST_CYCLE = "2025-10", "2026-11"
DEMO_PASSWORD = "demo-telcobill-2026"
STAFF_EMAIL = "staff@telcobill.invalid"
SUPPORT_EMAIL = "support@telcobill.invalid"

INDIVIDUAL_PLANS = [("forfait_2h", 8), ("forfait_20go", 22), ("forfait_40go", 25), ("forfait_80go_5g", 20),
                    ("forfait_150go_5g", 15), ("forfait_5g_illimite", 10)]
BUSINESS_PLANS = [("pro_10go", 30), ("pro_100go_5g", 35), ("pro_partage", 20), ("pro_illimite_5g", 15)]
INDIVIDUAL_OPTIONS = ["option_international", "option_data_10go", "pass_monde_5go", "option_securite"]
BUSINESS_OPTIONS = ["option_international", "option_multi_sim", "pass_monde_5go"]


@dataclass(order=True)
class Event:
    day: date
    order: int
    action: str = field(compare=False)
    payload: dict = field(compare=False, default_factory=dict)


@dataclass
class Summary:
    customers: int = 0
    lines: int = 0
    documents: int = 0
    credit_notes: int = 0
    rendered: int = 0
    einvoicing: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in weighted], weights=[w for _, w in weighted])[0]


def _day_between(rng: random.Random, start: date, end: date, skew: float = 1.0) -> date:
    span = (end - start).days
    return start + timedelta(days=int(span * rng.random() ** skew))


def build_demo(*, seed: int = 42, customers: int = 500, progress: Callable[[str, int, int], None]) -> Summary:
    rng = random.Random(seed)
    summary = Summary()
    load_catalogue(CATALOGUE)
    password = make_password(DEMO_PASSWORD)  # hashed once (argon2 is slow by design), shared by demo people
    staff = Person.objects.create_superuser(STAFF_EMAIL, DEMO_PASSWORD, first_name="Équipe",
                                            last_name="Facturation")
    story = MoneyStory(rng, Path(settings.DATA_DIR) / "demo-bank", staff, LAST_DAY)
    install_default_steps()
    install_starter_content()  # the guides and canned answers (a --reset flushed the migration's)

    events: list[Event] = []
    used_msisdns: set[str] = set()
    counter = iter(range(1, 10**9))
    for index in range(customers):
        business = rng.random() < 0.30
        # A young operator growing: more customers joined recently than at the start.
        signup = _day_between(rng, FIRST_DAY, LAST_DAY - timedelta(days=20), skew=0.6)
        account = _customer(rng, index, business, password, used_msisdns, summary)
        if account.payment_method == PaymentMethod.DIRECT_DEBIT:
            create_mandate(account, iban=account.debit_iban, holder=account.name, street=account.address_line1,
                           postcode=account.postcode, city=account.city, channel=rng.choice(["web", "app", "paper"]),
                           signed_at=datetime(signup.year, signup.month, signup.day, 10, tzinfo=UTC))
        line_count = (rng.choice([2, 2, 3, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50]) if business
                      else rng.choice([1, 1, 1, 1, 1, 2]))
        for n in range(line_count):
            activation = signup if n == 0 or rng.random() < 0.7 else _day_between(rng, signup, LAST_DAY)
            msisdn = identities.mobile(rng, used_msisdns)
            plan = _pick(rng, BUSINESS_PLANS if business else INDIVIDUAL_PLANS)
            events.append(Event(activation, next(counter), "activate", {
                "account": account.pk, "msisdn": msisdn, "plan": plan,
                "label": rng.choice(names.LINE_LABELS) if business else "",
                "cost_centre": rng.choice(names.COST_CENTRES) if business else ""}))
            events.extend(_line_story(rng, counter, msisdn, activation, business, plan))
    events.sort()
    summary.customers = customers

    # Tasks would queue ~10,000 renders one by one: the demo renders them in bulk at the end.
    # Reminders and notices go to an in-memory outbox: the demo's customers have no mailboxes.
    with (override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
                            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
          ComputePool(2) as pool):
        cycles = _cycles()
        position = 0
        late: list[dict] = []
        timer = _Timer(summary.seconds)
        for step, cycle in enumerate(cycles, start=1):
            billing_day = date(int(cycle[:4]), int(cycle[5:]), 1)
            with timer("changes"):
                while position < len(events) and events[position].day < billing_day:
                    _apply(events[position])
                    position += 1
            with timer("usage"):
                late = _usage_of_month(rng, billing_day, late)
            with timer("bill runs"):
                run_bill_run(cycle, approve_by=STAFF_EMAIL, pool=pool,
                             clock=lambda d=billing_day: datetime(d.year, d.month, d.day, 5, 0, tzinfo=UTC))
            with timer("credit notes"):
                summary.credit_notes += _gestures(rng, cycle, billing_day)
            with timer("payments"):
                # Until the next bill run: debits and the bank's answers, cards, transfers, dunning.
                story.after_bill_run(cycle, billing_day)
                story.run_until(next_month(billing_day) if step < len(cycles) else LAST_DAY + timedelta(days=1))
            progress("bill runs", step, len(cycles))
        while position < len(events):
            _apply(events[position])
            position += 1
        for order in ProvisioningOrder.objects.filter(status=ProvisioningStatus.PENDING):
            deliver_order(order.pk)
        with timer("usage"):
            # The month in progress: what the customer space shows as live consumption.
            current = date(LAST_DAY.year, LAST_DAY.month, 1)
            _usage_of_month(rng, LAST_DAY, late, month=current)
            refresh_counters([current], list(Line.objects.values_list("pk", flat=True)), now=demo_usage.noon(LAST_DAY))
        with timer("plan advice"):
            # What the bill runs' task does in production: once here, after the last one.
            advise(now=demo_usage.noon(LAST_DAY))
    _business_personas(rng, password)
    support_story(Person.objects.get(email=SUPPORT_EMAIL), showcase_business())
    with timer("tutorial video"):
        tutorial_video_story(settings.OPERATOR["name"])
    summary.logins = demo_logins()
    summary.lines = Line.objects.count()
    summary.documents = Invoice.objects.filter(status=InvoiceStatus.ISSUED).count()
    with timer("PDF rendering"):
        summary.rendered = render_all(progress)
    with timer("e-invoicing"):
        summary.einvoicing = einvoicing_story(seed, LAST_DAY, showcase_business())
    return summary


class _Timer:
    """Adds the seconds spent in each phase to a dict."""

    def __init__(self, seconds: dict[str, float]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, phase: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.perf_counter() - started


def _usage_of_month(rng: random.Random, day: date, late: list[dict], month: date | None = None) -> list[dict]:
    """Write and ingest the usage of the month before `day` (or of `month` up to `day`), and the
    roaming records held back last month; return this month's late ones."""
    from django.conf import settings

    month = month or previous_month(day)
    if month < FIRST_DAY:
        return []
    until = None if month < date(day.year, day.month, 1) else day - timedelta(days=1)
    lines = _demo_lines(month, until or next_month(month) - timedelta(days=1))
    folder = Path(settings.DATA_DIR) / "demo-usage"
    national, roaming, held = demo_usage.month_files(rng, month, lines, folder, until=until)
    mediation = UsageSource.objects.get_or_create(
        name="mediation", defaults={"description": "Plateforme de médiation"})[0]
    partner = UsageSource.objects.get_or_create(
        name="roaming", defaults={"description": "Fichiers des partenaires d'itinérance"})[0]
    now = demo_usage.noon(day - timedelta(days=1))
    ingest_file(mediation, str(national), now=now)
    ingest_file(partner, str(roaming), now=now)
    if late:
        ingest_file(partner, str(demo_usage.late_file(folder, previous_month(month), late)), now=now)
    return held


def _demo_lines(month: date, end: date) -> list[demo_usage.DemoLine]:
    from telcobill.catalogue.models import Subscription

    plans = {}
    for line_id, code in (Subscription.objects.filter(product__kind="plan", starts_on__lte=end)
                          .order_by("line_id", "starts_on", "pk").values_list("line_id", "product__code")):
        plans[line_id] = code
    result = []
    for line in (Line.objects.filter(activated_on__lte=end).exclude(terminated_on__lt=month)
                 .select_related("billing_account__customer").order_by("pk")):
        if line.pk in plans:
            result.append(demo_usage.DemoLine(line.msisdn, plans[line.pk],
                                              line.billing_account.customer.kind == CustomerKind.BUSINESS,
                                              line.activated_on, line.terminated_on or date.max))
    return result


def _cycles() -> list[str]:
    cycles, day = [], date(int(FIRST_CYCLE[:4]), int(FIRST_CYCLE[5:]), 1)
    while cycle_of(day) <= LAST_CYCLE:
        cycles.append(cycle_of(day))
        day = next_month(day)
    return cycles


def _customer(rng, index, business, password, used_msisdns, summary) -> BillingAccount:
    number = f"{index + 1:06d}"
    postcode, city = rng.choice(names.CITIES)
    street = f"{rng.randrange(1, 180)} {rng.choice(names.STREETS)}"
    if business:
        siren = identities.siren(rng)
        name = f"{rng.choice(names.COMPANY_WORDS)} {rng.choice(names.COMPANY_TAILS)}"
        form = rng.choice(names.LEGAL_FORMS)
        customer = Customer.objects.create(number=f"C{number}", kind=CustomerKind.BUSINESS, name=f"{name} {form}",
                                           legal_form=form, siren=siren, siret=identities.siret(siren, rng),
                                           vat_number=identities.vat_number(siren))
        debit = rng.random() < 0.4
        account = BillingAccount.objects.create(
            customer=customer, number=f"{9_000_000 + index + 1}", name=customer.name, address_line1=street,
            postcode=postcode, city=city, email=f"compta@{_slug(name)}-{number}.example",
            payment_method=PaymentMethod.DIRECT_DEBIT if debit else PaymentMethod.TRANSFER,
            payment_terms_days=rng.choice([30, 30, 45]), siret=customer.siret, electronic_address=siren,
            debit_iban=identities.iban(rng) if debit else "", mandate_reference=f"TBM{number}01" if debit else "",
            paperless=rng.random() < 0.9)
        _person(rng, password, customer, Role.HOLDER, email=f"direction@{_slug(name)}-{number}.example")
        _person(rng, password, customer, Role.ACCOUNTANT, email=account.email)
        if rng.random() < 0.4:
            _person(rng, password, customer, Role.MANAGER, email=f"gestion@{_slug(name)}-{number}.example")
        return account
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    customer = Customer.objects.create(number=f"C{number}", kind=CustomerKind.INDIVIDUAL, name=f"{first} {last}",
                                       first_name=first, last_name=last)
    debit = rng.random() < 0.8
    email = f"{_slug(first)}.{_slug(last)}.{number}@example.org"
    account = BillingAccount.objects.create(
        customer=customer, number=f"{1_000_000 + index + 1}", name=f"{first} {last}", address_line1=street,
        postcode=postcode, city=city, email=email, language="en" if rng.random() < 0.05 else "fr",
        payment_method=PaymentMethod.DIRECT_DEBIT if debit else PaymentMethod.CARD,
        debit_iban=identities.iban(rng) if debit else "", mandate_reference=f"TBM{number}01" if debit else "",
        paperless=rng.random() < 0.85)
    if rng.random() < 0.1:  # some people only give a mobile number
        mobile = identities.mobile(rng, used_msisdns)
        _person(rng, password, customer, Role.HOLDER, mobile=mobile, first=first, last=last)
    else:
        _person(rng, password, customer, Role.HOLDER, email=email, first=first, last=last)
    return account


def _person(rng, password, customer, role, *, email=None, mobile=None, first="", last="") -> Person:
    person = Person.objects.create(email=email, mobile=mobile, password=password,
                                   first_name=first or rng.choice(names.FIRST_NAMES),
                                   last_name=last or rng.choice(names.LAST_NAMES))
    Access.objects.create(person=person, customer=customer, role=role)
    return person


def _business_personas(rng, password) -> None:
    """A line user on the showcase business (the employee who has a company phone), and a support
    agent: staff who read customers and answer them, without billing rights."""
    business = showcase_business()
    if business is not None:
        line = Line.objects.filter(billing_account__customer=business).order_by("msisdn").first()
        person = Person.objects.create(email=f"utilisateur.ligne@{_slug(business.name)}.example", password=password,
                                       first_name=rng.choice(names.FIRST_NAMES), last_name=rng.choice(names.LAST_NAMES))
        Access.objects.create(person=person, customer=business, role=Role.LINE_USER, line=line)
    agent = Person.objects.create(email=SUPPORT_EMAIL, password=password, first_name="Sam", last_name="Conseil",
                                  is_staff=True)
    agent.user_permissions.set(Permission.objects.filter(
        Q(content_type__app_label="customers", codename__startswith="view_") | Q(content_type__app_label="support")))


def demo_logins() -> list[tuple[str, str]]:
    """Who to sign in as, read from the database (the same after `demo` built it or found it built)."""
    logins = [("Back office (staff)", STAFF_EMAIL)]
    if Person.objects.filter(email=SUPPORT_EMAIL).exists():
        logins.append(("Conseiller du service client (staff)", SUPPORT_EMAIL))
    individual = individual_holder()
    if individual:
        logins.append(("Particulier, titulaire", individual.person.email))
    mobile = mobile_holder()
    if mobile:
        logins.append(("Particulier, connexion par mobile", mobile.person.mobile))
    business = showcase_business()
    if business is not None:
        lines = Line.objects.filter(billing_account__customer=business).count()
        for role, label in ((Role.HOLDER, f"Professionnel ({lines} lignes), titulaire"),
                            (Role.ACCOUNTANT, "Professionnel, comptable"),
                            (Role.LINE_USER, "Professionnel, utilisateur d'une ligne")):
            access = Access.objects.filter(customer=business, role=role).order_by("pk").first()
            if access:
                logins.append((label, access.person.email or access.person.mobile))
    return logins


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_text.lower()).strip("-")


def _line_story(rng, counter, msisdn, activation, business, plan) -> list[Event]:
    events = []
    horizon = LAST_DAY
    if activation + timedelta(days=40) < horizon and rng.random() < 0.25:
        day = _day_between(rng, activation + timedelta(days=30), horizon)
        choices = [c for c, _ in (BUSINESS_PLANS if business else INDIVIDUAL_PLANS) if c != plan]
        events.append(Event(day, next(counter), "change_plan", {"msisdn": msisdn, "plan": rng.choice(choices)}))
    if activation + timedelta(days=20) < horizon and rng.random() < 0.3:
        option = rng.choice(BUSINESS_OPTIONS if business else INDIVIDUAL_OPTIONS)
        added = _day_between(rng, activation + timedelta(days=3), horizon)
        events.append(Event(added, next(counter), "add_option", {"msisdn": msisdn, "option": option}))
        if added + timedelta(days=20) < horizon and rng.random() < 0.35:
            removed = _day_between(rng, added + timedelta(days=10), horizon)
            events.append(Event(removed, next(counter), "remove_option", {"msisdn": msisdn, "option": option}))
    if rng.random() < 0.03:
        day = _day_between(rng, activation + timedelta(days=5), horizon)
        events.append(Event(day, next(counter), "lost_sim", {"msisdn": msisdn}))
    if activation + timedelta(days=60) < horizon and rng.random() < 0.07:
        day = _day_between(rng, activation + timedelta(days=45), horizon)
        events.append(Event(day, next(counter), "terminate", {"msisdn": msisdn}))
    return events


def _line(msisdn: str) -> Line | None:
    return Line.objects.filter(msisdn=msisdn).exclude(status=LineStatus.TERMINATED).first()


def _apply(event: Event) -> None:
    p = event.payload
    try:
        if event.action == "activate":
            line_changes.activate_line(account=BillingAccount.objects.get(pk=p["account"]), msisdn=p["msisdn"],
                                       plan_code=p["plan"], on=event.day, label=p["label"],
                                       cost_centre=p["cost_centre"])
            return
        line = _line(p["msisdn"])
        if line is None:
            return  # terminated before this event
        if event.action == "change_plan":
            line_changes.change_plan(line=line, plan_code=p["plan"], requested_on=event.day)
        elif event.action == "add_option":
            line_changes.add_option(line=line, option_code=p["option"], on=event.day)
        elif event.action == "remove_option":
            line_changes.remove_option(line=line, option_code=p["option"], on=event.day)
        elif event.action == "lost_sim":
            with transaction.atomic():
                Charge.objects.create(billing_account=line.billing_account, line=line,
                                      product=Product.objects.get(code="remplacement_sim"), section=Section.ONE_OFF,
                                      description="", charged_on=event.day)
        elif event.action == "terminate":
            line_changes.terminate_line(line=line, last_day=event.day, reason="Demande du client")
    except TelcobillError:
        pass  # a change the rules refuse (an option on an incompatible plan...) simply does not happen


def _gestures(rng: random.Random, cycle: str, billing_day: date) -> int:
    """A few commercial gestures after each bill run: partial credit notes and adjustments."""
    issued = list(Invoice.objects.filter(cycle=cycle, kind="invoice", status=InvoiceStatus.ISSUED)
                  .order_by("number").values_list("number", "total_gross", "billing_account_id"))
    count = 0
    day = billing_day + timedelta(days=9)
    for number, gross, _account in rng.sample(issued, min(len(issued), 3)):
        amount = min(gross, Decimal(rng.choice(["5.00", "10.00", "3.50"])))
        try:
            credit_invoice(number, reason="Geste commercial suite à une réclamation", amount_incl_vat=amount,
                           now=datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
            count += 1
        except TelcobillError:
            pass
    for _, _, account_id in rng.sample(issued, min(len(issued), 2)):
        Charge.objects.create(billing_account_id=account_id, section=Section.ADJUSTMENTS,
                              description="Remboursement d'un incident réseau", charged_on=day,
                              unit_price=Decimal("-2.00"), includes_vat=True, vat_rule_code="standard")
    return count


def render_all(progress: Callable[[str, int, int], None], workers: int = 2) -> int:
    """Render every pending PDF, in `workers` spawned processes."""
    ids = pending_ids()
    if not ids:
        return 0
    chunks = [ids[i:i + 200] for i in range(0, len(ids), 200)]
    done = 0
    with django_pool(workers) as pool:
        for count in pool.map(render_documents, chunks):
            done += count
            progress("PDF", done, len(ids))
    return done
