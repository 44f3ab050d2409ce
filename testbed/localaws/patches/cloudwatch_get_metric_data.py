"""Patch: make CloudWatch GetMetricData answer as CloudWatch does, fast enough for 12,000 runs.

moto 5.2.1's GetMetricData differs from CloudWatch in ways a metrics-first checker notices:
- Period buckets start at the raw StartTime (e.g. 02:00:07), not at StartTime rounded down to
  the minute; datapoint timestamps are not reduced to CloudWatch's one-minute storage
  resolution either, so a run at 02:00:05 and a window starting 02:00:07 disagree with AWS.
- A query with dimensions ignores the namespace, and `Dimension.__lt__` is broken (sorting a
  query's dimensions compares a value with a name); a query without dimensions sums every
  series of that name (CloudWatch matches the exact dimension set: no dimensions = the
  account-level series).
- Metric math: only an expression that is exactly another query's Id works; `SUM(METRICS())`,
  `m1+m2+m3`, `FILL(...)` silently return no datapoints, which reads as "nothing failed".
- No limits: more than 500 queries are accepted; `MaxDatapoints`/`NextToken` are ignored,
  so there is no pagination and `StatusCode` is always `Complete`.
- Every query rescans every datapoint once per period: O(periods x datapoints) per query,
  minutes for 300 queries at 60 s over a day with 12,000 seeded executions.

Here the answer is computed from a per-backend index (namespace, name, exact dimension set ->
datapoints sorted by minute), built incrementally from moto's own `metric_data` list, so
PutMetricData through the API and the test bed's seeding are both seen. What it does:
- StartTime is rounded down to the minute (periods of 60 s and more) or to the period's
  division of the minute (1/5/10/20/30 s); EndTime is exclusive. Buckets are
  `[start + k*period, start + (k+1)*period)`; a bucket with no data has no datapoint. Each
  datapoint's timestamp is its bucket's start. (CloudWatch's coarser rounding of start times
  more than 15/63 days ago, and its retention and downsampling, are not emulated.)
- Stats: Sum, Average, Minimum, Maximum, SampleCount (others: ValidationError). `Unit`
  filters datapoints by unit. Default label: the metric name (expressions: their Id).
- Metric math on the request's own queries: numbers, query Ids, `+ - * /`, parentheses,
  `METRICS()` (the MetricStat queries), `[a, b]`, `SUM|AVG|MIN|MAX(array)` (per timestamp,
  over the series that have a value there), `SUM|AVG|MIN|MAX(series)` (a number),
  `FILL(series or array, number)` (every bucket of the window). Two series combine only at
  timestamps present in both, as CloudWatch does (hence FILL). Anything else is a
  ValidationError naming the unsupported part, never an empty answer.
- At most 500 queries; Ids unique and starting with a lowercase letter; Period 1, 5, 10, 20,
  30 or a multiple of 60.
- Pagination: datapoints of the returned queries, in request order and ScanBy order
  (TimestampDescending by default), are cut into pages of MaxDatapoints (default 100,800).
  Every page lists every returned query, in request order, with that page's datapoints;
  StatusCode is `PartialData` while the query has datapoints on a later page, else
  `Complete`; NextToken is set while any remains. A NextToken is only accepted for the same
  queries, times and ScanBy (else InvalidNextToken). A request with a math expression is not
  paginated ("NextToken is not returned if you are performing a math expression",
  MetricDataResult.StatusCode in the CloudWatch API reference).
The answer is an ActionResult, serialized by moto for the request's protocol.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import math
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Union

from moto.cloudwatch.exceptions import ValidationError
from moto.cloudwatch.models import CloudWatchBackend, MetricAggregatedDatum, MetricDatum
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
STATS = ("Sum", "Average", "Minimum", "Maximum", "SampleCount")
SUB_MINUTE_PERIODS = (1, 5, 10, 20, 30)
ID_PATTERN = re.compile(r"^[a-z][a-zA-Z0-9_]*$")

SeriesKey = tuple[str, str, frozenset]


class InvalidNextToken(ServiceException):
    """CloudWatch's answer to a NextToken it did not issue for this request."""

    code = "InvalidNextToken"


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _minute(value: datetime) -> datetime:
    return _naive_utc(value).replace(second=0, microsecond=0)


# -- the index ---------------------------------------------------------------------------


@dataclass
class _Series:
    """One metric's datapoints, sorted by (minute, arrival)."""

    entries: list[tuple[datetime, int, Any]] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)
    dirty: bool = False

    def add(self, minute: datetime, seq: int, datum: Any) -> None:
        self.entries.append((minute, seq, datum))
        self.dirty = True

    def between(self, start: datetime, end: datetime) -> list[tuple[datetime, int, Any]]:
        if self.dirty:
            self.entries.sort(key=lambda e: (e[0], e[1]))
            self.times = [e[0] for e in self.entries]
            self.dirty = False
        return self.entries[bisect.bisect_left(self.times, start):bisect.bisect_left(self.times, end)]


@dataclass
class _Index:
    """Series by (namespace, name, exact dimension set), fed from the backend's metric_data."""

    indexed: int = 0
    series: dict[SeriesKey, _Series] = field(default_factory=lambda: defaultdict(_Series))

    def catch_up(self, metric_data: list[Any]) -> None:
        for seq in range(self.indexed, len(metric_data)):
            datum = metric_data[seq]
            key = (datum.namespace, datum.name, frozenset((d.name, d.value) for d in datum.dimensions))
            self.series[key].add(_minute(datum.timestamp), seq, datum)
        self.indexed = len(metric_data)


_lock = threading.Lock()


def _datapoints(backend: CloudWatchBackend, key: SeriesKey, start: datetime, end: datetime) -> list[tuple[datetime, Any]]:
    """The series' datapoints (minute, datum) in [start, end), moto's provider metrics included."""
    with _lock:
        index = getattr(backend, "testbed_metric_index", None)
        if index is None:
            index = _Index()
            backend.testbed_metric_index = index  # type: ignore[attr-defined]
        index.catch_up(backend.metric_data)
        stored = [(e[0], e[2]) for e in index.series[key].between(start, end)] if key in index.series else []
    for datum in backend.aws_metric_data:  # moto's computed metrics (S3 sizes): few, unindexed
        minute = _minute(datum.timestamp)
        dims = frozenset((d.name, d.value) for d in datum.dimensions)
        if (datum.namespace, datum.name, dims) == key and start <= minute < end:
            stored.append((minute, datum))
    return stored


# -- statistics -----------------------------------------------------------------------------


def _statistic(stat: str, data: list[Any]) -> float:
    singles = [d.value for d in data if isinstance(d, MetricDatum)]
    aggregated = [d for d in data if isinstance(d, MetricAggregatedDatum)]
    total = sum(singles) + sum(a.sum for a in aggregated)
    count = len(singles) + sum(a.sample_count for a in aggregated)
    if stat == "Sum":
        return float(total)
    if stat == "SampleCount":
        return float(count)
    if stat == "Average":
        return float(total / count)
    if stat == "Minimum":
        return float(min(singles + [a.min for a in aggregated]))
    return float(max(singles + [a.max for a in aggregated]))


@dataclass
class Series:
    """A time series: bucket start -> value, with the period it was computed at."""

    points: dict[datetime, float]
    period: int


Value = Union[float, Series, list[Series]]


@dataclass
class _Window:
    start: datetime  # rounded
    end: datetime

    def buckets(self, period: int) -> list[datetime]:
        count = math.ceil((self.end - self.start).total_seconds() / period)
        return [self.start + timedelta(seconds=k * period) for k in range(count)]


def _round_start(start: datetime, periods: list[int]) -> datetime:
    start = _naive_utc(start).replace(microsecond=0)
    smallest = min(periods) if periods else 60
    if smallest >= 60:
        return start.replace(second=0)
    return start.replace(second=start.second - start.second % smallest)


def _metric_stat_series(backend: CloudWatchBackend, query: dict, window: _Window, path: str) -> Series:
    stat_spec = query["MetricStat"]
    metric = stat_spec.get("Metric") or {}
    stat = stat_spec.get("Stat")
    if stat not in STATS:
        raise ValidationError(f"{path}.MetricStat.Stat: {stat!r} is not supported by the test bed; use one of {list(STATS)}")
    period = _period(stat_spec.get("Period"), f"{path}.MetricStat.Period")
    dims = frozenset((d["Name"], d["Value"]) for d in metric.get("Dimensions") or [])
    key = (metric.get("Namespace"), metric.get("MetricName"), dims)
    unit = stat_spec.get("Unit")
    buckets: dict[datetime, list[Any]] = defaultdict(list)
    for minute, datum in _datapoints(backend, key, window.start, window.end):
        if unit and datum.unit != unit:
            continue
        k = int((minute - window.start).total_seconds() // period)
        buckets[window.start + timedelta(seconds=k * period)].append(datum)
    return Series({at: _statistic(stat, data) for at, data in buckets.items()}, period)


def _period(value: Any, path: str) -> int:
    try:
        period = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"The parameter {path} is required and must be an integer.") from None
    if period <= 0 or (period < 60 and period not in SUB_MINUTE_PERIODS) or (period >= 60 and period % 60):
        raise ValidationError(f"The parameter {path} must be 1, 5, 10, 20, 30, or a multiple of 60.")
    return period


# -- metric math ------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(\"[^\"]*\"|'[^']*')|(.))")
AGGREGATES = {
    "SUM": sum,
    "MAX": max,
    "MIN": min,
    "AVG": lambda values: sum(values) / len(values),
}


class _Expression:
    """A recursive-descent evaluator for the metric math subset named in the module docstring."""

    def __init__(self, text: str, resolve: Any, metrics: Any, window: _Window, path: str) -> None:
        self.tokens = [m for m in _TOKEN.findall(text) if any(m)]
        self.pos = 0
        self.resolve, self.metrics, self.window, self.path = resolve, metrics, window, path
        self.text = text

    def fail(self, why: str) -> ValidationError:
        return ValidationError(f"{self.path}.Expression {self.text!r}: {why}")

    def peek(self) -> str | None:
        if self.pos >= len(self.tokens):
            return None
        return next(part for part in self.tokens[self.pos] if part)

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise self.fail(f"expected {expected or 'more'}, found {token or 'the end'}")
        self.pos += 1
        return token

    def parse(self) -> Value:
        value = self.sum()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return value

    def sum(self) -> Value:
        value = self.product()
        while self.peek() in ("+", "-"):
            op = self.take()
            value = self.combine(op, value, self.product())
        return value

    def product(self) -> Value:
        value = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()
            value = self.combine(op, value, self.unary())
        return value

    def unary(self) -> Value:
        if self.peek() == "-":
            self.take()
            return self.combine("*", -1.0, self.unary())
        return self.primary()

    def primary(self) -> Value:
        token = self.take()
        if token == "(":
            value = self.sum()
            self.take(")")
            return value
        if token == "[":
            items = [self.sum()]
            while self.peek() == ",":
                self.take()
                items.append(self.sum())
            self.take("]")
            if not all(isinstance(i, Series) for i in items):
                raise self.fail("an array holds time series only")
            return items  # type: ignore[return-value]
        if re.fullmatch(r"\d+(?:\.\d*)?|\.\d+", token):
            return float(token)
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token):
            if self.peek() == "(":
                return self.call(token)
            return self.resolve(token)
        raise self.fail(f"unexpected {token!r}")

    def call(self, name: str) -> Value:
        self.take("(")
        args: list[Value] = []
        if self.peek() != ")":
            args.append(self.sum())
            while self.peek() == ",":
                self.take()
                args.append(self.sum())
        self.take(")")
        if name == "METRICS" and not args:
            return self.metrics()
        if name in AGGREGATES and len(args) == 1:
            return self.aggregate(name, args[0])
        if name == "FILL" and len(args) == 2 and isinstance(args[1], float):
            return self.fill(args[0], args[1])
        raise self.fail(f"{name}() with these arguments is not supported by the test bed")

    def aggregate(self, name: str, arg: Value) -> Value:
        function = AGGREGATES[name]
        if isinstance(arg, Series):
            if not arg.points:
                raise self.fail(f"{name}() of a series without datapoints")
            return float(function(list(arg.points.values())))
        if isinstance(arg, list):
            stamps = sorted({t for s in arg for t in s.points})
            period = min((s.period for s in arg), default=60)
            return Series({t: float(function([s.points[t] for s in arg if t in s.points])) for t in stamps}, period)
        raise self.fail(f"{name}() of a number")

    def fill(self, arg: Value, value: float) -> Value:
        if isinstance(arg, list):
            return [self.fill(s, value) for s in arg]  # type: ignore[misc]
        if not isinstance(arg, Series):
            raise self.fail("FILL() of a number")
        return Series({t: arg.points.get(t, value) for t in self.window.buckets(arg.period)}, arg.period)

    def combine(self, op: str, left: Value, right: Value) -> Value:
        def apply(a: float, b: float) -> float | None:
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            return None if b == 0 else a / b

        def series(points: dict[datetime, float | None], period: int) -> Series:
            return Series({t: v for t, v in points.items() if v is not None}, period)

        if isinstance(left, list) or isinstance(right, list):
            if isinstance(left, list) and isinstance(right, float):
                return [self.combine(op, s, right) for s in left]  # type: ignore[misc]
            if isinstance(right, list) and isinstance(left, float):
                return [self.combine(op, left, s) for s in right]  # type: ignore[misc]
            raise self.fail("arithmetic between an array and a series is not supported by the test bed")
        if isinstance(left, float) and isinstance(right, float):
            result = apply(left, right)
            if result is None:
                raise self.fail("division by zero")
            return result
        if isinstance(left, Series) and isinstance(right, Series):
            shared = left.points.keys() & right.points.keys()
            return series({t: apply(left.points[t], right.points[t]) for t in shared}, left.period)
        if isinstance(left, Series):
            return series({t: apply(v, right) for t, v in left.points.items()}, left.period)  # type: ignore[arg-type]
        return series({t: apply(left, v) for t, v in right.points.items()}, right.period)  # type: ignore[arg-type, union-attr]


# -- the call ---------------------------------------------------------------------------------


def _returns(query: dict) -> bool:
    value = query.get("ReturnData", True)
    return str(value).lower() != "false"


def _validate(queries: list[dict]) -> None:
    if not queries:
        raise ValidationError("The parameter MetricDataQueries is required.")
    if len(queries) > MAX_QUERIES:
        raise ValidationError(f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}.")
    seen: set[str] = set()
    for i, query in enumerate(queries, start=1):
        query_id = query.get("Id") or ""
        if not ID_PATTERN.match(query_id):
            raise ValidationError(
                f"The value {query_id!r} for parameter MetricDataQueries.member.{i}.Id is not valid: "
                "it must start with a lowercase letter and contain only letters, numbers and underscores."
            )
        if query_id in seen:
            raise ValidationError(f"The value {query_id!r} for parameter MetricDataQueries.member.{i}.Id is not unique.")
        seen.add(query_id)
        if ("MetricStat" in query) == ("Expression" in query):
            raise ValidationError(
                f"Exactly one of MetricDataQueries.member.{i}.MetricStat and .Expression must be given."
            )
        if "Expression" in query and query["Expression"].lstrip().upper().startswith("SELECT"):
            raise ValidationError(f"MetricDataQueries.member.{i}.Expression: Metrics Insights queries are not supported by the test bed.")


def _request_hash(queries: list[dict], start: datetime, end: datetime, scan_by: str) -> str:
    canonical = json.dumps([queries, start.isoformat(), end.isoformat(), scan_by], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _token(offset: int, request: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset, "request": request}).encode()).decode()


def _offset(token: str, request: str) -> int:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset = int(decoded["offset"])
        issued_for = decoded["request"]
    except (ValueError, KeyError, TypeError):
        raise InvalidNextToken("The service cannot read the NextToken.") from None
    if issued_for != request:
        raise InvalidNextToken("The NextToken was issued for another request.")
    return offset


def get_metric_data(self: CloudWatchResponse) -> ActionResult:
    params = self._get_params()
    queries: list[dict] = params.get("MetricDataQueries") or []
    _validate(queries)
    raw_start, end = _naive_utc(params["StartTime"]), _naive_utc(params["EndTime"])
    scan_by = params.get("ScanBy") or "TimestampDescending"
    periods = [
        _period(q["MetricStat"].get("Period"), f"MetricDataQueries.member.{i}.MetricStat.Period")
        for i, q in enumerate(queries, start=1) if "MetricStat" in q
    ]
    window = _Window(_round_start(raw_start, periods), end.replace(microsecond=0))
    if window.start >= window.end:
        raise ValidationError("The parameter StartTime must be less than the parameter EndTime.")
    max_datapoints = int(params.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS)
    if max_datapoints < 1:
        raise ValidationError("The parameter MaxDatapoints must be greater than 0.")

    backend: CloudWatchBackend = self.cloudwatch_backend
    by_id = {q["Id"]: (i, q) for i, q in enumerate(queries, start=1)}
    values: dict[str, Value] = {}
    evaluating: set[str] = set()

    def resolve(query_id: str) -> Value:
        if query_id in values:
            return values[query_id]
        if query_id not in by_id:
            raise ValidationError(f"The expression refers to {query_id!r}, which is no query Id of this request.")
        if query_id in evaluating:
            raise ValidationError(f"The expression of {query_id!r} refers to itself.")
        i, query = by_id[query_id]
        path = f"MetricDataQueries.member.{i}"
        evaluating.add(query_id)
        if "MetricStat" in query:
            values[query_id] = _metric_stat_series(backend, query, window, path)
        else:
            values[query_id] = _Expression(
                query["Expression"], resolve, metrics, window, path
            ).parse()
        evaluating.discard(query_id)
        return values[query_id]

    def metrics() -> list[Series]:
        return [resolve(q["Id"]) for q in queries if "MetricStat" in q]  # type: ignore[misc]

    results = []
    for i, query in enumerate(queries, start=1):
        if not _returns(query):
            continue
        value = resolve(query["Id"])
        if not isinstance(value, Series):
            raise ValidationError(
                f"MetricDataQueries.member.{i}.Expression: must return one time series "
                "(the test bed does not return numbers or arrays)"
            )
        stamps = sorted(value.points, reverse=scan_by == "TimestampDescending")
        if "MetricStat" in query:
            label = query.get("Label") or query["MetricStat"]["Metric"].get("MetricName")
        else:
            label = query.get("Label") or query["Id"]
        results.append((query["Id"], label, stamps, [value.points[t] for t in stamps]))

    has_math = any("Expression" in q for q in queries)
    request = _request_hash(queries, raw_start, end, scan_by)
    offset = _offset(params["NextToken"], request) if params.get("NextToken") else 0
    limit = sum(len(r[2]) for r in results) if has_math else max_datapoints
    page_end = offset + limit
    answer, before = [], 0
    for query_id, label, stamps, vals in results:
        low, high = max(offset - before, 0), max(min(page_end - before, len(stamps)), 0)
        low = min(low, len(stamps))
        answer.append({
            "Id": query_id,
            "Label": label,
            "Timestamps": stamps[low:high],
            "Values": vals[low:high],
            "StatusCode": "PartialData" if high < len(stamps) else "Complete",
        })
        before += len(stamps)
    result: dict[str, Any] = {"MetricDataResults": answer, "Messages": []}
    if page_end < before:
        result["NextToken"] = _token(page_end, request)
    return ActionResult(result)


def apply() -> None:
    """Replace moto's GetMetricData with the indexed, CloudWatch-faithful one."""
    CloudWatchResponse.get_metric_data = get_metric_data  # type: ignore[method-assign]
