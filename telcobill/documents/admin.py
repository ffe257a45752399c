"""Back office: the rendered files of issued documents (read only; the files are served by the
back office's download pages)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    list_display = ["invoice_link", "rendered_at", "pdf_sha256", "downloads"]
    list_filter = [RenderedFilter]
    search_fields = ["invoice__number"]
    list_select_related = ["invoice"]
    fields = ["invoice_link", "pdf_path", "pdf_sha256", "rendered_at", "created_at", "downloads"]
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
