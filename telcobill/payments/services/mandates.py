"""Creating a SEPA mandate: the IBAN checked and its bank found, a unique mandate reference, the
previous mandate of the account revoked (a new IBAN is a new mandate), an audit event. Mandates
unused for 36 months lapse.

A new IBAN is a fraud vector (RULES.md): whoever controls it receives nothing but can have the
account debited elsewhere, or hide a takeover. So there are two ways to a mandate:

- staff, for a paper form or a phone call, call `create_mandate` directly: the signed form (or
  the recorded call) is the debtor's confirmation;
- a customer online (web, app) asks with `request_mandate_change`, which sends a one-time code
  through their own channel, and `confirm_mandate_change` with that code creates the mandate and
  tells the contact addresses already on file that the bank details changed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import InvalidChecksumDigits, InvalidCountryCode, InvalidLength, SchwiftyException

from telcobill import one_time_codes
from telcobill.billing.proration import add_months
from telcobill.customers.models import Access, AuditEvent, BillingAccount, PaymentMethod, Person, Role
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.notifications import destination, masked, send_code
from telcobill.notifications.tasks import send_notice_task

from ..models import Mandate, MandateChallenge, MandateStatus
from .payment_method import use_payment_method

CHANNELS = ("web", "app", "paper", "phone")
ONLINE_CHANNELS = ("web", "app")  # confirmed by a code; paper and phone are staff's (create_mandate)
MAX_ATTEMPTS = one_time_codes.MAX_ATTEMPTS
# The HMAC's salt: what the code of a mandate challenge can confirm (telcobill/one_time_codes.py).
CODE_SALT = "telcobill.payments.mandate_challenge"
MAX_REQUESTS_PER_HOUR = 3
# What is wrong with an IBAN, as a stable code (a page says it in the customer's words).
IBAN_PROBLEMS = {InvalidChecksumDigits: "iban_checksum", InvalidLength: "iban_length",
                 InvalidCountryCode: "iban_country"}
# Who may change the account debited: the holder only (ARCHITECTURE.md: a manager handles lines,
# not bank details; an accountant and a line user change nothing).
MAY_CHANGE_BANK_DETAILS = (Role.HOLDER,)


def checked_iban(value: str) -> tuple[str, str]:
    """The IBAN in its electronic form and its bank's BIC, or Invalid saying what is wrong."""
    try:
        iban = IBAN(value)
    except SchwiftyException as error:
        raise Invalid(f"IBAN {value!r}: {error} — check it against the bank's RIB",
                      code=IBAN_PROBLEMS.get(type(error), "iban_invalid")) from None
    bic = iban.bic
    if bic is None:
        raise Invalid(f"IBAN {iban.formatted}: no bank is known for it, ask the customer for the BIC on the RIB",
                      code="iban_bank_unknown")
    return iban.compact, str(bic)


@transaction.atomic
def create_mandate(account: BillingAccount, *, iban: str, holder: str, street: str, postcode: str, city: str,
                   country: str = "FR", channel: str, signed_at: datetime | None = None,
                   by: Person | None = None) -> Mandate:
    """A new active mandate for `account`; the one it replaces is revoked. Its reference (RUM) is
    printed on the invoices from now on. Called directly by staff for a paper form or a phone call
    (the signed form is the confirmation); a customer online goes through `request_mandate_change`."""
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


# --- A new IBAN online, confirmed by a one-time code ---------------------------------------------


def request_mandate_change(account: BillingAccount, person: Person, *, iban: str, holder: str, street: str,
                           postcode: str, city: str, country: str = "FR", channel: str) -> MandateChallenge:
    """Ask for a new IBAN on `account`: everything is checked first (Invalid, nothing stored),
    then a 6-digit code valid 10 minutes is sent through `person`'s channel. The mandate is only
    created by `confirm_mandate_change` with that code. At most 3 requests an hour per account
    are left unconfirmed (NotAllowed): each one sends an e-mail or a paid SMS to someone."""
    _check_may_change(account, person)
    details = _online_details(iban=iban, holder=holder, street=street, postcode=postcode, city=city,
                              country=country, channel=channel)
    code = one_time_codes.new_code()
    now = timezone.now()
    with transaction.atomic():
        # Requests for one account queue here, so two at once cannot both pass the throttle.
        BillingAccount.objects.select_for_update().get(pk=account.pk)
        _check_throttle(account, now)
        challenge = MandateChallenge.objects.create(
            billing_account=account, person=person, details=details, sent_to=destination(person)[1],
            code_hash=one_time_codes.code_hash(CODE_SALT, account.pk, person.pk, details["iban"], code=code),
            created_at=now, expires_at=one_time_codes.expiry(now))
    # Sent once the request is committed: no lock is held while SMTP or the SMS gateway answers.
    try:
        send_code(person, code_text(details["iban"], code))
    except Exception:
        challenge.delete()  # a code nobody received must not wait for an answer or use the quota
        raise
    AuditEvent.objects.create(
        actor=person, kind="payments.iban_change_requested", customer=account.customer,
        summary=f"Nouvel IBAN …{details['iban'][-4:]} demandé, code envoyé à {masked(challenge.sent_to)}",
        data={"account": account.number, "challenge": challenge.pk, "iban_end": details["iban"][-4:]})
    return challenge


def confirm_mandate_change(challenge_id: int, code: str, *, person: Person) -> Mandate:
    """The mandate of a request, created when `code` is the one sent to `person` (the person who
    asked), still valid and never used. A wrong code uses one of 5 attempts. On success the
    contact addresses on file are told (after commit): if it was not them, they can react."""
    now = timezone.now()
    with transaction.atomic():
        # Locked: of two confirmations at once, the second waits and then finds the code used.
        challenge = (MandateChallenge.objects.select_for_update(of=("self",))
                     .select_related("billing_account__customer")
                     .filter(pk=challenge_id, person=person).first())
        if challenge is None:  # another person's request looks like no request at all
            raise NotFound("aucune demande de changement d'IBAN en cours avec ce numéro")
        one_time_codes.check_usable(challenge, now, used="ce code a déjà été utilisé : le nouvel IBAN est enregistré")
        _check_may_change(challenge.billing_account, person)
        wrong_code = one_time_codes.attempt(challenge, code, CODE_SALT, challenge.billing_account_id,
                                            challenge.person_id, challenge.details["iban"])
        if wrong_code is None:
            mandate = _create_confirmed_mandate(challenge, person, now)
    if wrong_code:
        raise wrong_code  # outside the transaction: the attempt counted stays counted
    return mandate


def code_text(iban: str, code: str) -> str:
    return (f"Votre code de confirmation pour le nouvel IBAN se terminant par {iban[-4:]} : {code}. "
            f"Il expire dans {one_time_codes.MINUTES} minutes. "
            "Si vous n'êtes pas à l'origine de cette demande, contactez-nous.")


def notice_text(account: BillingAccount, mandate: Mandate) -> str:
    signed = timezone.localtime(mandate.signed_at)
    operator = settings.OPERATOR
    return (f"Bonjour,\n\nLes coordonnées bancaires du compte de facturation {account.number} ont été modifiées "
            f"le {signed:%d/%m/%Y} à {signed:%H:%M} : les prochains prélèvements seront présentés sur l'IBAN "
            f"se terminant par {mandate.iban[-4:]} (mandat {mandate.reference}).\n\n"
            "Si vous n'êtes pas à l'origine de ce changement, contactez-nous sans attendre au "
            f"{operator['support_phone']} ou sur {operator['support_url']}. "
            "Sinon, vous n'avez rien à faire.\n\n"
            f"{operator['name']}")


def _online_details(*, iban: str, holder: str, street: str, postcode: str, city: str, country: str,
                    channel: str) -> dict:
    """What the mandate will be made of, checked now: a mistake is reported before a code is
    sent, not after the person typed it."""
    compact, _bic = checked_iban(iban)
    if channel not in ONLINE_CHANNELS:
        raise Invalid(f"canal {channel!r} : un code confirme les changements faits en ligne (web, app) ; "
                      "un mandat papier ou par téléphone est saisi par l'équipe (create_mandate)")
    fields = {"holder": holder.strip(), "street": street.strip(), "postcode": postcode.strip(),
              "city": city.strip(), "country": country.strip().upper()}
    labels = {"holder": "titulaire du compte", "street": "adresse", "postcode": "code postal", "city": "ville"}
    missing = [label for name, label in labels.items() if not fields[name]]
    if missing:
        raise Invalid(f"à renseigner : {', '.join(missing)} (la banque reçoit l'adresse du titulaire)",
                      code="missing")
    if not re.fullmatch(r"[A-Z]{2}", fields["country"]):
        raise Invalid(f"pays {country!r} : code à deux lettres attendu (FR, BE, DE…)", code="country")
    return {"iban": compact, **fields, "channel": channel}


def _check_may_change(account: BillingAccount, person: Person) -> None:
    allowed = Access.objects.filter(person=person, customer_id=account.customer_id, line__isnull=True,
                                    role__in=MAY_CHANGE_BANK_DETAILS).exists()
    if not allowed:
        raise NotAllowed("seul le titulaire du compte peut changer ses coordonnées bancaires",
                         code="not_account_holder")


def _check_throttle(account: BillingAccount, now: datetime) -> None:
    # Expired and dead requests count too: otherwise waiting 10 minutes would reset the quota.
    recent = MandateChallenge.objects.filter(billing_account=account, used_at__isnull=True,
                                             created_at__gt=now - timedelta(hours=1)).count()
    if recent >= MAX_REQUESTS_PER_HOUR:
        raise NotAllowed(f"trop de demandes de changement d'IBAN (au plus {MAX_REQUESTS_PER_HOUR} par heure) : "
                         "réessayez dans une heure", code="too_many_requests")


def _create_confirmed_mandate(challenge: MandateChallenge, person: Person, now: datetime) -> Mandate:
    account, details = challenge.billing_account, challenge.details
    mandate = create_mandate(account, iban=details["iban"], holder=details["holder"], street=details["street"],
                             postcode=details["postcode"], city=details["city"], country=details["country"],
                             channel=details["channel"], signed_at=now, by=person)
    # Asked online, the mandate is the customer's choice to be debited: the next invoices are.
    use_payment_method(account, PaymentMethod.DIRECT_DEBIT, by=person)
    challenge.used_at, challenge.mandate = now, mandate
    challenge.save(update_fields=["used_at", "mandate"])
    AuditEvent.objects.create(
        actor=person, kind="payments.iban_confirmed", customer=account.customer,
        summary=f"Nouvel IBAN …{mandate.iban[-4:]} confirmé par le code envoyé à {masked(challenge.sent_to)} : "
                f"mandat {mandate.reference}",
        data={"account": account.number, "mandate": mandate.reference, "iban_end": mandate.iban[-4:],
              "challenge": challenge.pk})
    subject = f"{settings.OPERATOR['name']} : vos coordonnées bancaires ont été modifiées"
    text, billing_email = notice_text(account, mandate), account.email
    transaction.on_commit(lambda: send_notice_task.enqueue(person.pk, text, subject, [billing_email]), robust=True)
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
                                  summary=f"Mandat {mandate.reference} caduc : aucun prélèvement depuis "
                                          f"{LAPSE_MONTHS} mois",
                                  data={"mandate": mandate.reference})
        lapsed.append(mandate.reference)
    return lapsed
