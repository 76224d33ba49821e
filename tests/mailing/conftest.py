"""Mailing fixtures: a small SMTP server speaking the real protocol (jobs run through the shared `jobs`)."""

import base64
import socket
import socketserver
import threading

import pytest

SMTP_USER, SMTP_PASSWORD = "mailer", "s3cret-passw0rd"


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 fake ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-fake")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                _empty, user, password = base64.b64decode(command.split()[2]).decode().split("\0")
                ok = (user, password) == (SMTP_USER, SMTP_PASSWORD)
                self.reply("235 2.7.0 Authentication successful" if ok else "535 5.7.8 Authentication failed")
            elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.received.append(b"".join(data).decode())
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


@pytest.fixture
def loopback_allowed(settings):
    """Tenants' servers may be on 127.0.0.0/8 in this test (outbound connections refuse it otherwise)."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def smtp_server(loopback_allowed):
    """A local SMTP server (`.server_address`, `.received`: the raw messages it accepted)."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Session)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port(loopback_allowed) -> int:
    """A local port nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port(loopback_allowed, settings):
    """A local port that takes connections and never says a word (as a filtering firewall would answer
    nothing); SMTP_TIMEOUT is short so that waiting for it costs a fraction of a second."""
    settings.SMTP_TIMEOUT = 0.3
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # the kernel completes the handshakes; nothing ever accepts or answers
        yield listener.getsockname()[1]
