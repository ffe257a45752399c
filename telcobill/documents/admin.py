"""Back office: the rendered files of issued documents (read only; the files are served by the
back office's download pages), their delivery to plateformes agréées with the queue of refused
documents, e-reporting, print batches and the archive."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, ReadOnlyInline, audit, labelled, short_date, titled
from telcobill.errors import TelcobillError

from .models import ArchiveEntry, Delivery, DeliveryState, DocumentFile, EReport, LifecycleEvent, Platform, PrintBatch
from .services import delivery as deliveries
from .services.print_batch import mark_sent


class RenderedFilter(admin.SimpleListFilter):
    title = _("rendu")
    parameter_name = "rendered"

    def lookups(self, request, model_admin):
        return [("yes", _("PDF rendu")), ("no", _("En attente de rendu"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(rendered_at__isnull=self.value() == "no")
        return queryset


@admin.register(DocumentFile)
class DocumentFileAdmin(admin.ModelAdmin):
    rendered_at_ = labelled(DocumentFile, "rendered_at", _("PDF rendu le"), show=short_date)
    created_at_ = labelled(DocumentFile, "created_at", _("XML enregistré le"), show=short_date)
    pdf_path_ = labelled(DocumentFile, "pdf_path", _("fichier PDF"))
    pdf_sha256_ = labelled(DocumentFile, "pdf_sha256", _("SHA-256 du PDF"))
    list_display = ["invoice_link", "rendered_at_", "pdf_sha256_", "downloads"]
    list_filter = [RenderedFilter]
    search_fields = ["invoice__number"]
    list_select_related = ["invoice"]
    fields = ["invoice_link", "pdf_path_", "pdf_sha256_", "rendered_at_", "created_at_", "downloads"]
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the legal retention period (ARCHITECTURE.md: documents)

    @admin.display(description=_("document"), ordering="invoice__number")
    def invoice_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:billing_invoice_change", args=[obj.invoice_id]),
                           obj.invoice.number)

    @admin.display(description=_("fichiers"))
    def downloads(self, obj):
        return format_html('<a href="{}">PDF</a> · <a href="{}">XML CII</a> · <a href="{}">XML UBL</a>',
                           reverse("backoffice:document_pdf", args=[obj.invoice.number]),
                           reverse("backoffice:document_xml", args=[obj.invoice.number]),
                           reverse("backoffice:document_ubl", args=[obj.invoice.number]))


# --- E-invoicing: deliveries to platforms, the refused queue, e-reporting, paper, archive -------

class QueueFilter(admin.SimpleListFilter):
    title = _("à traiter")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("refused", _("Refusées ou bloquées, à traiter")), ("handled", _("Refus traités"))]

    def queryset(self, request, queryset):
        if self.value() == "refused":
            return queryset.filter(pk__in=deliveries.refused_queue().values("pk"))
        if self.value() == "handled":
            return queryset.filter(handled_at__isnull=False)
        return queryset


class LifecycleEventInline(ReadOnlyInline):
    model = LifecycleEvent
    fields = ["at_", "status", "source", "reason_code", "reason"]
    readonly_fields = fields
    ordering = ["at", "pk"]
    verbose_name = _("statut")
    verbose_name_plural = _("cycle de vie")
    at_ = labelled(LifecycleEvent, "at", _("date"), show=short_date)

    @admin.display(description=_("émis par"))
    def source(self, obj):
        return _("l'opérateur") if obj.by_operator else obj.delivery.platform.name


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    status_at_ = labelled(Delivery, "status_at", _("le"), show=short_date)
    deposited_at_ = labelled(Delivery, "deposited_at", _("déposée le"), show=short_date)
    handled_at_ = labelled(Delivery, "handled_at", _("traitée le"), show=short_date)
    list_display = ["number", "customer", "platform", "format", "state", "status", "status_at_", "problem"]
    list_filter = [QueueFilter, ("state", titled(_("état"))), ("syntax", titled(_("format"))), "platform"]
    search_fields = ["invoice__number", "invoice__billing_account__number", "routing_address"]
    list_select_related = ["invoice__billing_account", "platform"]
    fieldsets = [
        (None, {"fields": ["invoice_link", "customer", "platform", "syntax", "routing", "file_name", "attempts",
                           "deposited_at_"]}),
        (_("Où en est-elle"), {"fields": ["state", "status", "status_at_", "problem", "next_step"]}),
        (_("Suite donnée à un refus"), {"fields": ["handled_at_", "handled_by", "handling_note"]}),
    ]
    readonly_fields = ["invoice_link", "customer", "platform", "syntax", "routing", "file_name", "attempts",
                       "deposited_at_", "state", "status", "status_at_", "problem", "next_step", "handled_at_",
                       "handled_by"]
    inlines = [LifecycleEventInline]
    actions = ["deposit_again"]
    formfield_overrides = {models.CharField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}

    class Media:
        css = {"all": ["backoffice/admin.css"]}
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("document"), ordering="invoice__number")
    def invoice_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:billing_invoice_change", args=[obj.invoice_id]),
                           obj.invoice.number)

    @admin.display(description=_("document"), ordering="invoice__number")
    def number(self, obj):
        return obj.invoice.number

    @admin.display(description=_("format"), ordering="syntax")
    def format(self, obj):
        return {"facturx": "Factur-X", "ubl": "UBL", "cii": "CII"}.get(obj.syntax, obj.syntax)

    @admin.display(description=_("client"))
    def customer(self, obj):
        return obj.invoice.buyer.get("name", "")

    @admin.display(description=_("adresse électronique (BT-49)"))
    def routing(self, obj):
        return f"{obj.routing_scheme}:{obj.routing_address}" if obj.routing_address else "—"

    @admin.display(description=_("que faire"))
    def next_step(self, obj):
        if obj.state not in (DeliveryState.REFUSED, DeliveryState.BLOCKED):
            return "—"
        return deliveries.what_to_do(obj)

    def save_model(self, request, obj, form, change):
        """Staff write what they did about a refusal: the document leaves the queue."""
        if "handling_note" in form.changed_data and obj.handling_note.strip():
            try:
                deliveries.mark_handled(obj, by=request.user.get_username(), note=obj.handling_note)
            except TelcobillError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            audit(request, "einvoice.refusal_handled", f"{obj.invoice.number}: {obj.handling_note}"[:300],
                  customer=obj.invoice.billing_account.customer, number=obj.invoice.number)

    @admin.action(description=_("Déposer à nouveau sur la plateforme"), permissions=["change"])
    def deposit_again(self, request, queryset):
        done = []
        for delivery in queryset.select_related("invoice__billing_account__customer", "platform"):
            try:
                deliveries.redeposit(delivery, by=request.user.get_username())
            except TelcobillError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                continue
            audit(request, "einvoice.redeposited", f"{delivery.invoice.number} déposée à nouveau",
                  customer=delivery.invoice.billing_account.customer, number=delivery.invoice.number)
            done.append(delivery.invoice.number)
        if done:
            self.message_user(request, _("Déposées à nouveau : %(numbers)s") % {"numbers": ", ".join(done)},
                              messages.SUCCESS)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "adapter", "exchange", "is_default", "active"]
    fields = ["code", "name", "adapter", "exchange_dir", "is_default", "active"]

    def save_model(self, request, obj, form, change):
        """One default platform; where documents go is a sensitive change: audited."""
        super().save_model(request, obj, form, change)
        if obj.is_default:
            deliveries.make_default(obj)
        if form.changed_data:
            audit(request, "einvoice.platform_changed", f"Plateforme {obj.code} : {', '.join(form.changed_data)}",
                  platform=obj.code, fields=form.changed_data)

    @admin.display(description=_("dossier d'échange"))
    def exchange(self, obj):
        return str(deliveries.exchange_of(obj).root)

    def has_delete_permission(self, request, obj=None):
        return False  # deliveries point to it; deactivate instead


@admin.register(EReport)
class EReportAdmin(ReadOnlyAdmin):
    created_at_ = labelled(EReport, "created_at", _("produit le"), show=short_date)
    total_net_ = labelled(EReport, "total_net", _("total HT"), show=euros)
    total_vat_ = labelled(EReport, "total_vat", _("TVA"), show=euros)
    sha256_ = labelled(EReport, "sha256", _("SHA-256 du fichier"))
    list_display = ["period", "kind", "version", "document_count", "total_net_", "total_vat_", "created_at_",
                    "download"]
    list_filter = [("kind", titled(_("type")))]
    fields = ["period", "kind", "version", "replaces", "siren", "document_count", "total_net_", "total_vat_",
              "per_rate", "sha256_", "created_at_", "deposited_at", "download"]
    readonly_fields = fields

    @admin.display(description=_("période"), ordering="period_start")
    def period(self, obj):
        return f"{obj.period_start:%d/%m/%Y} – {obj.period_end:%d/%m/%Y}"

    @admin.display(description=_("par taux"))
    def per_rate(self, obj):
        if not obj.totals:
            return "—"
        rows = format_html_join("", "<tr><td>{}</td><td>{} %</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                                ((t.get("category"), t.get("rate"), euros(Decimal(t.get("base", "0"))),
                                  euros(Decimal(t.get("vat", "0"))), t.get("count")) for t in obj.totals))
        return format_html('<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>',
                           _("catégorie"), _("taux"), _("base HT"), _("TVA"), _("nombre"), rows)

    @admin.display(description=_("fichier"))
    def download(self, obj):
        if not obj.file_name:
            return "—"
        return format_html('<a href="{}" title="{}">XML</a>', reverse("backoffice:ereport_file", args=[obj.pk]),
                           obj.file_name)


@admin.register(PrintBatch)
class PrintBatchAdmin(admin.ModelAdmin):
    created_at_ = labelled(PrintBatch, "created_at", _("préparé le"), show=short_date)
    sent_at_ = labelled(PrintBatch, "sent_at", _("remis à l'imprimeur le"), show=short_date)
    list_display = ["cycle", "documents", "pages", "sheets", "created_at_", "sent_at_", "sent_by", "downloads"]
    fields = ["cycle", "documents", "pages", "sheets", "pdf_sha256", "created_at_", "sent_at_", "sent_by", "downloads"]
    readonly_fields = fields
    actions = ["hand_over"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Marquer remis à l'imprimeur"), permissions=["change"])
    def hand_over(self, request, queryset):
        for batch in queryset:
            try:
                mark_sent(batch.cycle, request.user.get_username())
            except TelcobillError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, _("Lot %(cycle)s remis à l'imprimeur.") % {"cycle": batch.cycle},
                                  messages.SUCCESS)

    @admin.display(description=_("fichiers"))
    def downloads(self, obj):
        if not obj.pdf_path:
            return "—"
        return format_html('<a href="{}">PDF</a> · <a href="{}">{}</a>',
                           reverse("backoffice:print_batch_file", args=[obj.cycle, "pdf"]),
                           reverse("backoffice:print_batch_file", args=[obj.cycle, "manifest"]), _("manifeste"))


@admin.register(ArchiveEntry)
class ArchiveEntryAdmin(ReadOnlyAdmin):
    archived_at_ = labelled(ArchiveEntry, "archived_at", _("archivé le"), show=short_date)
    list_display = ["series", "position", "kind", "reference", "short_hash", "archived_at_"]
    list_filter = ["series", "kind"]
    search_fields = ["reference"]
    fields = ["series", "position", "kind", "reference", "files", "previous_hash", "hash", "archived_at_"]
    readonly_fields = fields
    show_full_result_count = False

    @admin.display(description=_("empreinte"))
    def short_hash(self, obj):
        return obj.hash[:16] + "…"
