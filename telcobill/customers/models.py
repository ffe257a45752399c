"""Customers, their billing accounts and lines, the people who sign in, and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Particulier")
    BUSINESS = "business", _("Professionnel")


class Customer(models.Model):
    number = models.CharField(_("numéro client"), max_length=20, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=CustomerKind.choices)
    # Legal name for a business, "First Last" for an individual (what documents print).
    name = models.CharField(_("nom"), max_length=200)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom de famille"), max_length=100, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=40, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    siret = models.CharField(_("SIRET du siège"), max_length=14, blank=True)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                name="business_has_siren",
                condition=Q(kind="individual") | ~Q(siren=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_business(self) -> bool:
        return self.kind == CustomerKind.BUSINESS

    def clean(self) -> None:
        """Identifiers are checked wherever a customer is edited (back office forms included)."""
        from django.core.exceptions import ValidationError

        from telcobill.errors import Invalid

        from .identifiers import clean_siren, clean_siret, clean_vat_number

        errors = {}
        checks = [("siren", lambda v: clean_siren(v)), ("siret", lambda v: clean_siret(v, siren_value=self.siren)),
                  ("vat_number", clean_vat_number)]
        for field, check in checks:
            value = getattr(self, field)
            if value:
                try:
                    setattr(self, field, check(value))
                except Invalid as exc:
                    errors[field] = exc.message
        if self.is_business and not self.siren:
            errors["siren"] = _("Un client professionnel a un SIREN.")
        if errors:
            raise ValidationError(errors)


class PaymentMethod(models.TextChoices):
    DIRECT_DEBIT = "direct_debit", _("Prélèvement automatique")
    CARD = "card", _("Carte bancaire")
    TRANSFER = "transfer", _("Virement")


class EInvoiceSyntax(models.TextChoices):
    """How a business's invoices travel to its plateforme agréée (documents.Delivery)."""

    FACTURX = "facturx", _("Factur-X (PDF avec XML CII)")
    UBL = "ubl", _("UBL 2.1")
    CII = "cii", _("CII seul (XML)")


class BillingAccount(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="billing_accounts")
    number = models.CharField(_("compte de facturation"), max_length=20, unique=True)
    name = models.CharField(_("nom sur la facture"), max_length=200)
    address_line1 = models.CharField(_("adresse"), max_length=200)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)
    country_code = models.CharField(_("pays"), max_length=2, default="FR")
    email = models.EmailField(_("e-mail de facturation"), blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=[("fr", "Français"), ("en", "English")],
                                default="fr")
    paperless = models.BooleanField(_("facture électronique"), default=True)
    # E-facture: the e-mail sent at each new invoice carries its PDF when the customer asked.
    paperless_pdf = models.BooleanField(_("PDF joint à l'e-mail de facture"), default=False)
    # The itemized communications show called numbers in full only when the customer asked
    # (otherwise the last 4 digits are masked).
    itemized_full_numbers = models.BooleanField(_("détail des communications : numéros complets"), default=False)
    payment_method = models.CharField(_("mode de paiement"), max_length=16, choices=PaymentMethod.choices,
                                      default=PaymentMethod.DIRECT_DEBIT)
    # Days after issue; businesses get their terms (L441-10: at most 60 days), consumers the default.
    payment_terms_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=15)
    # Direct debit details as printed on the invoice (the payments component manages mandates).
    debit_iban = models.CharField(_("IBAN prélevé"), max_length=34, blank=True)
    mandate_reference = models.CharField(_("RUM"), max_length=35, blank=True)
    # E-invoice routing (business): the establishment invoiced and its electronic address.
    siret = models.CharField("SIRET", max_length=14, blank=True)
    electronic_address_scheme = models.CharField(_("schéma d'adresse électronique"), max_length=4, blank=True,
                                                 default="0225")
    electronic_address = models.CharField(_("adresse électronique"), max_length=100, blank=True)
    einvoice_syntax = models.CharField(_("format de facture électronique"), max_length=8,
                                       choices=EInvoiceSyntax.choices, default=EInvoiceSyntax.FACTURX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("compte de facturation")
        verbose_name_plural = _("comptes de facturation")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class LineStatus(models.TextChoices):
    PENDING = "pending", _("En cours d'activation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    TERMINATED = "terminated", _("Résiliée")


class Line(models.Model):
    """A contract: one mobile line (MSISDN) billed to a billing account."""

    billing_account = models.ForeignKey(BillingAccount, on_delete=models.PROTECT, related_name="lines")
    msisdn = models.CharField(_("numéro de ligne"), max_length=16, db_index=True)  # E.164
    label = models.CharField(_("libellé"), max_length=100, blank=True)  # user's name, "Standard"
    cost_centre = models.CharField(_("centre de coûts"), max_length=50, blank=True)
    status = models.CharField(_("statut"), max_length=12, choices=LineStatus.choices, default=LineStatus.PENDING)
    activated_on = models.DateField(_("activée le"), null=True, blank=True)
    terminated_on = models.DateField(_("résiliée le"), null=True, blank=True)  # last day of service
    commitment_end = models.DateField(_("fin d'engagement"), null=True, blank=True)
    # Outside the EU the network cuts data at the spend cap unless the customer opted out
    # (RULES.md); telcobill records the choice and alerts either way.
    roaming_cap_opt_out = models.BooleanField(_("plafond itinérance levé"), default=False)

    class Meta:
        verbose_name = _("ligne")
        ordering = ["msisdn"]
        constraints = [
            # A number is recycled only once its previous contract ended.
            models.UniqueConstraint(fields=["msisdn"], condition=~Q(status="terminated"),
                                    name="one_live_contract_per_msisdn"),
        ]

    def __str__(self) -> str:
        return self.msisdn

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from telcobill.errors import Invalid

        from .identifiers import clean_msisdn

        try:
            self.msisdn = clean_msisdn(self.msisdn)
        except Invalid as exc:
            raise ValidationError({"msisdn": exc.message}) from None


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, *, mobile=None, **fields):
        if not email and not mobile:
            raise ValueError("A person signs in with an e-mail address or a mobile number")
        person = self.model(email=self.normalize_email(email) if email else None, mobile=mobile or None, **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: a customer's holder, manager, accountant, line user, or staff."""

    email = models.EmailField(_("adresse e-mail"), unique=True, null=True, blank=True)
    mobile = models.CharField(_("mobile"), max_length=16, unique=True, null=True, blank=True)  # E.164
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    language = models.CharField(_("langue"), max_length=2, default="fr")
    # Where security codes and notices go: "email" or "sms" (a person with only a mobile: sms).
    notify_by = models.CharField(_("recevoir les codes par"), max_length=5, default="email",
                                 choices=[("email", _("E-mail")), ("sms", _("SMS"))])
    is_staff = models.BooleanField(_("équipe de l'opérateur"), default=False)
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = PersonManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("personne")
        constraints = [
            models.CheckConstraint(name="person_has_login",
                                   condition=Q(email__isnull=False) | Q(mobile__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.email or self.mobile or f"person {self.pk}"

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def display_name(self) -> str:
        """The name, else the login: how people are shown to each other and to staff."""
        return self.get_full_name() or str(self)


class Role(models.TextChoices):
    HOLDER = "holder", _("Titulaire")
    MANAGER = "manager", _("Gestionnaire")
    ACCOUNTANT = "accountant", _("Comptable")
    LINE_USER = "line_user", _("Utilisateur de la ligne")


class Access(models.Model):
    """A person's role on a customer (a line user's on one line)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="accesses")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="accesses")
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices)
    line = models.ForeignKey(Line, on_delete=models.CASCADE, null=True, blank=True, related_name="accesses")

    class Meta:
        verbose_name = _("accès")
        verbose_name_plural = _("accès")
        constraints = [
            models.UniqueConstraint(fields=["person", "customer"], condition=Q(line__isnull=True),
                                    name="one_role_per_person_and_customer"),
            models.CheckConstraint(name="line_user_has_line",
                                   condition=Q(role="line_user", line__isnull=False)
                                   | (~Q(role="line_user") & Q(line__isnull=True))),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_role_display()} {self.customer.number}"


class AuditEvent(models.Model):
    """A sensitive change (bank details, e-mail, roles, a line suspended...): who, what, when."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=60)
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="audit_events")
    summary = models.CharField(max_length=300)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("événement d'audit")
        verbose_name_plural = _("événements d'audit")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class ContactField(models.TextChoices):
    EMAIL = "email", _("adresse e-mail")
    MOBILE = "mobile", _("mobile")
    BILLING_EMAIL = "billing_email", _("e-mail de facturation")


class ContactChallenge(models.Model):
    """A new e-mail address or mobile waiting for the code sent to it: it becomes a sign-in
    identifier or the address of the invoices only once someone showed they receive messages there
    (the mechanics of the code: telcobill/one_time_codes.py)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+")  # the billing e-mail's account
    field = models.CharField(max_length=13, choices=ContactField.choices)
    value = models.CharField(max_length=254)  # the new address, where the code went
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation de coordonnées")
        verbose_name_plural = _("confirmations de coordonnées")

    def __str__(self) -> str:
        return f"{self.person_id} {self.field} {self.created_at:%Y-%m-%d %H:%M}"


class InvoiceEmail(models.Model):
    """The e-mail that told a paperless account about a new invoice. Its row is written in the
    transaction that sends it, and the invoice number is unique: a task run twice sends once. The
    invoice is named by its number, not a foreign key: billing comes after customers (an app never
    imports a later one), and an issued invoice is immutable, so the receipt cannot be a field of it."""

    invoice_number = models.CharField(_("facture"), max_length=35, unique=True)
    billing_account = models.ForeignKey(BillingAccount, on_delete=models.CASCADE, related_name="invoice_emails")
    sent_to = models.EmailField(_("envoyé à"))
    with_pdf = models.BooleanField(_("PDF joint"), default=False)
    sent_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail de facture")
        verbose_name_plural = _("e-mails de facture")

    def __str__(self) -> str:
        return f"{self.invoice_number} → {self.sent_to}"


class LoginFailure(models.Model):
    """A failed sign-in, counted per identifier for throttling."""

    identifier = models.CharField(max_length=254, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.identifier} {self.at:%Y-%m-%d %H:%M}"


class ProvisioningAction(models.TextChoices):
    SUSPEND = "suspend", _("Suspendre la ligne")
    RESUME = "resume", _("Rétablir la ligne")
    TERMINATE = "terminate", _("Résilier la ligne")
    CHANGE_PLAN = "change_plan", _("Changer de forfait")
    ROAMING_CAP = "roaming_cap", _("Plafond de données hors UE")


class ProvisioningStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("En échec")


class ProvisioningOrder(models.Model):
    """What the network must apply (ARCHITECTURE.md): written here, delivered to the outbox
    after commit for the operator's HLR/OCS/MVNE integration to consume."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="provisioning_orders")
    action = models.CharField(max_length=16, choices=ProvisioningAction.choices)
    effective_on = models.DateField()
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=ProvisioningStatus.choices, default=ProvisioningStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ordre de provisioning")
        verbose_name_plural = _("ordres de provisioning")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.line.msisdn} ({self.get_status_display()})"
