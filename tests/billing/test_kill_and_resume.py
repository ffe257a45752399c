"""Invariant 3: a bill run killed with SIGKILL at any point and run again leaves each billing
account with exactly one document for the cycle, numbered without gaps, each with its XML."""

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from telcobill.billing.models import BillRun, Invoice, InvoiceStatus
from telcobill.documents.models import DocumentFile
from telcobill.processes import database_url
from telcobill.workflows.lines import activate_line
from tests.factories import make_business, make_catalogue, make_individual

ACCOUNTS = 300


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "telcobill.cli.main", *args]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_bill_run_killed_at_random_points_resumes_to_one_document_per_account(tmp_path):
    make_catalogue()
    for i in range(ACCOUNTS):
        account = make_business(f"Société {i} SARL") if i % 20 == 0 else make_individual(f"Client Numéro{i}")
        activate_line(account=account, msisdn=f"06{i:08d}", plan_code="PRO" if i % 20 == 0 else "PLAN-S",
                      on=date(2026, 10, 15))
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict), "TELCOBILL_BILLRUN_BATCH_SIZE": "7",
           "TELCOBILL_TASKS": "immediate", "TELCOBILL_DATA_DIR": str(tmp_path)}
    rng = random.Random(20261101)
    kills = 0
    for _ in range(6):
        process = subprocess.Popen(_command("billrun", "--cycle", "2026-11", "--approve", "--by", "test"),
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.4, 3.0))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    final = subprocess.run(_command("billrun", "--cycle", "2026-11", "--approve", "--by", "test"), env=env,
                           capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr[-2000:]
    subprocess.run(_command("documents", "render", "--pending"), env=env, check=True, capture_output=True,
                   timeout=600)

    assert kills >= 1, "every run finished before it could be killed: make the run longer"
    assert BillRun.objects.get(cycle="2026-11").status == "issued"
    documents = Invoice.objects.filter(cycle="2026-11", bill_run__isnull=False)
    assert documents.count() == ACCOUNTS
    assert documents.values("billing_account").distinct().count() == ACCOUNTS
    assert not documents.exclude(status=InvoiceStatus.ISSUED).exists()
    assert sorted(documents.values_list("number", flat=True)) == [f"F2026-{n:06d}" for n in range(1, ACCOUNTS + 1)]
    files = DocumentFile.objects.filter(invoice__in=documents)
    assert files.count() == ACCOUNTS
    assert not files.filter(pdf_sha256="").exists()
    assert all((Path(tmp_path) / "documents" / f.pdf_path).exists() for f in files)
