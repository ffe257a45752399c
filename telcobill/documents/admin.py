"""Back office: the rendered files of issued documents (read only; the files are served by the
back office's download pages)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin.display import labelled, short_date

from .models import DocumentFile


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
        return format_html('<a href="{}">PDF</a> · <a href="{}">XML</a>',
                           reverse("backoffice:document_pdf", args=[obj.invoice.number]),
                           reverse("backoffice:document_xml", args=[obj.invoice.number]))
