"""Patch: answer authentication and authorization failures in the service's own protocol.

moto 5.2.1 raises SignatureDoesNotMatch, InvalidClientTokenId and AccessDenied as its old
`_RESTError`, whose body is always the EC2-style XML `<ErrorResponse><Errors><Error>`.
Step Functions (JSON 1.0) and EventBridge Scheduler (REST-JSON) never answer XML, so a client
that decodes errors per protocol, as batchwatch must, cannot read the code of a refused
signature or of an AccessDenied. Real AWS answers JSON services with
`InvalidSignatureException` / `UnrecognizedClientException` / `AccessDeniedException`
(HTTP 400 for JSON 1.0, 403 for REST-JSON) and Query services with
`<ErrorResponse><Error><Code>SignatureDoesNotMatch|InvalidClientTokenId|AccessDenied` (403);
services that are "awsQueryCompatible" (CloudWatch over JSON/CBOR) keep the Query codes.

moto's decision is kept as is (who is refused, and why); only the body is re-serialized,
through moto's own serializer (`localaws/errors.py`).
"""

from __future__ import annotations

from typing import Any

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import (
    AccessDeniedError,
    AuthFailureError,
    InvalidClientTokenIdError,
    SignatureDoesNotMatchError,
)
from moto.core.utils import get_service_model
from werkzeug.exceptions import HTTPException

from ..errors import JSON_PROTOCOLS, response_protocol, serialize_error

JSON_CODES = {
    "SignatureDoesNotMatch": "InvalidSignatureException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "AccessDenied": "AccessDeniedException",
}

_original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action


class ProtocolAuthError(HTTPException):
    """An auth failure whose description is the serialized body and whose code the status."""

    def __init__(self, status: int, body: str):
        super().__init__(description=body)
        self.code = status


def _authenticate_and_authorize(self: Any, resource: str = "*") -> None:
    try:
        _original(self, resource)
    except (
        SignatureDoesNotMatchError,
        InvalidClientTokenIdError,
        AccessDeniedError,
        AuthFailureError,
    ) as error:
        protocol = response_protocol(self)
        query_compatible = "awsQueryCompatible" in get_service_model(self.boto3_service_name).metadata
        if protocol in JSON_PROTOCOLS and not query_compatible:
            code = JSON_CODES.get(error.error_type, error.error_type)
            status = 400 if protocol in ("json", "smithy-rpc-v2-cbor") else 403
        else:
            code, status = error.error_type, 403
        status, headers, body = serialize_error(
            self, code, error.message, status, sender_fault=True
        )
        # call_action merges these into the response it builds from the exception.
        self.response_headers.update(
            {k: v for k, v in headers.items() if k.lower() == "content-type"}
        )
        raise ProtocolAuthError(status, body) from error


def apply() -> None:
    """Wrap moto's authenticator so its refusals come back in the request's protocol."""
    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = (  # type: ignore[method-assign]
        _authenticate_and_authorize
    )
