"""Bill run throughput: N billing accounts (~2 lines each), computed and issued without PDFs,
against a persistence floor measured in the same run (bulk-inserting the same document and line
rows and nothing else). Prints invoices/s for each phase, peak RSS, and the ratio to the floor.

    python bench/billrun.py --accounts 100000 [--database-url postgres://...]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path


def setup_django(database_url: str, data_dir: str) -> None:
    os.environ.update({"DATABASE_URL": database_url, "TELCOBILL_DATA_DIR": data_dir,
                       "TELCOBILL_SECRET_KEY": "bench-secret-key-0123456789-0123456789-0123456789",
                       "TELCOBILL_SCHEMATRON": "0", "DJANGO_SETTINGS_MODULE": "telcobill.settings"})
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(accounts: int, seed: int = 7) -> int:
    """Customers, accounts, lines and plan subscriptions with bulk inserts (not measured)."""
    from telcobill.catalogue.loader import load_catalogue
    from telcobill.catalogue.models import Product, Subscription
    from telcobill.customers.models import BillingAccount, Customer, Line

    load_catalogue(Path(__file__).resolve().parents[1] / "telcobill" / "catalogue" / "demo_catalogue.toml")
    plans = {p.code: p.pk for p in Product.objects.filter(kind="plan")}
    individual = [c for c in plans if c.startswith("forfait")]
    business = [c for c in plans if c.startswith("pro")]
    rng = random.Random(seed)
    chunk = 5000
    line_total = 0
    for start in range(0, accounts, chunk):
        size = min(chunk, accounts - start)
        customers, accounts_rows = [], []
        for i in range(start, start + size):
            is_business = i % 10 < 3
            customers.append(Customer(number=f"C{i:08d}", kind="business" if is_business else "individual",
                                      name=f"Client {i}", siren="443061841" if is_business else "",
                                      legal_form="SAS" if is_business else ""))
        Customer.objects.bulk_create(customers)
        for customer in customers:
            accounts_rows.append(BillingAccount(
                customer=customer, number=customer.number.replace("C", "A"), name=customer.name,
                address_line1="1 rue de la Paix", postcode="75002", city="Paris", payment_method="transfer",
                payment_terms_days=30, siret="44306184100013" if customer.kind == "business" else "",
                electronic_address="443061841" if customer.kind == "business" else ""))
        BillingAccount.objects.bulk_create(accounts_rows)
        lines, subs = [], []
        for account, customer in zip(accounts_rows, customers, strict=True):
            count = rng.choice([2, 3, 4]) if customer.kind == "business" else rng.choice([1, 2, 2])
            for _ in range(count):
                line_total += 1
                activated = date(2026, 10, rng.choice([1, 1, 1, 12]))
                lines.append(Line(billing_account=account, msisdn=f"+336{line_total:08d}", status="active",
                                  activated_on=activated))
        Line.objects.bulk_create(lines)
        for line in lines:
            codes = business if line.billing_account.customer.kind == "business" else individual
            subs.append(Subscription(line=line, product_id=plans[rng.choice(codes)], starts_on=line.activated_on))
        Subscription.objects.bulk_create(subs)
    return line_total


def bill_run(cycle: str, workers: int) -> tuple[float, float, int]:
    from django.test.utils import override_settings

    from telcobill.billing.models import Invoice
    from telcobill.workflows.bill_run import run_bill_run

    clock = lambda: datetime(2026, 11, 1, 5, tzinfo=UTC)  # noqa: E731
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        t0 = time.perf_counter()
        run_bill_run(cycle, clock=clock, workers=workers)  # compute and report
        t1 = time.perf_counter()
        run_bill_run(cycle, approve_by="bench", clock=clock)  # approve and issue
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1, Invoice.objects.filter(number__isnull=False).count()


def persistence_floor(cycle: str) -> tuple[float, int]:
    """Insert the same documents and lines again (bulk, same batch size), nothing else."""
    from django.conf import settings
    from django.db import transaction

    from telcobill.billing.models import Invoice, InvoiceLine

    docs = list(Invoice.objects.filter(cycle=cycle).values())
    lines = list(InvoiceLine.objects.values())
    by_invoice: dict[int, list[dict]] = {}
    for line in lines:
        by_invoice.setdefault(line["invoice_id"], []).append(line)
    size = settings.BILLING["batch_size"]
    skip = {"id", "status", "number", "issue_date", "issued_at", "bill_run_id", "cycle"}
    t0 = time.perf_counter()
    for start in range(0, len(docs), size):
        batch = docs[start:start + size]
        with transaction.atomic():
            copies = [Invoice(**{k: v for k, v in d.items() if k not in skip}, cycle="") for d in batch]
            Invoice.objects.bulk_create(copies)
            rows = [InvoiceLine(**{**{k: v for k, v in line.items() if k not in {"id", "invoice_id"}},
                                   "invoice_id": copy.pk})
                    for d, copy in zip(batch, copies, strict=True) for line in by_invoice.get(d["id"], ())]
            InvoiceLine.objects.bulk_create(rows, batch_size=2000)
    elapsed = time.perf_counter() - t0
    return elapsed, len(docs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workers", type=int, default=1, help="processes computing batches")
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="telcobill-bench-")
    url = args.database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    setup_django(url, data_dir)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    t = time.perf_counter()
    lines = populate(args.accounts)
    print(f"[{engine}] {args.accounts} accounts, {lines} lines populated in {time.perf_counter() - t:.1f} s",
          flush=True)
    compute_s, issue_s, issued = bill_run("2026-11", args.workers)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the bill run's peak (before the floor)
    floor_s, floor_docs = persistence_floor("2026-11")
    total = compute_s + issue_s
    print(f"[{engine}] computed {issued} documents with {args.workers} worker(s) in {compute_s:.1f} s "
          f"({issued / compute_s:,.0f}/s), "
          f"issued in {issue_s:.1f} s ({issued / issue_s:,.0f}/s); computed and issued: {issued / total:,.0f}/s")
    print(f"[{engine}] persistence floor: {floor_docs} documents and their lines bulk-inserted in {floor_s:.1f} s "
          f"({floor_docs / floor_s:,.0f}/s); bill run / floor = {total / floor_s:.2f}x")
    print(f"[{engine}] peak RSS of the process through the bill run (population included): {rss:,.0f} MiB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
