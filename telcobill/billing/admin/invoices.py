"""Invoices and credit notes: read only. Drafts are computed by the bill run, issued documents
never change (invariant 1); their files and credit notes are back-office pages reached by URL name."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin.display import ReadOnlyAdmin, labelled, link, titled

from ..models import Invoice, InvoiceStatus
from .money import euros

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
class InvoiceAdmin(ReadOnlyAdmin):
    """Read-only: issued documents never change (invariant 1); drafts are computed by the bill
    run; corrections are credit notes, from the document's page."""

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


    @admin.display(description=_("numéro"), ordering="number")
    def number_or_draft(self, obj):
        return obj.number or format_html("<em>{}</em>", obj.get_status_display())

    @admin.display(description=_("compte de facturation"), ordering="billing_account__number")
    def account_link(self, obj):
        return link("admin:customers_billingaccount_change", obj.billing_account_id,
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
        return link("admin:billing_invoice_change", obj.corrects_id, obj.corrects)

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
