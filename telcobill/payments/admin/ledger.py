"""The ledger as staff read it: each account's entries (with what settles what), refunds, card
payments and the provider's events. Journals: rows are written by the use cases only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from telcobill.billing.admin.money import euros
from telcobill.customers.admin.display import ReadOnlyAdmin, ReadOnlyInline, labelled, link, short_date, titled
from telcobill.formats import iban_masked

from ..models import FUNDS, Allocation, CardPayment, LedgerEntry, ProviderEvent, Refund
from .common import PaymentsLook, account_column, invoice_link, invoice_numbers


def _entry(entry: LedgerEntry) -> str:
    return link("admin:payments_ledgerentry_change", entry.pk, f"{entry.on:%d/%m/%Y} {entry.label}")


class SettledByInline(ReadOnlyInline):
    """The funds (payments, credit notes, write-offs) that settle this obligation."""

    model = Allocation
    fk_name = "target"
    verbose_name = _("réglée par")
    verbose_name_plural = _("réglée par")
    fields = readonly_fields = ["on_", "funds", "amount_"]
    on_ = labelled(Allocation, "on", _("date"), show=short_date)
    amount_ = labelled(Allocation, "amount", _("montant"), show=euros)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source").order_by("on", "pk")

    @admin.display(description=_("fonds"))
    def funds(self, obj):
        return _entry(obj.source)


class SettlesInline(SettledByInline):
    """The obligations (invoices, returned payments, refunds) these funds settle."""

    fk_name = "source"
    verbose_name = _("règle")
    verbose_name_plural = _("règle")
    fields = readonly_fields = ["on_", "obligation", "amount_"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target")

    @admin.display(description=_("créance"))
    def obligation(self, obj):
        return _entry(obj.target)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(PaymentsLook, ReadOnlyAdmin):
    """Écritures clients: an account's money, movement by movement; its balance is their sum."""

    on_ = labelled(LedgerEntry, "on", _("date"), show=short_date)
    kind_ = labelled(LedgerEntry, "kind", _("écriture"))
    method_ = labelled(LedgerEntry, "method", _("moyen"))
    created_at_ = labelled(LedgerEntry, "created_at", _("enregistrée le"), show=short_date)
    created_by_ = labelled(LedgerEntry, "created_by", _("par"))
    amount_ = labelled(LedgerEntry, "amount", _("montant"), show=euros)
    account = account_column(with_name=False)
    list_display = ["on_", "account", "kind_", "method_", "reference", "amount_"]
    list_filter = [("kind", titled(_("écriture"))), ("method", titled(_("moyen")))]
    search_fields = ["billing_account__number", "reference"]
    list_select_related = ["billing_account"]
    date_hierarchy = "on"
    ordering = ["-on", "-pk"]
    fields = readonly_fields = ["on_", "account", "kind_", "method_", "reference", "label", "amount_", "document",
                                "collection", "transfer", "reverses", "created_at_", "created_by_"]
    inlines = [SettledByInline, SettlesInline]
    show_full_result_count = False

    @admin.display(description=_("document"))
    def document(self, obj):
        return invoice_link(obj.invoice) if obj.invoice_id else "—"

    def get_inlines(self, request, obj):
        # An obligation is settled by funds; funds settle obligations: one of the two, never both.
        if obj is None:
            return []
        return [SettlesInline] if obj.kind in FUNDS else [SettledByInline]


@admin.register(Refund)
class RefundAdmin(PaymentsLook, ReadOnlyAdmin):
    created_at_ = labelled(Refund, "created_at", _("demandé le"), show=short_date)
    method_ = labelled(Refund, "method", _("moyen"))
    status_ = labelled(Refund, "status", _("statut"))
    created_by_ = labelled(Refund, "created_by", _("par"))
    amount_ = labelled(Refund, "amount", _("montant"), show=euros)
    account = account_column(with_name=False)
    iban_end = labelled(Refund, "iban", _("IBAN"), show=iban_masked)
    list_display = ["end_to_end_id", "account", "amount_", "method_", "status_", "reason", "created_at_", "batch"]
    list_filter = [("status", titled(_("statut"))), ("method", titled(_("moyen")))]
    search_fields = ["end_to_end_id", "billing_account__number", "reason"]
    list_select_related = ["billing_account", "batch"]
    fields = readonly_fields = ["end_to_end_id", "account", "amount_", "method_", "status_", "reason", "iban_end",
                                "holder", "card_payment", "provider_ref", "batch", "entry", "created_at_",
                                "created_by_"]


@admin.register(CardPayment)
class CardPaymentAdmin(PaymentsLook, ReadOnlyAdmin):
    created_at_ = labelled(CardPayment, "created_at", _("créé le"), show=short_date)
    paid_at_ = labelled(CardPayment, "paid_at", _("payé le"), show=short_date)
    status_ = labelled(CardPayment, "status", _("statut"))
    created_by_ = labelled(CardPayment, "created_by", _("par"))
    amount_ = labelled(CardPayment, "amount", _("montant"), show=euros)
    account = account_column(with_name=False)
    invoices_ = staticmethod(invoice_numbers)
    list_display = ["created_at_", "account", "amount_", "status_", "paid_at_", "provider", "provider_ref"]
    list_filter = [("status", titled(_("statut")))]
    search_fields = ["provider_ref", "payment_intent", "billing_account__number"]
    list_select_related = ["billing_account"]
    fields = readonly_fields = ["account", "amount_", "status_", "failure", "invoices_", "provider", "provider_ref",
                                "payment_intent", "created_at_", "paid_at_", "created_by_"]


@admin.register(ProviderEvent)
class ProviderEventAdmin(PaymentsLook, ReadOnlyAdmin):
    received_at_ = labelled(ProviderEvent, "received_at", _("reçu le"), show=short_date)
    list_display = ["received_at_", "provider", "type", "event_id", "outcome"]
    list_filter = [("type", titled(_("type"), admin.AllValuesFieldListFilter))]
    search_fields = ["event_id", "type"]
    fields = readonly_fields = ["received_at_", "provider", "type", "event_id", "outcome"]
