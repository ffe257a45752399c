"""Real servers on loopback for the e-mail and SMS tests of Mon compte: an SMTP server (aiosmtpd)
and an HTTP SMS gateway, as in tests/payments/test_mandate_confirmation.py.

    from tests.loopback import smtp_server, sms_gateway  # noqa: F401  (the `smtp` and `sms` fixtures)
"""

import json
import socket
import threading
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture(name="smtp")
def smtp_server(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    yield inbox
    controller.stop()


@pytest.fixture(name="sms")
def sms_gateway(settings):
    """Records each SMS posted to it and answers `status`."""
    gateway = SimpleNamespace(received=[], status=200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            gateway.received.append(json.loads(body))
            self.send_response(gateway.status)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFICATIONS = {"sms_gateway_url": f"http://127.0.0.1:{server.server_port}/v1/sms",
                              "sms_token": "test-token", "sms_sender": "TELCOBILL"}
    yield gateway
    server.shutdown()
    server.server_close()


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))
