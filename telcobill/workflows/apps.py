from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "telcobill.workflows"
    label = "workflows"
