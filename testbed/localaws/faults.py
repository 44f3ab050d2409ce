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
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

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


@dataclass(frozen=True)
class QuotaPlan:
    """Latency added to every signed request, and the token bucket of each throttled API."""

    latency_ms: float = 0.0
    buckets: dict[str, Bucket] = field(default_factory=dict)

    @staticmethod
    def from_json(body: dict) -> "QuotaPlan":
        unknown = set(body) - {"latency_ms", "buckets"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}; known: ['buckets', 'latency_ms']")
        latency = float(body.get("latency_ms", 0))
        if latency < 0:
            raise ValueError("latency_ms must not be negative")
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
        return QuotaPlan(latency, buckets)

    def as_json(self) -> dict:
        return {
            "latency_ms": self.latency_ms,
            "buckets": {api: {"capacity": b.capacity, "refill_per_second": b.refill_per_second}
                        for api, b in sorted(self.buckets.items())},
        }


@dataclass
class QuotaGate:
    """Applies a QuotaPlan: `delay()` sleeps its latency, `admit(api)` takes a token from the API's bucket."""

    plan: QuotaPlan = field(default_factory=QuotaPlan)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    throttled: Counter = field(default_factory=Counter)
    _tokens: dict[str, float] = field(default_factory=dict)
    _updated: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def configure(self, plan: QuotaPlan) -> None:
        with self._lock:
            self.plan = plan
            now = self.clock()
            self._tokens = {api: b.capacity for api, b in plan.buckets.items()}
            self._updated = {api: now for api in plan.buckets}
            self.throttled.clear()

    def delay(self) -> None:
        """Sleep the plan's latency (every signed request, answered or not)."""
        if self.plan.latency_ms > 0:
            self.sleep(self.plan.latency_ms / 1000.0)

    def admit(self, api: str) -> bool:
        """Take a token from the API's bucket; False when it is empty (throttle the request)."""
        bucket = self.plan.buckets.get(api)
        if bucket is None:
            return True
        with self._lock:
            now = self.clock()
            tokens = min(bucket.capacity,
                         self._tokens.get(api, bucket.capacity)
                         + (now - self._updated.get(api, now)) * bucket.refill_per_second)
            self._updated[api] = now
            if tokens >= 1:
                self._tokens[api] = tokens - 1
                return True
            self._tokens[api] = tokens
            self.throttled[api] += 1
            return False


_local = threading.local()


def set_pending(fault: Fault | None) -> None:
    """Hand a decided fault to the moto patch serving this thread's request."""
    _local.fault = fault


def take_pending() -> Fault | None:
    """The fault decided for this thread's request, once."""
    fault = getattr(_local, "fault", None)
    _local.fault = None
    return fault
