"""Defensive fetching of an outside calendar: http(s) only, public addresses only (unless
``EVENT_SOURCES_ALLOW_PRIVATE``), a size and a time limit, and the content type checked.

The connection goes to the address that was checked (no second DNS lookup an attacker could
answer differently), and redirects are followed only a few times, each checked again.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
MAX_REDIRECTS = 3


class FetchError(Exception):
    pass


def max_bytes():
    return int(getattr(settings, "EVENT_SOURCES_MAX_BYTES", 2_000_000))


def time_limit():
    return float(getattr(settings, "EVENT_SOURCES_TIMEOUT_SECONDS", 10))


def _allowed_address(host, port):
    """The first address of ``host`` we may connect to, or FetchError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(_("The host name could not be resolved (%(error)s).") % {
            "error": error}) from None
    allow_private = getattr(settings, "EVENT_SOURCES_ALLOW_PRIVATE", False)
    for *_rest, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0])
        if allow_private or address.is_global:
            return str(address)
    raise FetchError(_("The address points inside a private network, which is not allowed."))


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_calendar(url):
    """The bytes of the calendar at ``url``; FetchError saying what was wrong."""
    deadline = time.monotonic() + time_limit()
    for _redirect in range(MAX_REDIRECTS + 1):
        response, connection = _open(url, deadline)
        try:
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                url = urljoin(url, response.getheader("Location"))
                continue
            if response.status != 200:
                raise FetchError(_("The server answered %(status)s.") % {
                    "status": response.status})
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip()
            if content_type.lower() not in CALENDAR_TYPES:
                raise FetchError(_("The server sent “%(type)s”, not a calendar (text/calendar).")
                                 % {"type": content_type[:100] or "nothing"})
            return _read(response, deadline)
        finally:
            connection.close()
    raise FetchError(_("Too many redirects."))


def _open(url, deadline):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(_("Only http and https addresses can be fetched."))
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _allowed_address(parts.hostname, port)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    remaining = max(0.1, deadline - time.monotonic())
    connection = kind(parts.hostname, port, address, timeout=remaining)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("GET", path, headers={
            "Accept": "text/calendar", "User-Agent": "LifeValley-event-sources/1",
        })
        return connection.getresponse(), connection
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        raise FetchError(_("The calendar could not be fetched (%(error)s).") % {
            "error": error}) from None


def _read(response, deadline):
    limit = max_bytes()
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(_("The calendar is larger than %(limit)s bytes.") % {"limit": limit})
    chunks, size = [], 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchError(_("The server took longer than %(seconds)s seconds.") % {
                    "seconds": time_limit()})
            chunk = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise FetchError(_("The calendar is larger than %(limit)s bytes.") % {
                    "limit": limit})
            chunks.append(chunk)
    except (OSError, http.client.HTTPException) as error:
        if isinstance(error, TimeoutError | socket.timeout):
            raise FetchError(_("The server took longer than %(seconds)s seconds.") % {
                "seconds": time_limit()}) from None
        raise FetchError(_("The calendar could not be fetched (%(error)s).") % {
            "error": error}) from None
