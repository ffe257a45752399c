"""Who has access to a customer's space, and in which role: the holder invites a manager, an
accountant or a line user by e-mail, and removes them. Every change is audited.

An invited person who never signed in gets a link to choose their password (Django's password
reset tokens: valid PASSWORD_RESET_TIMEOUT, dead once the password is set); someone who already
signs in is told they have a new space to choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.notifications.tasks import send_to_task

from ..identifiers import format_msisdn
from ..models import Access, AuditEvent, Customer, Line, Person, Role

INVITABLE = (Role.MANAGER, Role.ACCOUNTANT, Role.LINE_USER)
ORDER = {Role.HOLDER: 0, Role.MANAGER: 1, Role.ACCOUNTANT: 2, Role.LINE_USER: 3}


@dataclass
class Member:
    person: Person
    role: str
    lines: list[Line] = field(default_factory=list)  # a line user's lines

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def members(customer: Customer) -> list[Member]:
    """Everyone with access, the holders first, then by name; a line user once with their lines."""
    found: dict[int, Member] = {}
    for access in (Access.objects.filter(customer=customer).select_related("person", "line")
                   .order_by("line__msisdn")):
        member = found.setdefault(access.person_id, Member(access.person, access.role))
        if access.line:
            member.lines.append(access.line)
    return sorted(found.values(), key=lambda m: (ORDER[m.role], m.person.get_full_name().lower() or
                                                 str(m.person).lower()))


def invite(customer: Customer, *, by: Person, email: str, role: str, line: Line | None = None,
           first_name: str = "", last_name: str = "") -> Access:
    """Give `email` access to `customer` as manager, accountant or line user (of `line`): the
    person is created when unknown (no usable password until they choose one through the
    invitation), the access is audited, the invitation e-mail leaves after commit. Only a holder
    invites (NotAllowed); an Invalid names the field concerned in its code."""
    _check_holder(customer, by)
    email = Person.objects.normalize_email((email or "").strip())
    if "@" not in email or len(email) > 254:
        raise Invalid(_("Saisissez une adresse e-mail complète, par exemple prenom.nom@exemple.fr."), code="email")
    if role not in INVITABLE:
        raise Invalid(_("Choisissez un rôle : gestionnaire, comptable ou utilisateur d'une ligne."), code="role")
    if role == Role.LINE_USER:
        if line is None or line.billing_account.customer_id != customer.pk:
            raise Invalid(_("Choisissez la ligne de cette personne."), code="line")
    else:
        line = None
    with transaction.atomic():
        person = Person.objects.filter(email__iexact=email).first()
        if person is not None and person.is_staff:
            raise Invalid(_("Cette adresse est celle d'un membre de l'équipe : invitez une adresse personnelle."),
                          code="email")
        if person is not None and person.accesses.filter(customer=customer).exists():
            raise Invalid(_("Cette personne a déjà accès à cet espace. Retirez son accès pour lui donner un autre "
                            "rôle."), code="email")
        if person is None:
            person = Person.objects.create_user(email, None, first_name=first_name.strip()[:100],
                                                last_name=last_name.strip()[:100])
        access = Access.objects.create(person=person, customer=customer, role=role, line=line)
        what = Role(role).label + (f" de la ligne {line.msisdn}" if line else "")
        AuditEvent.objects.create(
            actor=by, kind="customers.access_granted", customer=customer,
            summary=f"{email} invité(e) : {what}",
            data={"person": person.pk, "email": email, "role": role, "line": line.msisdn if line else None})
        subject, text = invitation_email(access, by)
        transaction.on_commit(lambda: send_to_task.enqueue(email, text, subject), robust=True)
    return access


def invitation_email(access: Access, by: Person) -> tuple[str, str]:
    """The subject and text of the invitation, in the invited person's language: a link to choose
    a password, or to sign in for someone who already does."""
    person, customer, operator = access.person, access.customer, settings.OPERATOR
    public = settings.PAYMENTS["public_url"].rstrip("/")
    with translation.override(person.language):
        role = {Role.MANAGER: _("en tant que gestionnaire"), Role.ACCOUNTANT: _("en tant que comptable"),
                Role.LINE_USER: _("en tant qu'utilisateur de la ligne %(msisdn)s")}[access.role] % {
            "msisdn": format_msisdn(access.line.msisdn) if access.line else ""}
        if person.has_usable_password():
            action = _("Connectez-vous avec votre identifiant habituel, puis choisissez %(customer)s :\n%(link)s") % {
                "customer": customer.name, "link": public + reverse("portal:login")}
        else:
            uid = urlsafe_base64_encode(force_bytes(person.pk))
            token = default_token_generator.make_token(person)
            # Named by URL only: customers imports nothing of the portal (apps in dependency order).
            link = public + reverse("portal:account_invitation", args=[uid, token])
            days = settings.PASSWORD_RESET_TIMEOUT // 86400
            action = _("Pour choisir votre mot de passe, ouvrez ce lien (valable %(days)d jours) :\n%(link)s\n\n"
                       "Votre identifiant : %(email)s") % {"days": days, "link": link, "email": person.email}
        subject = _("%(operator)s : accès à l'espace client de %(customer)s") % {
            "operator": operator["name"], "customer": customer.name}
        text = _("Bonjour,\n\n%(by)s vous donne accès à l'espace client %(operator)s de %(customer)s, "
                 "%(role)s.\n\n%(action)s\n\n"
                 "Si vous ne connaissez pas %(customer)s, ignorez ce message.\n\n%(operator)s") % {
            "by": by.display_name, "operator": operator["name"],
            "customer": customer.name, "role": role, "action": action}
    return subject, text


def invitation_accepted(person: Person) -> None:
    """The invited person chose their password: each customer they were invited to sees it."""
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=person, kind="customers.invitation_accepted", customer_id=customer_id,
                   summary=f"{person.email} a choisi son mot de passe", data={"person": person.pk})
        for customer_id in sorted(set(person.accesses.values_list("customer_id", flat=True)))])


def remove(customer: Customer, person: Person, *, by: Person) -> list[str]:
    """Remove every access `person` has to `customer` (NotFound when none); returns the roles
    removed. Nobody removes themselves, and the last holder stays (NotAllowed): a customer always
    has someone who can manage it. The Person is kept (the audit trail names them)."""
    with transaction.atomic():
        # Holders of one customer queue here: of two holders removing each other, the second is
        # no longer a holder when its turn comes.
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        _check_holder(customer, by)
        accesses = list(Access.objects.filter(customer=customer, person=person).select_related("line"))
        if not accesses:
            raise NotFound(_("cette personne n'a pas accès à cet espace"))
        if person.pk == by.pk:
            raise NotAllowed(_("Vous ne pouvez pas retirer votre propre accès."), code="self")
        # Guaranteed by the two rules above; checked anyway: a customer always keeps a holder.
        holders = Access.objects.filter(customer=customer, role=Role.HOLDER).exclude(person=person).count()
        if any(a.role == Role.HOLDER for a in accesses) and holders == 0:
            raise NotAllowed(_("Le dernier titulaire ne peut pas être retiré."), code="last_holder")
        Access.objects.filter(pk__in=[a.pk for a in accesses]).delete()
        roles = [Role(a.role).label + (f" {a.line.msisdn}" if a.line else "") for a in accesses]
        AuditEvent.objects.create(
            actor=by, kind="customers.access_removed", customer=customer,
            summary=f"Accès de {person} retiré ({', '.join(roles)})",
            data={"person": person.pk, "roles": [a.role for a in accesses],
                  "lines": [a.line.msisdn for a in accesses if a.line]})
    return roles


def _check_holder(customer: Customer, person: Person) -> None:
    if not Access.objects.filter(customer=customer, person=person, role=Role.HOLDER).exists():
        raise NotAllowed(_("seul le titulaire gère les accès à l'espace client"), code="not_holder")
