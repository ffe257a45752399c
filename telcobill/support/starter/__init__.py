"""What an operator starts with in Aide et contact: three written guides (their text in this
folder, one file per guide) and a few canned answers, installed by a migration and, after a
flushed database (`telcobill demo --reset`, a test that flushed it), by `install_starter_content`.
Staff edit them in the back office afterwards."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

# (slug, title, summary, order); the text is in <slug>.txt
GUIDES = [
    ("comprendre-ma-facture", "Comprendre ma facture",
     "Ce que contient chaque partie de votre facture, et pourquoi son montant change d'un mois à l'autre.", 10),
    ("activer-le-prelevement-automatique", "Activer le prélèvement automatique",
     "Vos factures payées à leur date, sans y penser : le mandat SEPA signé en ligne en quelques minutes.", 20),
    ("utiliser-mon-forfait-a-l-etranger", "Utiliser mon forfait à l'étranger",
     "Dans l'Union européenne comme en France ; ailleurs, ce qu'il faut savoir avant de partir.", 30),
]

# (title, subject, text, order)
CANNED = [
    ("Accusé de réception", "", "Bonjour {prénom},\n\nMerci pour votre message. Je m'occupe de votre demande et "
     "reviens vers vous dès que possible.\n\nBonne journée,", 10),
    ("Facture : le prorata d'un changement d'offre", "invoice",
     "Bonjour {prénom},\n\nVotre facture est plus élevée ce mois-ci car elle comprend un prorata : quand l'offre "
     "change en cours de mois, chaque offre est facturée pour les jours où vous l'avez eue. Le montant reviendra à "
     "la normale sur la prochaine facture.\n\nBonne journée,", 20),
    ("Prélèvement rejeté : régler par carte", "payment",
     "Bonjour {prénom},\n\nVotre banque a rejeté le dernier prélèvement. Vous pouvez régler la facture par carte "
     "bancaire depuis Factures et paiements, dans votre espace client. Pensez à vérifier que le compte est "
     "approvisionné pour le prochain prélèvement.\n\nBonne journée,", 30),
    ("Réseau : redémarrer le téléphone", "network",
     "Bonjour {prénom},\n\nPouvez-vous redémarrer votre téléphone, puis vérifier que le mode avion est désactivé ? "
     "Si le problème continue, dites-moi où il se produit (adresse ou commune) et depuis quand : je vérifierai "
     "l'état du réseau dans ce secteur.\n\nBonne journée,", 40),
]


def guide_text(slug: str) -> str:
    return (HERE / f"{slug}.txt").read_text(encoding="utf-8").strip()


def install_starter_content(tutorial_model=None, canned_answer_model=None) -> None:
    """The guides and canned answers, where missing (found by slug and title: staff edits stay).
    A migration passes its historical models; everyone else, none."""
    if tutorial_model is None or canned_answer_model is None:
        from ..models import CannedAnswer, Tutorial

        tutorial_model, canned_answer_model = Tutorial, CannedAnswer
    for slug, title, summary, order in GUIDES:
        tutorial_model.objects.get_or_create(slug=slug, defaults={
            "title": title, "summary": summary, "body": guide_text(slug), "order": order, "published": True,
            "audience": "all"})
    for title, category, body, order in CANNED:
        canned_answer_model.objects.get_or_create(title=title, defaults={"category": category, "body": body,
                                                                         "order": order})
