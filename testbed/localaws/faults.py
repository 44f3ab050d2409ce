"""Injected failures: a seeded rate of 5xx and throttling answers, decided per request.

The WSGI layer asks `FaultInjector.decide(api)` before moto sees a request. The decision is
a pure function of (seed, api, how many calls of that api came before), so a test gets the
same faults on the same calls however its requests interleave across APIs.

Kinds:
- `500`: InternalFailure, HTTP 500 (receiver fault)
- `503`: ServiceUnavailable, HTTP 503 (receiver fault)
- `throttle`: ThrottlingException (JSON protocols) / Throttling (Query), HTTP 400
- `html503`: a proxy's HTML 503, not an AWS body at all

The first three are serialized by moto (see `patches/fault_responses.py`); `html503` is
answered by the WSGI layer itself, as a load balancer in front of AWS would.

Quotas (`QuotaGate`, off by default) are the other decision made before moto is called: a
fixed latency slept before every signed request, and per-API token buckets. A request whose
bucket is empty is answered `throttle` (the service's real throttling error, serialized by
moto) and counted apart from injected faults. Buckets start full when the plan is set.

A plan's `scope` says whose calls share a bucket: `"api"` (the default) one bucket per API for
every caller at once; `"account-region"` one bucket per (account, Region, API), as AWS meters
its quotas. The account is the one the request's access key belongs to (moto's own mapping:
an assumed role's temporary key lives in the role's account), the Region the one in the SigV4
credential scope (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`, in the Authorization
header or a presigned query). The gate also counts, with either scope, the signed requests it
sees (all but fault-injected ones) per (account, Region, API) (`by_account_region`), so a
bench can say what one account and Region cost.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import unquote

KINDS = ("500", "503", "throttle", "html503")


@dataclass(frozen=True)
class Fault:
    """One injected failure: its kind and the error code and status it answers with."""

    kind: str

    def code(self, json_protocol: bool) -> str:
        if self.kind == "throttle":
            return "ThrottlingException" if json_protocol else "Throttling"
        return {"500": "InternalFailure", "503": "ServiceUnavailable"}[self.kind]

    @property
    def status(self) -> int:
        return {"500": 500, "503": 503, "throttle": 400, "html503": 503}[self.kind]

    @property
    def message(self) -> str:
        return {
            "500": "We encountered an internal error. Please try again.",
            "503": "Service is unavailable. Please try again later.",
            "throttle": "Rate exceeded",
            "html503": "Service Unavailable",
        }[self.kind]

    @property
    def sender_fault(self) -> bool:
        return self.kind == "throttle"


@dataclass
class FaultPlan:
    """What to inject: a rate in [0, 1], the kinds to draw from, a seed, optional API filter."""

    rate: float = 0.0
    kinds: tuple[str, ...] = ("500", "503", "throttle")
    seed: int = 0
    apis: frozenset[str] | None = None

    @staticmethod
    def from_json(body: dict) -> "FaultPlan":
        rate = float(body.get("rate", 0))
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        kinds = tuple(body.get("kinds") or ("500", "503", "throttle"))
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; known: {list(KINDS)}")
        apis = body.get("apis")
        return FaultPlan(
            rate=rate,
            kinds=kinds,
            seed=int(body.get("seed", 0)),
            apis=frozenset(apis) if apis else None,
        )


@dataclass
class FaultInjector:
    """Decides, per request, whether to fail it; counts what it injected."""

    plan: FaultPlan = field(default_factory=FaultPlan)
    _seen: Counter = field(default_factory=Counter)
    injected: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, plan: FaultPlan) -> None:
        with self._lock:
            self.plan = plan
            self._seen.clear()
            self.injected.clear()

    def decide(self, api: str) -> Fault | None:
        with self._lock:
            plan = self.plan
            if plan.rate <= 0 or (plan.apis is not None and api not in plan.apis):
                return None
            index = self._seen[api]
            self._seen[api] += 1
            draw = random.Random(f"{plan.seed}:{api}:{index}")
            if draw.random() >= plan.rate:
                return None
            fault = Fault(draw.choice(plan.kinds))
            self.injected[f"{api} {fault.kind}"] += 1
            return fault


@dataclass(frozen=True)
class Bucket:
    """A token bucket's size and how many tokens it regains per second."""

    capacity: float
    refill_per_second: float


SCOPES = ("api", "account-region")


@dataclass(frozen=True)
class QuotaPlan:
    """Latency added to every signed request, the token bucket of each throttled API, and
    whose calls share a bucket (`scope`: "api" or "account-region")."""

    latency_ms: float = 0.0
    buckets: dict[str, Bucket] = field(default_factory=dict)
    scope: str = "api"

    @staticmethod
    def from_json(body: dict) -> "QuotaPlan":
        unknown = set(body) - {"latency_ms", "buckets", "scope"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}; known: ['buckets', 'latency_ms', 'scope']")
        latency = float(body.get("latency_ms", 0))
        if latency < 0:
            raise ValueError("latency_ms must not be negative")
        scope = body.get("scope", "api")
        if scope not in SCOPES:
            raise ValueError(f"scope: expected one of {list(SCOPES)}")
        buckets = {}
        raw = body.get("buckets") or {}
        if not isinstance(raw, dict):
            raise ValueError("buckets: expected an object of API name -> {capacity, refill_per_second}")
        for api, spec in raw.items():
            if not isinstance(spec, dict) or set(spec) - {"capacity", "refill_per_second"}:
                raise ValueError(f"buckets.{api}: expected {{\"capacity\": N, \"refill_per_second\": R}}")
            bucket = Bucket(float(spec.get("capacity", 0)), float(spec.get("refill_per_second", 0)))
            if bucket.capacity < 1 or bucket.refill_per_second < 0:
                raise ValueError(f"buckets.{api}: capacity must be at least 1 and refill_per_second not negative")
            buckets[api] = bucket
        return QuotaPlan(latency, buckets, scope)

    def as_json(self) -> dict:
        plan: dict[str, Any] = {
            "latency_ms": self.latency_ms,
            "buckets": {api: {"capacity": b.capacity, "refill_per_second": b.refill_per_second}
                        for api, b in sorted(self.buckets.items())},
        }
        if self.scope != "api":  # the default is left out, so older answers read the same
            plan["scope"] = self.scope
        return plan


_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/")


def caller(request: Any) -> tuple[str, str]:
    """(account, Region) of a signed request: the account its access key belongs to (moto's
    mapping; "?" when the key is unknown) and the Region of its SigV4 credential scope ("?")."""
    text = (request.header("authorization") or "") if request is not None else ""
    match = _CREDENTIAL.search(text)
    if match is None and request is not None and "X-Amz-Credential=" in request.query:
        match = _CREDENTIAL.search("Credential=" + unquote(request.query.split("X-Amz-Credential=", 1)[1].split("&")[0]))
    if match is None:
        return "?", "?"
    return _account_of(match.group(1)), match.group(2)


_accounts: dict[str, str] = {}  # access key -> account, as moto maps it (keys never move)


def _account_of(access_key: str) -> str:
    account = _accounts.get(access_key)
    if account is None:
        from moto.iam.models import get_account_id_from  # moto is loaded by the server

        account = get_account_id_from(access_key)
        _accounts[access_key] = account
    return account


@dataclass
class QuotaGate:
    """Applies a QuotaPlan: `delay()` sleeps its latency, `admit(api, request)` takes a token from
    the bucket of the API (scope "api") or of the request's (account, Region, API)."""

    plan: QuotaPlan = field(default_factory=QuotaPlan)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    throttled: Counter = field(default_factory=Counter)
    by_account_region: Counter = field(default_factory=Counter)  # (account, Region, API) -> signed requests
    _tokens: dict[Any, float] = field(default_factory=dict)
    _updated: dict[Any, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, plan: QuotaPlan) -> None:
        with self._lock:
            self.plan = plan
            # Buckets are made full on first use; forgetting them all refills every one.
            self._tokens = {}
            self._updated = {}
            self.throttled.clear()
            self.by_account_region.clear()
            _accounts.clear()

    def clear_counts(self) -> None:
        with self._lock:
            self.throttled.clear()
            self.by_account_region.clear()

    def delay(self) -> None:
        """Sleep the plan's latency (every signed request, answered or not)."""
        if self.plan.latency_ms > 0:
            self.sleep(self.plan.latency_ms / 1000.0)

    def admit(self, api: str, request: Any = None) -> bool:
        """Count the request for its (account, Region) and take a token from its bucket; False
        when the bucket is empty (throttle the request)."""
        plan = self.plan
        bucket = plan.buckets.get(api)
        account, region = caller(request) if request is not None else ("?", "?")
        with self._lock:
            self.by_account_region[(account, region, api)] += 1
            if bucket is None:
                return True
            key = (account, region, api) if plan.scope == "account-region" else api
            now = self.clock()
            tokens = min(bucket.capacity,
                         self._tokens.get(key, bucket.capacity)
                         + (now - self._updated.get(key, now)) * bucket.refill_per_second)
            self._updated[key] = now
            if tokens >= 1:
                self._tokens[key] = tokens - 1
                return True
            self._tokens[key] = tokens
            self.throttled[api] += 1
            return False

    def counts_by_account_region(self) -> dict[str, dict[str, int]]:
        """`{"ACCOUNT REGION": {api: count}}` of every signed request since the last clear."""
        with self._lock:
            items = list(self.by_account_region.items())
        out: dict[str, dict[str, int]] = {}
        for (account, region, api), count in sorted(items):
            out.setdefault(f"{account} {region}", {})[api] = count
        return out


_local = threading.local()


def set_pending(fault: Fault | None) -> None:
    """Hand a decided fault to the moto patch serving this thread's request."""
    _local.fault = fault


def take_pending() -> Fault | None:
    """The fault decided for this thread's request, once."""
    fault = getattr(_local, "fault", None)
    _local.fault = None
    return fault
