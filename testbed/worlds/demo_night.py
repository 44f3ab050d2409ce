"""The demo's night: a dozen jobs in Asia/Tokyo, checked for 2026-11-20 at 08:30 the next morning.

Every job ran normally on the days before. On 2026-11-20:
- nightly-etl failed in LoadToRedshift (a Redshift connection timeout from the Lambda task);
- sales-aggregate timed out in WaitForAthenaQuery;
- partner-export never started;
- inventory-snapshot started 47 minutes late (and succeeded);
- ledger-reconcile's run of the evening before (23:30 on 11-19) is still running, past its 4h;
- customer-dedupe failed on DynamoDB throttling and was redriven to success (a note, no problem);
- the alarm batch-etl-errors went to ALARM after the nightly-etl failure and back to OK;
- adhoc-backfill, started by hand and named by no job, failed in a Distributed Map;
- clickstream-enrich is an Express state machine (listed as skipped);
- everything else ran on time.

`python3 demo_night.py scenario|config` prints the scenario JSON or the configuration YAML.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Tokyo"
REGION = "ap-northeast-1"
ACCOUNT = "123456789012"
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 21, 8, 30, tzinfo=ZoneInfo(TIMEZONE))
HISTORY_DAYS = 4  # normal days seeded before DAY

ZONE = ZoneInfo(TIMEZONE)


@dataclass
class Job:
    """A scheduled job: its cron, its limits, how long a normal run takes, and DAY's surprises."""

    name: str
    schedule: str
    times: Callable[[date], list[time]]  # the schedule's starts on a day, in TIMEZONE
    minutes: tuple[int, int]  # a normal run's duration range
    start_within: str = "15m"
    max_duration: str | None = None
    state: str = "Main"
    # replaces the normal run of an occurrence: (occurrence start) -> executions (possibly none)
    exceptions: dict[datetime, Callable[[datetime], list[dict[str, Any]]]] = field(default_factory=dict)


def daily(hour: int, minute: int = 0, weekdays: range | tuple[int, ...] = range(7)) -> Callable[[date], list[time]]:
    return lambda day: [time(hour, minute)] if day.weekday() in weekdays else []


def every(hours: range, minute: int = 0) -> Callable[[date], list[time]]:
    return lambda day: [time(hour, minute) for hour in hours]


def local(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), ZONE)


def iso(instant: datetime) -> str:
    return instant.isoformat()


def lambda_cause(error_type: str, message: str, request_id: str, trace: list[str]) -> str:
    """A cause the way a failed Lambda task reports it to Step Functions."""
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace})


NEXT_DAY = DAY + timedelta(days=1)
PREVIOUS_DAY = DAY - timedelta(days=1)


def nightly_etl_failure(start: datetime) -> list[dict[str, Any]]:
    begun = start + timedelta(seconds=5)
    return [{
        "start": iso(begun),
        "stop": iso(local(DAY, 2, 14, 9)),
        "status": "FAILED",
        "failure": {
            "state": "LoadToRedshift",
            "error": "OperationalError",
            "cause": lambda_cause(
                "OperationalError",
                'connection to server at "analytics.c9xkq2mfa1bz.ap-northeast-1.redshift.amazonaws.com" '
                "(10.0.3.17), port 5439 failed: timeout expired",
                "8f0c2d6e-5b1a-4c3e-9d7f-2a6b1e4c9f03",
                ['  File "/var/task/load.py", line 88, in handler\n    conn = psycopg2.connect(**dsn)\n'],
            ),
        },
    }]


def sales_aggregate_timeout(start: datetime) -> list[dict[str, Any]]:
    begun = start + timedelta(seconds=3)
    return [{
        "start": iso(begun),
        "stop": iso(begun + timedelta(hours=1)),
        "status": "TIMED_OUT",
        "failure": {"state": "WaitForAthenaQuery"},
    }]


def inventory_snapshot_late(start: datetime) -> list[dict[str, Any]]:
    begun = start + timedelta(minutes=47, seconds=12)
    return [{"start": iso(begun), "stop": iso(begun + timedelta(minutes=14, seconds=31)), "status": "SUCCEEDED"}]


def ledger_reconcile_stuck(start: datetime) -> list[dict[str, Any]]:
    return [{"start": iso(start + timedelta(seconds=2)), "status": "RUNNING", "failure": {"state": "AwaitLedgerLock"}}]


def customer_dedupe_redriven(start: datetime) -> list[dict[str, Any]]:
    begun = start + timedelta(seconds=4)
    return [{
        "start": iso(begun),
        "stop": iso(begun + timedelta(minutes=48, seconds=20)),
        "status": "SUCCEEDED",
        "redriveCount": 1,
        "redriveDate": iso(begun + timedelta(minutes=31)),
        "redriveStatus": "NOT_REDRIVABLE",
        "redriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
        "failure": {
            "state": "MergeProfiles",
            "at": iso(begun + timedelta(minutes=12, seconds=40)),
            "error": "DynamoDB.ProvisionedThroughputExceededException",
            "cause": "The level of configured provisioned throughput for the table was exceeded. "
                     "Consider increasing your provisioning level with the UpdateTable API.",
        },
    }]


def never_started(_: datetime) -> list[dict[str, Any]]:
    return []


JOBS = [
    Job("nightly-etl", "cron(0 2 * * ? *)", daily(2), (35, 50), start_within="30m", max_duration="2h",
        state="LoadToRedshift", exceptions={local(DAY, 2, 0): nightly_etl_failure}),
    Job("sales-aggregate", "cron(30 1 * * ? *)", daily(1, 30), (20, 40), max_duration="1h30m",
        state="WaitForAthenaQuery", exceptions={local(DAY, 1, 30): sales_aggregate_timeout}),
    Job("partner-export", "cron(0 4 * * ? *)", daily(4), (10, 15), max_duration="1h",
        state="UploadToSftp", exceptions={local(DAY, 4, 0): never_started}),
    Job("inventory-snapshot", "cron(0 3 * * ? *)", daily(3), (10, 20), max_duration="45m",
        state="SnapshotTables", exceptions={local(DAY, 3, 0): inventory_snapshot_late}),
    Job("ledger-reconcile", "cron(30 23 * * ? *)", daily(23, 30), (90, 150), max_duration="4h",
        state="ReconcileAccounts", exceptions={local(PREVIOUS_DAY, 23, 30): ledger_reconcile_stuck}),
    Job("orders-hourly-sync", "cron(5 * * * ? *)", every(range(24), 5), (3, 8), start_within="10m",
        max_duration="30m", state="SyncOrders"),
    Job("customer-dedupe", "cron(0 0 * * ? *)", daily(0), (15, 25), max_duration="1h",
        state="MergeProfiles", exceptions={local(DAY, 0, 0): customer_dedupe_redriven}),
    Job("daily-sales-report", "cron(0 6 * * ? *)", daily(6), (5, 12), max_duration="45m", state="RenderReport"),
    Job("ml-feature-build", "cron(15 2 ? * MON-FRI *)", daily(2, 15, range(5)), (60, 110), start_within="20m",
        max_duration="3h", state="BuildFeatures"),
    Job("s3-log-archive", "cron(0 5 * * ? *)", daily(5), (8, 20), max_duration="1h", state="ArchiveLogs"),
    Job("search-reindex", "0 */4 * * *", every(range(0, 24, 4)), (12, 25), start_within="10m",
        max_duration="50m", state="Reindex"),
    Job("weekly-billing-export", "cron(0 7 ? * FRI *)", daily(7, 0, (4,)), (20, 30), max_duration="1h",
        state="ExportInvoices"),
]


def _job_executions(job: Job, rng: random.Random) -> list[dict[str, Any]]:
    runs = []
    for offset in range(-HISTORY_DAYS, 2):
        day = DAY + timedelta(days=offset)
        for start_time in job.times(day):
            occurrence = datetime.combine(day, start_time, ZONE)
            if occurrence >= NOW:
                continue
            if occurrence in job.exceptions:
                runs += job.exceptions[occurrence](occurrence)
                continue
            begun = occurrence + timedelta(seconds=rng.randint(1, 9))
            stop = begun + timedelta(minutes=rng.randint(*job.minutes), seconds=rng.randint(0, 59))
            if stop >= NOW:
                runs.append({"start": iso(begun), "status": "RUNNING", "failure": {"state": job.state}})
            else:
                runs.append({"start": iso(begun), "stop": iso(stop), "status": "SUCCEEDED", "failure": {"state": job.state}})
    return runs


def _adhoc_backfill() -> list[dict[str, Any]]:
    return [
        {"start": iso(local(DAY - timedelta(days=2), 16, 2, 41)), "stop": iso(local(DAY - timedelta(days=2), 16, 51, 3)),
         "status": "SUCCEEDED", "name": "backfill-2026-10"},
        {"start": iso(local(DAY, 13, 58, 12)), "stop": iso(local(DAY, 14, 22, 47)), "status": "FAILED",
         "name": "backfill-2026-11-partial",
         "failure": {"mapRun": {"state": "ProcessPartitions", "failedItems": 3, "totalItems": 120}}},
    ]


def scenario() -> dict[str, Any]:
    """The seed scenario (testbed/README.md, "Scenario format")."""
    rng = random.Random(20261120)
    machines: list[dict[str, Any]] = [
        {"name": job.name, "region": REGION, "startState": job.state, "executions": _job_executions(job, rng)}
        for job in JOBS
    ]
    machines += [
        {"name": "adhoc-backfill", "region": REGION, "startState": "ProcessPartitions", "executions": _adhoc_backfill()},
        {"name": "payments-refund-batch", "region": REGION, "startState": "IssueRefunds", "executions": [
            {"start": iso(local(DAY, 10, 12, 5)), "stop": iso(local(DAY, 10, 19, 44))},
            {"start": iso(local(DAY, 16, 40, 31)), "stop": iso(local(DAY, 16, 47, 2))},
        ]},
        {"name": "clickstream-enrich", "region": REGION, "type": "EXPRESS"},
    ]
    etl_arn = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:nightly-etl"
    alarms = [
        {
            "name": "batch-etl-errors",
            "region": REGION,
            "description": "nightly-etl failed",
            "dimensions": [{"Name": "StateMachineArn", "Value": etl_arn}],
            "history": [
                {"at": iso(local(DAY, 2, 15, 41)), "state": "ALARM",
                 "reason": "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (19/11/26 17:10:00)] was greater than "
                           "or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
                 "reasonData": {"version": "1.0", "queryDate": "2026-11-19T17:15:41.209+0000",
                                "startDate": "2026-11-19T17:10:00.000+0000", "statistic": "Sum", "period": 300,
                                "recentDatapoints": [1.0], "threshold": 1.0, "evaluatedDatapoints": [
                                    {"timestamp": "2026-11-19T17:10:00.000+0000", "sampleCount": 1.0, "value": 1.0}]}},
                {"at": iso(local(DAY, 2, 25, 41)), "state": "OK",
                 "reason": "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (19/11/26 17:20:00)] was not greater "
                           "than or equal to the threshold (1.0) (minimum 1 datapoint for ALARM -> OK transition)."},
            ],
        },
        {
            "name": "batch-sfn-throttled-events",
            "region": REGION,
            "namespace": "AWS/States",
            "metricName": "ThrottledEvents",
            "description": "Step Functions API throttling",
        },
    ]
    return {"stateMachines": machines, "alarms": alarms}


# The EventBridge rules that start the jobs with a cron() schedule, as AWS holds them: in UTC
# (Tokyo less 9 hours, weekdays shifted where the hour crosses midnight). Two tell the night's
# story: partner-export's rule was disabled (hence its missing run), and inventory-snapshot's
# was moved to 03:45 (hence its late start). search-reindex is a host's crontab line: no rule.
RULES: list[dict[str, str]] = [
    {"machine": "nightly-etl", "name": "nightly-etl", "schedule": "cron(0 17 * * ? *)", "state": "ENABLED"},
    {"machine": "sales-aggregate", "name": "sales-aggregate", "schedule": "cron(30 16 * * ? *)", "state": "ENABLED"},
    {"machine": "partner-export", "name": "partner-export", "schedule": "cron(0 19 * * ? *)", "state": "DISABLED"},
    {"machine": "inventory-snapshot", "name": "inventory-snapshot", "schedule": "cron(45 18 * * ? *)",
     "state": "ENABLED"},
    {"machine": "ledger-reconcile", "name": "ledger-reconcile", "schedule": "cron(30 14 * * ? *)", "state": "ENABLED"},
    {"machine": "orders-hourly-sync", "name": "orders-hourly-sync", "schedule": "cron(5 * * * ? *)",
     "state": "ENABLED"},
    {"machine": "customer-dedupe", "name": "customer-dedupe", "schedule": "cron(0 15 * * ? *)", "state": "ENABLED"},
    {"machine": "daily-sales-report", "name": "daily-sales-report", "schedule": "cron(0 21 * * ? *)",
     "state": "ENABLED"},
    {"machine": "ml-feature-build", "name": "ml-feature-build", "schedule": "cron(15 17 ? * SUN-THU *)",
     "state": "ENABLED"},
    {"machine": "s3-log-archive", "name": "s3-log-archive", "schedule": "cron(0 20 * * ? *)", "state": "ENABLED"},
    {"machine": "weekly-billing-export", "name": "weekly-billing-export", "schedule": "cron(0 22 ? * THU *)",
     "state": "ENABLED"},
]


def config(state_dir: str) -> str:
    """The demo's batchwatch.yml."""
    lines = [
        "# The demo night (testbed/worlds/demo_night.py): a dozen jobs in Tokyo.",
        f"timezone: {TIMEZONE}",
        f"region: {REGION}",
        "include_unscheduled: true",
        f"state_dir: {state_dir}",
        "jobs:",
    ]
    for job in JOBS:
        lines += [
            f"  - name: {job.name}",
            f"    state_machine: {job.name}",
            f'    schedule: "{job.schedule}"',
            f"    start_within: {job.start_within}",
        ]
        if job.max_duration:
            lines.append(f"    max_duration: {job.max_duration}")
    lines += ["alarms:", "  prefixes: [batch-]", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "scenario"
    if what == "scenario":
        json.dump(scenario(), sys.stdout, indent=1)
        print()
    elif what == "config":
        print(config("/tmp/batchwatch-demo-state"), end="")
    else:
        sys.exit("usage: demo_night.py scenario|config")
