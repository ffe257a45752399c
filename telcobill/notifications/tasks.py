"""Notices sent after the change they report has committed, by the task worker: the request
that made the change does not wait for SMTP or the SMS gateway, and a failure is recorded as
the task's result instead of undoing the change."""

from django_tasks import task


@task()
def send_notice_task(person_id: int | None, text: str, subject: str, also_email: list[str]) -> list[str]:
    from telcobill.customers.models import Person

    from .send import send_notice

    person = Person.objects.filter(pk=person_id).first() if person_id else None
    return send_notice(person, text, subject=subject, also_email=also_email)


@task()
def send_to_task(address: str, text: str, subject: str) -> str:
    from .send import send_to

    send_to(address, text, subject=subject)
    return address
