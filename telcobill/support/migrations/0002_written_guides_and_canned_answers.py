"""The written guides and canned answers an operator starts with (edited in the back office)."""

from django.db import migrations


def create(apps, schema_editor):
    from telcobill.support.starter import install_starter_content

    install_starter_content(apps.get_model("support", "Tutorial"), apps.get_model("support", "CannedAnswer"))


def remove(apps, schema_editor):
    from telcobill.support.starter import CANNED, GUIDES

    apps.get_model("support", "Tutorial").objects.filter(slug__in=[g[0] for g in GUIDES]).delete()
    apps.get_model("support", "CannedAnswer").objects.filter(title__in=[c[0] for c in CANNED]).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
