"""The dunning steps an operator starts with (editable in the back office)."""

from django.db import migrations

STEPS = [
    ("reminder-3", 3, "reminder", "all", "Votre facture {number} reste à régler",
     "Bonjour,\n\nSauf erreur de notre part, votre facture {number} de {amount}, échue le {due_date}, "
     "n'est pas encore réglée. Vous pouvez la payer par carte depuis votre Espace client.\n\n"
     "Si vous l'avez réglée entre-temps, merci de ne pas tenir compte de ce message.\n\n{operator}"),
    ("reminder-10", 10, "reminder", "all", "Deuxième relance : facture {number}",
     "Bonjour,\n\nVotre facture {number} de {amount}, échue le {due_date}, reste impayée depuis {days} "
     "jours. Merci de la régler dès que possible depuis votre Espace client, ou de nous contacter pour "
     "convenir d'un échéancier.\n\nSans règlement, la suspension de vos lignes pourra être envisagée.\n\n"
     "{operator}"),
    ("penalty-10", 10, "penalty", "business", "", ""),
    ("suspension-30", 30, "suspension", "all", "", ""),
]


def create(apps, schema_editor):
    DunningStep = apps.get_model("payments", "DunningStep")
    for code, days, action, audience, subject, body in STEPS:
        DunningStep.objects.get_or_create(code=code, defaults={
            "days": days, "action": action, "audience": audience, "subject": subject, "body": body})


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_ledger_cards_refunds_dunning")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
