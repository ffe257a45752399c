"""Durable tasks of the documents component (run by `telcobill db_worker`)."""

from django_tasks import task

from .services.archive import archive_pending
from .services.delivery import deposit_pending, prepare_deliveries
from .services.print_batch import build_print_batch
from .services.render import render_documents


@task()
def render_documents_task(invoice_ids: list[int]) -> int:
    return render_documents(invoice_ids)


@task()
def archive_task() -> int:
    """Archive what is rendered and not archived yet, once a bill run is issued (the nightly
    `telcobill archive run` catches up on the rest: credit notes, renders that ran late)."""
    return archive_pending()


@task()
def deliver_documents_task(invoice_ids: list[int]) -> int:
    """Business documents to their plateforme agréée, after the issuing transaction committed."""
    prepare_deliveries(invoice_ids)
    return deposit_pending(invoice_ids)


@task()
def print_batch_task(cycle: str) -> int:
    """The paper customers' invoices of a bill run, for the mail house, once the run is issued."""
    return build_print_batch(cycle).documents
