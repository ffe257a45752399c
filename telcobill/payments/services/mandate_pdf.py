"""The mandate as the debtor signed it: the standard French SEPA Core form, as a PDF/A-2b page.

Staff print or send it when a debtor or their bank asks for the mandate (a MD01 "no mandate"
dispute is answered with it). `mandate_context` prepares every text (dates, the IBAN in groups
of four, country names, the legal sentences with the creditor's name) and
`templates/mandate.typ` lays it out; the data travels as JSON through `sys.inputs`, so a
holder's name is printed as text, never read as Typst markup. Fonts are the invoices'.
"""

from __future__ import annotations

import json
import os
import re
import threading
from datetime import date
from pathlib import Path

import typst
from babel import Locale
from django.conf import settings
from django.utils import timezone
from schwifty import IBAN

# The invoice renderer's fonts, and its guard for characters they cannot draw (PDF/A refuses a
# missing glyph): one set of fonts for every document the operator prints.
from telcobill.documents.pdf import TEMPLATES as DOCUMENT_TEMPLATES
from telcobill.documents.pdf import _printable
from telcobill.documents.pdf_context import DEFAULT_BRAND_COLOUR
from telcobill.notifications import masked

from ..models import Mandate, MandateChallenge, MandateStatus
from .mandates import LAPSE_MONTHS

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "mandate.typ"
PAYMENT_TYPE = "Paiement récurrent/répétitif"
SIGNED = {
    "web": "Signé électroniquement le {date} à {time} (espace client)",
    "app": "Signé électroniquement le {date} à {time} (application mobile)",
    "paper": "Signé sur formulaire papier le {date}",
    "phone": "Accord recueilli par téléphone le {date} à {time}",
}


def render_mandate_pdf(mandate: Mandate) -> bytes:
    """The mandate form of `mandate` (any status: a revoked or lapsed one says so), as PDF bytes."""
    data = _printable(json.dumps(mandate_context(mandate), ensure_ascii=False))
    return _compiler().compile(format="pdf", pdf_standards="a-2b", sys_inputs={"data": data})


def mandate_context(mandate: Mandate, today: date | None = None) -> dict:
    """Every text the form prints, ready to be laid out."""
    operator = settings.OPERATOR
    creditor = operator["name"]
    return {
        "title": "Mandat de prélèvement SEPA",
        "reference": mandate.reference,
        "consent": (f"En signant ce formulaire de mandat, vous autorisez (A) {creditor} à envoyer des instructions à "
                    "votre banque pour débiter votre compte, et (B) votre banque à débiter votre compte conformément "
                    f"aux instructions de {creditor}. Vous bénéficiez du droit d'être remboursé par votre banque "
                    "selon les conditions décrites dans la convention que vous avez passée avec elle. Une demande "
                    "de remboursement doit être présentée dans les 8 semaines suivant la date de débit de votre "
                    "compte pour un prélèvement autorisé."),
        "rights": ("Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir "
                   "auprès de votre banque."),
        "debtor": {
            "name": mandate.holder, "street": mandate.street, "postcode": mandate.postcode, "city": mandate.city,
            "country": _country(mandate.country), "iban": IBAN(mandate.iban).formatted, "bic": mandate.bic,
            "customer_ref": mandate.billing_account.number,
        },
        "creditor": {
            "name": creditor, "street": operator["address_line1"], "postcode": operator["postcode"],
            "city": operator["city"], "country": _country(operator["country_code"]),
            "ics": operator["creditor_identifier"],
        },
        "payment_type": PAYMENT_TYPE,
        "signature": _signature(mandate),
        "status": _status(mandate, today or timezone.localdate()),
        "privacy": (f"Les informations de ce mandat ne sont utilisées par {creditor} que pour la gestion de votre "
                    "contrat et de ses prélèvements. Vous pouvez y accéder et les faire rectifier auprès de "
                    f"{creditor} ({operator['email']})."),
        "brand": {"colour": DEFAULT_BRAND_COLOUR},
    }


def _signature(mandate: Mandate) -> dict:
    signed = timezone.localtime(mandate.signed_at)
    line = SIGNED.get(mandate.channel, "Signé le {date}").format(date=f"{signed:%d/%m/%Y}", time=f"{signed:%H:%M}")
    proof = ""
    challenge = MandateChallenge.objects.filter(mandate=mandate).first()
    if challenge:
        proof = f"Confirmé par le code à usage unique envoyé à {masked(challenge.sent_to)}"
    # The mandate records no place of signature: the debtor's town stands for it.
    return {"place": mandate.city, "date": f"{signed:%d/%m/%Y}", "line": line, "proof": proof}


def _status(mandate: Mandate, today: date) -> dict:
    """What the mandate is worth today: active, or ended and why (a replaced or stopped mandate is
    printed too, marked, when a dispute is about an old debit)."""
    ended = f"{timezone.localtime(mandate.ended_at):%d/%m/%Y}" if mandate.ended_at else ""
    if mandate.status == MandateStatus.ACTIVE:
        return {"ended": False, "text": f"Mandat actif au {today:%d/%m/%Y}"}
    if mandate.status == MandateStatus.LAPSED:
        return {"ended": True, "text": f"Mandat caduc depuis le {ended} : aucun prélèvement présenté pendant "
                                       f"{LAPSE_MONTHS} mois. Il ne peut plus être utilisé."}
    return {"ended": True, "text": f"Mandat révoqué le {ended}{_revocation_reason(mandate)}. "
                                   "Il ne peut plus être utilisé."}


def _revocation_reason(mandate: Mandate) -> str:
    bank = re.match(r"([A-Z0-9]{4}):", mandate.end_reason)
    if bank:
        return f", à la suite d'un retour de la banque (motif {bank.group(1)})"
    successor = (Mandate.objects.filter(billing_account_id=mandate.billing_account_id, pk__gt=mandate.pk)
                 .order_by("pk").first())
    return f", remplacé par le mandat {successor.reference}" if successor else ""


def _country(code: str) -> str:
    return Locale("fr").territories.get(code, code)


_local = threading.local()


def _compiler() -> typst.Compiler:
    # One per process and thread, as for invoices: the template and fonts are loaded once.
    if getattr(_local, "pid", None) != os.getpid():
        _local.compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE.parent),
                                         font_paths=[str(DOCUMENT_TEMPLATES / "fonts")], ignore_system_fonts=True)
        _local.pid = os.getpid()
    return _local.compiler
