"""What scripts/demo runs: a private test bed, the demo night, one `batchwatch check`.

    python3 testbed/worlds/demo.py --binary .build/debug/batchwatch [--format text|json|markdown|slack|sns|html]

Prints the digest batchwatch writes on stdout, then what its exit status means. Exits 0 when
batchwatch answered 0 or 1 (the demo night has problems, so 1 is the expected answer), and
with batchwatch's status otherwise. The test bed stops when this process ends, however it ends.

    python3 testbed/worlds/demo.py serve -- COMMAND [ARGS...]

Seeds the same world and runs COMMAND while the test bed is up (cron/test-wrapper-demo.sh uses
it), then exits with COMMAND's status. COMMAND gets the caller's environment without any AWS_
variable, plus these (also printed on stderr):
    BATCHWATCH_DEMO_CONFIG    the demo configuration (batchwatch.yml)
    BATCHWATCH_DEMO_ENV_FILE  an env file (mode 600, KEY=value lines) with the test bed's AWS
                              endpoint, credentials and region: the only place they are given
    BATCHWATCH_DEMO_ENDPOINT  the test bed's URL, for its /_testbed/ control calls
    BATCHWATCH_DEMO_DATE, BATCHWATCH_DEMO_NOW   the --date and --now the demo checks with
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import demo_night  # noqa: E402
from testbed import LocalTestbed  # noqa: E402

EXIT_MEANINGS = {
    0: "everything was checked and nothing is wrong",
    1: "problems were found (the demo configures no Slack or SNS, so nothing was posted)",
    2: "usage or configuration error: nothing was checked",
    3: "the check is incomplete (an AWS call failed after retries), or a digest could not be delivered",
}


def main() -> int:
    if sys.argv[1:2] == ["serve"]:
        return serve(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="the batchwatch executable")
    parser.add_argument("--format", default="text", choices=["text", "json", "markdown", "slack", "sns", "html"])
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    began = time.monotonic()
    with LocalTestbed() as bed, tempfile.TemporaryDirectory(prefix="batchwatch-demo-") as workdir:
        credentials, config_path = seed_world(bed, workdir)
        command = [args.binary, "check", "--config", config_path, "--date", demo_night.DAY.isoformat(),
                   "--now", demo_night.NOW.isoformat(), "--format", args.format]
        log("$ batchwatch " + " ".join(command[1:]).replace(config_path, "batchwatch.yml"))
        sys.stdout.flush()
        status = subprocess.run(command, env=bed.aws_environment(credentials, demo_night.REGION)).returncode

    meaning = EXIT_MEANINGS.get(status, "unexpected (crashed or killed?)")
    if args.format in ("text", "markdown"):
        print(f"\nexit status {status}: {meaning}")
    else:  # keep stdout exactly what batchwatch printed
        log(f"exit status {status}: {meaning}")
    log(f"demo done in {time.monotonic() - began:.1f} s; the test bed is stopped")
    return 0 if status in (0, 1) else status


def serve(argv: list[str]) -> int:
    """`serve -- COMMAND...`: the demo world stays up while COMMAND runs; returns its status."""
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        sys.exit("usage: demo.py serve -- COMMAND [ARGS...]")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with LocalTestbed() as bed, tempfile.TemporaryDirectory(prefix="batchwatch-demo-") as workdir:
        credentials, config_path = seed_world(bed, workdir)
        env_path = os.path.join(workdir, "env")
        aws_settings = {k: v for k, v in bed.aws_environment(credentials, demo_night.REGION).items()
                        if k.startswith("AWS_")}
        descriptor = os.open(env_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.writelines(f"{key}={value}\n" for key, value in aws_settings.items())
        environment = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        environment.update(
            BATCHWATCH_DEMO_CONFIG=config_path,
            BATCHWATCH_DEMO_ENV_FILE=env_path,
            BATCHWATCH_DEMO_ENDPOINT=bed.endpoint,
            BATCHWATCH_DEMO_DATE=demo_night.DAY.isoformat(),
            BATCHWATCH_DEMO_NOW=demo_night.NOW.isoformat(),
        )
        log(f"env file (AWS settings, mode 600): {env_path}")
        log("$ " + shlex.join(command))
        return subprocess.run(command, env=environment).returncode


def seed_world(bed: LocalTestbed, workdir: str) -> tuple[dict[str, Any], str]:
    """Resets the test bed, seeds the demo night and writes its configuration into workdir
    (state in workdir/state); returns the new credentials and the configuration's path."""
    credentials = bed.reset()
    seeded = bed.seed(demo_night.scenario())
    create_rules(bed, credentials, seeded["stateMachines"])
    config_path = os.path.join(workdir, "batchwatch.yml")
    with open(config_path, "w", encoding="utf-8") as handle:
        handle.write(demo_night.config(os.path.join(workdir, "state")))
    log(f"test bed at {bed.endpoint}: seeded {len(seeded['stateMachines'])} state machines, "
        f"{len(seeded['executions'])} executions, {len(seeded['alarms'])} alarms in {demo_night.REGION}")
    log(f"configuration: {config_path} ({len(demo_night.JOBS)} jobs, {demo_night.TIMEZONE})")
    return credentials, config_path


def create_rules(bed: LocalTestbed, credentials: dict[str, Any], machine_arns: dict[str, str]) -> None:
    """Creates the demo's EventBridge rules (demo_night.RULES) with signed PutRule and PutTargets
    calls (boto3, installed with moto by scripts/bootstrap), as an operator's stack would."""
    import boto3

    events = boto3.client("events", region_name=demo_night.REGION, endpoint_url=bed.endpoint,
                          aws_access_key_id=credentials["access_key_id"],
                          aws_secret_access_key=credentials["secret_access_key"])
    for rule in demo_night.RULES:
        events.put_rule(Name=rule["name"], ScheduleExpression=rule["schedule"], State=rule["state"])
        events.put_targets(Rule=rule["name"], Targets=[{
            "Id": "machine", "Arn": machine_arns[rule["machine"]],
            "RoleArn": f"arn:aws:iam::{credentials.get('account', '123456789012')}:role/events"}])


def log(message: str) -> None:
    print(f"demo: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
