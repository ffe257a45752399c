"""Invariant 2: numbers continuous, chronological, without gaps, per series — also under
concurrent issuers (threads with their own connections; PostgreSQL row locks, SQLite IMMEDIATE)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from telcobill.billing.models import NumberSeries
from telcobill.billing.services.numbering import take_numbers
from telcobill.errors import NotAllowed


@pytest.mark.django_db
def test_numbers_follow_each_other_per_series():
    with transaction.atomic():
        assert take_numbers("F2026", 2, date(2026, 11, 1)) == ["F2026-000001", "F2026-000002"]
        assert take_numbers("AV2026", 1, date(2026, 11, 1)) == ["AV2026-000001"]
        assert take_numbers("F2026", 1, date(2026, 11, 2)) == ["F2026-000003"]


@pytest.mark.django_db
def test_a_rolled_back_issue_gives_its_numbers_back():
    with transaction.atomic():
        take_numbers("F2026", 1, date(2026, 11, 1))
    with pytest.raises(RuntimeError), transaction.atomic():
        take_numbers("F2026", 5, date(2026, 11, 1))
        raise RuntimeError("the issue failed after numbering")
    with transaction.atomic():
        assert take_numbers("F2026", 1, date(2026, 11, 1)) == ["F2026-000002"]


@pytest.mark.django_db
def test_numbering_refuses_to_go_back_in_time():
    with transaction.atomic():
        take_numbers("F2026", 1, date(2026, 11, 1))
    with pytest.raises(NotAllowed, match="chronological"), transaction.atomic():
        take_numbers("F2026", 1, date(2026, 10, 1))


def test_numbers_are_taken_only_inside_a_transaction(db):
    # pytest-django wraps the test in a transaction; outside any atomic block it must refuse.
    with pytest.raises(RuntimeError):
        transaction.get_connection().in_atomic_block = False
        try:
            take_numbers("F2026", 1, date(2026, 11, 1))
        finally:
            transaction.get_connection().in_atomic_block = True


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuers_get_gapless_distinct_numbers():
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issuer():
        try:
            for _ in range(20):
                with transaction.atomic():
                    numbers = take_numbers("F2026", 1, date(2026, 11, 1))
                with lock:
                    taken.extend(numbers)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issuer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert sorted(taken) == [f"F2026-{n:06d}" for n in range(1, 121)]
    assert NumberSeries.objects.get(code="F2026").last_value == 120


@pytest.mark.django_db(transaction=True)
def test_concurrent_credit_notes_are_numbered_without_gaps(django_capture_on_commit_callbacks):
    from datetime import UTC, datetime

    from telcobill.billing.models import Invoice
    from telcobill.workflows.bill_run import run_bill_run
    from telcobill.workflows.credit_note import credit_invoice
    from telcobill.workflows.lines import activate_line
    from tests.factories import make_catalogue, make_individual

    make_catalogue()
    for i in range(4):
        account = make_individual(f"Client Numéro{i}")
        activate_line(account=account, msisdn=f"06123456{i:02d}", plan_code="PLAN-L", on=date(2026, 11, 1),
                      sim_fee=None)
    run_bill_run("2026-11", approve_by="t", clock=lambda: datetime(2026, 11, 1, 6, tzinfo=UTC))
    numbers = list(Invoice.objects.filter(number__startswith="F").values_list("number", flat=True))
    errors = []

    def crediter(number):
        try:
            for _ in range(3):
                credit_invoice(number, reason="geste commercial", amount_incl_vat=Decimal("1.00"),
                               now=datetime(2026, 11, 20, 10, tzinfo=UTC))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=crediter, args=(n,)) for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(Invoice.objects.filter(kind="credit_note").values_list("number", flat=True)) == [
        f"AV2026-{n:06d}" for n in range(1, 13)]
