"""The bench world (issue 3, item 9): many state machines, a week of runs, one busy machine.

- 300 state machines `bench-000` … `bench-299`, each started 5 times a day
  (`cron(M 1,5,9,13,17 * * ? *)`, M = its number mod 60, Asia/Tokyo) for the 7 days ending
  on DAY: 10,500 runs. On DAY, 10 of them (every 30th) fail their 09:M run.
- `bench-busy`, started every 15 minutes from 03:00 to 23:45: its newest 2,500 runs, which
  reach back 30 days from the end of DAY.

Every machine is a job in the configuration, so the only expected findings are the 10
failures. `python3 bench_world.py scenario|config` prints either.

The drift world (issue 15), checked apart: the same 300 machines and jobs (no busy machine, no
failures, DRIFT_DAYS days of runs), each started by an EventBridge rule on the default bus that
matches its job (`drift_rules`), except 30 whose rule changed before DAY: 15 rules DISABLED
(no run on DAY: 5 `missing` each) and 15 moved to once a day at 07:M (one run on DAY: the 05:M
occurrence `late`, the 4 others `missing`). Those 150 findings, and only they, must carry what
AWS's schedules explain ("its rule default/bench-005 is DISABLED", "AWS now starts it at 07:05
Asia/Tokyo").

The accounts world (issue 17), checked apart: ACCOUNTS member accounts (ids 210000000001 …,
names `acct-01` …), each with the reader role `batchwatch-reader`, × ACCOUNT_REGIONS, each
account and Region with the same ACCOUNT_MACHINES state machines `etl-00` … `etl-11`
(`cron(M 1,5,9,13,17 * * ? *)`, M = 5 × its number, Asia/Tokyo) and ACCOUNT_DAYS days of runs.
One job per machine name, checked in every account and Region (`accounts:` and `regions:` in
the configuration, `role_name`), so the only expected findings are ACCOUNT_FAILURES failed 09:M
runs on DAY, each in its own account and Region.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Tokyo"
REGION = "ap-northeast-1"
DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 21, 8, 30, tzinfo=ZoneInfo(TIMEZONE))
ZONE = ZoneInfo(TIMEZONE)

MACHINES = 300
HOURS = (1, 5, 9, 13, 17)
DAYS = 7
FAILING = tuple(range(0, MACHINES, MACHINES // 10))  # 10 machines
FAILING_HOUR = 9
MAX_DURATION_MINUTES = 60

BUSY = "bench-busy"
BUSY_RUNS = 2_500
BUSY_SCHEDULE = "cron(0/15 3-23 * * ? *)"
BUSY_MAX_DURATION_MINUTES = 10
BUSY_DAYS = 31  # enough days of BUSY_SCHEDULE to hold BUSY_RUNS (84 a day)

FAILURES = [
    ("LoadToRedshift", "OperationalError", "connection to server at analytics:5439 failed: timeout expired"),
    ("FetchPartnerFeed", "Lambda.Unknown", "The cause could not be determined because Lambda did not return an error type."),
    ("WriteParquet", "States.TaskFailed", "An error occurred (SlowDown) when calling the PutObject operation"),
    ("RunGlueJob", "Glue.ConcurrentRunsExceededException", "Concurrent runs exceeded for job nightly-compaction"),
    ("QueryAthena", "Athena.InvalidRequestException", "line 3:8: Column 'region_id' cannot be resolved"),
]


def machine_name(index: int) -> str:
    return f"bench-{index:03d}"


def iso(instant: datetime) -> str:
    return instant.isoformat()


def _run(begun: datetime, rng: random.Random, minutes: tuple[int, int]) -> dict[str, Any]:
    stop = begun + timedelta(minutes=rng.randint(*minutes), seconds=rng.randint(0, 59))
    return {"start": iso(begun), "stop": iso(stop)}


def _machine(index: int, rng: random.Random) -> dict[str, Any]:
    minute = index % 60
    executions = []
    for offset in range(-(DAYS - 1), 1):
        day = DAY + timedelta(days=offset)
        for hour in HOURS:
            begun = datetime.combine(day, time(hour, minute, rng.randint(1, 9)), ZONE)
            run = _run(begun, rng, (2, 20))
            if offset == 0 and hour == FAILING_HOUR and index in FAILING:
                state, error, cause = FAILURES[FAILING.index(index) % len(FAILURES)]
                run.update(status="FAILED", failure={"state": state, "error": error, "cause": cause})
            executions.append(run)
    return {"name": machine_name(index), "region": REGION, "executions": executions}


def _busy_machine(rng: random.Random) -> dict[str, Any]:
    starts = [
        datetime.combine(DAY - timedelta(days=back), time(hour, minute, rng.randint(1, 9)), ZONE)
        for back in range(BUSY_DAYS - 1, -1, -1)
        for hour in range(3, 24)
        for minute in (0, 15, 30, 45)
    ]
    return {"name": BUSY, "region": REGION,
            "executions": [_run(begun, rng, (1, 5)) for begun in starts[-BUSY_RUNS:]]}


def scenario() -> dict[str, Any]:
    """The seed scenario: 301 state machines, 13,000 executions."""
    rng = random.Random(300)
    return {"stateMachines": [_machine(i, rng) for i in range(MACHINES)] + [_busy_machine(rng)]}


def expected_findings() -> list[tuple[str, str]]:
    """What a correct check of DAY finds: (kind, job), sorted."""
    return sorted(("failed", machine_name(index)) for index in FAILING)


def config(state_dir: str, overrides: dict[str, str] | None = None, only: list[str] | None = None,
           busy: bool = True) -> str:
    """batchwatch.yml with one job per machine. `overrides` are top-level keys (e.g. metrics: off);
    `only` limits the jobs to those machines and turns include_unscheduled off; `busy`: a job for
    the busy machine (the drift world has none)."""
    top = {"timezone": TIMEZONE, "region": REGION, "include_unscheduled": "false" if only else "true",
           "state_dir": state_dir, **(overrides or {})}
    lines = [f"{key}: {value}" for key, value in top.items()] + ["jobs:"]
    jobs = [(machine_name(i), f"cron({i % 60} {','.join(map(str, HOURS))} * * ? *)", MAX_DURATION_MINUTES)
            for i in range(MACHINES)]
    if busy:
        jobs.append((BUSY, BUSY_SCHEDULE, BUSY_MAX_DURATION_MINUTES))
    for name, schedule, max_minutes in jobs:
        if only is not None and name not in only:
            continue
        lines += [f"  - name: {name}", f"    state_machine: {name}", f'    schedule: "{schedule}"',
                  f"    max_duration: {max_minutes}m"]
    return "\n".join(lines) + "\n"


DRIFT_DISABLED = tuple(range(5, MACHINES, 20))  # 15 machines whose rule is DISABLED
DRIFT_MOVED = tuple(range(15, MACHINES, 20))  # 15 machines whose rule moved to once a day at DRIFT_MOVED_HOUR
DRIFT_MOVED_HOUR = 7  # Asia/Tokyo, after the 05:M occurrence: that one is late, the others missing
DRIFT_DAYS = 2  # the window is DAY; the day before is enough for the ranges read before it
UTC_OFFSET_HOURS = 9  # Asia/Tokyo keeps one offset: a rule's UTC hours are the job's less 9


def _utc_hours(hours: tuple[int, ...]) -> str:
    return ",".join(str(h) for h in sorted((hour - UTC_OFFSET_HOURS) % 24 for hour in hours))


def drift_rules() -> list[dict[str, str]]:
    """One EventBridge rule per machine (name = machine name), in UTC as EventBridge reads it:
    the job's own schedule, except DRIFT_DISABLED (same schedule, DISABLED) and DRIFT_MOVED."""
    rules = []
    for index in range(MACHINES):
        minute = index % 60
        hours = (DRIFT_MOVED_HOUR,) if index in DRIFT_MOVED else HOURS
        rules.append({"name": machine_name(index), "machine": machine_name(index),
                      "schedule": f"cron({minute} {_utc_hours(hours)} * * ? *)",
                      "state": "DISABLED" if index in DRIFT_DISABLED else "ENABLED"})
    return rules


def _drift_machine(index: int, rng: random.Random) -> dict[str, Any]:
    minute = index % 60
    executions = []
    for offset in range(-(DRIFT_DAYS - 1), 1):
        day = DAY + timedelta(days=offset)
        hours = HOURS
        if offset == 0 and index in DRIFT_DISABLED:
            hours = ()
        elif offset == 0 and index in DRIFT_MOVED:
            hours = (DRIFT_MOVED_HOUR,)
        for hour in hours:
            executions.append(_run(datetime.combine(day, time(hour, minute, rng.randint(1, 9)), ZONE), rng, (2, 20)))
    return {"name": machine_name(index), "region": REGION, "executions": executions}


def drift_scenario() -> dict[str, Any]:
    """The drift world's seed scenario: 300 state machines, runs on DRIFT_DAYS days (rules apart)."""
    rng = random.Random(15)
    return {"stateMachines": [_drift_machine(i, rng) for i in range(MACHINES)]}


def drift_expected_findings() -> list[tuple[str, str]]:
    """(kind, job), sorted: 5 missing per disabled rule; 1 late and 4 missing per moved rule."""
    findings = [("missing", machine_name(i)) for i in DRIFT_DISABLED for _ in HOURS]
    for index in DRIFT_MOVED:
        findings += [("late" if hour == max(h for h in HOURS if h <= DRIFT_MOVED_HOUR) else "missing", machine_name(index))
                     for hour in HOURS]
    return sorted(findings)


def drift_explanation(job: str) -> str | None:
    """The words a finding of `job` must carry (None: the job's rule matches its schedule)."""
    index = int(job.removeprefix("bench-"))
    if index in DRIFT_DISABLED:
        return f"its rule default/{job} is DISABLED"
    if index in DRIFT_MOVED:
        return f"AWS now starts it at {DRIFT_MOVED_HOUR:02d}:{index % 60:02d} {TIMEZONE}"
    return None


ACCOUNTS = 25
ACCOUNT_REGIONS = ("ap-northeast-1", "us-east-1")
ACCOUNT_MACHINES = 12
ACCOUNT_DAYS = 2  # DAY and the day before (metrics read from 6 hours before the window)
ACCOUNT_ROLE = "batchwatch-reader"
# (account index, Region, machine index): 5 failures, each in its own account and Region.
ACCOUNT_FAILURES = ((0, 0, 0), (6, 1, 3), (12, 0, 6), (18, 1, 9), (24, 0, 11))


def account_id(index: int) -> str:
    return f"2100000000{index + 1:02d}"


def account_name(index: int) -> str:
    return f"acct-{index + 1:02d}"


def account_machine_name(index: int) -> str:
    return f"etl-{index:02d}"


def _account_schedule(index: int) -> str:
    return f"cron({index * 5} {','.join(map(str, HOURS))} * * ? *)"


def _account_machine(account: int, region: int, index: int, rng: random.Random) -> dict[str, Any]:
    executions = []
    for offset in range(-(ACCOUNT_DAYS - 1), 1):
        day = DAY + timedelta(days=offset)
        for hour in HOURS:
            begun = datetime.combine(day, time(hour, index * 5, rng.randint(1, 9)), ZONE)
            run = _run(begun, rng, (2, 20))
            if offset == 0 and hour == FAILING_HOUR and (account, region, index) in ACCOUNT_FAILURES:
                state, error, cause = FAILURES[ACCOUNT_FAILURES.index((account, region, index)) % len(FAILURES)]
                run.update(status="FAILED", failure={"state": state, "error": error, "cause": cause})
            executions.append(run)
    return {"name": account_machine_name(index), "account": account_id(account),
            "region": ACCOUNT_REGIONS[region], "executions": executions}


def accounts_scenario() -> dict[str, Any]:
    """The accounts world's seed scenario: 25 reader roles, 600 state machines, 6,000 executions."""
    rng = random.Random(17)
    return {
        "accounts": [{"id": account_id(a), "role": ACCOUNT_ROLE} for a in range(ACCOUNTS)],
        "stateMachines": [_account_machine(a, r, i, rng)
                          for a in range(ACCOUNTS) for r in range(len(ACCOUNT_REGIONS)) for i in range(ACCOUNT_MACHINES)],
    }


def account_finding(kind: str, job: str, account: str, region: str) -> tuple[str, str]:
    """A finding as the accounts world compares it: (kind, "job account region")."""
    return kind, f"{job} {account} {region}"


def accounts_expected_findings() -> list[tuple[str, str]]:
    """(kind, "job account region"), sorted: the 5 failed runs."""
    return sorted(account_finding("failed", account_machine_name(i), account_id(a), ACCOUNT_REGIONS[r])
                  for a, r, i in ACCOUNT_FAILURES)


def accounts_healthy() -> list[tuple[str, str]]:
    """(account, Region) pairs without a failure on DAY: a quiet night's account and Region."""
    failing = {(account_id(a), ACCOUNT_REGIONS[r]) for a, r, _ in ACCOUNT_FAILURES}
    return [(account_id(a), region) for a in range(ACCOUNTS) for region in ACCOUNT_REGIONS
            if (account_id(a), region) not in failing]


def accounts_config(state_dir: str, overrides: dict[str, str] | None = None) -> str:
    """batchwatch.yml for the accounts world: every account by id with `role_name`, both Regions,
    one job per machine name (checked in every account and Region)."""
    top = {"timezone": TIMEZONE, "region": REGION, "regions": f"[{', '.join(ACCOUNT_REGIONS)}]",
           "role_name": ACCOUNT_ROLE, "include_unscheduled": "true", "state_dir": state_dir, **(overrides or {})}
    lines = [f"{key}: {value}" for key, value in top.items()] + ["accounts:"]
    lines += [f'  - {{name: {account_name(a)}, id: "{account_id(a)}"}}' for a in range(ACCOUNTS)]
    lines.append("jobs:")
    for i in range(ACCOUNT_MACHINES):
        lines += [f"  - name: {account_machine_name(i)}", f"    state_machine: {account_machine_name(i)}",
                  f'    schedule: "{_account_schedule(i)}"', f"    max_duration: {MAX_DURATION_MINUTES}m"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "scenario"
    if what == "scenario":
        json.dump(scenario(), sys.stdout)
        print()
    elif what == "config":
        print(config("/tmp/batchwatch-bench-state"), end="")
    elif what == "drift-scenario":
        json.dump(drift_scenario(), sys.stdout)
        print()
    elif what == "accounts-scenario":
        json.dump(accounts_scenario(), sys.stdout)
        print()
    elif what == "accounts-config":
        print(accounts_config("/tmp/batchwatch-bench-state"), end="")
    elif what == "drift-rules":
        json.dump(drift_rules(), sys.stdout, indent=1)
        print()
    else:
        sys.exit("usage: bench_world.py scenario|config|drift-scenario|drift-rules|accounts-scenario|accounts-config")
