"""Creating a SEPA mandate: the IBAN checked and its bank found, a unique mandate reference, the
previous mandate of the account revoked (a new IBAN is a new mandate), an audit event. Mandates
unused for 36 months lapse."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from telcobill.billing.proration import add_months
from telcobill.customers.models import AuditEvent, BillingAccount, Person
from telcobill.errors import Invalid

from ..models import Mandate, MandateStatus

CHANNELS = ("web", "app", "paper", "phone")


def checked_iban(value: str) -> tuple[str, str]:
    """The IBAN in its electronic form and its bank's BIC, or Invalid saying what is wrong."""
    try:
        iban = IBAN(value)
    except SchwiftyException as error:
        raise Invalid(f"IBAN {value!r}: {error} — check it against the bank's RIB") from None
    bic = iban.bic
    if bic is None:
        raise Invalid(f"IBAN {iban.formatted}: no bank is known for it, ask the customer for the BIC on the RIB")
    return iban.compact, str(bic)


@transaction.atomic
def create_mandate(account: BillingAccount, *, iban: str, holder: str, street: str, postcode: str, city: str,
                   country: str = "FR", channel: str, signed_at: datetime | None = None,
                   by: Person | None = None) -> Mandate:
    """A new active mandate for `account`; the one it replaces is revoked. Its reference (RUM) is
    printed on the invoices from now on."""
    compact, bic = checked_iban(iban)
    if channel not in CHANNELS:
        raise Invalid(f"channel {channel!r}: expected one of {', '.join(CHANNELS)}")
    holder = holder.strip()
    if not holder:
        raise Invalid("holder: the account holder's name is required")
    now = timezone.now()
    account = BillingAccount.objects.select_for_update().get(pk=account.pk)
    previous = Mandate.objects.filter(billing_account=account, status=MandateStatus.ACTIVE).first()
    if previous:
        Mandate.objects.filter(pk=previous.pk).update(status=MandateStatus.REVOKED, ended_at=now)
    count = Mandate.objects.filter(billing_account=account).count()
    mandate = Mandate.objects.create(
        billing_account=account, reference=f"TB-{account.number}-{count + 1:03d}", iban=compact, bic=bic,
        holder=holder[:70], street=street[:70], postcode=postcode[:16], city=city[:35], country=country,
        signed_at=signed_at or now, channel=channel)
    BillingAccount.objects.filter(pk=account.pk).update(debit_iban=compact, mandate_reference=mandate.reference)
    AuditEvent.objects.create(
        actor=by, kind="payments.mandate_created", customer=account.customer,
        summary=f"Mandat {mandate.reference} sur {IBAN(compact).formatted[:7]}… ({channel})"
                + (f", remplace {previous.reference}" if previous else ""),
        data={"account": account.number, "mandate": mandate.reference, "iban_end": compact[-4:],
              "replaces": previous.reference if previous else None})
    return mandate


LAPSE_MONTHS = 36


def lapse_unused_mandates(today: date | None = None) -> list[str]:
    """Mandates with no collection presented for 36 months (counted from the signature when there
    never was one) lapse (SEPA rulebook); returns their references. A new debit needs a new mandate."""
    today = today or timezone.localdate()
    limit = add_months(today, -LAPSE_MONTHS)
    stale = Mandate.objects.filter(status=MandateStatus.ACTIVE).filter(
        Q(last_collected_on__lt=limit) | Q(last_collected_on__isnull=True, signed_at__date__lt=limit))
    lapsed = []
    for mandate in stale.select_related("billing_account__customer"):
        since = mandate.last_collected_on or "signature"
        Mandate.objects.filter(pk=mandate.pk).update(status=MandateStatus.LAPSED, ended_at=timezone.now(),
                                                     end_reason=f"unused since {since}")
        AuditEvent.objects.create(kind="payments.mandate_lapsed", customer=mandate.billing_account.customer,
                                  summary=f"Mandat {mandate.reference} caduc : aucun prélèvement depuis 36 mois",
                                  data={"mandate": mandate.reference})
        lapsed.append(mandate.reference)
    return lapsed
