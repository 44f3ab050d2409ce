"""What scripts/bench runs: the bench world (bench_world.py) checked by the release binary.

    python3 testbed/worlds/bench.py --binary .build/release/batchwatch [--mode listing] [--runs 3]

For each mode it runs `batchwatch check --date DAY --now NOW --format json` against a private
test bed and prints the wall time, the peak memory (the child's own max RSS, from wait4), the
findings and the calls per API as the test bed counted them, and the mode's targets next to
the measured values, each marked met or not met. It prints and does not assert: it exits 0
unless a run itself fails (exit status 2 or 3, or output that is not the JSON document).

A mode is a configuration overlay plus its targets (MODES below). Issue 7 adds a second mode
(metrics: auto, with the throttle quotas and latency of a real Region in front of the test
bed); the calls table already has one column per mode.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_world  # noqa: E402
from testbed import LocalTestbed  # noqa: E402


@dataclass
class Measurement:
    """What one mode measured (medians over the runs for time; the maximum for memory)."""

    wall_seconds: float
    peak_rss_bytes: int
    cpu_seconds: float  # the batchwatch process's user + system time, median over the runs
    exit_status: int
    findings: list[tuple[str, str]]  # (kind, job), sorted
    calls: dict[str, int]
    total_calls: int
    busy_list_executions: int  # ListExecutions of the 2,500-run machine, checked alone
    state_machines: int

    @property
    def calls_per_state_machine(self) -> float:
        return self.total_calls / self.state_machines


@dataclass
class Target:
    """A target from the issue: a measured value against a limit."""

    label: str
    measure: Callable[[Measurement], float]
    limit: float
    strict: bool  # True: measured < limit; False: measured <= limit
    show: Callable[[float], str]
    show_limit: Callable[[float], str]

    def met(self, measurement: Measurement) -> bool:
        value = self.measure(measurement)
        return value < self.limit if self.strict else value <= self.limit

    def limit_text(self) -> str:
        return ("< " if self.strict else "≤ ") + self.show_limit(self.limit)


@dataclass
class Mode:
    """One way of running the check: a configuration overlay and the targets it must meet."""

    name: str
    description: str
    config_overrides: dict[str, str]
    targets: list[Target]
    prepare: Callable[[LocalTestbed], None] = field(default=lambda bed: None)  # e.g. quotas, latency


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def mebibytes(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"


def number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def plain(value: float) -> str:
    return f"{value:g}"


def whole_seconds(value: float) -> str:
    return f"{value:g} s"


def whole_mebibytes(value: float) -> str:
    return f"{value / 2**20:g} MiB"


MODES = {
    "listing": Mode(
        name="listing",
        description="metrics: off, ListExecutions for every state machine (issue 3)",
        config_overrides={"metrics": "off"},
        targets=[
            Target("ListExecutions, 2,500-run machine", lambda m: m.busy_list_executions, 2, False, number, plain),
            Target("calls per state machine", lambda m: m.calls_per_state_machine, 1.2, False, number, plain),
            Target("peak memory", lambda m: m.peak_rss_bytes, 64 * 2**20, True, mebibytes, whole_mebibytes),
            Target("wall time", lambda m: m.wall_seconds, 10, True, seconds, whole_seconds),
        ],
    ),
}


class RunFailed(RuntimeError):
    """batchwatch did not complete a check (exit 2/3, or no JSON document)."""


@dataclass
class CheckRun:
    """One batchwatch check as the bench saw it."""

    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    exit_status: int
    document: dict[str, Any]


def run_check(binary: str, config_path: str, environment: dict[str, str], workdir: str) -> CheckRun:
    """Runs one check, timed, with the child's own resource usage (wait4)."""
    command = [binary, "check", "--config", config_path, "--date", bench_world.DAY.isoformat(),
               "--now", bench_world.NOW.isoformat(), "--format", "json"]
    out_path, err_path = os.path.join(workdir, "stdout.json"), os.path.join(workdir, "stderr.log")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        began = time.monotonic()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=environment)
        _, wait_status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - began
    process.returncode = os.waitstatus_to_exitcode(wait_status)
    with open(out_path, encoding="utf-8") as handle:
        output = handle.read()
    with open(err_path, encoding="utf-8", errors="replace") as handle:
        errors = handle.read()
    try:
        document = json.loads(output)
    except json.JSONDecodeError:
        raise RunFailed(f"exit {process.returncode}, stdout is not JSON:\n{output[:2000]}\n{errors[-2000:]}") from None
    if process.returncode not in (0, 1):
        raise RunFailed(f"exit {process.returncode} (status {document.get('status')}):\n"
                        + json.dumps([f for f in document.get("findings", []) if f.get("kind") == "check_error"][:5], indent=1)
                        + f"\n{errors[-2000:]}")
    return CheckRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, process.returncode, document)


def measure(mode: Mode, bed: LocalTestbed, credentials: dict[str, Any], binary: str, runs: int, workdir: str) -> Measurement:
    mode.prepare(bed)
    environment = bed.aws_environment(credentials, bench_world.REGION)
    state_dir = os.path.join(workdir, "state")
    config_path = os.path.join(workdir, f"bench-{mode.name}.yml")
    with open(config_path, "w", encoding="utf-8") as handle:
        handle.write(bench_world.config(state_dir, mode.config_overrides))
    checks = []
    for _ in range(runs):
        bed.reset_calls()
        checks.append(run_check(binary, config_path, environment, workdir))
        calls = bed.calls()
    last = checks[-1]
    findings = sorted((finding["kind"], finding["job"]) for finding in last.document["findings"])

    # The test bed counts calls per API, not per state machine: check the busy machine alone.
    busy_config = os.path.join(workdir, f"bench-{mode.name}-busy.yml")
    with open(busy_config, "w", encoding="utf-8") as handle:
        handle.write(bench_world.config(state_dir, mode.config_overrides, only=[bench_world.BUSY]))
    bed.reset_calls()
    run_check(binary, busy_config, environment, workdir)
    busy_calls = bed.calls()["calls"].get("states:ListExecutions", 0)

    return Measurement(
        wall_seconds=statistics.median(c.wall_seconds for c in checks),
        peak_rss_bytes=max(c.peak_rss_bytes for c in checks),
        cpu_seconds=statistics.median(c.cpu_seconds for c in checks), exit_status=last.exit_status,
        findings=findings, calls=calls["calls"], total_calls=calls["total"],
        busy_list_executions=busy_calls, state_machines=last.document["checked"]["state_machines"],
    )


def print_report(results: dict[str, Measurement], seeded: int, machines: int, seed_seconds: float, runs: int) -> None:
    print(f"batchwatch bench: {machines} state machines, {seeded:,} executions (seeded in {seed_seconds:.1f} s), "
          f"checked day {bench_world.DAY} {bench_world.TIMEZONE}, now {bench_world.NOW.isoformat()}")
    print(f"wall time: median of {runs} run{'s' if runs != 1 else ''}; peak memory: the largest max RSS of the batchwatch process")
    expected = bench_world.expected_findings()
    for name, result in results.items():
        print(f"\nmode {name}: {MODES[name].description}")
        kinds = Counter(kind for kind, _ in result.findings)
        found = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items())) or "none"
        verdict = "as expected" if result.findings == expected else "NOT as expected"
        print(f"  exit status {result.exit_status}; findings: {len(result.findings)} ({found}) — {verdict}")
        if result.findings != expected:
            print(f"    unexpected: {sorted(set(result.findings) - set(expected))}")
            print(f"    not found:  {sorted(set(expected) - set(result.findings))}")
        print(f"  batchwatch CPU time (user + system): {result.cpu_seconds:.2f} s")

    names = list(results)
    apis = sorted({api for result in results.values() for api in result.calls})
    width = max([len(api) for api in apis] + [len("total")]) + 2
    print("\ncalls per API (counted by the test bed):")
    print("  " + "".ljust(width) + "".join(name.rjust(12) for name in names))
    for api in apis:
        print("  " + api.ljust(width) + "".join(str(results[n].calls.get(api, 0)).rjust(12) for n in names))
    print("  " + "total".ljust(width) + "".join(str(results[n].total_calls).rjust(12) for n in names))

    for name, result in results.items():
        print(f"\ntargets, mode {name}:")
        rows = [("target", "measured", "limit", "")]
        for target in MODES[name].targets:
            rows.append((target.label, target.show(target.measure(result)), target.limit_text(),
                         "met" if target.met(result) else "NOT MET"))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            print("  " + "  ".join(row[i].ljust(widths[i]) for i in range(3)) + "  " + row[3])
        print(f"  (calls per state machine: {result.total_calls} calls / {result.state_machines} state machines read;"
              f" the 2,500-run machine's ListExecutions: counted in a second check of that machine alone)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the batchwatch executable (release build)")
    parser.add_argument("--mode", action="append", choices=sorted(MODES), help="mode to run (repeatable; default: all)")
    parser.add_argument("--runs", type=int, default=3, help="checks per mode; the wall time is their median")
    args = parser.parse_args()
    modes = args.mode or list(MODES)

    with LocalTestbed() as bed, tempfile.TemporaryDirectory(prefix="batchwatch-bench-") as workdir:
        credentials = bed.reset()
        scenario = bench_world.scenario()
        began = time.monotonic()
        seeded = bed.seed(scenario)
        seed_seconds = time.monotonic() - began
        results = {}
        for name in modes:
            print(f"bench: mode {name}, {args.runs} run(s)…", file=sys.stderr, flush=True)
            try:
                results[name] = measure(MODES[name], bed, credentials, args.binary, args.runs, workdir)
            except RunFailed as error:
                print(f"bench: mode {name}: the check failed: {error}", file=sys.stderr)
                return 1
    print_report(results, len(seeded["executions"]), len(seeded["stateMachines"]), seed_seconds, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
