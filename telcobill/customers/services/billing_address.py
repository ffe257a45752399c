"""The billing address of an account: the next documents print it (the bill run reads the account;
issued documents keep the address they were issued with)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from telcobill.errors import Invalid

from ..models import AuditEvent, BillingAccount, Person

FIELDS = ("address_line1", "address_line2", "postcode", "city", "country_code")
# French postcodes (overseas departments included) are 5 digits; abroad, letters and digits.
FRENCH_POSTCODE = re.compile(r"\d{5}")
OTHER_POSTCODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,9}")


def change_billing_address(account: BillingAccount, *, by: Person | None, address_line1: str, address_line2: str,
                           postcode: str, city: str, country_code: str) -> BillingAccount:
    """Check the address (Invalid naming the field, nothing saved), save it and audit the change
    with the address before and after."""
    new = _checked(address_line1=address_line1, address_line2=address_line2, postcode=postcode, city=city,
                   country_code=country_code)
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().select_related("customer").get(pk=account.pk)
        before = {field: getattr(account, field) for field in FIELDS}
        if before == new:
            return account
        for field, value in new.items():
            setattr(account, field, value)
        account.save(update_fields=list(FIELDS))
        AuditEvent.objects.create(
            actor=by, kind="customers.billing_address_changed", customer=account.customer,
            summary=f"Adresse de facturation du compte {account.number} : {new['postcode']} {new['city']}",
            data={"account": account.number, "before": before, "after": new})
    return account


def _checked(**fields: str) -> dict[str, str]:
    address = {name: " ".join((value or "").split()) for name, value in fields.items()}
    address["country_code"] = address["country_code"].upper()
    address["postcode"] = address["postcode"].upper()
    if not address["address_line1"]:
        raise Invalid(_("Indiquez le numéro et la rue."), code="address_line1")
    if not re.fullmatch(r"[A-Z]{2}", address["country_code"]):
        raise Invalid(_("Choisissez un pays dans la liste."), code="country_code")
    if address["country_code"] == "FR" and not FRENCH_POSTCODE.fullmatch(address["postcode"]):
        raise Invalid(_("Le code postal a 5 chiffres, par exemple 69003."), code="postcode")
    if not OTHER_POSTCODE.fullmatch(address["postcode"]):
        raise Invalid(_("Indiquez le code postal."), code="postcode")
    if not address["city"]:
        raise Invalid(_("Indiquez la ville."), code="city")
    for name, limit in (("address_line1", 200), ("address_line2", 200), ("city", 100)):
        if len(address[name]) > limit:
            raise Invalid(_("%(limit)d caractères au plus.") % {"limit": limit}, code=name)
    return address
