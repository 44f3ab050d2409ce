"""A private test bed for the demo and the bench: ../server.py started as a child process.

The server's stdin is a pipe this process holds, started with --exit-on-stdin-eof, so the
server stops when this process ends, however it ends. `scripts/testbed start` (the shared
one in .testbed/) is left alone: resetting it would wipe whatever someone else seeded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from typing import Any

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server.py")


class TestbedError(RuntimeError):
    """The test bed did not start, or a control call failed."""


class LocalTestbed:
    """The test bed as a context manager: started on enter, stopped on exit."""

    def __init__(self, python: str = sys.executable) -> None:
        self.python = python
        self.process: subprocess.Popen[str] | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="batchwatch-testbed-", suffix=".log", delete=False)
        self.ready: dict[str, Any] = {}

    def __enter__(self) -> "LocalTestbed":
        self.process = subprocess.Popen(
            [self.python, SERVER, "--exit-on-stdin-eof"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            self.stop()
            raise TestbedError(f"the test bed did not start; its log: {self.log_tail()}")
        self.ready = json.loads(line)
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stops the server (closing its stdin is enough; terminate if it lingers)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(timeout=10)
        self.log.close()
        os.unlink(self.log.name)

    def log_tail(self, lines: int = 20) -> str:
        self.log.flush()
        with open(self.log.name, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])

    @property
    def endpoint(self) -> str:
        return self.ready["endpoint"]

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Calls a control endpoint: POST with a JSON body, or GET without one."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.endpoint + path, data=data, method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise TestbedError(f"{path}: HTTP {error.code}: {error.read().decode(errors='replace')}") from None

    def reset(self) -> dict[str, Any]:
        """Wipes everything; returns the new credentials."""
        return self.control("/_testbed/reset", {})

    def seed(self, scenario: dict[str, Any]) -> dict[str, Any]:
        return self.control("/_testbed/seed", scenario)

    def calls(self) -> dict[str, Any]:
        return self.control("/_testbed/calls")

    def reset_calls(self) -> None:
        self.control("/_testbed/calls/reset", {})

    def aws_environment(self, credentials: dict[str, Any], region: str) -> dict[str, str]:
        """The process environment for batchwatch: this test bed's endpoint and credentials,
        and none of the caller's own AWS settings (profiles, tokens, other endpoints)."""
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BATCHWATCH_"))}
        environment.update(
            AWS_ENDPOINT_URL=self.endpoint,
            AWS_ACCESS_KEY_ID=credentials["access_key_id"],
            AWS_SECRET_ACCESS_KEY=credentials["secret_access_key"],
            AWS_REGION=region,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return environment
