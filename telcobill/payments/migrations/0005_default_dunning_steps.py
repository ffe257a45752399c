"""The dunning steps an operator starts with (editable in the back office)."""

from django.db import migrations

def create(apps, schema_editor):
    from telcobill.payments.services.dunning import DEFAULT_STEPS

    DunningStep = apps.get_model("payments", "DunningStep")
    for code, days, action, audience, subject, body in DEFAULT_STEPS:
        DunningStep.objects.get_or_create(code=code, defaults={
            "days": days, "action": action, "audience": audience, "subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_ledger_cards_refunds_dunning")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
