"""Patch: give moto's CloudWatch the DescribeAlarmHistory call it lacks.

moto 5.2.1 implements PutMetricAlarm, PutCompositeAlarm, DescribeAlarms and SetAlarmState,
but not DescribeAlarmHistory, so a client cannot see when an alarm went into ALARM. This adds:
- a history list on each moto Alarm (`testbed_history`), filled by the test bed's seeding
  (with real, past timestamps) and by every SetAlarmState (`Alarm.update_state`), in AWS's
  StateUpdate shape: HistorySummary "Alarm updated from OK to ALARM" and HistoryData JSON
  with oldState/newState {stateValue, stateReason, stateReasonData};
- `CloudWatchResponse.describe_alarm_history`, which filters by AlarmName, AlarmTypes,
  HistoryItemType, StartDate/EndDate (inclusive), orders by ScanBy (TimestampDescending by
  default, as AWS), and pages by MaxRecords/NextToken with moto's paginator. The answer is an
  ActionResult, so moto's model-driven serializer writes it in the request's protocol (Query
  XML, JSON or CBOR): no response text is written here.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timezone
from typing import Any

from moto.cloudwatch.models import Alarm, cloudwatch_backends
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.utilities.paginator import paginate

_ids = itertools.count(1)

PAGINATION = {
    "alarm_history": {
        "input_token": "next_token",
        "limit_key": "max_records",
        "limit_default": 100,
        "unique_attribute": "testbed_id",
    }
}


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def alarm_type(alarm: Alarm) -> str:
    """MetricAlarm or CompositeAlarm, as AWS names them."""
    return "CompositeAlarm" if alarm.rule is not None else "MetricAlarm"


def record_state_update(
    alarm: Alarm,
    timestamp: datetime,
    old_state: str,
    new_state: str,
    new_reason: str,
    new_reason_data: Any = None,
    old_reason: str | None = None,
    old_reason_data: Any = None,
) -> dict[str, Any]:
    """Append one StateUpdate item, in AWS's shape, to the alarm's history."""

    def state(value: str, reason: str | None, data: Any) -> dict[str, Any]:
        entry: dict[str, Any] = {"stateValue": value, "stateReason": reason or ""}
        if data:
            entry["stateReasonData"] = json.loads(data) if isinstance(data, str) else data
        return entry

    item = {
        "testbed_id": next(_ids),
        "AlarmName": alarm.name,
        "AlarmType": alarm_type(alarm),
        "Timestamp": _naive_utc(timestamp),
        "HistoryItemType": "StateUpdate",
        "HistorySummary": f"Alarm updated from {old_state} to {new_state}",
        "HistoryData": json.dumps(
            {
                "version": "1.0",
                "oldState": state(old_state, old_reason, old_reason_data),
                "newState": state(new_state, new_reason, new_reason_data),
            }
        ),
    }
    history(alarm).append(item)
    return item


def history(alarm: Alarm) -> list[dict[str, Any]]:
    """The alarm's history items, created empty on first use."""
    if not hasattr(alarm, "testbed_history"):
        alarm.testbed_history = []  # type: ignore[attr-defined]
    return alarm.testbed_history  # type: ignore[attr-defined, no-any-return]


@paginate(pagination_model=PAGINATION)
def alarm_history(
    account_id: str,
    region: str,
    alarm_name: str | None,
    alarm_types: tuple[str, ...] | None,
    item_type: str | None,
    start: datetime | None,
    end: datetime | None,
    ascending: bool,
) -> list[dict[str, Any]]:
    """Every matching history item of the region's alarms, ordered by timestamp."""
    items = []
    for alarm in cloudwatch_backends[account_id][region].alarms.values():
        if alarm_name and alarm.name != alarm_name:
            continue
        for item in history(alarm):
            if alarm_types and item["AlarmType"] not in alarm_types:
                continue
            if item_type and item["HistoryItemType"] != item_type:
                continue
            if start and item["Timestamp"] < start:
                continue
            if end and item["Timestamp"] > end:
                continue
            items.append(item)
    items.sort(key=lambda i: (i["Timestamp"], i["testbed_id"]), reverse=not ascending)
    return items


def describe_alarm_history(self: CloudWatchResponse) -> ActionResult:
    start = self._get_param("StartDate")
    end = self._get_param("EndDate")
    alarm_types = self._get_param("AlarmTypes")
    items, next_token = alarm_history(
        account_id=self.current_account,
        region=self.region,
        alarm_name=self._get_param("AlarmName"),
        alarm_types=tuple(alarm_types) if alarm_types else None,
        item_type=self._get_param("HistoryItemType"),
        start=_naive_utc(start) if start else None,
        end=_naive_utc(end) if end else None,
        ascending=self._get_param("ScanBy") == "TimestampAscending",
        max_records=self._get_int_param("MaxRecords"),
        next_token=self._get_param("NextToken"),
    )
    result: dict[str, Any] = {"AlarmHistoryItems": items}
    if next_token:
        result["NextToken"] = next_token
    return ActionResult(result)


_update_state = Alarm.update_state


def update_state(self: Alarm, reason: str, reason_data: str, state_value: str) -> None:
    old = (self.state_value, self.state_reason, self.state_reason_data)
    _update_state(self, reason, reason_data, state_value)
    record_state_update(
        self,
        utcnow(),
        old[0],
        state_value,
        reason,
        reason_data,
        old_reason=old[1],
        old_reason_data=old[2],
    )


def apply() -> None:
    """Add DescribeAlarmHistory and state-change recording to moto's CloudWatch."""
    CloudWatchResponse.describe_alarm_history = describe_alarm_history  # type: ignore[attr-defined]
    Alarm.update_state = update_state  # type: ignore[method-assign]
