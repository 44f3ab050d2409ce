"""AWS error responses produced by moto's own model-driven serializer, never written by hand.

moto serializes a `ServiceException` against the service's botocore model, in whatever
protocol the request used (JSON 1.0 `__type`, Query `<ErrorResponse><Error>`, REST-JSON,
CBOR). For error codes a service model does not declare (Throttling, ServiceUnavailable,
InvalidSignatureException, ...) moto falls back to a shape without an HTTP status, so this
module hands the serializer an explicit error shape carrying the status and the
sender/receiver fault, and lets the serializer do the rest.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationNotFoundError
from moto.core.errors import ErrorShape
from moto.core.exceptions import ServiceException
from moto.core.model import OperationModel
from moto.core.responses import BaseResponse
from moto.core.serialize import (
    SerializationContext,
    XFormedAttributePicker,
    get_serializer_class,
)
from moto.core.utils import get_service_model
from moto.utilities.aws_headers import gen_amzn_requestid_long

JSON_PROTOCOLS = ("json", "rest-json", "smithy-rpc-v2-cbor")


def response_protocol(response: BaseResponse) -> str:
    """The protocol moto will answer `response`'s request in."""
    service_model = get_service_model(response.boto3_service_name)
    return response.determine_response_protocol(service_model)


def serialize_error(
    response: BaseResponse, code: str, message: str, status: int, sender_fault: bool
) -> tuple[int, dict[str, Any], str]:
    """Status, headers and body of error `code` for the request `response` is serving."""
    service_model = get_service_model(response.boto3_service_name)
    try:
        operation_model = service_model.operation_model(response._get_action())
    except OperationNotFoundError:
        operation_model = OperationModel({}, service_model)
    protocol = response.determine_response_protocol(service_model)
    base = get_serializer_class(service_model.service_name, protocol)
    shape = ErrorShape(
        shape_name=code,
        shape_model={
            "exception": True,
            "fault": not sender_fault,
            "type": "structure",
            "members": {},
            "error": {"code": code, "httpStatusCode": status, "senderFault": sender_fault},
        },
    )

    class ExplicitShapeSerializer(base):  # type: ignore[misc, valid-type]
        def _serialize_error(self, resp: Any, error: Exception) -> Any:
            serialized = self.MAP_TYPE()
            self._serialize_error_metadata(serialized, error, shape)
            return self._serialized_error_to_response(resp, error, shape, serialized)

    headers = dict(response.response_headers)
    request_id = gen_amzn_requestid_long(headers)  # also sets x-amzn-RequestId
    serializer = ExplicitShapeSerializer(
        operation_model=operation_model,
        context=SerializationContext(request_id=request_id),
        pretty_print=False,
        value_picker=XFormedAttributePicker(),
    )
    out = serializer.serialize(ServiceException(code, message))
    headers.update(out["headers"])
    return int(out["status_code"]), headers, out["body"]
