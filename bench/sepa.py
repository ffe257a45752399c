"""SEPA benchmark: a pain.008.001.08 file of 100,000 direct debits, built and validated against
the ISO 20022 XSD (what `telcobill sepa collect` does), beside the same XML built without
validation in the same run, and the peak RSS.

    python bench/sepa.py [--debits 100000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telcobill.payments.services import pain  # noqa: E402


def debits(count: int) -> dict[str, list[pain.Debit]]:
    first, recurrent = [], []
    for n in range(count):
        debit = pain.Debit(f"F2026-11-{n:07d}", Decimal(1999 + n % 5000) / 100, f"TB-A{n:06d}-001", date(2025, 3, 1),
                           f"Client {n}", f"{n % 200 + 1} rue de la République", "69003", "Lyon", "FR",
                           "FR7630006000011234567890189", "AGRIFRPPXXX", f"Facture F2026-11-{n:07d}")
        (first if n % 20 == 0 else recurrent).append(debit)
    return {"FRST": first, "RCUR": recurrent}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--debits", type=int, default=100_000)
    args = parser.parse_args()
    creditor = pain.Creditor("Telcobill Mobile", "FR7630006000011234567890189", "AGRIFRPP", "FR72ZZZ123456",
                             "12 rue de la Convention", "75015", "Paris", "FR")
    groups = debits(args.debits)
    started = time.perf_counter()
    xml = pain.pain008("BENCH", datetime(2026, 11, 20, 8), date(2026, 11, 20), creditor, groups)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    pain.validate(xml)
    validate_s = time.perf_counter() - started
    total = build_s + validate_s
    print(f"[pain.008] {args.debits:,} debits, {len(xml) / 2**20:,.0f} MiB: built and XSD-validated in {total:.1f} s "
          f"(build {build_s:.1f} s + validation {validate_s:.1f} s); baseline (the same XML built, no validation) "
          f"{build_s:.1f} s; with validation / without = {total / build_s:.2f}x; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB (targets: < 10 s, < 1 GiB)")


if __name__ == "__main__":
    main()
