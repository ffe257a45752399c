"""Ma conso, 13 months of a line: data, minutes, SMS and out-of-plan amounts as SVG charts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.usage.services.history import usage_history

from ..access import Space, customer_page
from ..templatetags.conso import minutes, volume
from ..templatetags.portal import day, euros
from .charts import bar_chart
from .lines import line_context


@customer_page
def history(request: HttpRequest, space: Space, pk: int) -> HttpResponse:
    line = space.line(pk)
    months = usage_history(line, timezone.localdate().replace(day=1))
    business = space.customer.is_business

    def label(m):
        return day(m.month, "MMM yyyy")

    charts = [
        bar_chart("data", _("Internet mobile"), _("Données utilisées"),
                  [(label(m), m.data_bytes, volume(m.data_bytes), m.estimate) for m in months],
                  lambda top: volume(int(top))),
        bar_chart("voice", _("Appels"), _("Durée des appels"),
                  [(label(m), m.voice_seconds, minutes(m.voice_seconds), m.estimate) for m in months],
                  lambda top: minutes(int(top))),
        bar_chart("sms", _("SMS"), _("Nombre de SMS"),
                  [(label(m), m.sms, str(m.sms), m.estimate) for m in months], lambda top: str(int(top))),
    ]
    amount = "out_of_plan_excl" if business else "out_of_plan_incl"
    charts.append(bar_chart(
        "out", _("Hors forfait"), _("Montant hors forfait HT") if business else _("Montant hors forfait TTC"),
        [(label(m), float(getattr(m, amount)), euros(getattr(m, amount)), m.estimate) for m in months],
        euros))
    pooled = [m for m in months if m.pool_data_bytes is not None]
    if pooled:
        charts.insert(1, bar_chart(
            "pool", _("Internet mobile partagé (toutes les lignes)"), _("Données de l'enveloppe partagée"),
            [(label(m), m.pool_data_bytes or 0, volume(m.pool_data_bytes or 0), m.estimate) for m in months],
            lambda top: volume(int(top))))
    return render(request, "portal/usage/history.html", {
        **line_context(space, line, "history"), "charts": charts, "months": list(reversed(months)),
        "business": business, "pooled": bool(pooled)})
