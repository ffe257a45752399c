"""The rendered files of issued documents: where they are and their SHA-256."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from telcobill.billing.models import Invoice


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
