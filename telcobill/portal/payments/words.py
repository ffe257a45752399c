"""The payments use cases' answers in the customer's words: a bank's return code, what is wrong
with an IBAN, why a payment plan cannot be set up online. Keyed by the use cases' stable codes,
never by their (English, staff-facing) messages."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telcobill.errors import TelcobillError

from ..templatetags.portal import euros

# ISO 20022 return codes, as a customer understands them (RULES.md lists what each one does).
BANK_REASONS = {
    "AM04": gettext_lazy("provision insuffisante"),
    "AC04": gettext_lazy("compte clôturé"),
    "AC06": gettext_lazy("compte bloqué"),
    "MD01": gettext_lazy("pas de mandat valide"),
    "MD06": gettext_lazy("remboursement demandé à votre banque"),
    "MD07": gettext_lazy("titulaire du compte décédé"),
    "MS02": gettext_lazy("refusé par le titulaire du compte"),
}

IBAN_PROBLEMS = {
    "iban_checksum": gettext_lazy("Cet IBAN comporte une erreur de saisie : vérifiez chaque caractère sur votre RIB."),
    "iban_length": gettext_lazy("Cet IBAN n'a pas le bon nombre de caractères (27 pour un compte en France) : "
                                "recopiez-le depuis votre RIB."),
    "iban_country": gettext_lazy("Un IBAN commence par le code du pays de la banque, FR pour la France : "
                                 "vérifiez son début."),
    "iban_bank_unknown": gettext_lazy("Nous ne trouvons pas la banque de cet IBAN : vérifiez-le sur votre RIB, "
                                      "ou appelez-nous."),
    "iban_invalid": gettext_lazy("Cet IBAN n'est pas valide : il ne contient que des lettres et des chiffres. "
                                 "Recopiez-le depuis votre RIB."),
}


def bank_reason(code: str) -> str:
    return str(BANK_REASONS.get(code, _("refusé par votre banque")))


def iban_problem(error: TelcobillError) -> str:
    return str(IBAN_PROBLEMS.get(error.code, IBAN_PROBLEMS["iban_invalid"]))


def plan_refusal(error: TelcobillError, *, business: bool) -> str:
    """Why a payment plan cannot be set up online, and what to do instead."""
    from telcobill.payments.services.plans import limits

    bounds = limits()
    operator = settings.OPERATOR
    phone = operator["support_phone_business"] if business else operator["support_phone"]
    words = {
        "plan_in_progress": _("Vous avez déjà un échéancier en cours : il couvre vos factures en retard."),
        "nothing_overdue": _("Vous n'avez pas de facture en retard : il n'y a rien à étaler."),
        "max_instalments": _("Un échéancier en ligne compte au plus %(max)d mensualités. Pour davantage, "
                             "appelez-nous au %(phone)s.") % {"max": bounds.max_instalments, "phone": phone},
        "max_amount": _("Au-delà de %(max)s, un échéancier se met en place avec un conseiller : appelez-nous au "
                        "%(phone)s.") % {"max": euros(bounds.max_amount), "phone": phone},
        "min_instalment": _("Chaque mensualité doit être d'au moins %(min)s : choisissez moins de mensualités.")
        % {"min": euros(bounds.min_instalment)},
        "first_on": _("La première mensualité doit tomber dans le mois qui vient."),
    }
    return words.get(error.code, _("Cet échéancier n'est pas possible en ligne : appelez-nous au %(phone)s.")
                     % {"phone": phone})
