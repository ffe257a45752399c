"""Durable tasks of the payments component (run by `telcobill db_worker`)."""

from django_tasks import task

from .services.cards import charge_saved_cards


@task()
def charge_saved_cards_task(invoice_ids: list[int]) -> int:
    """Enqueued after the issuing transaction commits: the saved cards of card-paying accounts are
    charged for their new invoices (safe to run again: an invoice is charged once)."""
    return len(charge_saved_cards(invoice_ids))
