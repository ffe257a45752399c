from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "telcobill.documents"
    label = "documents"
