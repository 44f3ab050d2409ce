"""The WSGI layer in front of moto: records each raw request, counts calls per API, injects
faults, and serves the test bed's own control endpoints under `/_testbed/`.

Control endpoints (JSON in, JSON out):
  POST /_testbed/reset         {"deny": ["states:GetExecutionHistory", ...]}  -> credentials
  POST /_testbed/seed          scenario (see README)                          -> created ARNs
  GET  /_testbed/calls                                                        -> counts per API
  POST /_testbed/calls/reset
  POST /_testbed/faults        {"rate": 0.2, "kinds": [...], "seed": 7, "apis": [...]}
  POST /_testbed/quotas        {"latency_ms": 30, "buckets": {"states:ListExecutions": {...}}, "scope": "account-region"}
  GET  /_testbed/health
"""

from __future__ import annotations

import io
import json
import threading
from collections import Counter
from typing import Any, Callable, Iterable

from werkzeug.test import Client

from . import faults, iam_setup, rawrequest, seed
from .apinames import api_name

Handler = Callable[[dict], tuple[int, Any]]


class TestbedApp:
    """WSGI application wrapping moto's DomainDispatcherApplication."""

    def __init__(self, moto_app: Any, endpoint: str = "") -> None:
        self.moto_app = moto_app
        self.endpoint = endpoint
        self.calls: Counter[str] = Counter()
        self.injector = faults.FaultInjector()
        self.quotas = faults.QuotaGate()
        self.identity: iam_setup.Identity | None = None
        self._lock = threading.Lock()
        self._moto_client = Client(moto_app)
        self._routes: dict[tuple[str, str], Handler] = {
            ("POST", "/_testbed/reset"): self._reset,
            ("POST", "/_testbed/seed"): self._seed,
            ("GET", "/_testbed/calls"): self._calls,
            ("POST", "/_testbed/calls/reset"): self._calls_reset,
            ("POST", "/_testbed/faults"): self._faults,
            ("POST", "/_testbed/quotas"): self._quotas,
            ("GET", "/_testbed/health"): lambda _: (200, {"status": "ok"}),
        }

    # -- moto's own control endpoints, called in-process -------------------------------

    def _moto_api(self, path: str, body: str = "") -> None:
        response = self._moto_client.post(path, data=body, content_type="text/plain")
        if response.status_code != 200:
            raise RuntimeError(f"moto {path} answered {response.status_code}: {response.text}")

    def reset(self, deny: list[str]) -> iam_setup.Identity:
        """Reset every moto backend, recreate the test identity, and turn SigV4 auth on."""
        with self._lock:
            self._moto_api("/moto-api/reset-auth", "inf")
            self._moto_api("/moto-api/reset")
            self.identity = iam_setup.provision(deny)
            self.calls.clear()
            self.injector.configure(faults.FaultPlan())
            self.quotas.configure(faults.QuotaPlan())
            # 0 = no unauthenticated requests: every request from now on is verified.
            self._moto_api("/moto-api/reset-auth", "0")
            return self.identity

    # -- control handlers --------------------------------------------------------------

    def _reset(self, body: dict) -> tuple[int, Any]:
        deny = body.get("deny", [])
        if not isinstance(deny, list) or not all(isinstance(d, str) for d in deny):
            return 400, {"error": "deny: expected a list of IAM action names"}
        return 200, self.reset(deny).as_json()

    def _seed(self, body: dict) -> tuple[int, Any]:
        try:
            return 200, seed.seed(body, self.endpoint)
        except seed.ScenarioError as error:
            return 400, {"error": str(error)}

    def _calls(self, _: dict) -> tuple[int, Any]:
        return 200, {
            "calls": dict(sorted(self.calls.items())),
            "total": sum(self.calls.values()),
            "faults": dict(sorted(self.injector.injected.items())),
            "throttled": dict(sorted(self.quotas.throttled.items())),
            "by_account_region": self.quotas.counts_by_account_region(),
        }

    def _calls_reset(self, _: dict) -> tuple[int, Any]:
        self.calls.clear()
        self.injector.injected.clear()
        self.quotas.clear_counts()
        return 200, {"status": "ok"}

    def _faults(self, body: dict) -> tuple[int, Any]:
        try:
            plan = faults.FaultPlan.from_json(body)
        except (ValueError, TypeError) as error:
            return 400, {"error": str(error)}
        self.injector.configure(plan)
        return 200, {"rate": plan.rate, "kinds": list(plan.kinds), "seed": plan.seed,
                     "apis": sorted(plan.apis) if plan.apis else None}

    def _quotas(self, body: dict) -> tuple[int, Any]:
        try:
            plan = faults.QuotaPlan.from_json(body)
        except (ValueError, TypeError) as error:
            return 400, {"error": str(error)}
        self.quotas.configure(plan)
        return 200, plan.as_json()

    # -- WSGI --------------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_testbed/"):
            return self._control(environ, path, body, start_response)

        request = rawrequest.RawRequest.from_environ(environ, body)
        api = api_name(request)
        fault = None
        if api is not None:
            with self._lock:
                self.calls[api] += 1
            fault = self.injector.decide(api)
            self.quotas.delay()
            if fault is None and not self.quotas.admit(api, request):
                fault = faults.Fault("throttle")
        if fault is not None and fault.kind == "html503":
            page = b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
            start_response("503 Service Unavailable",
                           [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
            return [page]
        rawrequest.set_current(request)
        faults.set_pending(fault)
        try:
            return list(self.moto_app(environ, start_response))
        finally:
            rawrequest.set_current(None)
            faults.set_pending(None)

    def _control(self, environ: dict, path: str, body: bytes, start_response: Callable) -> Iterable[bytes]:
        handler = self._routes.get((environ["REQUEST_METHOD"], path))
        if handler is None:
            status, payload = 404, {"error": f"no test bed endpoint {environ['REQUEST_METHOD']} {path}"}
        else:
            try:
                parsed = json.loads(body) if body.strip() else {}
            except json.JSONDecodeError as error:
                parsed, status, payload = None, 400, {"error": f"body is not JSON: {error}"}
            if parsed is not None and not isinstance(parsed, dict):
                status, payload = 400, {"error": "body must be a JSON object"}
            elif parsed is not None:
                status, payload = handler(parsed)
        data = json.dumps(payload, default=str).encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
        start_response(f"{status} {reason}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]
