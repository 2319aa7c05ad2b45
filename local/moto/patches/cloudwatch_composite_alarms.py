"""Fix 17: composite alarms exist, and DescribeAlarms returns only the alarm types it is asked for, as in CloudWatch.

moto 5.2.1 has no PutCompositeAlarm ("not been implemented"), although its alarm model keeps a composite alarm's
rule (`Alarm.rule`) and DescribeAlarms already splits alarms with a rule into `CompositeAlarms`. It also ignores
`AlarmTypes` and returns both lists; CloudWatch returns metric alarms only unless `AlarmTypes` names
`CompositeAlarm` (API_DescribeAlarms: "If you omit this parameter, only metric alarms are returned, even if
composite alarms exist in the account"). Without this fix, code that forgets `AlarmTypes` would read composite
alarms here and miss them in AWS.

PutCompositeAlarm is served by moto's own PutMetricAlarm handler, which reads `AlarmRule` for this purpose; the
alarm then starts in moto's initial state and changes by SetAlarmState (moto evaluates no alarm rules).
"""

from __future__ import annotations

import functools

from ._util import applied, skipped, source_of

ALARM_TYPES = ("MetricAlarm", "CompositeAlarm")


def fix_17_cloudwatch_composite_alarms() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    if getattr(CloudWatchResponse.describe_alarms, "__harbormaster_patched__", False):
        return
    if hasattr(CloudWatchResponse, "put_composite_alarm") or "AlarmTypes" in source_of(CloudWatchResponse.describe_alarms):
        skipped(17, "moto already implements PutCompositeAlarm or DescribeAlarms AlarmTypes")
        return
    if "AlarmRule" not in source_of(CloudWatchResponse.put_metric_alarm):
        skipped(17, "moto's PutMetricAlarm no longer reads AlarmRule; composite alarms stay unsupported")
        return

    original_describe = CloudWatchResponse.describe_alarms

    @functools.wraps(original_describe)
    def describe_alarms(self):  # type: ignore[no-untyped-def]
        answer = original_describe(self)
        wanted = self._get_param("AlarmTypes") or ["MetricAlarm"]
        result = answer.result
        if "MetricAlarm" not in wanted:
            result["MetricAlarms"] = []
        if "CompositeAlarm" not in wanted:
            result["CompositeAlarms"] = []
        return answer

    describe_alarms.__harbormaster_patched__ = True  # type: ignore[attr-defined]
    CloudWatchResponse.describe_alarms = describe_alarms  # type: ignore[method-assign]
    CloudWatchResponse.put_composite_alarm = CloudWatchResponse.put_metric_alarm  # type: ignore[attr-defined]
    applied(17, "PutCompositeAlarm, and DescribeAlarms honours AlarmTypes (metric alarms only when omitted)")
