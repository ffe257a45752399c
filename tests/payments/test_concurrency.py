"""Three `sepa collect` runs at once put each collection in exactly one batch; three imports of
the same bank file at once apply it once (on SQLite and on PostgreSQL, real connections)."""

import threading
from datetime import date

import pytest
from django.db import connections

from telcobill.payments.models import BankFile, Collection, CollectionBatch, PaymentEvent
from telcobill.payments.services.bank import import_bank_file
from telcobill.payments.services.collections import collect
from telcobill.payments.services.mandates import create_mandate
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual
from tests.payments.test_bank_files import camt054


def at_once(function, *arguments):
    results, errors = [], []

    def run(argument):
        try:
            results.append(function(argument))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_collections_and_imports_apply_once(catalogue, bill, settings, tmp_path):
    settings.PAYMENTS = {**settings.PAYMENTS, "sepa_dir": tmp_path / "sepa"}
    for n in range(4):
        account = make_individual(f"Client Numero{n}")
        activate_line(account=account, msisdn=f"06123456{n:02d}", plan_code="PLAN-S", on=date(2026, 11, 1),
                      sim_fee=None)
        create_mandate(account, iban="FR7630006000011234567890189", holder=f"Client {n}", street="1 rue",
                       postcode="69003", city="Lyon", channel="web")
    bill("2026-11")

    batches = [b for b in at_once(collect, *[date(2026, 11, 15)] * 3) if b is not None]
    assert sum(b.count for b in batches) == 4
    assert Collection.objects.filter(batch__isnull=True).count() == 0
    assert CollectionBatch.objects.count() == len(batches)

    numbers = sorted(Collection.objects.values_list("end_to_end_id", flat=True))
    path = tmp_path / "retours.xml"
    path.write_bytes(camt054(*[("DBIT", "2026-11-18", number, "10.99", "AC04") for number in numbers]))
    reports = at_once(import_bank_file, path, path, path)
    assert sorted(r.already_imported for r in reports) == [False, True, True]
    assert BankFile.objects.count() == 1
    assert PaymentEvent.objects.filter(kind="rejected").count() == 4
