"""Mandates (with the signed form as a PDF), collections with their history, the SEPA batches
(pain.008 debits, pain.001 refunds; downloadable), the bank files imported and the transfers
received, with the "À rapprocher" queue that staff assign."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, ReadOnlyInline, labelled, short_date, titled
from telcobill.formats import iban_masked

from ..models import BankFile, Collection, CollectionBatch, Mandate, PaymentEvent, Transfer, TransferStatus
from ..services.collections import batch_file
from ..services.mandate_pdf import render_mandate_pdf
from .common import PaymentsLook, account_column, invoice_column, may

BATCH_KINDS = {"pain.008": _("Prélèvements (pain.008)"), "pain.001": _("Remboursements (pain.001)")}


@admin.register(Mandate)
class MandateAdmin(PaymentsLook, ReadOnlyAdmin):
    reference_ = labelled(Mandate, "reference", _("RUM"))
    holder_ = labelled(Mandate, "holder", _("titulaire"))
    status_ = labelled(Mandate, "status", _("statut"))
    signed_at_ = labelled(Mandate, "signed_at", _("signé le"), show=short_date)
    account = account_column(with_name=False)
    list_display = ["reference_", "account", "holder_", "iban_end", "bic", "status_", "signed_at_",
                    "last_collected_on", "pdf"]
    list_filter = [("status", titled(_("statut")))]
    search_fields = ["reference", "holder", "billing_account__number", "billing_account__name"]
    list_select_related = ["billing_account"]
    fields = readonly_fields = ["reference_", "account", "holder_", "iban_end", "bic", "street", "postcode", "city",
                                "country", "channel", "signed_at_", "status_", "ended_at", "end_reason",
                                "first_collected_on", "last_collected_on", "pdf"]

    @admin.display(description=_("IBAN"))
    def iban_end(self, obj):
        return iban_masked(obj.iban)

    @admin.display(description=_("formulaire signé"))
    def pdf(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:payments_mandate_pdf", args=[obj.pk]),
                           _("Mandat (PDF)"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.pdf_view)
        return [path("<int:pk>/pdf/", view, name="payments_mandate_pdf"), *super().get_urls()]

    def pdf_view(self, request, pk: int):
        """The mandate form as the debtor signed it: what a bank asks for when a debit is disputed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        mandate = get_object_or_404(Mandate.objects.select_related("billing_account"), pk=pk)
        response = HttpResponse(render_mandate_pdf(mandate), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{mandate.reference}.pdf"'
        return response


class EventInline(ReadOnlyInline):
    model = PaymentEvent
    fields = readonly_fields = ["at", "kind", "end_to_end_id", "amount", "reason_code", "bank_file"]
    extra = 0


@admin.register(Collection)
class CollectionAdmin(PaymentsLook, ReadOnlyAdmin):
    status_ = labelled(Collection, "status", _("statut"))
    collect_on_ = labelled(Collection, "collect_on", _("date de prélèvement"), show=short_date)
    amount_ = labelled(Collection, "amount", _("montant"), show=euros)
    invoice_ = invoice_column()
    list_display = ["end_to_end_id", "invoice_", "amount_", "collect_on_", "sequence", "attempt", "status_", "batch"]
    list_filter = [("status", titled(_("statut"))), ("sequence", titled(_("séquence"), admin.AllValuesFieldListFilter))]
    search_fields = ["end_to_end_id", "invoice__number", "mandate__reference"]
    list_select_related = ["invoice", "batch"]
    fields = readonly_fields = ["end_to_end_id", "invoice_", "mandate", "amount_", "collect_on_", "sequence", "attempt",
                                "status_", "batch"]
    inlines = [EventInline]
    date_hierarchy = "collect_on"


@admin.register(CollectionBatch)
class CollectionBatchAdmin(PaymentsLook, ReadOnlyAdmin):
    """The SEPA files given to the bank: the debits of a collection date (pain.008) and the refunds
    by credit transfer (pain.001), each downloadable."""

    collect_on_ = labelled(CollectionBatch, "collect_on", _("date d'exécution"), show=short_date)
    created_at_ = labelled(CollectionBatch, "created_at", _("écrite le"), show=short_date)
    count_ = labelled(CollectionBatch, "count", _("opérations"))
    total_ = labelled(CollectionBatch, "total", _("total"), show=euros)
    list_display = ["message_id", "kind_", "collect_on_", "count_", "total_", "created_at_", "download"]
    list_filter = [("kind", titled(_("type"), admin.AllValuesFieldListFilter))]
    fields = readonly_fields = ["message_id", "kind_", "collect_on_", "count_", "total_", "created_at_", "sha256",
                                "download"]
    date_hierarchy = "collect_on"

    @admin.display(description=_("type"), ordering="kind")
    def kind_(self, obj):
        return BATCH_KINDS.get(obj.kind, obj.kind)

    @admin.display(description=_("fichier"))
    def download(self, obj):
        url = reverse("admin:payments_collectionbatch_file", args=[obj.pk])
        return format_html('<a href="{}">{} (XML)</a>', url, obj.kind)

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:pk>/file/", view, name="payments_collectionbatch_file"), *super().get_urls()]

    def file_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        batch = get_object_or_404(CollectionBatch, pk=pk)
        try:
            handle = batch_file(batch).open("rb")
        except OSError:
            raise Http404("the batch file is missing from the SEPA folder") from None
        return FileResponse(handle, as_attachment=True, filename=f"{batch.message_id}.xml",
                            content_type="application/xml")


@admin.register(BankFile)
class BankFileAdmin(PaymentsLook, ReadOnlyAdmin):
    imported_at_ = labelled(BankFile, "imported_at", _("importé le"), show=short_date)
    list_display = ["name", "kind", "entries", "imported_at_"]
    fields = readonly_fields = ["name", "kind", "entries", "imported_at_", "sha256"]
    search_fields = ["name"]


@admin.register(Transfer)
class TransferAdmin(PaymentsLook, ReadOnlyAdmin):
    """Transfers received; filtered on "À rapprocher", the queue of credits naming no single invoice,
    each with its "Affecter…" page."""

    status_ = labelled(Transfer, "status", _("statut"))
    booked_on_ = labelled(Transfer, "booked_on", _("date de valeur"), show=short_date)
    amount_ = labelled(Transfer, "amount", _("montant"), show=euros)
    invoice_ = invoice_column()
    list_display = ["booked_on_", "amount_", "debtor", "reference", "invoice_", "status_"]
    list_filter = [("status", titled(_("statut")))]
    search_fields = ["reference", "debtor", "invoice__number"]
    list_select_related = ["invoice"]
    fields = readonly_fields = ["booked_on_", "amount_", "debtor", "reference", "invoice_", "status_", "bank_ref",
                                "bank_file"]

    # The "Affecter…" button (in the status column) and field, for staff who may assign transfers only.
    def get_list_display(self, request):
        if not may(request, "change_transfer"):
            return self.list_display
        return [name if name != "status_" else "status_and_assign" for name in self.list_display]

    def get_fields(self, request, obj=None):
        return [*self.fields, "assign"] if may(request, "change_transfer") else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("statut"), ordering="status")
    def status_and_assign(self, obj):
        if obj.status != TransferStatus.UNMATCHED:
            return obj.get_status_display()
        return format_html("{}<br>{}", obj.get_status_display(), self.assign(obj))

    @admin.display(description=_("rapprochement"))
    def assign(self, obj):
        if obj.status != TransferStatus.UNMATCHED:
            return "—"
        return format_html('<a class="button" href="{}">{}</a>', reverse("backoffice:transfer_assign", args=[obj.pk]),
                           _("Affecter…"))
