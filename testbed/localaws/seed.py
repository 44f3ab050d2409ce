"""Scenario seeding: state machines, executions with their histories and their `AWS/States`
metrics, alarms with their history, and SNS topics delivering to SQS queues, written straight
into moto's backends.

The scenario format is documented in ../README.md ("Scenario format"). Every timestamp is
ISO 8601 with an offset. Seeding adds to what exists; `POST /_testbed/reset` clears all.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends
from moto.stepfunctions.models import Execution, stepfunctions_backends

from . import accounts, metrics
from .iam_setup import ACCOUNT, REGION
from .patches.cloudwatch_alarm_history import record_state_update

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/testbed-states-execution"
TICK = timedelta(milliseconds=100)


class ScenarioError(ValueError):
    """The scenario JSON is malformed; the message names the offending path."""


def _instant(value: Any, path: str) -> datetime:
    """An ISO 8601 instant with offset, as naive UTC (moto's convention)."""
    if not isinstance(value, str):
        raise ScenarioError(f"{path}: expected an ISO 8601 string with offset")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise ScenarioError(f"{path}: {error}") from None
    if parsed.tzinfo is None:
        raise ScenarioError(f"{path}: {value!r} has no UTC offset")
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def _definition(state: str) -> str:
    return json.dumps(
        {
            "StartAt": state,
            "States": {
                state: {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "End": True,
                }
            },
        }
    )


class _History:
    """Builds one execution's events in AWS's GetExecutionHistory shapes."""

    def __init__(self, region: str, machine_name: str, account: str = ACCOUNT) -> None:
        self.region = region
        self.account = account
        self.machine_name = machine_name
        self.events: list[dict[str, Any]] = []
        self.map_runs: dict[str, dict[str, Any]] = {}

    def add(self, at: datetime, kind: str, details_key: str | None = None, **details: Any) -> int:
        event: dict[str, Any] = {
            "timestamp": at,
            "type": kind,
            "id": len(self.events) + 1,
            "previousEventId": len(self.events),
        }
        if details_key:
            event[details_key] = details
        self.events.append(event)
        return event["id"]

    def started(self, at: datetime) -> None:
        self.add(
            at,
            "ExecutionStarted",
            "executionStartedEventDetails",
            input="{}",
            inputDetails={"truncated": False},
            roleArn=ROLE_ARN,
        )

    def task_running(self, at: datetime, state: str) -> None:
        self.add(at, "TaskStateEntered", "stateEnteredEventDetails", name=state, input="{}",
                 inputDetails={"truncated": False})
        self.add(at + TICK, "TaskScheduled", "taskScheduledEventDetails", resourceType="lambda",
                 resource="invoke", region=self.region, parameters="{}")
        self.add(at + 2 * TICK, "TaskStarted", "taskStartedEventDetails", resourceType="lambda",
                 resource="invoke")

    def failed(self, execution_arn: str, start: datetime, at: datetime, failure: dict, path: str) -> None:
        map_run = failure.get("mapRun")
        error, cause = failure.get("error", "States.TaskFailed"), failure.get("cause", "")
        if map_run:
            state = map_run.get("state") or failure.get("state")
            if not state:
                raise ScenarioError(f"{path}.mapRun.state: required")
            map_run_arn = (
                f"arn:aws:states:{self.region}:{self.account}:mapRun:{self.machine_name}/{state}:"
                f"{uuid.uuid5(uuid.NAMESPACE_URL, execution_arn + state)}"
            )
            self.add(start + TICK, "MapStateEntered", "stateEnteredEventDetails", name=state,
                     input="{}", inputDetails={"truncated": False})
            self.add(start + 2 * TICK, "MapStateStarted", "mapStateStartedEventDetails", length=0)
            self.add(start + 3 * TICK, "MapRunStarted", "mapRunStartedEventDetails",
                     mapRunArn=map_run_arn)
            error = failure.get("error", "States.ExceedToleratedFailureThreshold")
            cause = failure.get("cause", "The specified tolerated failure threshold was exceeded")
            self.add(at - TICK, "MapRunFailed", "mapRunFailedEventDetails", error=error, cause=cause)
            self.add(at - TICK, "MapStateFailed")
            failed_items = int(map_run.get("failedItems", 1))
            total = int(map_run.get("totalItems", failed_items))
            self.map_runs[map_run_arn] = {
                "mapRunArn": map_run_arn,
                "executionArn": execution_arn,
                "status": "FAILED",
                "startDate": start + 3 * TICK,
                "stopDate": at - TICK,
                "maxConcurrency": 0,
                "toleratedFailurePercentage": 0.0,
                "toleratedFailureCount": 0,
                "itemCounts": _counts(total, failed_items),
                "executionCounts": _counts(total, failed_items),
            }
        else:
            state = failure.get("state")
            if not state:
                raise ScenarioError(f"{path}.state: required for a failed run")
            self.task_running(start + TICK, state)
            self.add(at - TICK, "TaskFailed", "taskFailedEventDetails", resourceType="lambda",
                     resource="invoke", error=error, cause=cause)
        self.add(at, "ExecutionFailed", "executionFailedEventDetails", error=error, cause=cause)


def _counts(total: int, failed: int) -> dict[str, int]:
    return {
        "pending": 0, "running": 0, "succeeded": total - failed, "failed": failed,
        "timedOut": 0, "aborted": 0, "total": total, "resultsWritten": total,
        "failuresNotRedrivable": 0, "pendingRedrive": 0,
    }


def _seed_execution(
    backend: Any, machine: Any, spec: dict, path: str, publish_metrics: bool, metrics_until: datetime | None = None
) -> dict[str, str]:
    status = spec.get("status", "SUCCEEDED")
    if status not in STATUSES:
        raise ScenarioError(f"{path}.status: {status!r} is not one of {list(STATUSES)}")
    start = _instant(spec.get("start"), f"{path}.start")
    stop = _instant(spec["stop"], f"{path}.stop") if spec.get("stop") else None
    if status != "RUNNING" and stop is None:
        raise ScenarioError(f"{path}.stop: required for a {status} run")
    if stop is not None and stop < start:
        raise ScenarioError(f"{path}.stop: before start")
    name = spec.get("name") or f"{machine.name}-{start:%Y%m%dT%H%M%S}Z"
    execution = Execution(
        region_name=backend.region_name,
        account_id=backend.account_id,
        state_machine_name=machine.name,
        execution_name=name,
        state_machine_arn=machine.arn,
        execution_input="{}",
    )
    if any(e.execution_arn == execution.execution_arn for e in machine.executions):
        raise ScenarioError(f"{path}.name: execution {name!r} already exists")
    execution.start_date = start
    execution.stop_date = stop
    execution.status = status
    failure = spec.get("failure") or {}
    history = _History(backend.region_name, machine.name, backend.account_id)
    history.started(start)
    redrive_count = spec.get("redriveCount")
    redrive_date = _instant(spec["redriveDate"], f"{path}.redriveDate") if spec.get("redriveDate") else None
    if redrive_count and redrive_date is None:
        raise ScenarioError(f"{path}.redriveDate: required with redriveCount")
    first_failure = None
    if redrive_count and failure:
        first_failure = (
            _instant(failure["at"], f"{path}.failure.at") if failure.get("at")
            else start + (redrive_date - start) / 2
        )
        history.failed(execution.execution_arn, start, first_failure, failure, f"{path}.failure")
        history.add(redrive_date, "ExecutionRedriven", "executionRedrivenEventDetails",
                    redriveCount=redrive_count)
    if status == "RUNNING":
        history.task_running(start + TICK if not redrive_count else redrive_date + TICK,
                             failure.get("state", "Main"))
    elif status == "SUCCEEDED":
        state = failure.get("state", "Main")
        resumed = redrive_date if redrive_count else start
        history.task_running(resumed + TICK, state)
        history.add(stop - TICK, "TaskSucceeded", "taskSucceededEventDetails", resourceType="lambda",
                    resource="invoke", output="{}", outputDetails={"truncated": False})
        history.add(stop - TICK, "TaskStateExited", "stateExitedEventDetails", name=state,
                    output="{}", outputDetails={"truncated": False})
        history.add(stop, "ExecutionSucceeded", "executionSucceededEventDetails", output="{}",
                    outputDetails={"truncated": False})
        execution.output = "{}"
    elif status == "FAILED":
        if not failure:
            raise ScenarioError(f"{path}.failure: required for a FAILED run")
        history.failed(execution.execution_arn, redrive_date or start, stop, failure, f"{path}.failure")
        execution.error = history.events[-1]["executionFailedEventDetails"]["error"]
        execution.cause = history.events[-1]["executionFailedEventDetails"]["cause"]
    elif status == "TIMED_OUT":
        history.task_running(start + TICK, failure.get("state", "Main"))
        error = failure.get("error", "States.Timeout")
        cause = failure.get("cause", "The execution timed out")
        history.add(stop, "ExecutionTimedOut", "executionTimedOutEventDetails", error=error, cause=cause)
        execution.error, execution.cause = error, cause
    elif status == "ABORTED":
        history.task_running(start + TICK, failure.get("state", "Main"))
        details = {k: failure[k] for k in ("error", "cause") if k in failure}
        history.add(stop, "ExecutionAborted", "executionAbortedEventDetails" if details else None, **details)
        execution.error, execution.cause = details.get("error"), details.get("cause")
    execution.testbed_events = history.events  # type: ignore[attr-defined]
    execution.redrive_count = redrive_count  # type: ignore[attr-defined]
    execution.redrive_date = redrive_date  # type: ignore[attr-defined]
    execution.redrive_status = spec.get("redriveStatus")  # type: ignore[attr-defined]
    execution.redrive_status_reason = spec.get("redriveStatusReason")  # type: ignore[attr-defined]
    if history.map_runs:
        if not hasattr(backend, "testbed_map_runs"):
            backend.testbed_map_runs = {}
        backend.testbed_map_runs.update(history.map_runs)
    machine.executions.append(execution)
    omitted = spec.get("metricsOmitted") or []
    if not isinstance(omitted, list) or not all(isinstance(name, str) for name in omitted):
        raise ScenarioError(f"{path}.metricsOmitted: must be a list of metric names")
    data = metrics.execution_data(start, stop, status, first_failure, redrive_date if first_failure else None)
    metrics.publish(backend.region_name, machine.arn, [
        datum for datum in data
        if datum[0] not in omitted and (metrics_until is None or datum[3] < metrics_until)
    ], per_machine=publish_metrics)
    result = {"machine": machine.name, "name": name, "executionArn": execution.execution_arn}
    if history.map_runs:
        result["mapRunArn"] = next(iter(history.map_runs))
    return result


def _account(spec: dict, path: str) -> str:
    account = spec.get("account", ACCOUNT)
    if not isinstance(account, str) or len(account) != 12 or not account.isdigit():
        raise ScenarioError(f"{path}.account: expected a 12-digit account id string")
    return account


def _seed_machine(spec: dict, path: str) -> tuple[str, list[dict[str, str]]]:
    name = spec.get("name")
    if not name:
        raise ScenarioError(f"{path}.name: required")
    machine_type = spec.get("type", "STANDARD")
    if machine_type not in ("STANDARD", "EXPRESS"):
        raise ScenarioError(f"{path}.type: must be STANDARD or EXPRESS")
    publish_metrics = spec.get("metrics", True)
    if not isinstance(publish_metrics, bool):
        raise ScenarioError(f"{path}.metrics: must be true or false")
    account = _account(spec, path)
    backend = stepfunctions_backends[account][spec.get("region", REGION)]
    machine = backend.create_state_machine(
        name=name, definition=_definition(spec.get("startState", "Main")),
        roleArn=ROLE_ARN.replace(ACCOUNT, account),
    )
    machine.type = machine_type
    machine.sm_type = machine_type
    # creationDate: `created`, else an hour before the earliest seeded start (a machine has no
    # runs before it exists), never later than now (moto's own default).
    if spec.get("created"):
        machine.creation_date = _instant(spec["created"], f"{path}.created")
    else:
        starts = [_instant(e.get("start"), f"{path}.executions[{i}].start") for i, e in enumerate(spec.get("executions") or [])]
        if starts:
            machine.creation_date = min(machine.creation_date, min(starts) - timedelta(hours=1))
    metrics_until = _instant(spec["metricsUntil"], f"{path}.metricsUntil") if spec.get("metricsUntil") else None
    executions = [
        _seed_execution(backend, machine, e, f"{path}.executions[{i}]", publish_metrics, metrics_until)
        for i, e in enumerate(spec.get("executions", []))
    ]
    extra = []
    for i, datum in enumerate(spec.get("extraMetrics") or []):
        where = f"{path}.extraMetrics[{i}]"
        if not isinstance(datum, dict) or not isinstance(datum.get("name"), str):
            raise ScenarioError(f"{where}: needs a metric name, a value and an instant")
        unit = "Milliseconds" if datum["name"] == "ExecutionTime" else "Count"
        extra.append((datum["name"], float(datum.get("value", 1)), unit, _instant(datum.get("at"), f"{where}.at")))
    if extra:
        metrics.publish(backend.region_name, machine.arn, extra)
    return machine.arn, executions


def _seed_alarm(spec: dict, path: str) -> str:
    name = spec.get("name")
    if not name:
        raise ScenarioError(f"{path}.name: required")
    backend = cloudwatch_backends[_account(spec, path)][spec.get("region", REGION)]
    composite = spec.get("type", "metric") == "composite"
    if composite and not spec.get("rule"):
        raise ScenarioError(f"{path}.rule: required for a composite alarm")
    alarm = backend.put_metric_alarm(
        name=name,
        namespace=None if composite else spec.get("namespace", "AWS/States"),
        metric_name=None if composite else spec.get("metricName", "ExecutionsFailed"),
        comparison_operator=None if composite else spec.get("comparisonOperator", "GreaterThanOrEqualToThreshold"),
        evaluation_periods=None if composite else int(spec.get("evaluationPeriods", 1)),
        period=None if composite else int(spec.get("period", 300)),
        threshold=None if composite else float(spec.get("threshold", 1)),
        statistic=None if composite else spec.get("statistic", "Sum"),
        description=spec.get("description", ""),
        dimensions=[] if composite else spec.get("dimensions", []),
        alarm_actions=spec.get("alarmActions", []),
        ok_actions=spec.get("okActions", []),
        rule=spec.get("rule") if composite else None,
    )
    state = spec.get("initialState", "OK")
    reason, reason_data = "Unchecked: Initial alarm creation", None
    created = None
    for i, change in enumerate(spec.get("history", [])):
        item_path = f"{path}.history[{i}]"
        at = _instant(change.get("at"), f"{item_path}.at")
        new_state = change.get("state")
        if new_state not in STATES:
            raise ScenarioError(f"{item_path}.state: must be one of {list(STATES)}")
        new_reason = change.get("reason") or f"Threshold Crossed: alarm went to {new_state}"
        new_data = change.get("reasonData")
        record_state_update(alarm, at, state, new_state, new_reason, new_data,
                            old_reason=reason, old_reason_data=reason_data)
        state, reason, reason_data, created = new_state, new_reason, new_data, at
    alarm.state_value = state
    alarm.state_reason = reason
    alarm.state_reason_data = json.dumps(reason_data) if isinstance(reason_data, dict) else (reason_data or "{}")
    if created is not None:
        alarm.state_updated_timestamp = created
    return alarm.alarm_arn


def _seed_topic(spec: dict, path: str, endpoint: str) -> dict[str, str]:
    name = spec.get("name")
    if not name:
        raise ScenarioError(f"{path}.name: required")
    region = spec.get("region", REGION)
    topic = sns_backends[ACCOUNT][region].create_topic(name)
    result = {"topicArn": topic.arn}
    queue_name = spec.get("subscribeQueue")
    if queue_name:
        queue = sqs_backends[ACCOUNT][region].create_queue(queue_name)
        subscription = sns_backends[ACCOUNT][region].subscribe(topic.arn, queue.queue_arn, "sqs")
        result.update(
            queueArn=queue.queue_arn,
            queueUrl=f"{endpoint}/{ACCOUNT}/{queue_name}",
            subscriptionArn=subscription.arn,
        )
    return result


def seed(scenario: dict, endpoint: str) -> dict[str, Any]:
    """Write `scenario` into moto; return the ARNs (and queue URLs) it created."""
    if not isinstance(scenario, dict):
        raise ScenarioError("scenario: expected a JSON object")
    unknown = set(scenario) - {"stateMachines", "alarms", "topics", "accounts", "organization"}
    if unknown:
        raise ScenarioError(f"scenario: unknown keys {sorted(unknown)}")
    roles = {
        spec.get("id"): accounts.provision_reader(spec, f"accounts[{i}]")
        for i, spec in enumerate(scenario.get("accounts", []))
    }
    organization = (
        accounts.create_organization(scenario["organization"], "organization") if "organization" in scenario else None
    )
    machines, executions = {}, []
    for i, spec in enumerate(scenario.get("stateMachines", [])):
        arn, seeded = _seed_machine(spec, f"stateMachines[{i}]")
        key = spec["name"] if spec.get("account", ACCOUNT) == ACCOUNT else f"{spec['account']}/{spec['name']}"
        machines[key] = arn
        executions.extend(seeded)
    alarms = {
        spec.get("name"): _seed_alarm(spec, f"alarms[{i}]")
        for i, spec in enumerate(scenario.get("alarms", []))
    }
    topics = {
        spec.get("name"): _seed_topic(spec, f"topics[{i}]", endpoint)
        for i, spec in enumerate(scenario.get("topics", []))
    }
    result = {"stateMachines": machines, "executions": executions, "alarms": alarms, "topics": topics}
    if roles:
        result["accounts"] = roles
    if organization is not None:
        result["organization"] = organization
    return result
