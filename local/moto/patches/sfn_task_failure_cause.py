"""Fix 14: SendTaskFailure keeps its `cause`.

moto 5.2.1's StepFunctionResponse.send_task_failure reads only `taskToken` and `error`, so the task fails with an
empty cause, and a Catch's error output loses why (the deploy machine records it as the rollback reason).
"""

from __future__ import annotations

from ._util import applied, skipped, source_of


def fix_14_sfn_task_failure_cause() -> None:
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    original = StepFunctionResponse.send_task_failure
    if "cause" in source_of(original):
        skipped(14, "StepFunctionResponse.send_task_failure passes the cause upstream")
        return

    def send_task_failure(self):  # type: ignore[no-untyped-def]
        self.stepfunction_backend.send_task_failure(self._get_param("taskToken"), error=self._get_param("error"), cause=self._get_param("cause"))
        return EmptyResult()

    StepFunctionResponse.send_task_failure = send_task_failure  # type: ignore[method-assign]
    applied(14, "SendTaskFailure passes its cause to the execution")
