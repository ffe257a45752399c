"""The catalogue: what the operator sells, at which price, with which allowances, since when.

Every price, allowance and VAT rate carries the date it takes effect, so an old period is
re-billed at its old prices. The TOML loader (`catalogue.loader`) is the usual way in; the back
office edits the same rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.customers.models import Line


class ProductKind(models.TextChoices):
    PLAN = "plan", _("Forfait")
    OPTION = "option", _("Option")
    FEE = "fee", _("Frais ponctuel")


class Segment(models.TextChoices):
    INDIVIDUAL = "individual", _("Particuliers")
    BUSINESS = "business", _("Professionnels")
    ALL = "all", _("Tous")


class Bucket(models.TextChoices):
    VOICE = "voice", _("Appels")
    SMS = "sms", _("SMS")
    MMS = "mms", _("MMS")
    DATA = "data", _("Internet mobile")
    DATA_EU = "data_eu", _("Internet depuis l'UE")


class VatRule(models.Model):
    """A named VAT treatment (standard 20 %, out of scope, reverse charge...)."""

    code = models.CharField(max_length=30, unique=True)
    category = models.CharField(max_length=2)  # EN 16931 UNCL5305: S, Z, E, AE, K, G, O
    name = models.CharField(max_length=100)
    exemption_reason = models.CharField(max_length=200, blank=True)  # printed for O / AE / E
    exemption_code = models.CharField(max_length=30, blank=True)  # VATEX code

    class Meta:
        verbose_name = _("règle de TVA")
        verbose_name_plural = _("règles de TVA")

    def __str__(self) -> str:
        return self.code


class VatRate(models.Model):
    vat_rule = models.ForeignKey(VatRule, on_delete=models.CASCADE, related_name="rates")
    valid_from = models.DateField()
    rate = models.DecimalField(max_digits=5, decimal_places=2)  # percent

    class Meta:
        verbose_name = _("taux de TVA")
        ordering = ["vat_rule", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["vat_rule", "valid_from"], name="one_vat_rate_per_day")]

    def __str__(self) -> str:
        return f"{self.rate} % ({self.valid_from})"


class RoundingRule(models.Model):
    """How a quantity is counted: a minimum charged, then steps (60/60 per minute, 1/1 per second...)."""

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    minimum = models.PositiveIntegerField(default=1)  # seconds, bytes or units
    increment = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("règle d'arrondi")

    def __str__(self) -> str:
        return self.code


class Product(models.Model):
    code = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=8, choices=ProductKind.choices)
    name = models.CharField(_("nom"), max_length=120)
    name_en = models.CharField(_("nom (anglais)"), max_length=120, blank=True)
    segment = models.CharField(max_length=12, choices=Segment.choices, default=Segment.ALL)
    description = models.TextField(blank=True)
    # The invoice section a fee goes to (RULES.md: one-off products, third-party services...).
    section = models.CharField(max_length=20, default="plan_options")
    vat_rule = models.ForeignKey(VatRule, on_delete=models.PROTECT, related_name="+")
    commitment_months = models.PositiveSmallIntegerField(default=0)
    # Ordering of plans for the change policy: a higher tier is an upgrade.
    tier = models.PositiveSmallIntegerField(default=0)
    # Bucket -> rounding rule code, e.g. {"voice": "per_second", "data": "per_kb"}.
    rounding = models.JSONField(default=dict, blank=True)
    # Options: the plans they can be added to (empty: all).
    compatible_plans = models.JSONField(default=list, blank=True)
    retired = models.BooleanField(_("retiré de la vente"), default=False)

    class Meta:
        verbose_name = _("produit")
        ordering = ["kind", "tier", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Price(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    valid_from = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=6)  # per month for plans/options
    includes_vat = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("prix")
        verbose_name_plural = _("prix")
        ordering = ["product", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["product", "valid_from"], name="one_price_per_day")]

    def __str__(self) -> str:
        return f"{self.amount} ({self.valid_from})"


class AllowanceScope(models.TextChoices):
    LINE = "line", _("Par ligne")
    POOL = "pool", _("Partagée entre les lignes")


class Allowance(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="allowances")
    valid_from = models.DateField()
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    quantity = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)  # null: unlimited
    unit = models.CharField(max_length=8)  # "min", "sms", "MB", "GB"
    scope = models.CharField(max_length=6, choices=AllowanceScope.choices, default=AllowanceScope.LINE)
    # Zone codes the allowance is limited to: destination zones (calls/SMS to them) or roaming zones
    # (usage while there, e.g. a world roaming pass). Empty: usage at home and in like-home zones.
    zones = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("quantité incluse")
        verbose_name_plural = _("quantités incluses")
        ordering = ["product", "valid_from", "bucket"]

    def __str__(self) -> str:
        quantity = "unlimited" if self.quantity is None else f"{self.quantity.normalize():f} {self.unit}"
        return f"{self.bucket} {quantity} ({self.valid_from})"

    @property
    def unlimited(self) -> bool:
        return self.quantity is None


class ZoneKind(models.TextChoices):
    DESTINATION = "destination", _("Destination")
    ROAMING = "roaming", _("Itinérance")


class Zone(models.Model):
    code = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=12, choices=ZoneKind.choices)
    name = models.CharField(max_length=100)
    # Destination zones: E.164 prefixes (longest wins). Roaming zones: ISO countries and network
    # codes (MCC or MCC+MNC; a network match wins over a country match).
    prefixes = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    networks = models.JSONField(default=list, blank=True)
    # Roaming zones: usage there is billed as at home (EU/EEA "roam like at home"). Destination
    # zones: calls to these numbers made from a like-home roaming zone are billed as calls home
    # (Reg. 2022/612: a call from Italy to an Italian or German number is a domestic call).
    like_home = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("zone")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.code


class UsagePrice(models.Model):
    """Out-of-plan price of a bucket in a zone (per minute, SMS, MB...)."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="usage_prices")
    bucket = models.CharField(max_length=10, choices=Bucket.choices)
    direction = models.CharField(max_length=3, default="out")  # "in" where incoming calls are charged
    valid_from = models.DateField()
    unit = models.CharField(max_length=8)
    amount = models.DecimalField(max_digits=14, decimal_places=6)
    includes_vat = models.BooleanField(default=True)
    vat_rule = models.ForeignKey(VatRule, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("prix hors forfait")
        verbose_name_plural = _("prix hors forfait")
        ordering = ["zone", "bucket", "valid_from"]

    def __str__(self) -> str:
        return f"{self.bucket} {self.direction} {self.amount}/{self.unit} ({self.valid_from})"


class ThirdPartyNumber(models.Model):
    """Special and premium numbers: service numbers and third-party (SMS+/Internet+) content."""

    prefix = models.CharField(max_length=20, unique=True)  # short code or national prefix, as dialled
    kind = models.CharField(max_length=12)  # "service" | "premium" | "content" | "free"
    name = models.CharField(max_length=100)
    # Per-call and per-minute surcharges of the service (VAT included), on top of the call.
    per_call = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    per_minute = models.DecimalField(max_digits=10, decimal_places=6, default=0)
    vat_rule = models.ForeignKey(VatRule, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("numéro spécial")
        verbose_name_plural = _("numéros spéciaux")
        ordering = ["prefix"]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class CataloguePolicy(models.Model):
    """The catalogue's rules for changes, one row per load (the latest is in force)."""

    loaded_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # A plan change to a higher tier: "immediate" (prorated from the day) or "next_cycle".
    upgrade = models.CharField(max_length=12, default="immediate")
    downgrade = models.CharField(max_length=12, default="next_cycle")
    # Allowances in a month with a plan change: "prorated" (each plan for its days) or "highest".
    allowance_on_change = models.CharField(max_length=12, default="prorated")
    # Early termination (Code de la consommation L224-28): after the 12th month a consumer owes a
    # quarter of the remaining fees; before it, all of them up to month 12 plus a quarter after.
    early_termination_fee = models.CharField(max_length=30, default="consumer_code")
    termination_notice_days = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = _("règles du catalogue")
        verbose_name_plural = _("règles du catalogue")

    def __str__(self) -> str:
        return f"{self.loaded_at:%Y-%m-%d %H:%M} {self.source}"


class Subscription(models.Model):
    """A plan or an option on a line, over [starts_on, ends_on) — ends_on exclusive, null: open."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="subscriptions")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="subscriptions")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("souscription")
        ordering = ["line", "starts_on"]
        indexes = [models.Index(fields=["line", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.line} {self.product.code} {self.starts_on}→{self.ends_on or ''}"
