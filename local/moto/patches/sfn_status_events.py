"""Fixes 15 and 16: a stopped execution is ABORTED, and executions emit "Step Functions Execution Status Change".

15. StopExecution ends an execution FAILED (States.Runtime) instead of ABORTED: the stop reaches a Map's iterations,
    whose abort handling raises (it reads the stop's error string as a dict), and the root environment's set_error
    then overwrites the stopped program state. AWS never turns a stopped execution into a failed one, so a stopped
    program keeps its state against later set_error/set_timed_out calls. And a stop does not wake a task waiting for
    its token (`.waitForTaskToken`), so such an execution stayed RUNNING: the stop now interrupts those waits.
16. moto emits no Step Functions events. AWS puts one on the default bus for each status of a Standard workflow's
    execution (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED). This puts them through moto's own EventBridge
    backend, in the execution's thread, *before* the terminal status becomes visible to DescribeExecution: fix 7
    hands Lambda targets to the local runtime synchronously, so whoever sees the execution end and then waits for
    the runtime to be idle also sees what the event triggered. The shape is the one AWS documents
    (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html, "Execution Aborted" and siblings).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from ._util import applied, log, skipped, source_of

DETAIL_TYPE = "Step Functions Execution Status Change"


def fix_15_stop_is_aborted() -> None:
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.asl.eval.program_state import ProgramStopped

    if "ProgramStopped" in source_of(Environment.set_error):
        skipped(15, "Environment.set_error already keeps a stopped program stopped")
        return

    def keep_stopped(original):  # type: ignore[no-untyped-def]
        def guarded(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            if isinstance(self._program_state, ProgramStopped):
                return None
            return original(self, *args, **kwargs)

        return guarded

    original_set_stop = Environment.set_stop

    def set_stop(self, stop_date, cause, error):  # type: ignore[no-untyped-def]
        original_set_stop(self, stop_date=stop_date, cause=cause, error=error)
        # A task waiting for its token (or a heartbeat) would otherwise keep the stopped execution RUNNING.
        for endpoint in list(self.callback_pool_manager._pool.values()):
            endpoint.interrupt_all()

    Environment.set_error = keep_stopped(Environment.set_error)  # type: ignore[method-assign]
    Environment.set_timed_out = keep_stopped(Environment.set_timed_out)  # type: ignore[method-assign]
    Environment.set_stop = set_stop  # type: ignore[method-assign]
    applied(15, "a stopped execution stays ABORTED (set_error/set_timed_out leave a stopped program alone) and stops waiting for task tokens")


def _epoch_ms(moment: Any) -> int | None:
    if not isinstance(moment, datetime.datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return int(moment.timestamp() * 1000)


def _emit(execution: Any, status: str, stop_date: datetime.datetime | None, output: Any = None) -> None:
    """One status change on the default bus of the execution's account and region; never raises into the executor."""
    try:
        from moto.events.models import events_backends
        from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

        detail = {
            "executionArn": execution.exec_arn,
            "stateMachineArn": execution.state_machine.arn,
            "name": execution.name,
            "status": status,
            "startDate": _epoch_ms(execution.start_date),
            "stopDate": _epoch_ms(stop_date),
            "input": to_json_str(execution.input_data, separators=(",", ":")),
            "output": None if output is None else to_json_str(output, separators=(",", ":")),
        }
        backend = events_backends[execution.account_id][execution.region_name]
        backend.put_events(
            [
                {
                    "Source": "aws.states",
                    "DetailType": DETAIL_TYPE,
                    "Detail": json.dumps(detail),
                    "Resources": [execution.exec_arn],
                    # Seconds since the epoch, as moto's own PutEvents stores event times.
                    "Time": (stop_date or execution.start_date).timestamp(),
                }
            ]
        )
    except Exception as error:  # noqa: BLE001 - an event that cannot be put must not break the execution
        log(f"{DETAIL_TYPE} ({status}) for {getattr(execution, 'exec_arn', '?')} failed: {error!r}")


def _is_standard(execution: Any) -> bool:
    # Express workflows send no execution events to EventBridge.
    return str(getattr(execution.sm_type, "value", execution.sm_type)) == "STANDARD"


def fix_16_execution_status_events() -> None:
    from moto.stepfunctions.parser.asl.eval.program_state import (
        ProgramEnded,
        ProgramError,
        ProgramStopped,
        ProgramTimedOut,
    )
    from moto.stepfunctions.parser.backend import execution as execution_module

    comm_cls = execution_module.BaseExecutionWorkerCommunication
    execution_cls = execution_module.Execution
    if "put_events" in source_of(comm_cls.terminated) or "put_events" in source_of(execution_cls.start):
        skipped(16, "executions already emit status change events")
        return
    original_terminated = comm_cls.terminated
    original_start = execution_cls.start

    def terminated(self):  # type: ignore[no-untyped-def]
        execution = self.execution
        if _is_standard(execution):
            env = execution.exec_worker.env
            program_state = env.program_state()
            status, output = None, None
            if isinstance(program_state, ProgramEnded):
                status, output = "SUCCEEDED", env.states.get_input()
            elif isinstance(program_state, ProgramStopped):
                status = "ABORTED"
            elif isinstance(program_state, ProgramError):
                status = "FAILED"
            elif isinstance(program_state, ProgramTimedOut):
                status = "TIMED_OUT"
            if status:
                _emit(execution, status, datetime.datetime.now(tz=datetime.timezone.utc), output)
        original_terminated(self)

    def start(self):  # type: ignore[no-untyped-def]
        if self.exec_worker is None and _is_standard(self):
            _emit(self, "RUNNING", None)
        original_start(self)

    comm_cls.terminated = terminated  # type: ignore[method-assign]
    execution_cls.start = start  # type: ignore[method-assign]
    applied(16, "executions put Step Functions Execution Status Change events (RUNNING, then the terminal status before it is visible)")
