"""Back office: invoices and credit notes (read only), pending charges and manual adjustments.

Documents are never edited by hand: drafts are computed by the bill run, issued ones never change
(invariant 1). The actions on them (PDF, XML, credit note, bill run control) are back-office pages
reached by URL name.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin import labelled, phone, short_date, titled
from telcobill.customers.models import AuditEvent

from .models import BillRun, Charge, Invoice, InvoiceStatus, NumberSeries, Section


def euros(amount: Decimal | None) -> str:
    return "—" if amount is None else f"{number_format(amount, 2, use_l10n=True, force_grouping=True)}\u00a0€"


def _link(viewname: str, pk, label) -> str:
    return format_html('<a href="{}">{}</a>', reverse(viewname, args=[pk]), label)


# UNTDID 4461, as the documents print them.
PAYMENT_MEANS = {"58": _("Virement SEPA"), "30": _("Virement"), "59": _("Prélèvement SEPA"), "48": _("Carte"),
                 "97": _("Imputé sur le compte (avoir)")}


def _period(obj) -> str:
    if not obj.period_start:
        return "—"
    if obj.period_start == obj.period_end:
        return f"{obj.period_start:%d/%m/%Y}"
    return f"{obj.period_start:%d/%m/%Y} – {obj.period_end:%d/%m/%Y}"


class CycleFilter(admin.SimpleListFilter):
    title = _("cycle")
    parameter_name = "cycle"

    def lookups(self, request, model_admin):
        cycles = (Invoice.objects.exclude(cycle="").order_by("-cycle").values_list("cycle", flat=True).distinct())
        return [(c, c) for c in cycles[:36]]

    def queryset(self, request, queryset):
        return queryset.filter(cycle=self.value()) if self.value() else queryset


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    number_ = labelled(Invoice, "number", _("numéro"))
    kind_ = labelled(Invoice, "kind", _("type"))
    status_ = labelled(Invoice, "status", _("statut"))
    bill_run_ = labelled(Invoice, "bill_run", _("facturation du cycle"))
    issue_date_ = labelled(Invoice, "issue_date", _("date d'émission"))
    due_date_ = labelled(Invoice, "due_date", _("échéance"))
    issued_at_ = labelled(Invoice, "issued_at", _("émise le"))
    reason_ = labelled(Invoice, "reason", _("motif"))

    list_display = ["number_or_draft", "kind_", "account_link", "cycle_", "issued_on", "total_incl_vat", "status_",
                    "files"]
    list_filter = [("kind", titled(_("type"))), ("status", titled(_("statut"))), CycleFilter]
    search_fields = ["number", "billing_account__number", "buyer__name"]
    date_hierarchy = "issue_date"
    list_select_related = ["billing_account"]
    fieldsets = [
        (None, {"fields": ["number_", "kind_", "status_", "account_link", "cycle_", "bill_run_", "issue_date_",
                           "due_date_", "period", "issued_at_"]}),
        (_("Montants"), {"fields": ["total_excl_vat", "total_vat_amount", "total_incl_vat"]}),
        (_("Lignes"), {"fields": ["lines_table"], "classes": ["bo-lines"]}),
        (_("Corrections"), {"fields": ["corrected_invoice", "reason_", "credit_note_links"]}),
        (_("Acheteur et paiement"), {"fields": ["buyer_summary", "payment_summary"]}),
        (_("Contrôles"), {"fields": ["problems_list", "file_state"]}),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    # Issued documents never change (invariant 1); drafts are computed by the bill run.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("numéro"), ordering="number")
    def number_or_draft(self, obj):
        return obj.number or format_html("<em>{}</em>", obj.get_status_display())

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return _link("admin:customers_billingaccount_change", obj.billing_account_id,
                     f"{obj.billing_account.number} {obj.buyer.get('name', '')}")

    @admin.display(description=_("cycle"), ordering="cycle")
    def cycle_(self, obj):
        return obj.cycle or "—"

    @admin.display(description=_("émise le"), ordering="issue_date")
    def issued_on(self, obj):
        return f"{obj.issue_date:%d/%m/%Y}" if obj.issue_date else "—"

    @admin.display(description=_("total TTC"), ordering="total_gross")
    def total_incl_vat(self, obj):
        return euros(obj.total_gross)

    @admin.display(description=_("total HT"))
    def total_excl_vat(self, obj):
        return euros(obj.total_net)

    @admin.display(description=_("TVA"))
    def total_vat_amount(self, obj):
        return euros(obj.total_vat)

    @admin.display(description=_("période"))
    def period(self, obj):
        return _period(obj)

    @admin.display(description=_("lignes"))
    def lines_table(self, obj):
        columns = [(_("n°"), ""), (_("ligne"), ""), (_("libellé"), ""), (_("période"), ""), (_("quantité"), "num"),
                   (_("prix unitaire HT"), "num"), (_("montant HT"), "num"), (_("TVA"), "num")]
        head = format_html_join("", '<th class="{}">{}</th>', ((css, label) for label, css in columns))
        rows, section = [], None
        for ln in obj.lines.order_by("position"):
            if ln.section != section:
                section = ln.section
                rows.append(format_html('<tr class="bo-section"><th colspan="{}">{}</th></tr>', len(columns),
                                        ln.get_section_display()))
            rows.append(format_html(
                '<tr><td>{}</td><td class="nowrap">{}</td><td>{}</td><td class="nowrap">{}</td><td class="num">{}</td>'
                '<td class="num">{}</td>'
                '<td class="num">{}</td><td class="num">{} %</td></tr>',
                ln.position, ln.msisdn or "—", ln.description, _period(ln),
                number_format(ln.quantity.normalize(), use_l10n=True),
                number_format(ln.unit_price, 6, use_l10n=True), euros(ln.net_amount),
                number_format(ln.vat_rate.normalize(), use_l10n=True)))
        return format_html('<table class="bo-lines-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                           head, format_html_join("", "{}", ((row,) for row in rows)))

    @admin.display(description=_("paiement"))
    def payment_summary(self, obj):
        payment = obj.payment or {}
        parts = [PAYMENT_MEANS.get(payment.get("means_code"), payment.get("means_code") or "—")]
        for key, label in [("payee_iban", _("IBAN")), ("debtor_iban", _("IBAN prélevé")),
                           ("mandate_reference", _("RUM")), ("remittance_reference", _("référence"))]:
            if payment.get(key):
                parts.append(f"{label} {payment[key]}")
        return " · ".join(str(p) for p in parts)

    @admin.display(description=_("fichiers"))
    def files(self, obj):
        if not obj.is_issued:
            return "—"
        return format_html('<a href="{}">PDF</a> · <a href="{}">XML</a>',
                           reverse("backoffice:document_pdf", args=[obj.number]),
                           reverse("backoffice:document_xml", args=[obj.number]))

    @admin.display(description=_("facture corrigée"))
    def corrected_invoice(self, obj):
        if obj.corrects_id is None:
            return "—"
        return _link("admin:billing_invoice_change", obj.corrects_id, obj.corrects)

    @admin.display(description=_("avoirs émis"))
    def credit_note_links(self, obj):
        notes = obj.credit_notes.filter(status=InvoiceStatus.ISSUED).order_by("number")
        if not notes:
            return "—"
        return format_html_join(", ", '<a href="{}">{}</a> ({})',
                                ((reverse("admin:billing_invoice_change", args=[n.pk]), n.number, euros(n.total_gross))
                                 for n in notes))

    @admin.display(description=_("acheteur"))
    def buyer_summary(self, obj):
        buyer, address = obj.buyer or {}, (obj.buyer or {}).get("address", {})
        parts = [buyer.get("name", ""), address.get("line1", ""), address.get("line2", ""),
                 f"{address.get('postcode', '')} {address.get('city', '')}".strip(), buyer.get("siret", ""),
                 buyer.get("vat_number", "")]
        return format_html_join(mark_safe("<br>"), "{}", ((p,) for p in parts if p))

    @admin.display(description=_("problèmes"))
    def problems_list(self, obj):
        if not obj.problems:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li><code>{}</code> {}</li>", ((p.get("rule", ""), p.get("message", "")) for p in obj.problems)))

    @admin.display(description=_("PDF"))
    def file_state(self, obj):
        try:
            file = obj.file  # documents.DocumentFile, written when the document is issued
        except ObjectDoesNotExist:
            return "—"
        if file.rendered_at is None:
            return _("en attente de rendu")
        return format_html("{} · SHA-256 <code>{}</code>", timezone.localtime(file.rendered_at).strftime(
            "%d/%m/%Y %H:%M"), file.pdf_sha256)


# --- charges and manual adjustments ----------------------------------------------------------

class PendingFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("À facturer")), ("invoiced", _("Facturé"))]

    def queryset(self, request, queryset):
        issued = Q(invoice__status=InvoiceStatus.ISSUED)
        if self.value() == "pending":
            return queryset.exclude(issued)
        if self.value() == "invoiced":
            return queryset.filter(issued)
        return queryset


class ManualAdjustmentForm(forms.ModelForm):
    """A manual adjustment: billed on the account's next document (negative: a credit)."""

    class Meta:
        model = Charge
        fields = ["billing_account", "line", "description", "unit_price", "includes_vat", "charged_on"]
        labels = {
            "billing_account": _("Compte de facturation"),
            "line": _("Ligne (facultatif)"),
            "description": _("Libellé imprimé sur la facture"),
            "unit_price": _("Montant"),
            "includes_vat": _("Montant TTC"),
            "charged_on": _("Date"),
        }
        help_texts = {
            "unit_price": _("En euros. Un montant négatif est un crédit sur la prochaine facture."),
            "includes_vat": _("Décochez si le montant est hors taxes. TVA au taux normal."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].required = True
        self.fields["unit_price"].localize = True
        self.fields["unit_price"].widget.is_localized = True
        self.fields["charged_on"].initial = timezone.localdate

    def clean_unit_price(self):
        amount = self.cleaned_data["unit_price"]
        if amount == 0:
            raise forms.ValidationError(_("Un ajustement de 0 € n'a pas d'effet."), code="zero")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("Au centime près : deux décimales au plus."), code="cents")
        return amount

    def clean(self):
        cleaned = super().clean()
        account, line = cleaned.get("billing_account"), cleaned.get("line")
        if account and line and line.billing_account_id != account.pk:
            self.add_error("line", _("Cette ligne appartient à un autre compte de facturation."))
        return cleaned


@admin.register(Charge)
class ChargeAdmin(admin.ModelAdmin):
    charged_on_ = labelled(Charge, "charged_on", _("date"), show=short_date)
    section_ = labelled(Charge, "section", _("section"))
    created_by_ = labelled(Charge, "created_by", _("saisi par"))
    created_at_ = labelled(Charge, "created_at", _("saisi le"), show=short_date)
    product_ = labelled(Charge, "product", _("produit"))
    quantity_ = labelled(Charge, "quantity", _("quantité"))
    vat_rule_code_ = labelled(Charge, "vat_rule_code", _("règle de TVA"))
    list_display = ["charged_on_", "account_link", "line_", "label", "amount", "section_", "state", "created_by_"]
    list_filter = [PendingFilter, ("section", titled(_("section"))),
                   ("includes_vat", titled(_("montant TTC"), admin.BooleanFieldListFilter))]
    search_fields = ["billing_account__number", "description", "line__msisdn", "product__code"]
    list_select_related = ["billing_account", "line", "product", "invoice", "created_by"]
    autocomplete_fields = ["billing_account", "line"]
    date_hierarchy = "charged_on"
    show_full_result_count = False

    class Media:
        css = {"all": ["backoffice/admin.css"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ManualAdjustmentForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ManualAdjustmentForm._meta.fields
        return ["account_link", "line_", "product_", "section_", "label", "charged_on_", "quantity_", "amount",
                "vat_rule_code_", "state", "created_by_", "created_at_"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    # A pending charge is corrected with another adjustment, so that the history stays readable.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.section, obj.quantity, obj.created_by = Section.ADJUSTMENTS, Decimal(1), request.user
        super().save_model(request, obj, form, change)
        basis = "incl." if obj.includes_vat else "excl."
        AuditEvent.objects.create(
            actor=request.user, kind="charge.adjustment_added", customer=obj.billing_account.customer,
            summary=f"adjustment of {obj.unit_price} € ({basis} VAT) on {obj.billing_account.number}: "
                    f"{obj.description}"[:300],
            data={"charge": obj.pk, "account": obj.billing_account.number, "amount": str(obj.unit_price),
                  "includes_vat": obj.includes_vat, "line": obj.line.msisdn if obj.line else None})

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return _link("admin:customers_billingaccount_change", obj.billing_account_id, obj.billing_account.number)

    @admin.display(description=_("ligne"), ordering="line__msisdn")
    def line_(self, obj):
        return phone(obj.line.msisdn) if obj.line else "—"

    @admin.display(description=_("libellé"))
    def label(self, obj):
        return obj.description or (obj.product.name if obj.product else "—")

    @admin.display(description=_("montant"))
    def amount(self, obj):
        if obj.unit_price is None:
            return _("prix du catalogue")
        return f"{euros(obj.unit_price * obj.quantity)} {'TTC' if obj.includes_vat else 'HT'}"

    @admin.display(description=_("état"))
    def state(self, obj):
        if obj.invoice is None:
            return _("À facturer")
        label = obj.invoice.number or _("brouillon %(cycle)s") % {"cycle": obj.invoice.cycle}
        return _link("admin:billing_invoice_change", obj.invoice_id, label)


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    code_ = labelled(NumberSeries, "code", _("série"))
    last_value_ = labelled(NumberSeries, "last_value", _("dernier numéro attribué"))
    last_issue_date_ = labelled(NumberSeries, "last_issue_date", _("date du dernier document"), show=short_date)
    list_display = fields = readonly_fields = ["code_", "last_value_", "last_issue_date_"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BillRun)
class BillRunAdmin(admin.ModelAdmin):
    """The bill runs are controlled from their back-office page; the admin entry leads there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return HttpResponseRedirect(reverse("backoffice:billrun_list"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = BillRun.objects.filter(pk=object_id).first()
        if run is None:
            return HttpResponseRedirect(reverse("backoffice:billrun_list"))
        return HttpResponseRedirect(reverse("backoffice:billrun_detail", args=[run.cycle]))

