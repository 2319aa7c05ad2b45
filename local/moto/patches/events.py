"""Fix 7: EventBridge rules deliver to Lambda and Step Functions targets.

moto 5.2.1's Rule.send_to_targets raises NotImplementedError for Lambda/SFN targets (PutEvents
answers 500), delivers for DISABLED rules, and treats a schedule-only rule (no pattern) as matching
every event. Lambda targets become an async Invoke POSTed to
the local runtime on MOTO_PORT; Step Functions targets start an execution in moto's own
Step Functions backend. Delivery happens before PutEvents answers: the async Invoke is accepted
(202) at once by the runtime, which then tracks the invocation, so "PutEvents returned, runtime
idle" means every matching target has run. A background pool here would leave a window in which
nothing is in flight yet and tests would read state too early.
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import traceback
import urllib.parse
import urllib.request
from typing import Any

from ._util import applied, log, skipped, source_of

def _iso_time(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    elif isinstance(value, (int, float)) or (isinstance(value, str) and value.replace(".", "", 1).isdigit()):
        moment = datetime.datetime.fromtimestamp(float(value), tz=datetime.timezone.utc)
    elif isinstance(value, str):
        return value
    else:
        moment = datetime.datetime.now(tz=datetime.timezone.utc)
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _event_json(event: dict[str, Any]) -> dict[str, Any]:
    """The event as EventBridge delivers it to targets."""
    return {
        "version": event.get("version", "0"),
        "id": event.get("id"),
        "detail-type": event.get("detail-type"),
        "source": event.get("source"),
        "account": event.get("account"),
        "time": _iso_time(event.get("time")),
        "region": event.get("region"),
        "resources": event.get("resources", []),
        "detail": event.get("detail", {}),
    }


def _target_input(target: dict[str, Any], event: dict[str, Any], original_event: dict[str, Any]) -> Any:
    """Honour Input / InputPath / InputTransformer as EventBridge does."""
    if target.get("Input") is not None:
        try:
            return json.loads(target["Input"])
        except ValueError:
            return target["Input"]
    if target.get("InputPath"):
        from jsonpath_ng.ext import parse

        matches = parse(target["InputPath"]).find(event)
        return matches[0].value if matches else None
    transformer = target.get("InputTransformer")
    if transformer and transformer.get("InputTemplate"):
        from moto.events.utils import EventTemplateParser

        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=original_event,  # type: ignore[arg-type]
        )
    return event


def _invoke_lambda(arn: str, payload: Any) -> None:
    port = os.environ.get("MOTO_PORT")
    if not port:
        raise RuntimeError("MOTO_PORT is not set; cannot deliver to Lambda targets")
    # arn:aws:lambda:region:account:function:name[:qualifier]
    parts = arn.split(":")
    name = parts[6] if len(parts) > 6 else arn
    qualifier = parts[7] if len(parts) > 7 else None
    url = f"http://127.0.0.1:{port}/2015-03-31/functions/{urllib.parse.quote(name, safe='')}/invocations"
    if qualifier:
        url += f"?Qualifier={urllib.parse.quote(qualifier, safe='')}"
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", "X-Amz-Invocation-Type": "Event"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def _start_execution(arn: str, payload: Any) -> None:
    from moto.stepfunctions.responses import get_backend

    parts = arn.split(":")
    region, account = parts[3], parts[4]
    get_backend(account, region).start_execution(arn, None, json.dumps(payload))


def _deliver(kind: str, arn: str, payload: Any) -> None:
    try:
        if kind == "lambda":
            _invoke_lambda(arn, payload)
        else:
            _start_execution(arn, payload)
    except Exception as error:  # noqa: BLE001 - a failed delivery must never crash moto
        log(f"EventBridge delivery to {arn} failed: {error!r}")
        traceback.print_exc()


def fix_7_events_targets() -> None:
    from moto.events import models as events_models

    rule_cls = events_models.Rule
    original = getattr(rule_cls, "send_to_targets", None)
    if original is None:
        skipped(7, "moto.events.models.Rule.send_to_targets not found")
        return
    src = source_of(original)
    if 'arn.service == "lambda"' in src or "arn.service == 'lambda'" in src or '"states"' in src:
        skipped(7, "Rule.send_to_targets already handles Lambda/Step Functions targets")
        return

    def send_to_targets(self, original_event, transform_input=True):  # type: ignore[no-untyped-def]
        if getattr(self, "state", "ENABLED") == "DISABLED":
            return
        # moto matches an empty pattern to every event, so a schedule-only rule fired on every PutEvents;
        # in EventBridge a rule without a pattern is driven by its schedule alone.
        if not self.event_pattern.get_pattern():
            return
        if not self.event_pattern.matches_event(original_event):
            return
        ours, others = [], []
        for target in self.targets:
            service = str(target.get("Arn", "")).split(":")[2:3]
            (ours if service in (["lambda"], ["states"]) else others).append(target)
        if ours:
            event = _event_json(original_event)
            for target in ours:
                arn = target["Arn"]
                try:
                    payload = _target_input(target, event, original_event)
                except Exception as error:  # noqa: BLE001
                    log(f"EventBridge input for target {arn} failed: {error!r}")
                    continue
                kind = "lambda" if arn.split(":")[2] == "lambda" else "states"
                _deliver(kind, arn, payload)
        if others:
            rest = copy.copy(self)
            rest.targets = others
            try:
                original(rest, original_event, transform_input)
            except NotImplementedError:
                log(f"EventBridge rule {self.name}: moto cannot deliver to targets "
                    + ", ".join(t.get("Arn", "?") for t in others))

    rule_cls.send_to_targets = send_to_targets
    applied(7, "EventBridge Lambda targets -> async Invoke on MOTO_PORT, SFN targets -> StartExecution, DISABLED and schedule-only rules skipped")
