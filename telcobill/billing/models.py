"""Bill runs, invoices and credit notes, their lines, numbering series and pending charges."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.catalogue.models import Product
from telcobill.customers.models import BillingAccount, Line, Person
from telcobill.errors import NotAllowed


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    HELD = "held", _("Retenue")
    ISSUED = "issued", _("Émise")


class Section(models.TextChoices):
    """The telecom sections of an invoice (arrêté du 31 décembre 2013), in print order."""

    PLAN_OPTIONS = "plan_options", _("Forfaits et options")
    COMMUNICATIONS = "communications", _("Communications")
    ONE_OFF = "one_off", _("Produits et frais ponctuels")
    THIRD_PARTY = "third_party", _("Services de tiers")
    ADJUSTMENTS = "adjustments", _("Ajustements")
    PENALTIES = "penalties", _("Pénalités et indemnités")


class BillRunStatus(models.TextChoices):
    COMPUTING = "computing", _("Calcul en cours")
    COMPUTED = "computed", _("Calculé, à approuver")
    APPROVED = "approved", _("Approuvé")
    ISSUING = "issuing", _("Émission en cours")
    ISSUED = "issued", _("Émis")


class BillRun(models.Model):
    cycle = models.CharField(_("cycle"), max_length=7, unique=True)  # "2026-11"
    status = models.CharField(max_length=10, choices=BillRunStatus.choices, default=BillRunStatus.COMPUTING)
    trial = models.BooleanField(_("essai"), default=False)
    # Incremented at each fresh computation; drafts of the current generation are kept on resume.
    generation = models.PositiveIntegerField(default=0)
    issue_date = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    computed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    # The run lock: who is working on this run now, and when it last said so.
    lock_owner = models.CharField(max_length=100, blank=True)
    lock_heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-cycle"]
        verbose_name = _("facturation (cycle)")
        verbose_name_plural = _("facturations (cycles)")

    def __str__(self) -> str:
        return f"{self.cycle} ({self.get_status_display()})"


class BillRunHold(models.Model):
    """An account left out of a cycle's issue by staff, until released."""

    cycle = models.CharField(max_length=7)
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=300)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "billing_account"], name="one_hold_per_cycle")]
        verbose_name = _("compte retenu")
        verbose_name_plural = _("comptes retenus")

    def __str__(self) -> str:
        return f"{self.cycle} {self.billing_account.number}: {self.reason}"


class NumberSeries(models.Model):
    """A gapless numbering series ("F2026", "AV2026"); its row is locked while numbers are taken."""

    code = models.CharField(max_length=20, unique=True)
    last_value = models.PositiveBigIntegerField(default=0)
    last_issue_date = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("série de numérotation")
        verbose_name_plural = _("séries de numérotation")

    def __str__(self) -> str:
        return f"{self.code} (last {self.last_value})"


class IssuedDocumentError(NotAllowed):
    code = "document_issued"


class Invoice(models.Model):
    """An invoice or a credit note. Once issued it never changes (model guard and DB trigger)."""

    kind = models.CharField(max_length=12, choices=DocumentKind.choices, default=DocumentKind.INVOICE)
    status = models.CharField(max_length=8, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="invoices")
    bill_run = models.ForeignKey(BillRun, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    cycle = models.CharField(max_length=7, blank=True)
    generation = models.PositiveIntegerField(default=0)
    number = models.CharField(max_length=35, unique=True, null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    language = models.CharField(max_length=2, default="fr")
    total_net = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_gross = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # A credit note's corrected invoice, and why.
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="credit_notes")
    reason = models.CharField(max_length=300, blank=True)
    # What the documents print and the XML carries, frozen when computed: buyer, seller, payment.
    buyer = models.JSONField(default=dict)
    seller = models.JSONField(default=dict)
    payment = models.JSONField(default=dict)
    notes = models.JSONField(default=list, blank=True)
    # Why a draft is held: rule ids and messages from validation, or a staff hold.
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issue_date", "-number"]
        verbose_name = _("facture ou avoir")
        verbose_name_plural = _("factures et avoirs")
        constraints = [
            # Invariant 3: one document per billing account and cycle.
            models.UniqueConstraint(fields=["billing_account", "cycle"], condition=Q(bill_run__isnull=False),
                                    name="one_document_per_account_and_cycle"),
            models.CheckConstraint(name="issued_has_number",
                                   condition=~Q(status="issued") | Q(number__isnull=False, issue_date__isnull=False)),
        ]
        indexes = [models.Index(fields=["billing_account", "status", "issue_date"])]

    def __str__(self) -> str:
        return self.number or f"draft {self.pk} {self.cycle}"

    def save(self, *args, **kwargs):
        if self.pk and Invoice.objects.filter(pk=self.pk, status=InvoiceStatus.ISSUED).exists():
            raise IssuedDocumentError(f"{self.number} is issued and cannot change; issue a credit note")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and Invoice.objects.filter(pk=self.pk, status=InvoiceStatus.ISSUED).exists():
            raise IssuedDocumentError(f"{self.number} is issued and cannot be deleted")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == InvoiceStatus.ISSUED


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    section = models.CharField(max_length=20, choices=Section.choices)
    line = models.ForeignKey(Line, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    msisdn = models.CharField(max_length=16, blank=True)
    product_code = models.CharField(max_length=40, blank=True)
    description = models.CharField(max_length=300)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)  # inclusive, as printed
    quantity = models.DecimalField(max_digits=16, decimal_places=4)
    unit_code = models.CharField(max_length=3, default="C62")
    unit_price = models.DecimalField(max_digits=16, decimal_places=6)  # excl. VAT
    unit_price_incl_vat = models.DecimalField(max_digits=16, decimal_places=6, null=True, blank=True)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2)
    vat_category = models.CharField(max_length=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_exemption_reason = models.CharField(max_length=200, blank=True)
    # "fee" (recurring in advance), "usage", "one_off", "adjustment", "penalty".
    kind = models.CharField(max_length=12, default="fee")

    class Meta:
        ordering = ["invoice", "position"]
        indexes = [models.Index(fields=["line", "product_code", "period_start"])]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"

    def save(self, *args, **kwargs):
        if Invoice.objects.filter(pk=self.invoice_id, status=InvoiceStatus.ISSUED).exists():
            raise IssuedDocumentError("the lines of an issued document cannot change")
        super().save(*args, **kwargs)


class Charge(models.Model):
    """A one-off fee or a manual adjustment waiting for the next document of its account."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="charges")
    line = models.ForeignKey(Line, on_delete=models.PROTECT, null=True, blank=True, related_name="charges")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    section = models.CharField(max_length=20, choices=Section.choices, default=Section.ONE_OFF)
    description = models.CharField(max_length=300)
    charged_on = models.DateField()
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=1)
    # Null: the product's catalogue price on charged_on. Signed: a negative adjustment is a credit.
    unit_price = models.DecimalField(max_digits=14, decimal_places=6, null=True, blank=True)
    includes_vat = models.BooleanField(default=True)
    vat_rule_code = models.CharField(max_length=30, blank=True)  # default: the product's
    invoice = models.ForeignKey(Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="charges")
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["charged_on", "pk"]
        verbose_name = _("frais ou ajustement")
        verbose_name_plural = _("frais et ajustements")

    def __str__(self) -> str:
        return f"{self.charged_on} {self.description or self.product}"
