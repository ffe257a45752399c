"""The demo's support inbox: conversations of the personas the demo prints, at different stages
(one answered by the agent, a business's new one about a line, a line user's), made through the
use cases. Their notices go nowhere: the demo's customers have no mailboxes."""

from __future__ import annotations

from django.db import transaction
from django.test.utils import override_settings

from telcobill.customers.models import Access, Customer, Line, Person, Role
from telcobill.support.models import CannedAnswer, Category
from telcobill.support.services.conversations import open_conversation
from telcobill.support.services.inbox import answer, take

from .personas import individual_holder


def support_story(agent: Person, business: Customer | None) -> int:
    """Open the demo's conversations; returns how many."""
    opened = 0
    # The answer's notice is enqueued when its transaction commits: inside these settings.
    with (override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}),
          transaction.atomic()):
        individual = individual_holder()  # the one whose login the demo prints
        if individual:
            question = open_conversation(
                customer=individual.customer, person=individual.person, category=Category.INVOICE,
                body="Bonjour, ma dernière facture est plus élevée que d'habitude. Pouvez-vous m'expliquer pourquoi ?")
            take(question, agent=agent)
            prorata = CannedAnswer.objects.filter(category=Category.INVOICE).order_by("order").first()
            if prorata:
                answer(question, agent=agent, body=prorata.text_for(individual.person.first_name) + "\nSam")
            opened += 1
        if business is not None:
            holder = Access.objects.filter(customer=business, role=Role.HOLDER).select_related("person").first()
            line = Line.objects.filter(billing_account__customer=business).order_by("msisdn").last()
            if holder:
                open_conversation(customer=business, person=holder.person, category=Category.NETWORK, line=line,
                                  body="Bonjour, depuis ce matin cette ligne n'a plus de 4G à l'atelier. "
                                       "Pouvez-vous vérifier le réseau ?")
                opened += 1
            user = (Access.objects.filter(customer=business, role=Role.LINE_USER)
                    .select_related("person", "line").first())
            if user:
                open_conversation(customer=business, person=user.person, category=Category.OFFER, line=user.line,
                                  body="Bonjour, est-il possible d'ajouter une option pour appeler l'international "
                                       "depuis ma ligne ?")
                opened += 1
    return opened


def tutorial_video_story(operator: str) -> bool:
    """The guide to setting up direct debit gets a short video and its captions, as staff would
    upload them. Without the `demo` extra (PyAV) the guides stay written only."""
    from django.core.files.base import ContentFile

    from telcobill.support.models import Tutorial

    tutorial = Tutorial.objects.filter(slug="activer-le-prelevement-automatique").first()
    if tutorial is None or tutorial.video:
        return False
    try:
        from .video import tutorial_video

        video, vtt = tutorial_video(tutorial.title, tutorial.body, operator)
    except ImportError:
        return False
    tutorial.video.save(f"{tutorial.slug}.webm", ContentFile(video), save=False)
    tutorial.captions.save(f"{tutorial.slug}.vtt", ContentFile(vtt.encode("utf-8")), save=False)
    tutorial.full_clean()
    tutorial.save()
    return True
