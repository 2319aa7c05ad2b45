"""Fixes 1 and 2: StartExecution in moto's Step Functions parser backend."""

from __future__ import annotations

import copy as _copy
import types
import uuid

from ._util import applied, skipped, source_of


def fix_1_deepcopy_state_machine() -> None:
    # getmoto/moto#10077 (fixed after 5.2.1): start_execution deep-copies the state machine,
    # which references the backend and its live executions (threads, RLocks), so every
    # StartExecution after the first fails with "cannot pickle '_thread.RLock' object".
    # Seed the deepcopy memo: the backend is shared and the clone's executions start empty.
    from moto.stepfunctions.models import StateMachine
    from moto.stepfunctions.parser import models as parser_models

    src = source_of(parser_models.StepFunctionsParserBackend.start_execution)
    if "copy.deepcopy(state_machine)" not in src:
        skipped(1, "start_execution no longer deep-copies the state machine")
        return
    if not isinstance(getattr(parser_models, "copy", None), types.ModuleType):
        skipped(1, "moto.stepfunctions.parser.models.copy is not the copy module")
        return

    def deepcopy(obj, memo=None):  # type: ignore[no-untyped-def]
        if memo is None:
            memo = {}
        if isinstance(obj, StateMachine):
            backend = getattr(obj, "backend", None)
            if backend is not None:
                memo[id(backend)] = backend
            executions = getattr(obj, "executions", None)
            if isinstance(executions, list):
                memo[id(executions)] = []
            for version in (getattr(obj, "versions", None) or {}).values():
                version_execs = getattr(version, "executions", None)
                if isinstance(version_execs, list):
                    memo[id(version_execs)] = []
        return _copy.deepcopy(obj, memo)

    shim = types.SimpleNamespace(deepcopy=deepcopy, copy=_copy.copy)
    parser_models.copy = shim  # type: ignore[assignment]
    applied(1, "StartExecution deep copy shares the backend and starts with no executions")


def fix_2_default_execution_name() -> None:
    # StartExecution without `name` names every execution "None"; the second one then fails
    # with ExecutionAlreadyExists. AWS generates a UUID.
    from moto.stepfunctions.parser import models as parser_models

    backend_cls = parser_models.StepFunctionsParserBackend
    original = backend_cls.start_execution
    src = source_of(original)
    if "exec_name = name" not in src or "uuid" in src:
        skipped(2, "start_execution already handles a missing name")
        return

    def start_execution(self, state_machine_arn, name=None, execution_input=None, trace_header=None):  # type: ignore[no-untyped-def]
        if not name:
            name = str(uuid.uuid4())
        return original(
            self,
            state_machine_arn,
            name=name,
            execution_input=execution_input,
            trace_header=trace_header,
        )

    backend_cls.start_execution = start_execution
    applied(2, "StartExecution without name uses a UUID")
