"""Every request we make to another server: fetching an actor or a key, delivering an activity.

Only tasks call it (nothing remote is fetched while a page renders). It refuses what could
reach our own network: every address a host resolves to must be a public one, the connection
goes to the address that was checked (no second lookup an attacker's DNS could answer
differently), and each redirect is checked the same way. Answers are size-limited.

`transport` does the network part and `resolve` the lookup: tests replace both, so they never
touch the network.
"""

import http.client
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from fediverse import conf

REDIRECTS = {301, 302, 303, 307, 308}
JSON_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class FetchError(Exception):
    """A request refused before it was sent, or one that failed."""


class RefusedAddress(FetchError):
    """The address is not a public one (or not http(s)): nothing was sent."""


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)  # lowercase names
    body: bytes = b""

    def json(self) -> dict:
        try:
            document = json.loads(self.body)
        except ValueError:
            raise FetchError("the answer is not JSON") from None
        if not isinstance(document, dict):
            raise FetchError("the answer is not a JSON object")
        return document


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}") from error
    return sorted({info[4][0] for info in infos})


def is_public(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _origin(url: str) -> str:
    """scheme://host:port of an address, lowercase, the port always written ("" if none)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.hostname}:{port}".lower() if parts.hostname else ""


def _trusted_origin(url: str) -> bool:
    """An origin of FEDIVERSE_TRUSTED_TEST_ORIGINS (the end-to-end test's peer on this
    machine): exactly its scheme, host and port. Never in production (fediverse.checks says
    so to `check --deploy`)."""
    if settings.PRODUCTION:
        return False
    trusted = {_origin(entry) for entry in conf.get("FEDIVERSE_TRUSTED_TEST_ORIGINS")}
    return _origin(url) in trusted - {""}


def checked_target(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, ip to connect to) of an address we may request, else refused."""
    parts = urlsplit(url)
    allowed = ("https", "http") if conf.get("FEDIVERSE_ALLOW_HTTP") else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise RefusedAddress(f"not an address we request: {url}")
    if parts.username or parts.password:
        raise RefusedAddress("addresses with credentials are refused")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise RefusedAddress("bad port") from None
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        literal = None
    ips = [str(literal)] if literal is not None else resolve(parts.hostname, port)
    if not ips or not (_trusted_origin(url) or all(is_public(ip) for ip in ips)):
        raise RefusedAddress(f"{parts.hostname} is not a public address")
    return parts.scheme, parts.hostname, port, ips[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, ip, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self.pinned_ip = ip

    def connect(self):
        self.sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, with the host's name for SNI and certificate checking."""

    def __init__(self, host, ip, port, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.pinned_ip = ip

    def connect(self):
        sock = socket.create_connection((self.pinned_ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _send(method: str, url: str, ip: str, headers: dict, body: bytes | None) -> Response:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(parts.hostname, ip, port, conf.get("FEDIVERSE_FETCH_TIMEOUT"))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    limit = conf.get("FEDIVERSE_FETCH_MAX_BYTES")
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        content = answer.read(limit + 1)
        answer_headers = {name.lower(): value for name, value in answer.getheaders()}
    except (OSError, http.client.HTTPException) as error:
        raise FetchError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    if len(content) > limit:
        raise FetchError("the answer is too large")
    return Response(status=answer.status, headers=answer_headers, body=content)


class Transport:
    """The network; tests put a fake in its place (`fetcher.transport`)."""

    def send(self, method: str, url: str, *, ip: str, headers: dict, body: bytes | None):
        return _send(method, url, ip, headers, body)


transport = Transport()


def request(
    method: str, url: str, *, headers: dict | None = None, body: bytes | None = None, sign=None
) -> Response:
    """One request to a public address, following checked redirects (GET only).

    `sign(method, url, body)` gives the signature headers for each address actually requested.
    """
    for _hop in range(conf.get("FEDIVERSE_FETCH_MAX_REDIRECTS") + 1):
        _scheme, _host, _port, ip = checked_target(url)
        sent = {"User-Agent": "Rivista (+ActivityPub)", **(headers or {})}
        if sign is not None:
            sent.update(sign(method, url, body))
        response = transport.send(method, url, ip=ip, headers=sent, body=body)
        location = response.headers.get("location")
        if response.status not in REDIRECTS or not location or method != "GET":
            return response
        url = urljoin(url, location)
    raise FetchError("too many redirects")


def get_json(url: str, *, sign=None) -> dict:
    response = request("GET", url, headers={"Accept": JSON_ACCEPT}, sign=sign)
    if response.status != 200:
        raise FetchError(f"{url} answered {response.status}")
    return response.json()
