"""Connections the product opens to addresses tenants choose (webhooks, SMTP servers), kept off internal networks.

A tenant who could name any host could make the server reach what only it can reach: the cloud metadata service
(169.254.169.254), the database, an admin page on 127.0.0.1, the office network. So the host is resolved here,
every address it resolves to is checked, and the connection goes to the checked address itself: a DNS answer
that changes between the check and the connection (DNS rebinding) changes nothing. HTTP redirects are followed
here, hop by hop, each hop checked the same way. TLS still verifies the certificate against the host name.

Refused: loopback, private, shared (100.64.0.0/10), link-local, multicast, reserved, unspecified and
documentation ranges, IPv4 and IPv6, including IPv4 addresses wrapped in IPv6 (mapped, NAT64 and 6to4 forms).
OUTBOUND_ALLOWED_NETWORKS (CIDRs) lets a self-hosted deployment reach its own networks.
"""

import functools
import http.client
import ipaddress
import smtplib
import socket
import ssl
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.mail.backends import smtp as smtp_backend
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NOT_ALLOWED_MESSAGE = _("This server may not connect to that address: local, private and reserved networks are "
                        "refused.")
MAX_REDIRECTS = 5
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not refused by `ipaddress` in Python 3.11 (later versions call some of them private).
_ALSO_REFUSED = tuple(ipaddress.ip_network(network) for network in (
    "100.64.0.0/10", "192.0.0.0/24", "64:ff9b:1::/48", "fec0::/10"))


class AddressNotAllowed(OSError):
    """The host resolves to an address outbound connections may not reach; nothing was sent to it."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} resolves to {address}, which outbound connections may not reach")
        self.host, self.address = host, address


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _operator_allowed(ip: IPAddress) -> bool:
    return any(ip.version == network.version and ip in network
               for network in _networks(tuple(settings.OUTBOUND_ALLOWED_NETWORKS)))


def _public(ip: IPAddress) -> bool:
    if not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast \
            or ip.is_reserved or ip.is_unspecified:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    return not any(ip.version == network.version and ip in network for network in _ALSO_REFUSED)


def address_allowed(address: str | IPAddress) -> bool:
    """Whether outbound connections may go to this address (an operator's allowed network, or a public one)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ipaddress.IPv6Address(int(ip))  # the same address, its scope (%eth0) dropped
    if _operator_allowed(ip):
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 carried in IPv6 reaches the IPv4 address through a translator: judge that one.
        embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else ip.sixtofour
        if embedded is not None:
            if not (_operator_allowed(embedded) or _public(embedded)):
                return False
            if ip in _NAT64:
                return True
    return _public(ip)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[tuple[int, tuple]]:
    """The (family, socket address) pairs to connect to, every one allowed; AddressNotAllowed if any is not
    (a name answering one public and one private address is refused whole), socket.gaierror if none resolves."""
    literal = _literal(host)
    if literal is not None:
        infos = [(socket.AF_INET6 if literal.version == 6 else socket.AF_INET, (str(literal), port))]
    else:
        try:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (UnicodeError, ValueError):  # not a name at all (bad IDNA, a NUL): as unknown as it gets
            raise socket.gaierror(socket.EAI_NONAME, f"{host!r} is not a host name") from None
        infos = [(family, sockaddr) for family, _type, _proto, _name, sockaddr in answers
                 if family in (socket.AF_INET, socket.AF_INET6)]
    targets = []
    for family, sockaddr in infos:
        if not address_allowed(sockaddr[0]):
            raise AddressNotAllowed(host, sockaddr[0])
        if (family, sockaddr) not in targets:
            targets.append((family, sockaddr))
    if not targets:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
    return targets


def refused(host: str, port: int) -> bool:
    """Whether `host` resolves now to an address outbound connections may not reach (a check at save time; the
    connection checks again). A name that does not resolve is not refused here: it cannot be reached either."""
    try:
        resolve(host, port)
    except AddressNotAllowed:
        return True
    except OSError:
        return False
    return False


def connect(host: str, port: int, timeout=socket._GLOBAL_DEFAULT_TIMEOUT) -> socket.socket:
    """A TCP connection to `host`, opened to one of its checked addresses (never resolved a second time)."""
    error: OSError | None = None
    for family, sockaddr in resolve(host, port):
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


def _create_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None) -> socket.socket:
    host, port = address
    return connect(host, port, timeout)


class HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _create_connection


class HTTPSConnection(http.client.HTTPSConnection):
    """TLS over the checked address, the certificate verified against the host name (the Host header too)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, context=ssl.create_default_context(), **kwargs)
        self._create_connection = _create_connection


def http_request(method: str, url: str, *, body: bytes | None = None, headers: dict | None = None,
                 timeout: float) -> int:
    """Send the request and answer the final HTTP status, following up to MAX_REDIRECTS redirects (each hop's
    host checked; 301/302/303 turn a POST into a GET without body, as browsers and urllib do; 307/308 repeat it).
    OSError (AddressNotAllowed among them) when a hop cannot or may not be reached."""
    headers = dict(headers or {})
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        try:  # given, never parsed from the host by http.client (which would read "::1" as host ":", port 1)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise OSError(f"invalid address: {url}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OSError(f"not an http(s) address: {url}")
        connection_class = HTTPSConnection if parts.scheme == "https" else HTTPConnection
        connection = None
        try:
            connection = connection_class(parts.hostname, port, timeout=timeout)
            connection.request(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                               body=body, headers=headers)
            response = connection.getresponse()
            status, location = response.status, response.getheader("Location")
        except http.client.HTTPException as error:  # not HTTP: a malformed answer is a failed attempt
            raise OSError(f"invalid HTTP response ({type(error).__name__})") from None
        finally:
            if connection is not None:
                connection.close()
        if status not in (301, 302, 303, 307, 308) or not location:
            return status
        url = urljoin(url, location.strip())
        if status in (301, 302, 303) and method != "HEAD":
            method, body = "GET", None
            headers = {name: value for name, value in headers.items() if name.lower() != "content-type"}
    raise OSError(f"more than {MAX_REDIRECTS} redirects")


class SMTP(smtplib.SMTP):
    def _get_socket(self, host, port, timeout):
        return connect(host, port, timeout)


class SMTP_SSL(smtplib.SMTP_SSL, SMTP):  # noqa: N801 (smtplib's name)
    """smtplib.SMTP_SSL wraps the socket SMTP._get_socket (above, in the method order) opens."""


class EmailBackend(smtp_backend.EmailBackend):
    """Django's SMTP backend connecting through the checks above; STARTTLS and SSL verify the host name."""

    @property
    def connection_class(self):
        return SMTP_SSL if self.use_ssl else SMTP
