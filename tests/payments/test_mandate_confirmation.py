"""A new IBAN online is confirmed by a one-time code sent through the person's channel (a real
SMTP server and a real HTTP SMS gateway on loopback); the mandate is created only then, once,
and the contact addresses already on file are told."""

import json
import re
import socket
import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import time_machine
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from telcobill.customers.models import Access, AuditEvent, Person, Role
from telcobill.errors import Invalid, NotAllowed, NotFound
from telcobill.notifications import SmsNotSent
from telcobill.payments.models import Mandate, MandateChallenge, MandateStatus
from telcobill.payments.services.mandates import confirm_mandate_change, create_mandate, request_mandate_change
from tests.factories import make_individual

NEW_IBAN = "FR76 3000 4000 0312 3456 7890 143"  # BNP Paribas
ASKED_AT = datetime(2026, 11, 28, 13, 3, tzinfo=UTC)  # 14:03 in Paris
ADDRESS = {"holder": "Camille Martin", "street": "8 rue des Lilas", "postcode": "69003", "city": "Lyon"}


# ------------------------------------------------------------------ loopback servers


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback (as tests/usage/test_alert_email_over_smtp.py)."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


@pytest.fixture
def sms(settings):
    """An HTTP SMS gateway on loopback: records each POST, answers with `status`."""
    gateway = SimpleNamespace(received=[], status=200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.received.append({"path": self.path, "authorization": self.headers["Authorization"],
                                     "content_type": self.headers["Content-Type"], "json": json.loads(body)})
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "msg-1"}' if gateway.status < 300 else b'{"error": "quota exceeded"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFICATIONS = {"sms_gateway_url": f"http://127.0.0.1:{server.server_port}/v1/sms",
                              "sms_token": "test-token", "sms_sender": "TELCOBILL"}
    yield gateway
    server.shutdown()
    server.server_close()


def body(message) -> str:
    return message.get_payload(decode=True).decode()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def code_in(text: str) -> str:
    return re.search(r" : (\d{6})\. ", text).group(1)


# ------------------------------------------------------------------ personas


@pytest.fixture
def account(db):
    """Camille's account, debited under a paper mandate signed with staff."""
    account = make_individual()
    create_mandate(account, iban="FR7630006000011234567890189", channel="paper", country="FR", **ADDRESS)
    return account


def person_on(account, role=Role.HOLDER, **login):
    person = Person.objects.create_user(**login)
    Access.objects.create(person=person, customer=account.customer, role=role)
    return person


@pytest.fixture
def camille(account):
    return person_on(account, email="camille@example.org")


@pytest.fixture
def ask(account, camille):
    def ask(person=camille, **changes):
        with time_machine.travel(changes.pop("at", ASKED_AT), tick=False):
            return request_mandate_change(account, person, **{"iban": NEW_IBAN, **ADDRESS, "channel": "web",
                                                               **changes})

    return ask


def confirm(challenge, code, person, at=ASKED_AT + timedelta(minutes=2)):
    with time_machine.travel(at, tick=False):
        return confirm_mandate_change(challenge.pk, code, person=person)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# ------------------------------------------------------------------ the code, by the chosen channel


def test_the_code_goes_by_email_to_a_person_who_chose_email(ask, camille, smtp, account):
    challenge = ask()

    [message] = smtp.messages
    assert message["To"] == "camille@example.org"
    assert subject(message) == "Telcobill Mobile : votre code de confirmation"
    code = code_in(body(message))
    assert body(message).rstrip("\r\n") == (
        f"Votre code de confirmation pour le nouvel IBAN se terminant par 0143 : {code}. Il expire dans 10 "
        "minutes. Si vous n'êtes pas à l'origine de cette demande, contactez-nous.")
    assert (challenge.sent_to, challenge.expires_at) == ("camille@example.org", ASKED_AT + timedelta(minutes=10))
    assert challenge.details == {"iban": "FR7630004000031234567890143", **ADDRESS, "country": "FR",
                                 "channel": "web"}
    assert code not in challenge.code_hash and len(challenge.code_hash) == 64  # only an HMAC is kept
    account.refresh_from_db()
    assert account.debit_iban == "FR7630006000011234567890189"  # nothing changes before the code
    assert Mandate.objects.filter(billing_account=account).count() == 1
    assert AuditEvent.objects.filter(kind="payments.iban_change_requested").get().summary == (
        "Nouvel IBAN …0143 demandé, code envoyé à c•••••@example.org")


def test_a_person_with_only_a_mobile_gets_the_code_and_the_notice_by_sms(ask, account, sms, smtp,
                                                                          django_capture_on_commit_callbacks):
    lea = person_on(account, mobile="+33612345678")
    challenge = ask(person=lea)

    [request] = sms.received
    assert (request["path"], request["authorization"], request["content_type"]) == (
        "/v1/sms", "Bearer test-token", "application/json")
    assert request["json"]["to"] == "+33612345678" and request["json"]["sender"] == "TELCOBILL"
    assert request["json"]["text"].startswith("Votre code de confirmation pour le nouvel IBAN se terminant par 0143 : ")
    assert challenge.sent_to == "+33612345678"
    assert smtp.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        confirm(challenge, code_in(request["json"]["text"]), lea)
    assert Mandate.objects.get(status=MandateStatus.ACTIVE).iban == "FR7630004000031234567890143"
    notice = sms.received[1]["json"]
    assert notice["to"] == "+33612345678" and "l'IBAN se terminant par 0143" in notice["text"]
    assert [m["To"] for m in smtp.messages] == [account.email]  # and the billing contact by e-mail


def test_a_person_who_chose_sms_gets_it_by_sms_even_with_an_email(ask, account, sms, smtp):
    paul = person_on(account, Role.HOLDER, email="paul@example.org", mobile="+33698765432", notify_by="sms")
    ask(person=paul)
    assert [r["json"]["to"] for r in sms.received] == ["+33698765432"] and smtp.messages == []


# ------------------------------------------------------------------ confirming


def test_a_wrong_code_then_the_right_one_creates_the_mandate_and_tells_the_contacts_on_file(
        ask, camille, account, smtp, django_capture_on_commit_callbacks):
    challenge = ask()
    code = code_in(body(smtp.messages[0]))

    with pytest.raises(Invalid, match="^code incorrect : encore 4 essais$"):
        confirm(challenge, wrong(code), camille)
    challenge.refresh_from_db()
    assert (challenge.attempts, challenge.used_at) == (1, None)

    with django_capture_on_commit_callbacks(execute=True):
        mandate = confirm(challenge, f"{code[:3]} {code[3:]}", camille)  # typed with a space

    assert (mandate.reference, mandate.iban, mandate.bic, mandate.channel, mandate.status) == (
        f"TB-{account.number}-002", "FR7630004000031234567890143", "BNPAFRPP", "web", MandateStatus.ACTIVE)
    assert (mandate.holder, mandate.street, mandate.postcode, mandate.city) == (
        "Camille Martin", "8 rue des Lilas", "69003", "Lyon")
    assert mandate.signed_at == ASKED_AT + timedelta(minutes=2)
    previous = Mandate.objects.get(reference=f"TB-{account.number}-001")
    assert previous.status == MandateStatus.REVOKED
    account.refresh_from_db()
    assert (account.debit_iban, account.mandate_reference) == ("FR7630004000031234567890143", mandate.reference)
    challenge.refresh_from_db()
    assert (challenge.used_at, challenge.mandate) == (ASKED_AT + timedelta(minutes=2), mandate)

    confirmed = AuditEvent.objects.get(kind="payments.iban_confirmed")
    assert (confirmed.actor, confirmed.customer, confirmed.data) == (camille, account.customer, {
        "account": account.number, "mandate": mandate.reference, "iban_end": "0143", "challenge": challenge.pk})
    assert AuditEvent.objects.filter(kind="payments.mandate_created", actor=camille).count() == 1

    # The notice goes to the addresses already on file: the billing contact and Camille.
    notices = smtp.messages[1:]
    assert sorted(m["To"] for m in notices) == sorted([account.email, "camille@example.org"])
    for notice in notices:
        assert subject(notice) == "Telcobill Mobile : vos coordonnées bancaires ont été modifiées"
        text = body(notice)
        assert "le 28/11/2026 à 14:05" in text
        assert "l'IBAN se terminant par 0143" in text
        assert "Si vous n'êtes pas à l'origine de ce changement, contactez-nous sans attendre au 3900" in text


def test_the_notice_goes_once_when_the_person_is_the_billing_contact(ask, account, smtp,
                                                                     django_capture_on_commit_callbacks):
    same = person_on(account, Role.HOLDER, email=account.email.upper())
    challenge = ask(person=same)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(challenge, code_in(body(smtp.messages[0])), same)
    assert len(smtp.messages) == 2  # the code, then one notice


def test_a_code_expires_after_ten_minutes(ask, camille, smtp):
    challenge = ask()
    code = code_in(body(smtp.messages[0]))

    with pytest.raises(NotAllowed, match="^le code a expiré, demandez-en un nouveau$") as refused:
        confirm(challenge, code, camille, at=ASKED_AT + timedelta(minutes=10))
    assert refused.value.code == "expired"
    assert Mandate.objects.filter(status=MandateStatus.ACTIVE).get().iban == "FR7630006000011234567890189"
    assert confirm(challenge, code, camille, at=ASKED_AT + timedelta(minutes=9, seconds=59)).iban == (
        "FR7630004000031234567890143")


def test_five_wrong_codes_kill_the_request(ask, camille, smtp):
    challenge = ask()
    code = code_in(body(smtp.messages[0]))
    for left in (4, 3, 2, 1):
        with pytest.raises(Invalid, match=f"encore {left} essai"):
            confirm(challenge, wrong(code), camille)
    with pytest.raises(Invalid, match="plus aucun essai possible : demandez un nouveau code"):
        confirm(challenge, "abc", camille)

    with pytest.raises(NotAllowed, match="trop de codes incorrects") as refused:
        confirm(challenge, code, camille)
    assert refused.value.code == "too_many_attempts"
    assert Mandate.objects.count() == 1 and not AuditEvent.objects.filter(kind="payments.iban_confirmed").exists()


def test_a_confirmation_cannot_be_replayed(ask, camille, smtp):
    challenge = ask()
    code = code_in(body(smtp.messages[0]))
    confirm(challenge, code, camille)

    with pytest.raises(NotAllowed, match="déjà été utilisé") as refused:
        confirm(challenge, code, camille)
    assert refused.value.code == "already_used"
    assert Mandate.objects.count() == 2 and AuditEvent.objects.filter(kind="payments.iban_confirmed").count() == 1


def test_another_person_cannot_confirm_even_with_the_right_code(ask, camille, account, smtp):
    challenge = ask()
    code = code_in(body(smtp.messages[0]))
    manager = person_on(account, Role.MANAGER, email="paul@example.org")
    stranger = person_on(make_individual("Eve Stranger"), email="eve@example.org")

    for other in (manager, stranger):
        with pytest.raises(NotFound, match="aucune demande de changement d'IBAN en cours"):
            confirm(challenge, code, other)
    challenge.refresh_from_db()
    assert (challenge.attempts, challenge.used_at, Mandate.objects.count()) == (0, None, 1)
    assert confirm(challenge, code, camille).iban == "FR7630004000031234567890143"


# ------------------------------------------------------------------ refused requests: nothing stored, nothing sent


def test_a_bad_iban_is_refused_with_what_is_wrong_and_nothing_is_stored_or_sent(ask, smtp):
    with pytest.raises(Invalid, match=r"IBAN 'FR7630004000031234567890144': Invalid checksum digits"):
        ask(iban="FR7630004000031234567890144")
    with pytest.raises(Invalid, match="^à renseigner : adresse, ville"):
        ask(street=" ", city="")
    with pytest.raises(Invalid, match="canal 'paper'"):
        ask(channel="paper")
    assert MandateChallenge.objects.count() == 0 and smtp.messages == []
    assert not AuditEvent.objects.filter(kind="payments.iban_change_requested").exists()


def test_only_the_holder_may_ask(ask, account, smtp):
    for person in (person_on(account, Role.MANAGER, email="gestion@example.org"),
                   person_on(account, Role.ACCOUNTANT, email="compta@example.org"),
                   person_on(make_individual("Eve Stranger"), email="eve@example.org")):
        with pytest.raises(NotAllowed, match="seul le titulaire du compte") as refused:
            ask(person=person)
        assert refused.value.code == "not_account_holder"
    assert MandateChallenge.objects.count() == 0 and smtp.messages == []


def test_three_unconfirmed_requests_an_hour_then_the_account_must_wait(ask, smtp):
    for minutes in (0, 15, 30):  # expired or not, unconfirmed requests count
        ask(at=ASKED_AT + timedelta(minutes=minutes))

    with pytest.raises(NotAllowed, match=r"au plus 3 par heure") as refused:
        ask(at=ASKED_AT + timedelta(minutes=59))
    assert refused.value.code == "too_many_requests"
    assert (MandateChallenge.objects.count(), len(smtp.messages)) == (3, 3)
    ask(at=ASKED_AT + timedelta(minutes=60, seconds=1))  # the first one is an hour old
    assert MandateChallenge.objects.count() == 4


def test_without_an_sms_gateway_a_mobile_only_person_is_told_and_nothing_is_kept(ask, account, settings):
    settings.NOTIFICATIONS = {"sms_gateway_url": "", "sms_token": "", "sms_sender": "TELCOBILL"}
    lea = person_on(account, mobile="+33612345678")
    with pytest.raises(ImproperlyConfigured, match="SMS is not configured: set TELCOBILL_SMS_GATEWAY_URL"):
        ask(person=lea)
    assert MandateChallenge.objects.count() == 0


def test_a_gateway_refusal_keeps_nothing_and_says_why(ask, account, sms):
    sms.status = 429
    lea = person_on(account, mobile="+33612345678")
    with pytest.raises(SmsNotSent, match='SMS gateway answered 429 Too Many Requests: {"error": "quota exceeded"}'):
        ask(person=lea)
    assert MandateChallenge.objects.count() == 0 and len(sms.received) == 1


# ------------------------------------------------------------------ two confirmations at once


@pytest.mark.django_db(transaction=True)
def test_three_confirmations_at_once_create_one_mandate():
    account = make_individual()
    camille = person_on(account, email="camille@example.org")
    challenge = request_mandate_change(account, camille, iban=NEW_IBAN, channel="web", **ADDRESS)
    code = code_in(mail.outbox[0].body)
    outcomes, barrier = [], threading.Barrier(3)

    def attempt():
        barrier.wait()
        try:
            outcomes.append(confirm_mandate_change(challenge.pk, code, person=camille).reference)
        except NotAllowed as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted([f"TB-{account.number}-001", "already_used", "already_used"])
    assert Mandate.objects.filter(billing_account=account).count() == 1
