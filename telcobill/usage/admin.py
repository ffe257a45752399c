"""Back office of usage: the sources that send records and their API tokens, the ingestion
batches, the rejected records (re-processed or discarded by staff), live counters and alerts."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, audit, labelled, link, phone, short_date, titled
from telcobill.money import to_cents

from .models import IngestBatch, LineCounter, RejectedRecord, RejectStatus, UsageAlert, UsageSource
from .rating.inputs import UNIT_SIZES
from .services.rejects import discard_rejects, reprocess_rejects

CHANNELS = {"file": _("fichier"), "api": _("API"), "reprocess": _("réintégration")}
BUCKETS = {"voice": _("appels"), "sms": _("SMS"), "mms": _("MMS"), "data": _("internet mobile"),
           "data_eu": _("internet depuis l'UE"), "content": _("services"),
           "roaming_spend": _("dépense à l'étranger hors UE")}
ALERTS = {"allowance_50": _("50 % du forfait"), "allowance_80": _("80 % du forfait"),
          "allowance_90": _("90 % du forfait"), "allowance_100": _("forfait épuisé"),
          "roaming_cap_80": _("80 % du plafond hors UE"), "roaming_cap_100": _("plafond hors UE atteint")}


def quantity(bucket: str, value: int | None) -> str:
    """A counter's quantity as staff read it: seconds as minutes, bytes as Ko / Mo / Go, messages as a count."""
    if value is None:
        return str(_("illimité"))
    if bucket in ("voice", "voice_in"):
        minutes, seconds = divmod(value, 60)
        return f"{_number(Decimal(minutes))}\u00a0min" + (f"\u00a0{seconds:02d}\u00a0s" if seconds else "")
    if bucket.startswith("data"):
        for unit, word in (("GB", "Go"), ("MB", "Mo"), ("KB", "Ko")):
            if value >= UNIT_SIZES[unit]:
                return f"{_number(Decimal(value) / UNIT_SIZES[unit], 2 if unit == 'GB' else 1)}\u00a0{word}"
        return f"{value}\u00a0o"
    return _number(Decimal(value))


def _number(value: Decimal, places: int = 0) -> str:
    """1 234,5 — at most `places` decimals, without trailing zeros."""
    value = round(value, places).normalize()
    return number_format(value, max(0, -value.as_tuple().exponent), use_l10n=True, force_grouping=True)


def _line_link(line) -> str:
    return link("admin:customers_line_change", line.pk, phone(line.msisdn)) if line else "—"


def _customer_link(customer) -> str:
    return link("admin:customers_customer_change", customer.pk, customer) if customer else "—"


@admin.register(UsageSource)
class UsageSourceAdmin(admin.ModelAdmin):
    """A source's API token is shown once, when it is issued; only its hash and first characters are kept."""

    token_hint_ = labelled(UsageSource, "token_hint", _("début du jeton"), show=lambda v: f"{v}…" if v else "—")
    token_created_at_ = labelled(UsageSource, "token_created_at", _("jeton créé le"), show=short_date)
    created_at_ = labelled(UsageSource, "created_at", _("créée le"), show=short_date)
    list_display = ["name", "description", "token_hint_", "token_created_at_", "batch_count"]
    search_fields = ["name", "description"]
    # The save button comes first in the form: pressing Enter saves, it never replaces the token.
    save_on_top = True
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(batch_count=Count("batches"))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "description"]
        return ["name", "description", "token_hint_", "token_created_at_", "token_button", "batches", "created_at_"]

    def get_readonly_fields(self, request, obj=None):
        # The name is written in every stored record: renaming would cut the source from its history.
        return [] if obj is None else ["name", "token_hint_", "token_created_at_", "token_button", "batches",
                                       "created_at_"]

    def has_delete_permission(self, request, obj=None):
        return False  # its batches and records keep citing it

    def get_urls(self):
        issue = self.admin_site.admin_view(require_POST(self.new_token_view))
        return [path("<int:object_id>/new-token/", issue, name="usage_usagesource_new_token"), *super().get_urls()]

    @admin.display(description=_("lots reçus"), ordering="batch_count")
    def batch_count(self, obj):
        return obj.batch_count

    @admin.display(description=_("jeton API"))
    def token_button(self, obj):
        return format_html(
            '<button type="submit" class="button" formaction="{}" formnovalidate>{}</button>'
            '<div class="help">{}</div>',
            reverse("admin:usage_usagesource_new_token", args=[obj.pk]), _("Créer un nouveau jeton API"),
            _("Le jeton actuel cessera aussitôt de fonctionner ; le nouveau sera affiché une seule fois."))

    @admin.display(description=_("lots"))
    def batches(self, obj):
        url = reverse("admin:usage_ingestbatch_changelist") + "?" + urlencode({"source__id__exact": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("Voir les lots reçus de cette source"))

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.shown_once = obj.new_token()  # a new source gets its first token
        super().save_model(request, obj, form, change)
        self._audit_token(request, obj, first=True)

    def response_add(self, request, obj, post_url_continue=None):
        self._show_token(request, obj, obj.shown_once)
        return super().response_add(request, obj, post_url_continue)

    def new_token_view(self, request, object_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        source = get_object_or_404(UsageSource, pk=object_id)
        with transaction.atomic():
            token = source.new_token()
            source.save(update_fields=["token_hash", "token_hint", "token_created_at"])
            self._audit_token(request, source, first=False)
        self._show_token(request, source, token)
        return HttpResponseRedirect(reverse("admin:usage_usagesource_change", args=[source.pk]))

    def _audit_token(self, request, source: UsageSource, *, first: bool) -> None:
        verb = "issued" if first else "replaced"
        audit(request, "usage_source.token_issued", f"API token {verb} for usage source {source.name}",
              source=source.name, first=first)

    def _show_token(self, request, source: UsageSource, token: str) -> None:
        messages.success(request, format_html(
            str(_("Jeton API de la source « {source} » : {token} Copiez-le maintenant : il ne sera plus affiché.")),
            source=source.name, token=format_html("<code>{}</code>", token)))


class RejectStatusFilter(admin.SimpleListFilter):
    """Open rejects by default: they are the work to do."""

    title = _("statut")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [*RejectStatus.choices, ("all", _("Tous"))]

    def choices(self, changelist):
        current = self.value() or RejectStatus.OPEN
        for value, label in self.lookup_choices:
            yield {"selected": current == value, "display": label,
                   "query_string": changelist.get_query_string({self.parameter_name: value})}

    def queryset(self, request, queryset):
        value = self.value() or RejectStatus.OPEN
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(IngestBatch)
class IngestBatchAdmin(ReadOnlyAdmin):
    created_at_ = labelled(IngestBatch, "created_at", _("reçu le"), show=short_date)
    committed_at_ = labelled(IngestBatch, "committed_at", _("intégré le"), show=short_date)
    source_ = labelled(IngestBatch, "source", _("source"))
    origin_ = labelled(IngestBatch, "origin", _("origine"))
    status_ = labelled(IngestBatch, "status", _("statut"))
    accepted_ = labelled(IngestBatch, "accepted", _("acceptés"))
    duplicates_ = labelled(IngestBatch, "duplicates", _("doublons"))
    rejected_ = labelled(IngestBatch, "rejected", _("rejetés"))
    message_ = labelled(IngestBatch, "message", _("motif du refus"), show=lambda v: v or "—")
    list_display = ["created_at_", "source_", "channel_", "origin_", "status_", "accepted_", "duplicates_",
                    "rejected_", "committed_at_"]
    list_filter = [("source", titled(_("source"), admin.RelatedFieldListFilter)), ("status", titled(_("statut"))),
                   ("channel", titled(_("canal"), admin.AllValuesFieldListFilter))]
    search_fields = ["origin"]
    list_select_related = ["source"]
    fields = readonly_fields = ["source_", "channel_", "origin_", "status_", "message_", "accepted_", "duplicates_",
                                "rejected_", "rejects", "created_at_", "committed_at_"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("canal"), ordering="channel")
    def channel_(self, obj):
        return CHANNELS.get(obj.channel, obj.channel)

    @admin.display(description=_("enregistrements rejetés"))
    def rejects(self, obj):
        count = obj.rejects.count()
        if not count:
            return "—"
        url = reverse("admin:usage_rejectedrecord_changelist") + "?" + urlencode(
            {"batch__id__exact": obj.pk, RejectStatusFilter.parameter_name: "all"})
        return format_html('<a href="{}">{}</a>', url, _("Voir les %(count)d rejets de ce lot") % {"count": count})


@admin.register(RejectedRecord)
class RejectedRecordAdmin(ReadOnlyAdmin):
    """Read only; staff re-process the open rejects once their cause is fixed, or discard them (audited)."""

    received_at_ = labelled(RejectedRecord, "received_at", _("reçu le"), show=short_date)
    source_ = labelled(RejectedRecord, "source", _("source"))
    line_number_ = labelled(RejectedRecord, "line_number", _("ligne du fichier"))
    record_id_ = labelled(RejectedRecord, "record_id", _("identifiant"), show=lambda v: v or "—")
    reason_ = labelled(RejectedRecord, "reason", _("motif"))
    status_ = labelled(RejectedRecord, "status", _("statut"))
    happened_on_ = labelled(RejectedRecord, "happened_on", _("date de la communication"), show=short_date)
    list_display = ["received_at_", "source_", "batch_link", "line_number_", "record_id_", "reason_", "status_"]
    list_filter = [RejectStatusFilter, ("source", titled(_("source"), admin.RelatedFieldListFilter))]
    search_fields = ["reason", "record_id", "raw"]
    list_select_related = ["source", "batch"]
    fields = readonly_fields = ["source_", "batch_link", "line_number_", "record_id_", "happened_on_", "reason_",
                                "status_", "raw_text", "fields_table", "resolved_in", "received_at_"]
    actions = ["reprocess", "discard"]
    date_hierarchy = "received_at"
    show_full_result_count = False

    def has_reprocess_permission(self, request):
        return request.user.has_perm("usage.change_rejectedrecord")

    @admin.display(description=_("lot"), ordering="batch_id")
    def batch_link(self, obj):
        return link("admin:usage_ingestbatch_change", obj.batch_id, f"#{obj.batch_id} {obj.batch.origin}".strip())

    @admin.display(description=_("réintégré par le lot"))
    def resolved_in(self, obj):
        return link("admin:usage_ingestbatch_change", obj.resolved_batch_id, f"#{obj.resolved_batch_id}") \
            if obj.resolved_batch_id else "—"

    @admin.display(description=_("texte brut"))
    def raw_text(self, obj):
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', obj.raw)

    @admin.display(description=_("champs lus"))
    def fields_table(self, obj):
        if not obj.fields:
            return "—"
        rows = format_html_join("", "<tr><th>{}</th><td><code>{}</code></td></tr>", obj.fields.items())
        return format_html("<table>{}</table>", rows)

    @admin.action(description=_("Réintégrer (re-process)"), permissions=["reprocess"])
    def reprocess(self, request, queryset):
        ids = list(queryset.filter(status=RejectStatus.OPEN).values_list("pk", flat=True))
        if not ids:
            self.message_user(request, _("Aucun rejet à traiter dans la sélection."), messages.WARNING)
            return
        result = reprocess_rejects(ids=ids)
        counts = {"selected": len(ids), "accepted": result.accepted, "duplicates": result.duplicates,
                  "rejected": result.rejected}
        audit(request, "usage_rejects.reprocessed", f"{len(ids)} rejected usage records re-processed: "
              f"{result.accepted} accepted, {result.duplicates} duplicates, {result.rejected} rejected again", **counts)
        self.message_user(request, _("Réintégration de %(selected)d rejet(s) : %(accepted)d accepté(s), "
                                     "%(duplicates)d doublon(s) déjà reçu(s), %(rejected)d toujours rejeté(s).")
                          % counts,
                          messages.WARNING if result.rejected else messages.SUCCESS)

    @admin.action(description=_("Abandonner"), permissions=["reprocess"])
    def discard(self, request, queryset):
        ids = list(queryset.filter(status=RejectStatus.OPEN).values_list("pk", flat=True))
        if not ids:
            self.message_user(request, _("Aucun rejet à traiter dans la sélection."), messages.WARNING)
            return
        discarded = discard_rejects(ids)
        audit(request, "usage_rejects.discarded", f"{discarded} rejected usage records discarded",
              selected=len(ids), discarded=discarded)
        self.message_user(request, ngettext("%(count)d rejet abandonné.", "%(count)d rejets abandonnés.",
                                            discarded) % {"count": discarded})


class MonthFilter(admin.SimpleListFilter):
    title = _("mois")
    parameter_name = "month"

    def lookups(self, request, model_admin):
        months = model_admin.model.objects.order_by("-month").values_list("month", flat=True).distinct()
        return [(m.isoformat(), f"{m:%m/%Y}") for m in months[:24]]

    def queryset(self, request, queryset):
        return queryset.filter(month=self.value()) if self.value() else queryset


class AlertKindFilter(admin.SimpleListFilter):
    title = _("seuil")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(ALERTS.items())

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(UsageAlert)
class UsageAlertAdmin(ReadOnlyAdmin):
    created_at_ = labelled(UsageAlert, "created_at", _("créée le"), show=short_date)
    kind_ = labelled(UsageAlert, "kind", _("seuil"), show=lambda v: ALERTS.get(v, v))
    message_ = labelled(UsageAlert, "message", _("message"))
    sent_at_ = labelled(UsageAlert, "sent_at", _("envoyée le"), show=short_date)
    sent_to_ = labelled(UsageAlert, "sent_to", _("envoyée à"), show=lambda v: v or "—")
    list_display = ["created_at_", "customer_", "line_", "kind_", "message_", "sent_at_"]
    list_filter = [MonthFilter, AlertKindFilter]
    search_fields = ["line__msisdn", "customer__number", "customer__name"]
    list_select_related = ["customer", "line"]
    fields = readonly_fields = ["customer_", "line_", "kind_", "message_", "created_at_", "sent_at_", "sent_to_"]
    show_full_result_count = False

    @admin.display(description=_("client"), ordering="customer__number")
    def customer_(self, obj):
        return _customer_link(obj.customer)

    @admin.display(description=_("ligne"), ordering="line__msisdn")
    def line_(self, obj):
        return _line_link(obj.line)


@admin.register(LineCounter)
class LineCounterAdmin(ReadOnlyAdmin):
    last_usage_at_ = labelled(LineCounter, "last_usage_at", _("dernière communication"), show=short_date)
    list_display = ["month_", "line_", "pool_customer_", "bucket_", "used_", "included_", "out_of_plan_",
                    "last_usage_at_"]
    list_filter = [MonthFilter, ("bucket", titled(_("type"), admin.AllValuesFieldListFilter))]
    search_fields = ["line__msisdn", "pool_customer__number"]
    list_select_related = ["line", "pool_customer"]
    fields = readonly_fields = ["month_", "line_", "pool_customer_", "bucket_", "used_", "included_",
                                "out_of_plan_", "last_usage_at_"]
    show_full_result_count = False

    @admin.display(description=_("mois"), ordering="month")
    def month_(self, obj):
        return f"{obj.month:%m/%Y}"

    @admin.display(description=_("ligne"), ordering="line__msisdn")
    def line_(self, obj):
        return _line_link(obj.line)

    @admin.display(description=_("partage du client"), ordering="pool_customer__number")
    def pool_customer_(self, obj):
        return _customer_link(obj.pool_customer)

    @admin.display(description=_("type"), ordering="bucket")
    def bucket_(self, obj):
        return BUCKETS.get(obj.bucket, obj.bucket)

    @admin.display(description=_("consommé"), ordering="used")
    def used_(self, obj):
        return "—" if obj.bucket == "roaming_spend" else quantity(obj.bucket, obj.used)

    @admin.display(description=_("inclus"), ordering="included")
    def included_(self, obj):
        return "—" if obj.bucket == "roaming_spend" else quantity(obj.bucket, obj.included)

    @admin.display(description=_("hors forfait HT"), ordering="out_of_plan")
    def out_of_plan_(self, obj):
        return euros(to_cents(obj.out_of_plan))  # euros() cuts the decimals, it does not round
