"""Back office of support: the tutorials and the canned answers staff write, and the inbox of
conversations (the list; a conversation opens on its back-office page, reached by URL name, where
agents assign, answer and change its status through the use cases)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin.display import ReadOnlyAdmin, labelled, link, short_date, titled
from telcobill.customers.models import CustomerKind

from .files import file_response
from .models import CannedAnswer, Conversation, ConversationStatus, Tutorial

LOOK = {"all": ["backoffice/admin.css", "backoffice/support.css"]}  # the back office look, the inbox columns


@admin.register(Tutorial)
class TutorialAdmin(admin.ModelAdmin):
    """Guides and videos of the customer space's "Aide et contact", in the order they are listed."""

    list_display = ["title", "audience", "published", "order", "has_video", "updated_at_"]
    list_editable = ["published", "order"]
    list_filter = [("audience", titled(_("pour"))), "published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    updated_at_ = labelled(Tutorial, "updated_at", _("modifié le"), show=short_date)
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "audience", "published", "order"]}),
        (_("Guide écrit"), {"fields": ["body"]}),
        (_("Vidéo"), {"fields": ["video", "captions", "preview"],
                      "description": _("La vidéo est servie par la plateforme ; ses sous-titres en français "
                                       "s'affichent par défaut.")}),
    ]
    readonly_fields = ["preview"]

    @admin.display(description=_("vidéo"), boolean=True)
    def has_video(self, obj) -> bool:
        return bool(obj.video)

    @admin.display(description=_("aperçu"))
    def preview(self, obj):
        if not obj.pk or not obj.video:
            return "—"
        track = format_html('<track kind="captions" srclang="fr" label="Français" src="{}" default>',
                            obj.captions.url) if obj.captions else ""
        return format_html('<video controls preload="metadata" width="360" src="{}">{}</video>', obj.video.url, track)

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("fichier/<path:name>", view, name="support_tutorial_file"), *super().get_urls()]

    def file_view(self, request, name: str):
        """A tutorial's video or captions for staff (the preview, the form's "currently" link)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        tutorial = Tutorial.objects.filter(Q(video=name) | Q(captions=name)).first()
        if tutorial is None:
            raise Http404("no tutorial has this file")
        return file_response(request, tutorial.video if tutorial.video.name == name else tutorial.captions)


@admin.register(CannedAnswer)
class CannedAnswerAdmin(admin.ModelAdmin):
    """Réponses types: an agent picks one on a conversation's page, it fills the reply."""

    list_display = ["title", "category", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = [("category", titled(_("sujet"))), "active"]
    search_fields = ["title", "body"]


class OpenFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("ouvertes", _("Ouvertes")), ("closes", _("Closes"))]

    def queryset(self, request, queryset):
        if self.value() == "ouvertes":
            return queryset.exclude(status=ConversationStatus.CLOSED)
        if self.value() == "closes":
            return queryset.filter(status=ConversationStatus.CLOSED)
        return queryset


class AgentFilter(admin.SimpleListFilter):
    title = _("conseiller")
    parameter_name = "conseiller"

    def lookups(self, request, model_admin):
        return [("moi", _("Attribuées à moi")), ("personne", _("Non attribuées"))]

    def queryset(self, request, queryset):
        if self.value() == "moi":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "personne":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class CustomerKindFilter(admin.SimpleListFilter):
    title = _("type de client")
    parameter_name = "client"

    def lookups(self, request, model_admin):
        return CustomerKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(customer__kind=self.value()) if self.value() else queryset


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    """The inbox: open conversations first, businesses first among them, the longest waiting first."""

    empty_value_display = "—"
    list_display = ["number", "last_message_at_", "customer_", "status_", "assigned_to_", "opening_"]
    list_display_links = None
    list_filter = [OpenFilter, ("status", titled(_("statut"))), AgentFilter, CustomerKindFilter,
                   ("category", titled(_("sujet")))]
    search_fields = ["customer__number", "customer__name", "messages__body", "=pk"]
    list_select_related = ["customer", "assigned_to"]
    list_per_page = 50

    class Media:
        css = LOOK

    status_ = labelled(Conversation, "status", _("statut"))

    def get_queryset(self, request):
        return super().get_queryset(request).with_opening()

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {"title": _("Demandes au service client"), **(extra_context or {})})

    @admin.display(description=_("sujet et message"))
    def opening_(self, obj):
        return format_html("<strong>{}</strong> · {}", obj.get_category_display(),
                           Truncator(obj.opening or "").chars(90))

    @admin.display(description=_("dernier message"), ordering="last_message_at")
    def last_message_at_(self, obj):
        day, _space, time = short_date(obj.last_message_at).partition("\u00a0")
        return format_html("{}<br>{}", day, time)  # on two lines: the inbox is narrow beside its filters

    def get_ordering(self, request):
        return [Case(When(status=ConversationStatus.CLOSED, then=Value(1)), default=Value(0),
                     output_field=IntegerField()).asc(),
                Case(When(customer__kind=CustomerKind.BUSINESS, then=Value(0)), default=Value(1),
                     output_field=IntegerField()).asc(),
                "last_message_at"]

    def get_search_results(self, request, queryset, search_term):
        queryset, _duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.distinct(), False

    @admin.display(description=_("n°"), ordering="pk")
    def number(self, obj):
        return format_html('<a href="{}">{} {}</a>', reverse("backoffice:support_conversation", args=[obj.pk]),
                           _("Demande"), obj.pk)

    @admin.display(description=_("client"), ordering="customer__number")
    def customer_(self, obj):
        return format_html('{}<br><span class="bo-kind">{}</span>', link(
            "admin:customers_customer_change", obj.customer_id, f"{obj.customer.number} {obj.customer.name}"),
            obj.customer.get_kind_display())

    @admin.display(description=_("conseiller"), ordering="assigned_to__first_name")
    def assigned_to_(self, obj):
        return obj.assigned_to.display_name if obj.assigned_to else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A conversation is read and answered on its own page."""
        if not str(object_id).isdigit():
            raise Http404("no such conversation")
        return redirect("backoffice:support_conversation", int(object_id))
