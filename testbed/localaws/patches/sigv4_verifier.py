"""Patch: recompute SigV4 signatures from the request's own bytes and its own SignedHeaders.

The moto 5.2.1 flaws this replaces (moto/iam/access_control.py, IAMRequestBase):

(a) It refuses correct signatures on REST GET calls (e.g. EventBridge Scheduler
    `GET /schedules`). `_create_aws_request` passes `data=self._body or self._data`; a GET
    has no body, so botocore hashes moto's *parsed parameters* (the query string, or when
    there is none, every request header) as if they were the payload, and the payload hash
    no longer matches the empty body the client signed.
(b) It leaves out some of the headers the client signed. It rebuilds the request through
    botocore's `SigV4Auth.headers_to_sign`, which silently drops a fixed list of names
    (`connection`, `keep-alive`, `user-agent`, `expect`, `te`, `upgrade`, ...), even when
    they are in the request's SignedHeaders; the query string is taken raw instead of being
    decoded and re-encoded as SigV4 prescribes.

The test bed must verify signatures, not weaken the signer, so this module recomputes the
canonical request exactly as AWS documents it, from the raw request recorded by the WSGI
layer (`rawrequest.py`): method; the URI-encoded normalised path; the query decoded and
re-encoded (RFC 3986, sorted); exactly the headers named in SignedHeaders, trimmed; the
payload hash (`x-amz-content-sha256` when sent, else SHA-256 of the raw body); then the
string to sign with the credential scope from the Authorization header. A wrong secret, a
changed byte, a header missing from the request, or a scope date that is not the request
date still fails with moto's own SignatureDoesNotMatch path. Only IAMRequest (non-S3
services) is patched; S3 keeps moto's verifier.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, unquote

from botocore.utils import normalize_url_path
from moto.iam.access_control import IAMRequest

from .. import rawrequest

ALGORITHM = "AWS4-HMAC-SHA256"


def _authorization_fields(authorization: str) -> dict[str, str]:
    algorithm, _, rest = authorization.strip().partition(" ")
    fields = {"Algorithm": algorithm}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value
    return fields


def canonical_query(raw_query: str) -> str:
    """The SigV4 canonical query string: each name and value decoded, re-encoded, sorted."""
    pairs = []
    for item in raw_query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        pairs.append(
            (quote(unquote(key), safe="-_.~"), quote(unquote(value), safe="-_.~"))
        )
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def canonical_request(request: rawrequest.RawRequest, signed_headers: list[str]) -> str | None:
    """The canonical request of `request`, or None when a signed header is absent."""
    lines = [request.method.upper()]
    lines.append(quote(normalize_url_path(request.path or "/"), safe="/~"))
    lines.append(canonical_query(request.query))
    for name in signed_headers:
        values = request.headers.get(name)
        if not values:
            return None
        lines.append(f"{name}:" + ",".join(" ".join(v.split()) for v in values))
    lines.append("")
    lines.append(";".join(signed_headers))
    payload_hash = request.header("x-amz-content-sha256")
    lines.append(payload_hash or hashlib.sha256(request.body).hexdigest())
    return "\n".join(lines)


def expected_signature(
    request: rawrequest.RawRequest, authorization: str, secret_key: str
) -> str | None:
    """The signature AWS would compute for `request`, or None if it cannot match at all."""
    fields = _authorization_fields(authorization)
    if fields.get("Algorithm") != ALGORITHM:
        return None
    scope_parts = fields.get("Credential", "").split("/")[1:]
    if len(scope_parts) != 4 or scope_parts[3] != "aws4_request":
        return None
    amz_date = request.header("x-amz-date")
    if amz_date is None or amz_date[:8] != scope_parts[0]:
        return None
    signed_headers = fields.get("SignedHeaders", "").split(";")
    if signed_headers != sorted(signed_headers) or "host" not in signed_headers:
        return None
    creq = canonical_request(request, signed_headers)
    if creq is None:
        return None
    scope = "/".join(scope_parts)
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, hashlib.sha256(creq.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_key).encode()
    for part in scope_parts:
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _check_signature(self: IAMRequest) -> None:
    request = rawrequest.current()
    authorization = self._headers.get("Authorization", "")
    provided = _authorization_fields(authorization).get("Signature", "")
    secret = self._access_key.create_credentials().secret_key
    expected = (
        expected_signature(request, authorization, secret) if request else None
    )
    if expected is None or not hmac.compare_digest(expected, provided):
        self._raise_signature_does_not_match()


def apply() -> None:
    """Install the exact verifier on moto's IAMRequest."""
    IAMRequest.check_signature = _check_signature  # type: ignore[method-assign]
