"""What every page of Mes lignes shares: who may open it, refusals in the customer's words,
prices as the customer reads them."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.utils.translation import gettext as _

from telcobill.customers.models import Customer
from telcobill.errors import TelcobillError

from ..access import customer_page


def lines_page(view):
    """A page of Mes lignes: everyone but a line user, who has their line in Ma conso."""

    @customer_page
    @wraps(view)
    def page(request, space, *args, **kwargs):
        space.require("see_lines")
        return view(request, space, *args, **kwargs)

    return page


def refusal(error: TelcobillError, customer: Customer) -> str:
    """Why the catalogue or the line refuses a change, and what to do, in the customer's words."""
    if error.code == "segment":
        return (_("Cette offre est réservée aux particuliers. Choisissez une offre professionnelle.")
                if customer.is_business else
                _("Cette offre est réservée aux professionnels. Choisissez une offre pour les particuliers."))
    words = {
        "incompatible_option": _("Cette option n'est pas compatible avec le forfait de la ligne. "
                                 "Changez d'abord de forfait ou choisissez une autre option."),
        "retired": _("Cette offre n'est plus proposée. Choisissez-en une autre dans la liste."),
        "terminated": _("Cette ligne est résiliée : son offre ne peut plus changer."),
        "same_plan": _("La ligne a déjà ce forfait. Choisissez un autre forfait."),
        "option_present": _("Cette option est déjà active sur la ligne."),
        "no_option": _("Cette option n'est pas active sur la ligne."),
        "not_found": _("Cette offre n'existe pas. Choisissez-en une dans la liste."),
        "label_too_long": _("Le libellé doit faire au plus 100 caractères."),
        "cost_centre_too_long": _("Le centre de coûts doit faire au plus 50 caractères."),
    }
    return words.get(error.code, _("Ce changement n'est pas possible en ligne. Contactez le service client."))


def support_phone(customer: Customer) -> dict:
    """The number to call (a dedicated one for businesses), as printed and as a tel: link."""
    operator = settings.OPERATOR
    number = operator["support_phone_business"] if customer.is_business else operator["support_phone"]
    return {"shown": number, "tel": "".join(c for c in number if c.isdigit() or c == "+")}
