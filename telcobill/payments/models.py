"""SEPA direct debit: mandates, the collections planned from issued invoices, and the pain.008
batches that present them to the bank (RULES.md, "SEPA Core direct debit")."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    REVOKED = "revoked", _("Révoqué")  # replaced by a new one (a new IBAN) or stopped
    LAPSED = "lapsed", _("Caduc")  # unused for 36 months


class Mandate(models.Model):
    """A SEPA Core mandate: the debtor's authorisation, identified by its unique reference (UMR)."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="mandates")
    reference = models.CharField(_("référence unique de mandat (RUM)"), max_length=35, unique=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    holder = models.CharField(_("titulaire du compte"), max_length=70)
    street = models.CharField(_("adresse"), max_length=70)
    postcode = models.CharField(_("code postal"), max_length=16)
    city = models.CharField(_("ville"), max_length=35)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    signed_at = models.DateTimeField(_("signé le"))
    channel = models.CharField(_("canal"), max_length=16)  # web, app, paper, phone
    status = models.CharField(_("statut"), max_length=8, choices=MandateStatus.choices, default=MandateStatus.ACTIVE)
    ended_at = models.DateTimeField(_("fin le"), null=True, blank=True)
    end_reason = models.CharField(_("motif de fin"), max_length=200, blank=True)
    # The first collection is presented as FRST, the others as RCUR; 36 months without one: lapsed.
    first_collected_on = models.DateField(_("premier prélèvement"), null=True, blank=True)
    last_collected_on = models.DateField(_("dernier prélèvement"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandat SEPA")
        verbose_name_plural = _("mandats SEPA")
        constraints = [models.UniqueConstraint(fields=["billing_account"], condition=Q(status="active"),
                                               name="one_active_mandate_per_account")]

    def __str__(self) -> str:
        return self.reference


class CollectionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    SUBMITTED = "submitted", _("Présenté")
    PAID = "paid", _("Payé")
    REJECTED = "rejected", _("Rejeté")
    DISPUTED = "disputed", _("Contesté")


class CollectionBatch(models.Model):
    """One pain.008 file: the collections of a collection date, each in exactly one batch."""

    message_id = models.CharField(_("identifiant de remise"), max_length=35, unique=True)
    created_at = models.DateTimeField(_("écrite le"), auto_now_add=True)
    collect_on = models.DateField(_("date de prélèvement"))
    count = models.PositiveIntegerField(_("prélèvements"), default=0)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    path = models.CharField(_("fichier"), max_length=300)  # the file's name in PAYMENTS["sepa_dir"]
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("remise de prélèvements")
        verbose_name_plural = _("remises de prélèvements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_id


class Collection(models.Model):
    """An invoice to be collected by direct debit on a date (the invoice is the pre-notification)."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="collection",
                                   verbose_name=_("facture"))
    mandate = models.ForeignKey(Mandate, on_delete=models.PROTECT, related_name="collections",
                                verbose_name=_("mandat"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    collect_on = models.DateField(_("date de prélèvement"))
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, unique=True)
    status = models.CharField(_("statut"), max_length=10, choices=CollectionStatus.choices,
                              default=CollectionStatus.PLANNED)
    sequence = models.CharField(_("séquence"), max_length=4, blank=True)  # FRST | RCUR, set when batched
    attempt = models.PositiveSmallIntegerField(_("présentation"), default=1)  # 2: presented again after AM04
    batch = models.ForeignKey(CollectionBatch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="collections", verbose_name=_("remise"))

    class Meta:
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        indexes = [models.Index(fields=["status", "collect_on"])]

    def __str__(self) -> str:
        return self.end_to_end_id


class BankFile(models.Model):
    """A bank file imported (pain.002 status report, camt.053 statement, camt.054 notification):
    the same file imported again is recognised by its content and changes nothing."""

    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=12)  # pain.002 | camt.053 | camt.054
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    entries = models.PositiveIntegerField(_("réponses"), default=0)

    class Meta:
        verbose_name = _("fichier bancaire")
        verbose_name_plural = _("fichiers bancaires")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.name


class PaymentEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Présenté")
    PAID = "paid", _("Payé")
    REJECTED = "rejected", _("Rejeté")
    RETRY = "retry", _("Représenté")
    DISPUTED = "disputed", _("Contestation ouverte")


class PaymentEvent(models.Model):
    """What happened to a collection, in order: the ledger's rows for direct debits. A bank's
    answer about one presentation (its end-to-end id) is applied once: unique (kind, end_to_end_id)."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="events",
                                   verbose_name=_("prélèvement"))
    kind = models.CharField(_("événement"), max_length=10, choices=PaymentEventKind.choices)
    at = models.DateTimeField(_("le"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    end_to_end_id = models.CharField(_("présentation"), max_length=35)  # the presentation it is about
    reason_code = models.CharField(_("motif"), max_length=4, blank=True)  # ISO 20022 (AM04, MD06...)
    bank_file = models.ForeignKey(BankFile, on_delete=models.PROTECT, null=True, blank=True, related_name="events",
                                  verbose_name=_("fichier bancaire"))

    class Meta:
        verbose_name = _("événement de paiement")
        verbose_name_plural = _("événements de paiement")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "end_to_end_id"],
                                               name="one_event_per_kind_and_presentation")]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} — {self.get_kind_display()}"


class TransferStatus(models.TextChoices):
    MATCHED = "matched", _("Rapproché")
    UNMATCHED = "unmatched", _("À rapprocher")


class Transfer(models.Model):
    """A credit transfer received from a customer, matched to an invoice by the reference the
    invoice asks for (its number) — or waiting for staff when no single invoice is named."""

    bank_ref = models.CharField(_("référence bancaire"), max_length=70, unique=True)  # the bank's, of the entry
    bank_file = models.ForeignKey(BankFile, on_delete=models.PROTECT, related_name="transfers",
                                  verbose_name=_("fichier bancaire"))
    booked_on = models.DateField(_("date de valeur"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    debtor = models.CharField(_("donneur d'ordre"), max_length=140, blank=True)
    reference = models.CharField(_("référence"), max_length=300, blank=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="transfers",
                                verbose_name=_("facture"))
    status = models.CharField(_("statut"), max_length=10, choices=TransferStatus.choices)

    class Meta:
        verbose_name = _("virement reçu")
        verbose_name_plural = _("virements reçus")
        ordering = ["-booked_on", "-pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount} {self.reference[:40]}"
