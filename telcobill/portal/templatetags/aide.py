"""Aide et contact in templates: a guide's text as HTML, a message's moment (a line's number is
`account`'s `msisdn`)."""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_datetime
from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from telcobill.formats import babel_locale

register = template.Library()

ITEM = re.compile(r"^(?:(-)|(\d+)\.)\s+(.*)$")
# French typography: no line break before ? ! ; : » nor after « (staff type ordinary spaces).
BEFORE = re.compile(r" ([?!;:»])")


def _french(text: str) -> str:
    return BEFORE.sub("\u00a0\\1", escape(text)).replace("« ", "«\u00a0")


@register.filter
def guide(text: str) -> SafeString:
    """The guide's plain text as HTML: blank lines between paragraphs, "## " an intertitle (h2),
    "- " a list item, "1. " a step. Everything is escaped: staff write text, not HTML; spaces
    before French punctuation do not break."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    kind = ""

    def flush() -> None:
        nonlocal kind
        if paragraph:
            html.append("<p>" + " ".join(paragraph) + "</p>")
            paragraph.clear()
        if items:
            html.append(f"<{kind}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>")
            items.clear()
        kind = ""

    for raw in (text or "").splitlines():
        line = raw.strip()
        item = ITEM.match(line)
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            html.append(f"<h2>{_french(line[3:])}</h2>")
        elif item:
            wanted = "ul" if item.group(1) else "ol"
            if paragraph or (kind and kind != wanted):
                flush()
            kind = wanted
            items.append(_french(item.group(3)))
        else:
            if items:
                flush()
            paragraph.append(_french(line))
    flush()
    return mark_safe("\n".join(html))


@register.filter
def when(moment: datetime | None) -> str:
    """28 nov. 2026 à 14:05 (Paris time), or 28 Nov 2026 at 14:05."""
    if moment is None:
        return "—"
    locale = babel_locale()
    pattern = "d MMM yyyy 'at' HH:mm" if locale == "en_GB" else "d MMM yyyy 'à' HH:mm"
    return format_datetime(timezone.localtime(moment), pattern, locale=locale)
