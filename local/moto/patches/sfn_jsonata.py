"""Fix 4: JSONata evaluation for moto's Step Functions executor.

Upstream (localstack) evaluates JSONata in a JVM bridge; moto 5.2.1 leaves the evaluator as
None, so every JSONata state fails with "'NoneType' object is not callable". We delegate
evaluation to an HTTP endpoint (HARBORMASTER_JSONATA_URL) served by the npm `jsonata` package:
  POST {"expression": str, "bindings": {name: value}}
  -> 200 {"result": value} | 200 {"undefined": true} | 400 {"error": message}
moto composes each expression with its variable declarations inlined
("($states := {...}; $x := ...; <expr>)"), so bindings are sent empty.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any

from ._util import applied, rebind_everywhere, skipped, source_of

_JSONATA_MODULE = "moto.stepfunctions.parser.asl.jsonata.jsonata"
_URL_ENV = "HARBORMASTER_JSONATA_URL"


def _evaluate_over_http(expression: str, exception_cls: type[Exception]) -> Any:
    url = os.environ.get(_URL_ENV)
    if not url:
        raise exception_cls("States.QueryEvaluationError", f"{_URL_ENV} is not set; cannot evaluate JSONata")  # type: ignore[call-arg]
    payload = json.dumps({"expression": expression, "bindings": {}}).encode("utf-8")
    request = urllib.request.Request(
        url, data=payload, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as http_error:
        text = http_error.read().decode("utf-8", "replace")
        try:
            message = json.loads(text).get("error") or text
        except ValueError:
            message = text
        raise exception_cls("States.QueryEvaluationError", str(message))  # type: ignore[call-arg]
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise exception_cls("States.QueryEvaluationError", f"JSONata endpoint {url} failed: {error}")  # type: ignore[call-arg]
    if body.get("undefined"):
        return None
    return body.get("result")


def _encode_declarations(bindings: dict[str, Any]) -> str:
    # Same output as moto's encoder, but string values are JSON-escaped (moto wraps them in
    # bare quotes, so a value containing '"' or '\\' breaks the expression).
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    parts: list[str] = []
    for reference, value in bindings.items():
        literal = json.dumps(value) if isinstance(value, str) else to_json_str(value, separators=(",", ":"))
        parts.extend([reference, ":=", literal, ";"])
    return "".join(parts)


def fix_4_jsonata() -> None:
    import importlib

    jsonata = importlib.import_module(_JSONATA_MODULE)
    original_eval = getattr(jsonata, "eval_jsonata_expression", None)
    if original_eval is None:
        skipped(4, "eval_jsonata_expression not found")
        return
    if "_eval_jsonata = None" not in source_of(original_eval):
        skipped(4, "eval_jsonata_expression has a real evaluator")
        return
    exception_cls = jsonata.JSONataException

    # Load every module that imports the helpers by name before rebinding them.
    importlib.import_module("moto.stepfunctions.parser.asl.component.common.string.string_expression")
    importlib.import_module("moto.stepfunctions.parser.asl.jsonata.validations")
    importlib.import_module("moto.stepfunctions.parser.asl.eval.states")
    importlib.import_module("moto.stepfunctions.parser.asl.eval.variable_store")

    def eval_jsonata_expression(jsonata_expression: str) -> Any:
        return _evaluate_over_http(jsonata_expression, exception_cls)

    n_eval = rebind_everywhere("moto.stepfunctions", "eval_jsonata_expression", original_eval, eval_jsonata_expression)

    original_encode = jsonata.encode_jsonata_variable_declarations
    n_encode = 0
    if "f'\"{value}\"'" in source_of(original_encode):
        n_encode = rebind_everywhere(
            "moto.stepfunctions", "encode_jsonata_variable_declarations", original_encode, _encode_declarations
        )

    _wrap_jsonata_errors(exception_cls)
    applied(4, f"JSONata evaluated via POST {os.environ.get(_URL_ENV) or '(unset ' + _URL_ENV + ')'} "
               f"({n_eval} call sites; {n_encode} declaration encoders fixed)")


def _wrap_jsonata_errors(exception_cls: type[Exception]) -> None:
    # Evaluation errors must fail the state with States.QueryEvaluationError (catchable),
    # not escape as an internal error.
    from moto.stepfunctions.parser.api import EvaluationFailedEventDetails, HistoryEventType
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
        StatesErrorName,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.common.string import string_expression
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    def wrap(cls: Any) -> None:
        original = cls._eval_body

        def _eval_body(self, env):  # type: ignore[no-untyped-def]
            try:
                return original(self, env)
            except exception_cls as error:
                error_name = StatesErrorName(typ=StatesErrorNameType.StatesQueryEvaluationError)
                details = getattr(error, "details", None) or str(error)
                raise FailureEventException(
                    failure_event=FailureEvent(
                        env=env,
                        error_name=error_name,
                        event_type=HistoryEventType.EvaluationFailed,
                        event_details=EventDetails(
                            evaluationFailedEventDetails=EvaluationFailedEventDetails(
                                error=error_name.error_name,
                                cause=f"An error occurred while executing the state '{env.next_state_name}'. "
                                f"The JSONata expression '{getattr(self, 'expression', '')}' failed: {details}",
                            )
                        ),
                    )
                ) from error

        cls._eval_body = _eval_body

    for name in ("StringJSONata", "StringVariableSample"):
        cls = getattr(string_expression, name, None)
        if cls is not None:
            wrap(cls)
