"""Usage ingestion state. The records themselves live in Parquet files (store.py); the database
holds what makes them count: which files are live, which record keys were accepted, what was
rejected and why, and the live counters (docs/usage.md, "Commit protocol")."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.customers.models import Customer, Line


class UsageSource(models.Model):
    """A system that sends usage records: a switch, a mediation platform, a roaming clearing house."""

    name = models.SlugField(_("nom"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # The API token is shown once when created; only its hash is kept.
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    token_hint = models.CharField(_("début du jeton"), max_length=12, blank=True, editable=False)
    token_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("source de consommation")
        verbose_name_plural = _("sources de consommation")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def new_token(self) -> str:
        """A fresh machine token for the API (replaces the previous one); save() the source."""
        token = f"tbu_{self.name}_{secrets.token_urlsafe(32)}"
        self.token_hash = hash_token(token)
        self.token_hint = token[:12]
        self.token_created_at = timezone.now()
        return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class BatchStatus(models.TextChoices):
    STAGED = "staged", _("En cours")
    COMMITTED = "committed", _("Intégré")
    REFUSED = "refused", _("Refusé")


class IngestBatch(models.Model):
    """One ingestion: a file, an API request or a re-processing of rejects."""

    source = models.ForeignKey(UsageSource, on_delete=models.PROTECT, related_name="batches")
    channel = models.CharField(max_length=10)  # file | api | reprocess
    origin = models.CharField(_("origine"), max_length=300, blank=True)  # file name
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.STAGED)
    accepted = models.PositiveIntegerField(_("acceptés"), default=0)
    duplicates = models.PositiveIntegerField(_("doublons"), default=0)
    rejected = models.PositiveIntegerField(_("rejetés"), default=0)
    message = models.TextField(blank=True)  # why a file was refused whole
    created_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lot de consommation")
        verbose_name_plural = _("lots de consommation")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} {self.origin}"


class UsageFile(models.Model):
    """A Parquet file of accepted records. Only files listed here and live are read: a file
    written by an ingestion that never committed is not listed, and is swept away."""

    path = models.CharField(max_length=300, unique=True)  # relative to the store root
    month = models.DateField(db_index=True)  # first day of the month the records happened in
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="files", null=True)
    records = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField(default=0)
    live = models.BooleanField(default=True)  # False once compacted into another file
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fichier de consommation")
        verbose_name_plural = _("fichiers de consommation")
        indexes = [models.Index(fields=["month", "live"])]

    def __str__(self) -> str:
        return self.path


class RecordKey(models.Model):
    """A record accepted once: (source, record_id) is what makes a record the same record."""

    # Millions of rows inserted at ingestion speed: no index beyond the unique one (it starts
    # with source). The month is for the purge, once a month, which reads the whole table rather
    # than have every ingestion keep an index on it (a third of the cost of inserting a key on
    # SQLite); the batch is kept for the record, not searched.
    source = models.ForeignKey(UsageSource, on_delete=models.PROTECT, related_name="+", db_index=False)
    record_id = models.CharField(max_length=64)
    month = models.DateField()  # for the retention purge
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "record_id"], name="one_record_per_source_id")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.record_id}"


class RejectStatus(models.TextChoices):
    OPEN = "open", _("À traiter")
    REPROCESSED = "reprocessed", _("Réintégré")
    DISCARDED = "discarded", _("Abandonné")


class RejectedRecord(models.Model):
    source = models.ForeignKey(UsageSource, on_delete=models.PROTECT, related_name="rejects")
    batch = models.ForeignKey(IngestBatch, on_delete=models.PROTECT, related_name="rejects")
    line_number = models.PositiveIntegerField(_("ligne"))
    raw = models.TextField(_("texte brut"))  # cut at 2,000 characters
    fields = models.JSONField(default=dict)  # the columns as read, to re-process the record
    reason = models.CharField(_("motif"), max_length=300)
    record_id = models.CharField(max_length=64, blank=True)
    happened_on = models.DateField(null=True, blank=True)  # when readable: for the purge
    status = models.CharField(max_length=12, choices=RejectStatus.choices, default=RejectStatus.OPEN,
                              db_index=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_batch = models.ForeignKey(IngestBatch, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")

    class Meta:
        verbose_name = _("enregistrement rejeté")
        verbose_name_plural = _("enregistrements rejetés")
        ordering = ["-received_at", "line_number"]

    def __str__(self) -> str:
        return f"{self.source} #{self.batch_id}, ligne {self.line_number}"


class LineCounter(models.Model):
    """Live consumption of a line (or a pool) in a month for one allowance bucket."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="counters", null=True, blank=True)
    pool_customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="pool_counters",
                                      null=True, blank=True)
    month = models.DateField()
    bucket = models.CharField(max_length=20)  # voice | sms | mms | data | data_eu | roaming_spend
    group = models.CharField(max_length=80)  # the allowance group key, or the charge for spend
    used = models.BigIntegerField(default=0)  # base units: seconds, bytes, messages
    included = models.BigIntegerField(null=True, blank=True)  # null: unlimited
    out_of_plan = models.DecimalField(max_digits=14, decimal_places=6, default=0)  # EUR excl. VAT
    last_usage_at = models.DateTimeField(null=True, blank=True)  # newest record counted
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compteur de consommation")
        verbose_name_plural = _("compteurs de consommation")
        constraints = [models.UniqueConstraint(fields=["month", "group"], name="one_counter_per_group_month")]
        indexes = [models.Index(fields=["line", "month"])]

    def __str__(self) -> str:
        return f"{self.group} {self.month:%Y-%m}"


class UsageAlert(models.Model):
    """A threshold crossed, once per allowance group (a line's or a pool's), month and threshold;
    sent after commit by a durable task."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="usage_alerts")
    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="usage_alerts", null=True, blank=True)
    month = models.DateField()
    kind = models.CharField(max_length=30)  # allowance_80 | allowance_100 | roaming_cap_80 | roaming_cap_100
    group = models.CharField(max_length=80)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField(max_length=254, blank=True)

    class Meta:
        verbose_name = _("alerte de consommation")
        verbose_name_plural = _("alertes de consommation")
        constraints = [models.UniqueConstraint(fields=["month", "kind", "group"], name="one_alert_per_threshold")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


ALERT_THRESHOLDS = (50, 80, 90, 100)  # what a customer may choose, percent of an allowance
DEFAULT_ALERT_THRESHOLDS = (80, 100)


class AlertPreference(models.Model):
    """The share of its own allowances at which a line's usage alerts are sent (by default 80 %
    and 100 %). The roaming spend cap's alerts are not a preference: always sent (RULES.md)."""

    line = models.OneToOneField(Line, on_delete=models.CASCADE, related_name="alert_preference")
    thresholds = models.JSONField(default=list, blank=True)  # ascending percents; [] = no allowance alert
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("préférence d'alertes")
        verbose_name_plural = _("préférences d'alertes")

    def __str__(self) -> str:
        return f"{self.line_id}: {self.thresholds}"


class UsageRating(models.Model):
    """When a month was last rated for billing, and up to which ingestion batch."""

    month = models.DateField(unique=True)
    rated_at = models.DateTimeField()
    last_batch_id = models.BigIntegerField(default=0)
    records = models.PositiveBigIntegerField(default=0)
    # Rated again after a first rating because late records arrived: its bill runs compare what
    # is owed now with what was billed, and bill the difference.
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class UsageTotal(models.Model):
    """What a line owes for a month and a charge (docs/rating.md, section 4): an invoice line."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="usage_totals")
    month = models.DateField()
    charge = models.CharField(max_length=60)
    section = models.CharField(max_length=20)
    vat_rule = models.CharField(max_length=30)
    records = models.PositiveIntegerField()
    rounded = models.BigIntegerField()  # base units
    chargeable = models.BigIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=6)  # EUR excl. VAT

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "month", "charge"], name="one_total_per_charge")]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.line_id} {self.month:%Y-%m} {self.charge}"


class PlanAdvice(models.Model):
    """What a line's real usage of its last complete months would have cost on the plans and
    options on sale, re-rated by the rating engine after each bill run (docs/advice.md).
    Amounts as the customer reads them: incl. VAT for an individual, excl. VAT for a business."""

    line = models.OneToOneField(Line, on_delete=models.CASCADE, related_name="plan_advice")
    computed_at = models.DateTimeField()
    months = models.JSONField()  # the months compared, ISO dates of their first day, ascending
    includes_vat = models.BooleanField()
    current_total = models.DecimalField(max_digits=12, decimal_places=2)
    best_total = models.DecimalField(max_digits=12, decimal_places=2)
    best_plan = models.CharField(max_length=40)
    best_options = models.JSONField(default=list)
    # The offers compared, cheapest first: {"plan", "options", "current", "total", "monthly": [
    # {"month", "fees", "usage", "total"}]}, amounts as strings to the cent.
    choices = models.JSONField()

    class Meta:
        verbose_name = _("conseil forfait")
        verbose_name_plural = _("conseils forfait")

    def __str__(self) -> str:
        return f"{self.line} → {self.best_plan} {self.savings}"

    @property
    def savings(self):
        return self.current_total - self.best_total

    @property
    def monthly_savings(self):
        from telcobill.money import to_cents

        return to_cents(self.savings / len(self.months))

    @property
    def worth_telling(self) -> bool:
        """Whether the cheapest offer saves at least TELCOBILL_ADVICE_MIN_SAVING a month."""
        from decimal import Decimal

        from django.conf import settings

        return self.monthly_savings >= Decimal(settings.USAGE["advice_min_saving"])
