"""Outbound HTTP calls to hosts an administrator allowed, and nowhere else (no SSRF).

``allowed(spec)`` reads the allow list (``SHENPI_CONNECTOR_HOSTS``: ``host:port`` entries separated by commas or
spaces). ``url_problem`` checks a URL against it without a network (deploy time); ``send`` checks it again, resolves
the host and connects to the resolved address itself (the name cannot be resolved a second time elsewhere), never
follows a redirect (a 3xx is an answer like any other), bounds the time and the size of the answer.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.parse
from dataclasses import dataclass

from ..errors import Message

MAX_RESPONSE_BYTES = 1024 * 1024
Hosts = frozenset[tuple[str, int]]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed(spec: str) -> Hosts:
    """The (host, port) pairs of an allow list; an entry without a port is refused (always name it)."""
    hosts: set[tuple[str, int]] = set()
    for entry in spec.replace(",", " ").split():
        host, _, port = entry.strip().lower().rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        if host and port.isdigit() and 0 < int(port) < 65536:
            hosts.add((host, int(port)))
    return frozenset(hosts)


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent


def target(url: str) -> Target | Message:
    """The parts of an http(s) URL, or why it cannot be called."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return Message("connector_url_invalid", url=url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        return Message("connector_url_invalid", url=url)
    if parts.username is not None or parts.password is not None:
        return Message("connector_url_invalid", url=url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(parts.scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[parts.scheme], path)


def url_problem(url: str, hosts: Hosts) -> Message | None:
    """Why ``url`` may not be called with this allow list (None: it may)."""
    found = target(url)
    if isinstance(found, Message):
        return found
    if (found.host, found.port) not in hosts:
        return Message("connector_host_not_allowed", host=f"{found.host}:{found.port}")
    return None


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str


class OutboundError(Exception):
    """A call that could not be made or whose answer could not be read; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def send(method: str, url: str, headers: dict[str, str], body: bytes | None, hosts: Hosts, timeout: float) -> Response:
    """One request to an allowed host (OutboundError when refused or failed before an answer)."""
    problem = url_problem(url, hosts)
    if problem is not None:
        raise OutboundError(problem)
    found = target(url)
    assert isinstance(found, Target)  # url_problem passed
    try:
        address = str(socket.getaddrinfo(found.host, found.port, type=socket.SOCK_STREAM)[0][4][0])
    except (OSError, IndexError):
        raise OutboundError(Message("connector_host_unresolved", host=found.host)) from None
    connection: http.client.HTTPConnection
    if found.scheme == "https":
        connection = _PinnedHTTPS(address, found.host, found.port, timeout)
    else:
        connection = http.client.HTTPConnection(address, found.port, timeout=timeout)
    host_header = found.host if found.port == _DEFAULT_PORTS[found.scheme] else f"{found.host}:{found.port}"
    try:
        connection.request(method, found.path, body=body, headers={"Host": host_header, **headers})
        answer = connection.getresponse()
        content = answer.read(MAX_RESPONSE_BYTES + 1)
        if len(content) > MAX_RESPONSE_BYTES:
            raise OutboundError(Message("connector_response_too_large", limit=MAX_RESPONSE_BYTES))
        return Response(answer.status, content, answer.getheader("Content-Type") or "")
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(Message("connector_unreachable", detail=f"{type(exc).__name__}: {exc}"[:300])) from None
    finally:
        connection.close()


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the address resolved once, with the certificate checked against the host's name."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
