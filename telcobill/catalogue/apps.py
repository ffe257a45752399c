from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "telcobill.catalogue"
    label = "catalogue"
