"""What every telcobill command shares: expected refusals become a clear message and exit 2."""

from __future__ import annotations

import functools
from datetime import date

from django.core.management.base import CommandError

from telcobill.errors import TelcobillError


def refusals_as_errors(handle):
    @functools.wraps(handle)
    def wrapper(self, *args, **options):
        try:
            return handle(self, *args, **options)
        except TelcobillError as exc:
            raise CommandError(exc.message, returncode=2) from None

    return wrapper


def parse_date(value: str, option: str) -> date:
    """A command's date option, or a refusal naming the option and the form expected (exit 2)."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: expected a date like 2026-11-30, got {value!r}", returncode=2) from None


def progress_bar(console=None):
    """A rich progress bar fed by (phase, done, total) calls; a context manager."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=console, transient=False)
    tasks: dict[str, int] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    return bar, update
