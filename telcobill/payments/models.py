"""SEPA direct debit: mandates, the collections planned from issued invoices, and the pain.008
batches that present them to the bank (RULES.md, "SEPA Core direct debit")."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.models import Invoice
from telcobill.customers.models import BillingAccount, Person


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
    CANCELLED = "cancelled", _("Annulé")  # nothing left to collect (a credit note, a transfer, a card)


class CollectionBatch(models.Model):
    """One SEPA file given to the bank: a pain.008 of the collections of a collection date (each in
    exactly one batch), or a pain.001 of refunds by credit transfer."""

    message_id = models.CharField(_("identifiant de remise"), max_length=35, unique=True)
    created_at = models.DateTimeField(_("écrite le"), auto_now_add=True)
    collect_on = models.DateField(_("date de prélèvement"))
    count = models.PositiveIntegerField(_("prélèvements"), default=0)
    total = models.DecimalField(_("total"), max_digits=16, decimal_places=2, default=0)
    kind = models.CharField(_("type"), max_length=16, default="pain.008")  # pain.008 debits | pain.001 refunds
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


# --- The ledger --------------------------------------------------------------------------------

class EntryKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")
    PAYMENT = "payment", _("Paiement reçu")
    REVERSAL = "reversal", _("Paiement retourné")  # a settled debit returned, a card charge disputed
    REFUND = "refund", _("Remboursement")
    WRITE_OFF = "write_off", _("Passage en perte")


class Method(models.TextChoices):
    NONE = "", _("—")
    DIRECT_DEBIT = "direct_debit", _("Prélèvement")
    CARD = "card", _("Carte bancaire")
    TRANSFER = "transfer", _("Virement")


# What an entry does to the customer's debt: obligations (+) are settled by funds (−).
OBLIGATIONS = (EntryKind.INVOICE, EntryKind.REVERSAL, EntryKind.REFUND)
FUNDS = (EntryKind.CREDIT_NOTE, EntryKind.PAYMENT, EntryKind.WRITE_OFF)


class LedgerEntry(models.Model):
    """One movement of a billing account's money, never changed once written: an issued invoice
    or credit note, a payment received, a payment returned, a refund, a write-off. `amount` is
    signed from the operator's side: an obligation of the customer (+), funds that settle it (−).
    An account's balance is the sum of its entries; what settles what is in `Allocation`.

    A payment is recorded once: the (kind, method, reference) of a payment, a reversal or a
    refund is unique (the collection's presentation, the bank's entry reference, the card
    provider's id), and a document has one entry."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="ledger",
                                        verbose_name=_("compte de facturation"))
    kind = models.CharField(_("écriture"), max_length=12, choices=EntryKind.choices)
    on = models.DateField(_("date"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    method = models.CharField(_("moyen"), max_length=12, choices=Method.choices, blank=True, default="")
    reference = models.CharField(_("référence"), max_length=70, blank=True)
    label = models.CharField(_("libellé"), max_length=200)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger",
                                verbose_name=_("document"))  # the invoice or credit note of the entry
    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="ledger", verbose_name=_("prélèvement"))
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="ledger",
                                 verbose_name=_("virement"))
    reverses = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="reversals", verbose_name=_("annule"))
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("écriture client")
        verbose_name_plural = _("écritures clients")
        ordering = ["on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice"], condition=Q(kind__in=["invoice", "credit_note"]),
                                    name="one_entry_per_document"),
            models.UniqueConstraint(fields=["kind", "method", "reference"],
                                    condition=Q(kind__in=["payment", "reversal", "refund"]),
                                    name="one_entry_per_payment_reference"),
            models.CheckConstraint(name="obligations_positive_funds_negative", condition=(
                Q(kind__in=["invoice", "reversal", "refund"], amount__gte=0)
                | Q(kind__in=["credit_note", "payment", "write_off"], amount__lte=0))),
        ]
        indexes = [models.Index(fields=["billing_account", "on"]), models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()} {self.amount}"


class Allocation(models.Model):
    """Funds (a payment, a credit note, a write-off) settling an obligation (an invoice, a
    returned payment, a refund). A returned payment takes its allocations back with negative
    rows, so the history stays: what was settled, then undone."""

    source = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations_out",
                               verbose_name=_("fonds"))
    target = models.ForeignKey(LedgerEntry, on_delete=models.PROTECT, related_name="allocations_in",
                               verbose_name=_("créance"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("lettrage")
        verbose_name_plural = _("lettrages")
        indexes = [models.Index(fields=["target"]), models.Index(fields=["source"])]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} {self.amount}"


class Dispute(models.Model):
    """A payment the customer contested (a direct debit refunded by their bank, MD06/MS02, a card
    chargeback) or an invoice they contest: dunning of the invoice waits until it is closed."""

    class Outcome(models.TextChoices):
        OPEN = "", _("En cours")
        UPHELD = "upheld", _("Facture due : relance reprise")
        CREDITED = "credited", _("Fondée : avoir émis")
        WRITTEN_OFF = "written_off", _("Passée en perte")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="disputes",
                                verbose_name=_("facture"))
    opened_at = models.DateTimeField(_("ouverte le"))
    reason_code = models.CharField(_("motif"), max_length=4, blank=True)
    description = models.CharField(_("description"), max_length=300)
    outcome = models.CharField(_("issue"), max_length=12, choices=Outcome.choices, blank=True, default="")
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("contestation")
        verbose_name_plural = _("contestations")
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(fields=["invoice"], condition=Q(outcome=""),
                                               name="one_open_dispute_per_invoice")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.reason_code or self.description[:30]}"


# --- Cards -------------------------------------------------------------------------------------

class CardPaymentStatus(models.TextChoices):
    OPEN = "open", _("En attente")
    PAID = "paid", _("Payé")
    FAILED = "failed", _("Refusé")
    EXPIRED = "expired", _("Expiré")


class CardPayment(models.Model):
    """A card payment through the provider: a hosted checkout the customer completes, or a charge
    of their saved card. `provider_ref` is the checkout session (or payment intent) id; the
    webhook that says it succeeded records the payment in the ledger once."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="card_payments",
                                        verbose_name=_("compte de facturation"))
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="card_payments",
                                      verbose_name=_("factures"))  # what it pays, oldest first
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    provider = models.CharField(_("prestataire"), max_length=20)
    provider_ref = models.CharField(_("référence prestataire"), max_length=255, unique=True)
    payment_intent = models.CharField(_("paiement prestataire"), max_length=255, blank=True, db_index=True)
    url = models.URLField(_("page de paiement"), max_length=2000, blank=True)
    status = models.CharField(_("statut"), max_length=8, choices=CardPaymentStatus.choices,
                              default=CardPaymentStatus.OPEN)
    failure = models.CharField(_("motif du refus"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("paiement par carte")
        verbose_name_plural = _("paiements par carte")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.provider_ref} {self.amount}"


class SavedCard(models.Model):
    """A card saved with the provider (SetupIntent) to pay each new invoice automatically."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="saved_cards",
                                        verbose_name=_("compte de facturation"))
    provider = models.CharField(_("prestataire"), max_length=20)
    customer_ref = models.CharField(_("client prestataire"), max_length=255)
    payment_method_ref = models.CharField(_("carte prestataire"), max_length=255, unique=True)
    brand = models.CharField(_("réseau"), max_length=20, blank=True)
    last4 = models.CharField(_("4 derniers chiffres"), max_length=4, blank=True)
    expires = models.CharField(_("expire"), max_length=7, blank=True)  # "2028-04"
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)

    class Meta:
        verbose_name = _("carte enregistrée")
        verbose_name_plural = _("cartes enregistrées")
        constraints = [models.UniqueConstraint(fields=["billing_account"], condition=Q(active=True),
                                               name="one_active_card_per_account")]

    def __str__(self) -> str:
        return f"{self.brand} •••• {self.last4}"


class ProviderEvent(models.Model):
    """A webhook event received from the payment provider, applied once (its id is unique)."""

    provider = models.CharField(_("prestataire"), max_length=20)
    event_id = models.CharField(_("identifiant"), max_length=255)
    type = models.CharField(_("type"), max_length=100)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now)
    outcome = models.CharField(_("résultat"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("événement du prestataire")
        verbose_name_plural = _("événements du prestataire")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="one_provider_event")]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


# --- Refunds -----------------------------------------------------------------------------------

class RefundStatus(models.TextChoices):
    PLANNED = "planned", _("À virer")  # in the next pain.001 batch
    SENT = "sent", _("Envoyé")
    DONE = "done", _("Remboursé")
    FAILED = "failed", _("Échec")


class Refund(models.Model):
    """Money paid back to a customer from the credit on their account: by card (to a card
    payment, through the provider) or by SEPA credit transfer (a pain.001 batch)."""

    entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="refund",
                                 verbose_name=_("écriture"))
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="refunds",
                                        verbose_name=_("compte de facturation"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    method = models.CharField(_("moyen"), max_length=12, choices=Method.choices)
    status = models.CharField(_("statut"), max_length=8, choices=RefundStatus.choices)
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35, unique=True)
    card_payment = models.ForeignKey(CardPayment, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="refunds", verbose_name=_("paiement par carte"))
    provider_ref = models.CharField(_("référence prestataire"), max_length=255, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    holder = models.CharField(_("titulaire du compte"), max_length=70, blank=True)
    batch = models.ForeignKey(CollectionBatch, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="refunds", verbose_name=_("remise"))
    reason = models.CharField(_("motif"), max_length=200)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("remboursement")
        verbose_name_plural = _("remboursements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.end_to_end_id


# --- Dunning and payment plans -----------------------------------------------------------------

class DunningAction(models.TextChoices):
    REMINDER = "reminder", _("E-mail de relance")
    PENALTY = "penalty", _("Pénalités et indemnité forfaitaire (professionnels)")
    SUSPENSION = "suspension", _("Proposition de suspension")


class Audience(models.TextChoices):
    ALL = "all", _("Tous les clients")
    INDIVIDUAL = "individual", _("Particuliers")
    BUSINESS = "business", _("Professionnels")


class DunningStep(models.Model):
    """One step of the dunning of an unpaid invoice, taken once `days` after its due date."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    days = models.PositiveSmallIntegerField(_("jours après l'échéance"))
    action = models.CharField(_("action"), max_length=12, choices=DunningAction.choices)
    audience = models.CharField(_("clients"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    subject = models.CharField(_("objet de l'e-mail"), max_length=200, blank=True)
    body = models.TextField(_("texte de l'e-mail"), blank=True,
                            help_text=_("{number}, {amount}, {due_date}, {days}, {operator} sont remplacés."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("étape de relance")
        verbose_name_plural = _("étapes de relance")
        ordering = ["days", "pk"]

    def __str__(self) -> str:
        return f"J+{self.days} {self.get_action_display()}"


class DunningStatus(models.TextChoices):
    DONE = "done", _("Fait")
    SKIPPED = "skipped", _("Sans objet")  # a later step of the same kind was due the same day
    PROPOSED = "proposed", _("À décider")  # a suspension waiting for staff
    APPROVED = "approved", _("Approuvée")
    DECLINED = "declined", _("Refusée")


class DunningRecord(models.Model):
    """A step taken for an invoice, once: the e-mail sent, the penalty charged, the suspension
    proposed (and what staff decided)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="dunning",
                                verbose_name=_("facture"))
    step = models.ForeignKey(DunningStep, on_delete=models.PROTECT, related_name="records",
                             verbose_name=_("étape"))
    on = models.DateField(_("le"))
    status = models.CharField(_("statut"), max_length=10, choices=DunningStatus.choices)
    amount_due = models.DecimalField(_("reste dû"), max_digits=14, decimal_places=2)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    decided_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["invoice", "step"], name="one_record_per_invoice_step")]

    def __str__(self) -> str:
        return f"{self.invoice} {self.step}"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("En cours")
    COMPLETED = "completed", _("Soldé")
    BROKEN = "broken", _("Rompu : échéance manquée")
    CANCELLED = "cancelled", _("Annulé")


class PaymentPlan(models.Model):
    """An overdue amount split into instalments, within the operator's limits; dunning of its
    invoices waits while it is kept, and resumes when an instalment is missed."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="payment_plans",
                                        verbose_name=_("compte de facturation"))
    invoices = models.ManyToManyField(Invoice, related_name="payment_plans", verbose_name=_("factures"))
    total = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    status = models.CharField(_("statut"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    created_at = models.DateTimeField(_("accordé le"), default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField(_("canal"), max_length=16, default="staff")  # web, app, staff
    ended_at = models.DateTimeField(_("fin le"), null=True, blank=True)

    class Meta:
        verbose_name = _("échéancier")
        verbose_name_plural = _("échéanciers")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["billing_account"], condition=Q(status="active"),
                                               name="one_active_plan_per_account")]

    def __str__(self) -> str:
        return f"{self.billing_account} {self.total}"


class Instalment(models.Model):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments",
                             verbose_name=_("échéancier"))
    number = models.PositiveSmallIntegerField(_("n°"))
    due_on = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="one_instalment_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.due_on} {self.amount}"


# --- Confirming a new IBAN ---------------------------------------------------------------------

class MandateChallenge(models.Model):
    """A new IBAN waiting for its confirmation code: a fraud vector (RULES.md), so the mandate is
    only created once the person types the code sent through their chosen channel."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    details = models.JSONField()  # iban, holder, street, postcode, city, country, channel
    code_hash = models.CharField(max_length=128)
    sent_to = models.CharField(max_length=254)  # where the code went (masked in messages)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    mandate = models.ForeignKey(Mandate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("confirmation de mandat")
        verbose_name_plural = _("confirmations de mandat")

    def __str__(self) -> str:
        return f"{self.billing_account_id} {self.created_at:%Y-%m-%d %H:%M}"
