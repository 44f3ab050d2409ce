"""Patch: DescribeAlarms returns composite alarms only when AlarmTypes asks for them.

moto 5.2.1 always returns both MetricAlarms and CompositeAlarms. AWS returns only metric
alarms when AlarmTypes is omitted, and exactly the listed types when it is given. A client
that forgets `AlarmTypes=CompositeAlarm` would pass against moto and miss every composite
alarm against AWS; with this patch it fails here too.
"""

from __future__ import annotations

from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

_describe_alarms = CloudWatchResponse.describe_alarms


def describe_alarms(self: CloudWatchResponse) -> ActionResult:
    result = _describe_alarms(self)
    wanted = self._get_param("AlarmTypes") or ["MetricAlarm"]
    for alarm_type, key in (("MetricAlarm", "MetricAlarms"), ("CompositeAlarm", "CompositeAlarms")):
        if alarm_type not in wanted:
            result.result[key] = []  # type: ignore[index]
    return result


def apply() -> None:
    """Install the AlarmTypes filter on moto's DescribeAlarms."""
    CloudWatchResponse.describe_alarms = describe_alarms  # type: ignore[method-assign]
