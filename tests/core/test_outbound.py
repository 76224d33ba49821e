"""Outbound connections: every address a host resolves to is checked, the connection goes to the checked address,
and each redirect is checked again. Nothing here leaves this machine: names resolve through the `dns` table, the
only server listens on 127.0.0.1 (allowed through OUTBOUND_ALLOWED_NETWORKS), refused addresses are never
connected to (the spy on socket.connect proves it)."""

import datetime as dt
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from saas.core import outbound

REFUSED = [
    "127.0.0.1", "127.10.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "192.0.0.170",
    "::1", "::", "fe80::1", "fe80::1%2", "fc00::1", "fd00::1", "fec0::1", "ff02::1", "ff0e::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
    "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b:1::808:808", "2002:7f00:1::1", "2002:a9fe:a9fe::1",
    "2001::1",  # Teredo
]
ALLOWED = ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
           "2002:808:808::1"]


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    seen: list = []

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        Handler.seen.append((self.command, self.path, self.headers.get("Host"), self.rfile.read(length)))
        status, location = Handler.routes.get(self.path, (200, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def server(settings):
    """An HTTP server on 127.0.0.1, the one address outbound connections may reach in these tests."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    Handler.routes, Handler.seen = {}, []
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("address", REFUSED)
def test_local_private_and_reserved_addresses_are_refused(address):
    assert outbound.address_allowed(address) is False


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address):
    assert outbound.address_allowed(address) is True


def test_the_operator_allows_the_networks_it_names_and_only_those(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16", "fd00:1::/32"]
    assert [outbound.address_allowed(a) for a in ("10.20.1.2", "::ffff:10.20.1.2", "fd00:1::5")] == [True] * 3
    assert [outbound.address_allowed(a) for a in ("10.21.0.1", "169.254.169.254", "fd00:2::5")] == [False] * 3


@pytest.mark.parametrize("answers", [["10.0.0.7"], ["169.254.169.254"], ["fd00::7"], ["::ffff:127.0.0.1"],
                                     ["93.184.215.14", "10.0.0.7"]])
def test_a_name_resolving_to_a_refused_address_is_refused_before_any_connection(dns, connects, answers):
    # given: the name answers a refused address (among public ones, for the last: refused whole)
    dns["hooks.example.com"] = answers
    # when / then
    with pytest.raises(outbound.AddressNotAllowed):
        outbound.connect("hooks.example.com", 443, timeout=1)
    with pytest.raises(outbound.AddressNotAllowed):
        outbound.http_request("POST", "https://hooks.example.com/in", body=b"{}", timeout=1)
    assert outbound.refused("hooks.example.com", 443) is True
    assert connects == []


def test_address_literals_are_checked_without_resolving(connects):
    for url in ("http://127.0.0.1:8000/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/",
                "http://[::ffff:a9fe:a9fe]/", "http://0.0.0.0:80/"):
        with pytest.raises(outbound.AddressNotAllowed):
            outbound.http_request("GET", url, timeout=1)
    assert connects == []


def test_a_name_that_does_not_resolve_is_not_refused_on_save_and_fails_to_connect(dns, connects):
    assert outbound.refused("nowhere.example.com", 25) is False
    with pytest.raises(OSError) as raised:
        outbound.connect("nowhere.example.com", 25, timeout=1)
    assert not isinstance(raised.value, outbound.AddressNotAllowed)
    assert connects == []


def test_the_connection_goes_to_the_checked_address_a_second_answer_is_never_asked(server, monkeypatch, connects):
    # given: a name whose answer changes after the first query (DNS rebinding): 127.0.0.1, then 127.0.0.2
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2"])
    queries = []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        queries.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # when
    status = outbound.http_request("POST", f"http://rebind.example.com:{server}/hook", body=b'{"a": 1}', timeout=5)
    # then: one query, the connection to its answer, the name kept for the Host header
    assert status == 200
    assert queries == ["rebind.example.com"]
    assert connects == [("127.0.0.1", server)]
    assert Handler.seen == [("POST", "/hook", f"rebind.example.com:{server}", b'{"a": 1}')]


def test_every_redirect_is_checked_again(server, dns, connects):
    # given: an allowed server redirecting to the metadata service, then to a name resolving to a private address
    dns["internal.example.com"] = ["10.0.0.9"]
    Handler.routes = {"/meta": (302, "http://169.254.169.254/latest/meta-data/"),
                      "/private": (307, "http://internal.example.com/admin")}
    for path in ("/meta", "/private"):
        # when / then
        with pytest.raises(outbound.AddressNotAllowed):
            outbound.http_request("POST", f"http://127.0.0.1:{server}{path}", body=b"{}", timeout=5)
    assert set(connects) == {("127.0.0.1", server)}
    assert [path for _method, path, _host, _body in Handler.seen] == ["/meta", "/private"]


def test_allowed_redirects_are_followed_a_bounded_number_of_times(server):
    # given: 307 keeps the method and the body, 303 turns them into a GET; /loop redirects to itself
    Handler.routes = {"/a": (307, "/b"), "/b": (303, "/c"), "/loop": (302, "/loop")}
    # when
    status = outbound.http_request("POST", f"http://127.0.0.1:{server}/a", body=b"payload", timeout=5)
    # then
    assert status == 200
    assert [(method, path, body) for method, path, _host, body in Handler.seen] == [
        ("POST", "/a", b"payload"), ("POST", "/b", b"payload"), ("GET", "/c", b"")]
    Handler.seen = []
    with pytest.raises(OSError, match="redirects"):
        outbound.http_request("GET", f"http://127.0.0.1:{server}/loop", timeout=5)
    assert len(Handler.seen) == outbound.MAX_REDIRECTS + 1


def _certificates(name: str) -> tuple[bytes, bytes, bytes]:
    """A throw-away CA (PEM) and a certificate it signs for `name`, with its key (PEM)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(hours=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (ca.public_bytes(pem), cert.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_tls_to_the_checked_address_still_verifies_the_host_name(settings, dns, monkeypatch, tmp_path, connects):
    # given: an HTTPS server on 127.0.0.1 whose certificate names hooks.example.com, signed by a CA trusted here
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns["hooks.example.com"] = dns["other.example.com"] = ["127.0.0.1"]
    ca, cert, key = _certificates("hooks.example.com")
    (tmp_path / "cert.pem").write_bytes(cert + key)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(tmp_path / "cert.pem")
    default_context = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *args, **kwargs: default_context(cadata=ca.decode()))
    Handler.routes, Handler.seen = {}, []
    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_port
    try:
        # when / then: the name the certificate is for passes, another name for the same address does not
        assert outbound.http_request("GET", f"https://hooks.example.com:{port}/", timeout=5) == 200
        with pytest.raises(ssl.SSLCertVerificationError, match="match"):
            outbound.http_request("GET", f"https://other.example.com:{port}/", timeout=5)
        with pytest.raises(ssl.SSLCertVerificationError, match="match"):
            outbound.SMTP_SSL("other.example.com", port, timeout=5, context=ssl.create_default_context())
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert [host for _method, _path, host, _body in Handler.seen] == [f"hooks.example.com:{port}"]
    assert set(connects) == {("127.0.0.1", port)}
