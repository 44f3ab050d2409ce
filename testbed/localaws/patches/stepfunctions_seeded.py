"""Patch: serve seeded Step Functions executions the way AWS does.

moto 5.2.1's Step Functions backend cannot hold the executions a test needs:
- GetExecutionHistory returns one canned history (from `SF_EXECUTION_HISTORY_TYPE`) for every
  execution, dated 2020-01-01, and ignores `reverseOrder`, `maxResults` and `nextToken`.
  Here an execution seeded by the test bed (`localaws/seed.py`) is answered with its own
  events, in AWS's event shapes, newest first when `reverseOrder` is true, paginated by
  moto's own paginator. Executions started through the API keep moto's answer.
- ListExecutions and DescribeExecution leave out `stopDate` for TIMED_OUT runs and never
  give the redrive fields (`redriveCount`, `redriveDate`, `redriveStatus`,
  `redriveStatusReason`); they are added from the execution object. Order (newest first by
  startDate) and pagination stay moto's.
- ListExecutions on an EXPRESS state machine answers its executions; AWS refuses with
  StateMachineTypeNotSupported. ListStateMachines leaves out each machine's `type`.
- DescribeMapRun returns an empty result; seeded Map Runs are served with their item counts.
All answers still go through moto's ActionResult and model-driven serializer.
"""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.stepfunctions.responses import StepFunctionResponse
from moto.utilities.paginator import paginate

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class StateMachineTypeNotSupported(ServiceException):
    """AWS's answer to ListExecutions on an EXPRESS state machine."""

    code = "StateMachineTypeNotSupported"
    message = "This operation is not supported by this type of state machine"


HISTORY_PAGINATION = {
    "seeded_history": {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": 100,
        "unique_attribute": "id",
    }
}


@paginate(pagination_model=HISTORY_PAGINATION)
def seeded_history(events: list[dict[str, Any]], reverse_order: bool) -> list[dict[str, Any]]:
    """The seeded events of one execution, oldest first unless reverse_order.

    The events and the order are the paginator's parameters, so a nextToken is only
    accepted for the execution and order it was issued for.
    """
    return list(reversed(events)) if reverse_order else list(events)


def _redrive_fields(execution: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if getattr(execution, "redrive_count", None) is not None:
        fields["redriveCount"] = execution.redrive_count
    if getattr(execution, "redrive_date", None) is not None:
        fields["redriveDate"] = execution.redrive_date
    return fields


def _execution(self: StepFunctionResponse, arn: str) -> Any:
    return self.stepfunction_backend.describe_execution(arn)


_list_state_machines = StepFunctionResponse.list_state_machines
_list_executions = StepFunctionResponse.list_executions
_describe_execution = StepFunctionResponse.describe_execution
_get_execution_history = StepFunctionResponse.get_execution_history


def list_state_machines(self: StepFunctionResponse) -> ActionResult:
    result = _list_state_machines(self)
    for item in result.result["stateMachines"]:  # type: ignore[index]
        machine = self.stepfunction_backend.describe_state_machine(item["stateMachineArn"])
        item["type"] = machine.type
    return result


def list_executions(self: StepFunctionResponse) -> ActionResult:
    machine = self.stepfunction_backend.describe_state_machine(
        self._get_param("stateMachineArn")
    )
    if machine.type == "EXPRESS":
        raise StateMachineTypeNotSupported()
    result = _list_executions(self)
    by_arn = {e.execution_arn: e for e in machine.executions}
    for item in result.result["executions"]:  # type: ignore[index]
        execution = by_arn[item["executionArn"]]
        if execution.status in TERMINAL and execution.stop_date is not None:
            item["stopDate"] = execution.stop_date
        item.update(_redrive_fields(execution))
    return result


def describe_execution(self: StepFunctionResponse) -> ActionResult:
    result = _describe_execution(self)
    response = result.result
    execution = _execution(self, self._get_param("executionArn"))
    if execution.status in TERMINAL and execution.stop_date is not None:
        response["stopDate"] = execution.stop_date  # type: ignore[index]
    response.update(_redrive_fields(execution))  # type: ignore[union-attr]
    for attribute, key in (
        ("redrive_status", "redriveStatus"),
        ("redrive_status_reason", "redriveStatusReason"),
    ):
        if getattr(execution, attribute, None) is not None:
            response[key] = getattr(execution, attribute)  # type: ignore[index]
    return result


def get_execution_history(self: StepFunctionResponse) -> ActionResult:
    arn = self._get_param("executionArn")
    execution = _execution(self, arn)
    if getattr(execution, "testbed_events", None) is None:
        return _get_execution_history(self)
    page, next_token = seeded_history(
        events=execution.testbed_events,
        reverse_order=bool(self._get_param("reverseOrder", False)),
        max_results=self._get_int_param("maxResults"),
        next_token=self._get_param("nextToken"),
    )
    response: dict[str, Any] = {"events": page}
    if next_token:
        response["nextToken"] = next_token
    return ActionResult(response)


def describe_map_run(self: StepFunctionResponse) -> ActionResult:
    arn = self._get_param("mapRunArn")
    runs = getattr(self.stepfunction_backend, "testbed_map_runs", {})
    if arn not in runs:
        raise ServiceException("ResourceNotFound", f"Resource not found: '{arn}'")
    return ActionResult(runs[arn])


def apply() -> None:
    """Install the seeded-execution answers on moto's StepFunctionResponse."""
    StepFunctionResponse.list_state_machines = list_state_machines  # type: ignore[method-assign]
    StepFunctionResponse.list_executions = list_executions  # type: ignore[method-assign]
    StepFunctionResponse.describe_execution = describe_execution  # type: ignore[method-assign]
    StepFunctionResponse.get_execution_history = get_execution_history  # type: ignore[method-assign]
    StepFunctionResponse.describe_map_run = describe_map_run  # type: ignore[method-assign]
