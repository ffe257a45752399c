"""Durable tasks of the documents component (run by `telcobill db_worker`)."""

from django_tasks import task

from .services.render import render_documents


@task()
def render_documents_task(invoice_ids: list[int]) -> int:
    return render_documents(invoice_ids)
