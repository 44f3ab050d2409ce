"""The `AWS/States` execution metrics Step Functions would have published for a seeded run.

Step Functions publishes, per execution, with dimension `StateMachineArn` (and once more
without dimensions, the account-level series: "Without a state machine ARN, the following
metrics report at the account level", Step Functions developer guide, "Execution metrics"):
- `ExecutionsStarted` 1 at the start;
- when it closes: `ExecutionsSucceeded` | `ExecutionsFailed` | `ExecutionsTimedOut` |
  `ExecutionsAborted` 1, and `ExecutionTime` (milliseconds, start to close);
- a redrive: `ExecutionsRedriven` 1 when it is redriven; its close then publishes the
  `Executions*` metric and also `RedrivenExecutions{Succeeded,Failed,TimedOut,Aborted}`
  ("For all redriven executions, the Executions* metric is emitted", same guide).

`execution_data` turns one seeded execution into those datapoints; `publish` appends them
straight to moto's CloudWatch backend (no HTTP, no per-datum validation), which keeps seeding
12,000+ executions fast. GetMetricData then reads them (patches/cloudwatch_get_metric_data.py).
"""

from __future__ import annotations

from datetime import datetime
from moto.cloudwatch.models import MetricDatum, cloudwatch_backends

from .iam_setup import ACCOUNT

NAMESPACE = "AWS/States"
CLOSE_METRICS = {
    "SUCCEEDED": "ExecutionsSucceeded",
    "FAILED": "ExecutionsFailed",
    "TIMED_OUT": "ExecutionsTimedOut",
    "ABORTED": "ExecutionsAborted",
}


def _milliseconds(start: datetime, stop: datetime) -> float:
    return (stop - start).total_seconds() * 1000.0


def execution_data(
    start: datetime,
    stop: datetime | None,
    status: str,
    first_failure: datetime | None = None,
    redrive_date: datetime | None = None,
) -> list[tuple[str, float, str, datetime]]:
    """(metric name, value, unit, timestamp) for one execution; timestamps are naive UTC.

    `first_failure` and `redrive_date` describe a redriven run: its first attempt closed
    FAILED at `first_failure` (as its seeded history says) and it was redriven at
    `redrive_date`. `ExecutionTime` is measured from `start` (the execution keeps its
    startDate across redrives). A RUNNING run publishes nothing for its close.
    """
    data = [("ExecutionsStarted", 1.0, "Count", start)]
    if first_failure is not None and redrive_date is not None:
        data.append(("ExecutionsFailed", 1.0, "Count", first_failure))
        data.append(("ExecutionTime", _milliseconds(start, first_failure), "Milliseconds", first_failure))
        data.append(("ExecutionsRedriven", 1.0, "Count", redrive_date))
    if status in CLOSE_METRICS and stop is not None:
        data.append((CLOSE_METRICS[status], 1.0, "Count", stop))
        if redrive_date is not None and first_failure is not None:
            data.append(("Redriven" + CLOSE_METRICS[status], 1.0, "Count", stop))
        data.append(("ExecutionTime", _milliseconds(start, stop), "Milliseconds", stop))
    return data


def publish(
    region: str, machine_arn: str, data: list[tuple[str, float, str, datetime]], per_machine: bool = True
) -> None:
    """Append `data` for `machine_arn` to the region's CloudWatch metrics, account-level and (unless
    `per_machine` is false, the machine's own series lost) per machine."""
    account = machine_arn.split(":")[4] if machine_arn.count(":") >= 4 else ACCOUNT
    backend = cloudwatch_backends[account][region]
    dimensions = [{"Name": "StateMachineArn", "Value": machine_arn}]
    for name, value, unit, at in data:
        if per_machine:
            backend.metric_data.append(MetricDatum(NAMESPACE, name, value, dimensions, at, unit))
        backend.metric_data.append(MetricDatum(NAMESPACE, name, value, [], at, unit))

