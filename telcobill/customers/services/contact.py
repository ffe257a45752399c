"""Contact details confirmed by a code: a person's e-mail address and mobile (what they sign in
with, where their codes go) and a billing account's e-mail (where its invoices go).

A new address is a takeover vector: whoever controls it receives the codes, the password reset
links, the invoices. So `request_contact_change` sends a one-time code to the NEW address (the
person shows they receive messages there), `confirm_contact_change` with that code applies the
change, audits it and tells the OLD address after commit (if it was not them, they can react).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from telcobill import one_time_codes
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.notifications import masked, send_to
from telcobill.notifications.tasks import send_to_task

from ..identifiers import clean_msisdn
from ..models import Access, AuditEvent, BillingAccount, ContactChallenge, ContactField, Person, Role

CODE_SALT = "telcobill.customers.contact_challenge"
MAX_REQUESTS_PER_HOUR = 3
AUDIT_KIND = {ContactField.EMAIL: "customers.email_changed", ContactField.MOBILE: "customers.mobile_changed",
              ContactField.BILLING_EMAIL: "customers.billing_email_changed"}


def request_contact_change(person: Person, field: str, value: str, *,
                           account: BillingAccount | None = None) -> ContactChallenge:
    """Ask to change `person`'s e-mail or mobile, or `account`'s billing e-mail (its holder only):
    the value is checked first (Invalid, code "value": nothing stored, nothing sent), then a
    6-digit code valid 10 minutes is sent to the new address. At most 3 unconfirmed requests an
    hour per person (NotAllowed): each one sends an e-mail or a paid SMS."""
    field = ContactField(field)
    if field == ContactField.BILLING_EMAIL:
        if account is None:
            raise Invalid("a billing e-mail belongs to a billing account", code="account")
        _check_holder(account, person)
    else:
        account = None
    value = _checked(field, value, person, account)
    code = one_time_codes.new_code()
    now = timezone.now()
    with transaction.atomic():
        # Requests of one person queue here, so two at once cannot both pass the throttle.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        _check_throttle(person, now)
        challenge = ContactChallenge.objects.create(
            person=person, billing_account=account, field=field, value=value, created_at=now,
            expires_at=one_time_codes.expiry(now),
            code_hash=one_time_codes.code_hash(CODE_SALT, *_bound(person.pk, field, account, value), code=code))
    try:
        with translation.override(person.language):
            send_to(value, code_text(field, code), subject=_("%(operator)s : votre code de confirmation") % {
                "operator": settings.OPERATOR["name"]})
    except Exception:
        challenge.delete()  # a code nobody received must not wait for an answer or use the quota
        raise
    _audit(person, account, kind="customers.contact_change_requested",
           summary=f"{field.label.capitalize()} : changement demandé, code envoyé à {masked(value)}",
           data={"field": field.value, "challenge": challenge.pk, "account": account.number if account else None})
    return challenge


def confirm_contact_change(challenge_id: int, code: str, *, person: Person) -> ContactChallenge:
    """Apply the change of a request when `code` is the one sent to the new address, still valid
    and never used; a wrong code uses one of 5 attempts. Audited; the old address is told after
    commit. Another person's request answers NotFound."""
    now = timezone.now()
    with transaction.atomic():
        # Locked: of two confirmations at once, the second waits and then finds the code used.
        challenge = (ContactChallenge.objects.select_for_update(of=("self",)).select_related("billing_account")
                     .filter(pk=challenge_id, person=person).first())
        if challenge is None:
            raise NotFound(_("aucune demande de changement en cours avec ce numéro"))
        one_time_codes.check_usable(challenge, now, used=_("ce code a déjà été utilisé : le changement est fait"))
        field, account = ContactField(challenge.field), challenge.billing_account
        if account is not None:
            _check_holder(account, person)
        wrong_code = one_time_codes.attempt(challenge, code, CODE_SALT,
                                            *_bound(person.pk, field, account, challenge.value))
        if wrong_code is None:
            _apply(challenge, field, person, account, now)
    if wrong_code:
        raise wrong_code  # outside the transaction: the attempt counted stays counted
    return challenge


def set_language(person: Person, language: str) -> Person:
    """The language of the customer space and of the messages sent to `person`."""
    if language not in dict(settings.LANGUAGES):
        raise Invalid(_("Choisissez le français ou l'anglais."), code="language")
    Person.objects.filter(pk=person.pk).update(language=language)
    person.language = language
    return person


def code_text(field: ContactField, code: str) -> str:
    what = {ContactField.EMAIL: _("votre nouvelle adresse e-mail"), ContactField.MOBILE: _("votre nouveau mobile"),
            ContactField.BILLING_EMAIL: _("la nouvelle adresse e-mail de facturation")}[field]
    return _("Votre code de confirmation pour %(what)s : %(code)s. Il expire dans %(minutes)d minutes. "
             "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.") % {
        "what": what, "code": code, "minutes": one_time_codes.MINUTES}


def notice_text(field: ContactField, new: str, at: datetime, account: BillingAccount | None) -> str:
    local = timezone.localtime(at)
    values = {"new": masked(new), "day": f"{local:%d/%m/%Y}", "time": f"{local:%H:%M}",
              "number": account.number if account else "", "phone": settings.OPERATOR["support_phone"],
              "operator": settings.OPERATOR["name"]}
    what = {ContactField.EMAIL: _("L'adresse e-mail de votre espace client a été remplacée par %(new)s le %(day)s "
                                  "à %(time)s."),
            ContactField.MOBILE: _("Le numéro de mobile de votre espace client a été remplacé par %(new)s le "
                                   "%(day)s à %(time)s."),
            ContactField.BILLING_EMAIL: _("L'adresse e-mail de facturation du compte %(number)s a été remplacée par "
                                          "%(new)s le %(day)s à %(time)s.")}[field]
    return (what + " " + _("Si vous n'êtes pas à l'origine de ce changement, contactez-nous sans attendre au "
                           "%(phone)s. %(operator)s")) % values


def _bound(person_id: int, field: ContactField, account: BillingAccount | None, value: str) -> tuple:
    """What a code confirms: this person, this field (of this account), this new value."""
    return person_id, field.value, account.pk if account else "", value


def _checked(field: ContactField, value: str, person: Person, account: BillingAccount | None) -> str:
    value = (value or "").strip()
    if field == ContactField.MOBILE:
        value = _checked_mobile(value)
        current = person.mobile
    else:
        try:
            validate_email(value)
        except ValidationError:
            raise Invalid(_("Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr."),
                          code="value") from None
        value = Person.objects.normalize_email(value)  # the domain has no case
        current = account.email if account else person.email
    if current and current.lower() == value.lower():
        raise Invalid(_("C'est déjà l'adresse enregistrée."), code="value")
    _check_free(field, value, person)
    return value


def _checked_mobile(value: str) -> str:
    try:
        value = clean_msisdn(value)
    except Invalid:
        raise Invalid(_("Saisissez un numéro de mobile, par exemple 06 12 34 56 78."), code="value") from None
    kind = phonenumbers.number_type(phonenumbers.parse(value))
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise Invalid(_("Ce numéro n'est pas un mobile : le code est envoyé par SMS."), code="value")
    return value


def _check_free(field: ContactField, value: str, person: Person) -> None:
    """A sign-in identifier belongs to one person (the database says so too)."""
    if field == ContactField.EMAIL:
        taken = Person.objects.filter(email__iexact=value).exclude(pk=person.pk).exists()
    elif field == ContactField.MOBILE:
        taken = Person.objects.filter(mobile=value).exclude(pk=person.pk).exists()
    else:
        return
    if taken:
        raise Invalid(_("Cette adresse sert déjà à un autre accès à l'espace client : choisissez-en une autre."),
                      code="value")


def _check_holder(account: BillingAccount, person: Person) -> None:
    if not Access.objects.filter(person=person, customer_id=account.customer_id, role=Role.HOLDER).exists():
        raise NotAllowed(_("seul le titulaire peut changer l'e-mail de facturation"), code="not_holder")


def _check_throttle(person: Person, now: datetime) -> None:
    # Expired and dead requests count too: otherwise waiting 10 minutes would reset the quota.
    recent = ContactChallenge.objects.filter(person=person, used_at__isnull=True,
                                             created_at__gt=now - timedelta(hours=1)).count()
    if recent >= MAX_REQUESTS_PER_HOUR:
        raise NotAllowed(_("trop de demandes de code (au plus %(most)d par heure) : réessayez dans une heure")
                         % {"most": MAX_REQUESTS_PER_HOUR}, code="too_many_requests")


def _apply(challenge: ContactChallenge, field: ContactField, person: Person, account: BillingAccount | None,
           now: datetime) -> None:
    if field == ContactField.BILLING_EMAIL:
        old = account.email
        BillingAccount.objects.filter(pk=account.pk).update(email=challenge.value)
        account.email = challenge.value
    else:
        _check_free(field, challenge.value, person)  # taken since the request?
        attribute = "email" if field == ContactField.EMAIL else "mobile"
        old = getattr(person, attribute)
        Person.objects.filter(pk=person.pk).update(**{attribute: challenge.value})
        setattr(person, attribute, challenge.value)
    challenge.used_at = now
    challenge.save(update_fields=["used_at"])
    _audit(
        person, account, kind=AUDIT_KIND[field],
        summary=f"{field.label.capitalize()} : {masked(old) if old else '(aucun)'} → "
                f"{masked(challenge.value)}, confirmé par le code",
        data={"field": field.value, "old": old or "", "new": challenge.value, "challenge": challenge.pk,
              "account": account.number if account else None})
    if old:
        with translation.override(person.language):
            text = notice_text(field, challenge.value, now, account)
            subject = _("%(operator)s : vos coordonnées ont été modifiées") % {"operator": settings.OPERATOR["name"]}
        transaction.on_commit(lambda: send_to_task.enqueue(old, text, subject), robust=True)


def _audit(person: Person, account: BillingAccount | None, **event) -> None:
    """Filed under the account's customer, or under each customer the person has access to (each
    one's back office sees that the person's sign-in changed)."""
    if account is not None:
        customer_ids = [account.customer_id]
    else:
        customer_ids = sorted(set(person.accesses.values_list("customer_id", flat=True))) or [None]
    AuditEvent.objects.bulk_create([AuditEvent(actor=person, customer_id=pk, **event) for pk in customer_ids])
