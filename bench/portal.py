"""Customer-space server time on a large operator: N billing accounts (default 100,000), each with
a holder, its lines, six months of issued invoices in the ledger (most paid, some late, some
collected by direct debit) and this month's counters. Then a sample of holders open the home
page, the invoice list and Ma conso, in-process (Django's test client: the whole request, from the
middleware to the rendered page), and each page's p50/p95 is printed beside the sign-in page
measured in the same run (a page that reads nothing of the customer).

    python bench/portal.py [--accounts 100000] [--sample 300] [--database-url postgres://... [--reuse]]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from billrun import populate, setup_django  # noqa: E402

MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]


def documents(accounts: int, seed: int = 11) -> None:
    """Six issued invoices per account with their ledger entries; most paid (a payment allocated),
    the last month open; 1 in 20 late. Bulk inserts, not measured."""
    from telcobill.billing.models import Invoice
    from telcobill.customers.models import BillingAccount
    from telcobill.payments.models import Allocation, LedgerEntry

    rng = random.Random(seed)
    ids = list(BillingAccount.objects.order_by("pk").values_list("pk", "customer__kind"))
    number = 0
    for start in range(0, len(ids), 2000):
        chunk = ids[start:start + 2000]
        invoices = []
        for account_id, kind in chunk:
            for cycle in MONTHS:
                number += 1
                year, month = map(int, cycle.split("-"))
                gross = Decimal(rng.randint(999, 9999)) / 100
                net = (gross / Decimal("1.2")).quantize(Decimal("0.01"))
                issued = date(year, month, 1)
                invoices.append(Invoice(
                    kind="invoice", status="issued", billing_account_id=account_id, cycle="", number=f"F{number:09d}",
                    issue_date=issued, issued_at=datetime(year, month, 1, 6, tzinfo=UTC),
                    due_date=date(year, month, 15), period_start=issued, total_net=net, total_vat=gross - net,
                    total_gross=gross, buyer={"name": "x", "is_business": kind == "business"}))
        Invoice.objects.bulk_create(invoices, batch_size=5000)
        entries = [LedgerEntry(billing_account_id=i.billing_account_id, kind="invoice", on=i.issue_date,
                               amount=i.total_gross, invoice=i, reference=i.number, label=f"Facture {i.number}")
                   for i in invoices]
        LedgerEntry.objects.bulk_create(entries, batch_size=5000)
        paid = [(e, i) for e, i in zip(entries, invoices, strict=True)
                if i.issue_date.month < 11 and rng.random() > 0.05]
        payments = [LedgerEntry(billing_account_id=i.billing_account_id, kind="payment", on=i.due_date,
                                amount=-i.total_gross, method="transfer", reference=f"VIR-{i.number}",
                                label="Virement") for _, i in paid]
        LedgerEntry.objects.bulk_create(payments, batch_size=5000)
        Allocation.objects.bulk_create([Allocation(source=p, target=e, amount=i.total_gross, on=i.due_date)
                                        for p, (e, i) in zip(payments, paid, strict=True)], batch_size=5000)


def counters() -> None:
    from telcobill.customers.models import Line
    from telcobill.usage.models import LineCounter

    month = date(2026, 11, 1)
    rows = []
    for line_id in Line.objects.values_list("pk", flat=True).iterator():
        key = f"l{line_id}"
        rows += [LineCounter(line_id=line_id, month=month, bucket="voice", group=f"{key}:voice", used=5400),
                 LineCounter(line_id=line_id, month=month, bucket="sms", group=f"{key}:sms", used=120),
                 LineCounter(line_id=line_id, month=month, bucket="data", group=f"{key}:data", used=7 * 2**30,
                             included=40 * 2**30)]
        if len(rows) >= 15000:
            LineCounter.objects.bulk_create(rows)
            rows = []
    LineCounter.objects.bulk_create(rows)


def holders() -> list[int]:
    from telcobill.customers.models import Access, BillingAccount, Person

    people = [Person(email=f"titulaire{n}@bench.example", password="!") for n in range(
        BillingAccount.objects.count())]
    Person.objects.bulk_create(people, batch_size=5000)
    customers = list(BillingAccount.objects.order_by("pk").values_list("customer_id", flat=True))
    Access.objects.bulk_create([Access(person=p, customer_id=c, role="holder") for p, c in zip(
        people, customers, strict=True)], batch_size=5000)
    return [p.pk for p in people]


def measure(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return elapsed * 1000


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the database as a previous run left it (with --database-url): no setup")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="telcobill-bench-portal-")
    os.environ.setdefault("TELCOBILL_ALLOWED_HOSTS", "testserver")
    setup_django(args.database_url or f"sqlite:///{data_dir}/bench.sqlite3", data_dir)
    import time_machine
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from telcobill.customers.models import Line, Person

    started = time.perf_counter()
    from telcobill.customers.models import Customer

    if args.reuse and Customer.objects.exists():
        people = list(Person.objects.filter(email__endswith="@bench.example").values_list("pk", flat=True))
    else:
        populate(args.accounts)
        documents(args.accounts)
        counters()
        people = holders()
    from django.db import connection

    if connection.vendor == "postgresql":
        # Bulk inserts leave the planner without statistics until autovacuum passes: without them
        # it scans whole tables (home p95 312 ms instead of ~60 ms). A live database has them.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[portal] {args.accounts:,} accounts, {len(MONTHS) * args.accounts:,} invoices, "
          f"{Line.objects.count():,} lines set up in {time.perf_counter() - started:.0f} s", flush=True)
    pages = {"home": "/", "invoice list": reverse("portal:invoices")}
    try:
        pages["consumption"] = reverse("portal:usage")
    except NoReverseMatch:
        pass
    rng = random.Random(3)
    sample = rng.sample(people, min(args.sample, len(people)))
    timings: dict[str, list[float]] = {"sign-in page (baseline)": [], **{name: [] for name in pages}}
    with time_machine.travel(datetime(2026, 11, 28, 10, tzinfo=UTC), tick=True):
        client = Client()
        for path in ["/connexion/", *pages.values()]:  # warm the templates and connections
            client.get(path)
        for person_id in sample:
            client = Client()
            timings["sign-in page (baseline)"].append(measure(client, "/connexion/"))
            client.force_login(Person.objects.get(pk=person_id))
            for name, path in pages.items():
                timings[name].append(measure(client, path))
    base50, base95 = percentiles(timings.pop("sign-in page (baseline)"))
    print(f"[portal] {'sign-in page (baseline)':<24} p50 {base50:6.1f} ms  p95 {base95:6.1f} ms", flush=True)
    for name, values in timings.items():
        p50, p95 = percentiles(values)
        print(f"[portal] {name:<24} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({p95 / base95:.1f}x the sign-in page's "
              f"p95; target p95 < 100 ms)", flush=True)

if __name__ == "__main__":
    main()
