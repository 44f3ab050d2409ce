"""The request exactly as it arrived on the wire, kept per thread for the SigV4 verifier.

moto's own view of a request is already decoded (form parsed, query split, headers
normalised), which is too late to check a signature byte for byte. The WSGI layer records
the raw method, request target, headers and body here before moto sees the request, and the
verifier patch (`patches/sigv4_verifier.py`) reads them back on the same thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from urllib.parse import quote

_local = threading.local()


@dataclass(frozen=True)
class RawRequest:
    """One HTTP request as received: method, request target (path?query), headers, body."""

    method: str
    target: str
    headers: dict[str, list[str]]  # lower-cased name -> values in arrival order
    body: bytes

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> str:
        return self.target.partition("?")[2]

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return ",".join(values) if values else None

    @staticmethod
    def from_environ(environ: dict, body: bytes) -> "RawRequest":
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        if not target:
            target = quote(environ.get("PATH_INFO", "/"))
            if environ.get("QUERY_STRING"):
                target += "?" + environ["QUERY_STRING"]
        if "://" in target:  # absolute-form request target
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        headers: dict[str, list[str]] = {}
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:].replace("_", "-").lower()
            elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = key.replace("_", "-").lower()
            else:
                continue
            if value != "":
                headers.setdefault(name, []).append(value)
        return RawRequest(environ["REQUEST_METHOD"], target, headers, body)


def set_current(request: RawRequest | None) -> None:
    """Record (or clear) the request being served on this thread."""
    _local.request = request


def current() -> RawRequest | None:
    """The request being served on this thread, if the WSGI layer recorded one."""
    return getattr(_local, "request", None)
