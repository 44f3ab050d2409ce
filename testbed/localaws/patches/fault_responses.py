"""Patch: let an injected fault answer through moto's own error path.

moto has no notion of a failing or throttling AWS. The WSGI layer decides, before moto
sees a request, that it should fail (`localaws/faults.py`); this wrapper around
`BaseResponse.call_action` then answers with that error instead of calling the backend,
serialized by moto for the request's protocol and operation (`localaws/errors.py`), so the
body has exactly the shape the real service's error would have. No backend state changes.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import BaseResponse

from .. import faults
from ..errors import JSON_PROTOCOLS, response_protocol, serialize_error

_original = BaseResponse.call_action


def _call_action(self: BaseResponse) -> Any:
    fault = faults.take_pending()
    if fault is None:
        return _original(self)
    json_protocol = response_protocol(self) in JSON_PROTOCOLS
    return serialize_error(
        self,
        fault.code(json_protocol),
        fault.message,
        fault.status,
        sender_fault=fault.sender_fault,
    )


def apply() -> None:
    """Install the wrapper on moto's BaseResponse."""
    BaseResponse.call_action = _call_action  # type: ignore[method-assign]
