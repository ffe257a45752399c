"""Tutorials, support conversations and their messages, and the agents' canned answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from telcobill.customers.models import Customer, Line, Person


class TutorialFiles(FileSystemStorage):
    """Videos and captions under MEDIA_ROOT, never published as static files: customers get them
    through their tutorial's pages (with Range support), staff through the admin, where `url` points."""

    def url(self, name: str) -> str:
        return reverse("admin:support_tutorial_file", args=[name])


def tutorial_files() -> TutorialFiles:
    return TutorialFiles()


def webvtt(file) -> None:
    """A captions file is WebVTT: it starts with "WEBVTT" (after an optional byte-order mark)."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head.removeprefix(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
        raise ValidationError(_("Ce fichier n'est pas au format WebVTT : sa première ligne doit être « WEBVTT »."))


class Audience(models.TextChoices):
    ALL = "all", _("Tous les clients")
    INDIVIDUAL = "individual", _("Particuliers")
    BUSINESS = "business", _("Professionnels")


class Tutorial(models.Model):
    """A written guide, with a video and its captions when staff uploaded them."""

    title = models.CharField(_("titre"), max_length=120)
    slug = models.SlugField(_("adresse"), max_length=80, unique=True,
                            help_text=_("La fin de l'adresse de la page : /aide/tutoriels/<adresse>/."))
    summary = models.CharField(_("résumé"), max_length=240, help_text=_("Une phrase, affichée dans la liste."))
    body = models.TextField(_("texte du guide"), blank=True, help_text=_(
        "Paragraphes séparés par une ligne vide ; « - » en début de ligne pour une liste, « 1. » pour des étapes, "
        "« ## » pour un intertitre. Il sert aussi de transcription de la vidéo."))
    audience = models.CharField(_("pour"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    published = models.BooleanField(_("publié"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=100, help_text=_("Les plus petits d'abord."))
    video = models.FileField(_("vidéo"), upload_to="tutorials/videos/", storage=tutorial_files, blank=True,
                             validators=[FileExtensionValidator(["mp4", "webm"])],
                             help_text=_("MP4 (H.264) ou WebM. Servie par la plateforme, jamais par un autre site."))
    captions = models.FileField(_("sous-titres (WebVTT)"), upload_to="tutorials/captions/", storage=tutorial_files,
                                blank=True, validators=[FileExtensionValidator(["vtt"]), webvtt],
                                help_text=_("En français. Obligatoires avec une vidéo."))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("tutoriel")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # A video without captions shuts out deaf and hard-of-hearing customers (WCAG 1.2.2).
        if self.video and not self.captions:
            raise ValidationError({"captions": _("Ajoutez les sous-titres de la vidéo (fichier WebVTT).")})


class Category(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    PAYMENT = "payment", _("Paiement")
    NETWORK = "network", _("Ligne, réseau")
    OFFER = "offer", _("Offre, forfait")
    OTHER = "other", _("Autre question")


class ConversationStatus(models.TextChoices):
    """As staff read them; the customer space says them in the customer's words (portal/help)."""

    NEW = "new", _("Nouvelle")
    ASSIGNED = "assigned", _("En cours")
    ANSWERED = "answered", _("En attente du client")
    CLOSED = "closed", pgettext_lazy("demande", "Close")  # Django's catalogue has "Close" (Fermer)


class ConversationQuerySet(models.QuerySet):
    def with_opening(self) -> ConversationQuerySet:
        """Each conversation with `opening`, the text of its first message (what lists show)."""
        first = (Message.objects.filter(conversation=models.OuterRef("pk"), kind=MessageKind.CUSTOMER)
                 .order_by("at", "pk").values("body")[:1])
        return self.annotate(opening=models.Subquery(first))


class Conversation(models.Model):
    """A customer's question to support and everything said about it since."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="conversations",
                                 verbose_name=_("client"))
    opened_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+",
                                  verbose_name=_("ouverte par"))
    line = models.ForeignKey(Line, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("ligne"))
    category = models.CharField(_("sujet"), max_length=10, choices=Category.choices)
    status = models.CharField(_("statut"), max_length=10, choices=ConversationStatus.choices,
                              default=ConversationStatus.NEW, db_index=True)
    assigned_to = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("conseiller"))
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    last_message_at = models.DateTimeField(_("dernier message"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande")
        ordering = ["-last_message_at"]
        indexes = [models.Index(fields=["customer", "-last_message_at"], name="support_conv_customer_idx")]

    def __str__(self) -> str:
        return f"{self.pk} {self.get_category_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status == ConversationStatus.CLOSED


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Client")
    AGENT = "agent", _("Conseiller")
    EVENT = "event", _("Événement")


class Event(models.TextChoices):
    """What an event row of a thread records (its `author` did it)."""

    ASSIGNED = "assigned", _("Attribuée")
    UNASSIGNED = "unassigned", _("Plus attribuée")
    CLOSED = "closed", pgettext_lazy("demande", "Close")
    REOPENED = "reopened", _("Rouverte")
    WAITING = "waiting", _("En attente du client")


class Message(models.Model):
    """A message of a thread, or one of its events (assigned, closed, reopened)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    author = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(blank=True)
    event = models.CharField(max_length=10, choices=Event.choices, blank=True)
    assignee = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.conversation_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CannedAnswer(models.Model):
    """A ready-made answer an agent picks to fill the reply, then completes."""

    title = models.CharField(_("titre"), max_length=100)
    category = models.CharField(_("sujet"), max_length=10, choices=Category.choices, blank=True,
                                help_text=_("Proposée d'abord pour les demandes de ce sujet ; vide : pour toutes."))
    body = models.TextField(_("texte"), help_text=_("« {prénom} » est remplacé par le prénom du client."))
    active = models.BooleanField(_("proposée"), default=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        verbose_name = _("réponse type")
        verbose_name_plural = _("réponses types")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def text_for(self, first_name: str) -> str:
        return self.body.replace("{prénom}", first_name).replace("{prenom}", first_name)
