"""Names AWS requests as IAM does, `service:Operation` (e.g. `states:ListExecutions`).

The service is the signing name from the SigV4 credential scope; the operation comes from
`X-Amz-Target` (JSON), the `Action` form field (Query), the `/operation/X` path (CBOR), or
the method and path matched against the service's botocore model (REST).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from moto.core.responses import _get_method_urls

from .rawrequest import RawRequest

# Signing name -> botocore service name, where they differ.
BOTOCORE_NAMES = {"states": "stepfunctions", "monitoring": "cloudwatch"}

_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([A-Za-z0-9]+)$")


def signing_scope(request: RawRequest) -> tuple[str, str] | None:
    """(region, service) from the Authorization header's credential scope."""
    authorization = request.header("authorization") or ""
    match = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request", authorization)
    return (match.group(1), match.group(2)) if match else None


def operation_name(request: RawRequest, service: str, region: str) -> str:
    """The operation a signed request calls, or `METHOD /path` when it cannot be told."""
    target = request.header("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    content_type = request.header("content-type") or ""
    if content_type.startswith("application/x-www-form-urlencoded"):
        action = parse_qs(request.body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    action = parse_qs(request.query).get("Action")
    if action:
        return action[0]
    cbor = _CBOR_PATH.match(request.path)
    if cbor:
        return cbor.group(1)
    botocore_name = BOTOCORE_NAMES.get(service, service)
    try:
        patterns = _get_method_urls(botocore_name, region).get(request.method, {})
    except Exception:  # an unknown service: keep the raw form
        patterns = {}
    for regexp, name in sorted(patterns.items(), key=lambda p: len(p[0]), reverse=True):
        if re.match(regexp, request.path):
            return name
    return f"{request.method} {request.path}"


def api_name(request: RawRequest) -> str | None:
    """`service:Operation` for a SigV4-signed request; None for an unsigned one."""
    scope = signing_scope(request)
    if scope is None:
        return None
    region, service = scope
    return f"{service}:{operation_name(request, service, region)}"
