"""Telling a person something: a security code or a notice, by e-mail or SMS.

A person chooses where codes and notices go (`Person.notify_by`); a person with only a mobile
gets SMS, one with only an e-mail address gets e-mail. The IBAN confirmation uses it now, the
customer space's sign-in codes will too.

    send_code(person, text)                          -> where it went (raises if it could not go)
    send_notice(person, text, subject=..., also_email=[...])  -> the addresses it went to
    send_to(address, text, subject=...)              an e-mail address or a mobile outside a person's channel
"""

from .send import destination, masked, send_code, send_notice, send_to
from .sms import SmsGateway, SmsNotSent, sms_gateway

__all__ = ["SmsGateway", "SmsNotSent", "destination", "masked", "send_code", "send_notice", "send_to",
           "sms_gateway"]
