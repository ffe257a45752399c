"""The rendered files of issued documents: where they are and their SHA-256."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcobill.billing.models import Invoice
from telcobill.customers.models import EInvoiceSyntax as Syntax


class DocumentFile(models.Model):
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="file")
    # The CII XML as issued (the XML is built once from the stored document, then kept).
    xml = models.BinaryField()
    pdf_path = models.CharField(max_length=300, blank=True)  # relative to DOCUMENTS_DIR
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fichier de document")
        verbose_name_plural = _("fichiers de documents")

    def __str__(self) -> str:
        return f"{self.invoice} {'rendered' if self.rendered_at else 'pending'}"


# --- E-invoicing: delivery to plateformes agréées and the lifecycle of each document -----------

class LifecycleStatus(models.TextChoices):
    """The lifecycle statuses of an e-invoice (XP Z12-012, CDAR codes 200-213). Mandatory ones:
    200 Déposée, 210 Refusée, 212 Encaissée, 213 Rejetée."""

    DEPOSITED = "200", _("Déposée")
    ISSUED = "201", _("Émise par la plateforme")
    RECEIVED = "202", _("Reçue par la plateforme")
    MADE_AVAILABLE = "203", _("Mise à disposition")
    TAKEN_IN_CHARGE = "204", _("Prise en charge")
    APPROVED = "205", _("Approuvée")
    PARTIALLY_APPROVED = "206", _("Approuvée partiellement")
    DISPUTED = "207", _("En litige")
    SUSPENDED = "208", _("Suspendue")
    COMPLETED = "209", _("Complétée")
    REFUSED = "210", pgettext_lazy("e-invoice lifecycle", "Refusée")
    PAYMENT_SENT = "211", _("Paiement transmis")
    PAID = "212", _("Encaissée")
    REJECTED = "213", _("Rejetée")


class Platform(models.Model):
    """A plateforme agréée the operator deposits business documents to. The "file exchange"
    adapter writes each document into `<exchange_dir>/outbox/` and reads the platform's status
    files from `<exchange_dir>/statuses/` (docs/einvoicing.md)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    adapter = models.CharField(_("connecteur"), max_length=30, default="file_exchange",
                               choices=[("file_exchange", _("Échange de fichiers"))])
    exchange_dir = models.CharField(_("dossier d'échange"), max_length=300, blank=True,
                                    help_text=_("Vide : <données>/einvoicing/<code>"))
    is_default = models.BooleanField(_("plateforme par défaut"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("plateforme agréée")
        verbose_name_plural = _("plateformes agréées")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DeliveryState(models.TextChoices):
    """Where the operator stands with a document, whatever the platform's last word."""

    PENDING = "pending", _("À déposer")
    BLOCKED = "blocked", _("À compléter avant dépôt")
    DEPOSITING = "depositing", _("En cours de dépôt")
    DEPOSITED = "deposited", _("Déposée")
    IN_PROGRESS = "in_progress", _("En cours")
    REFUSED = "refused", _("Refusée ou rejetée")
    DISPUTED = "disputed", _("En litige")
    DONE = "done", _("Acceptée")
    PAID = "paid", _("Encaissée")


class Delivery(models.Model):
    """One business document on its way through a platform."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="delivery")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("plateforme"))
    syntax = models.CharField(_("format"), max_length=8, choices=Syntax.choices, default=Syntax.FACTURX)
    # The routing the document was deposited with (BT-49 of the billing account).
    routing_scheme = models.CharField(max_length=4, blank=True)
    routing_address = models.CharField(_("adresse électronique"), max_length=100, blank=True)
    state = models.CharField(_("état"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING,
                             db_index=True)
    status = models.CharField(_("dernier statut"), max_length=3, choices=LifecycleStatus.choices, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(_("motif"), max_length=500, blank=True)  # refusal reason or what blocks
    file_name = models.CharField(_("fichier déposé"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("dépôts"), default=0)
    deposited_at = models.DateTimeField(null=True, blank=True)
    # A refused document is handled by staff (corrected and deposited again, or credited).
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.CharField(_("traitée par"), max_length=150, blank=True)
    handling_note = models.CharField(_("suite donnée"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("facture électronique")
        verbose_name_plural = _("factures électroniques")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.invoice.number} → {self.platform.code}"


class LifecycleEvent(models.Model):
    """A status of a delivered document, as the platform reported it or as the operator did
    (212 Encaissée for services)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="events",
                                 verbose_name=_("facture électronique"))
    status = models.CharField(_("statut"), max_length=3, choices=LifecycleStatus.choices)
    at = models.DateTimeField(_("date"))
    by_operator = models.BooleanField(default=False)  # False: read from the platform's status file
    reason_code = models.CharField(_("code motif"), max_length=20, blank=True)
    reason = models.CharField(_("motif"), max_length=500, blank=True)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2, null=True, blank=True)  # 212
    # The platform's message id (prefixed with its code), or ours: the same status file read twice is recorded once.
    message_id = models.CharField(max_length=100, unique=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statut de cycle de vie")
        verbose_name_plural = _("statuts de cycle de vie")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


# --- E-reporting -----------------------------------------------------------------------------

class EReportKind(models.TextChoices):
    TRANSACTIONS = "transactions", _("Opérations B2C (10.3)")
    PAYMENTS = "payments", _("Encaissements (10.4)")


class EReport(models.Model):
    """The periodic e-reporting summary of a period: totals excl. VAT and VAT per rate, counts,
    built from the stored documents (or the ledger's payments), kept with the file sent."""

    kind = models.CharField(_("type"), max_length=12, choices=EReportKind.choices)
    period_start = models.DateField(_("du"))
    period_end = models.DateField(_("au"))
    siren = models.CharField("SIREN", max_length=9)
    totals = models.JSONField(default=list)  # [{"category", "rate", "base", "vat", "count"}]
    document_count = models.PositiveIntegerField(_("documents"), default=0)
    total_net = models.DecimalField(_("total HT"), max_digits=16, decimal_places=2, default=0)
    total_vat = models.DecimalField(_("TVA"), max_digits=16, decimal_places=2, default=0)
    file_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    deposited_at = models.DateTimeField(_("remis à la plateforme le"), null=True, blank=True)
    # Data booked late into a reported period: a corrective version replaces the previous one whole.
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("remplace"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("e-reporting")
        verbose_name_plural = _("e-reporting")
        ordering = ["-period_start", "kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "period_start", "version"],
                                               name="one_ereport_per_period_version")]

    def __str__(self) -> str:
        version = f" v{self.version}" if self.version > 1 else ""
        return f"{self.get_kind_display()} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}{version}"


# --- Paper on request ------------------------------------------------------------------------

class PrintBatch(models.Model):
    """The invoices of a bill run to print and post: one PDF (address in the envelope's window)
    and a manifest for the operator's mail house."""

    cycle = models.CharField(_("cycle"), max_length=7, unique=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sheets = models.PositiveIntegerField(_("feuilles"), default=0)
    pdf_path = models.CharField(max_length=300, blank=True)  # relative to DOCUMENTS_DIR
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    manifest_path = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("remis à l'imprimeur"), null=True, blank=True)
    sent_by = models.CharField(_("remis par"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("lot d'impression")
        verbose_name_plural = _("lots d'impression")
        ordering = ["-cycle"]

    def __str__(self) -> str:
        return f"{self.cycle} ({self.documents})"


# --- The 10-year archive ---------------------------------------------------------------------

class ArchiveEntry(models.Model):
    """One archived item — an issued document (its PDF and XML) or a lifecycle event — chained
    to the previous entry of its series by hash, so nothing altered or removed goes unseen."""

    series = models.CharField(max_length=30)  # "F2026", "AV2026", "events-2026"
    position = models.PositiveBigIntegerField()  # 1, 2, 3... within the series
    kind = models.CharField(max_length=10)  # "document" | "event"
    reference = models.CharField(max_length=100)  # the document number, or the event's message id
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    files = models.JSONField(default=dict)  # {"pdf": {"path", "sha256", "size"}, "xml": {...}} or the event
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    archived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pièce archivée")
        verbose_name_plural = _("archive")
        ordering = ["series", "position"]
        constraints = [
            models.UniqueConstraint(fields=["series", "position"], name="archive_position_unique"),
            models.UniqueConstraint(fields=["kind", "reference"], name="archived_once"),
        ]

    def __str__(self) -> str:
        return f"{self.series} #{self.position} {self.reference}"
