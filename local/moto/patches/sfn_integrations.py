"""Fixes 3, 6 and 8: service integrations of moto's Step Functions executor."""

from __future__ import annotations

import datetime
import os
import threading
from typing import Any

from ._util import applied, skipped, source_of

_SERVICE_MODULE = (
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service"
)


def _datetimes_to_iso(value: Any) -> Any:
    """Replace datetimes (in place for containers) by ISO-8601 strings."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, dict):
        for key, item in list(value.items()):
            value[key] = _datetimes_to_iso(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _datetimes_to_iso(item)
    return value


class _OperationModels:
    """botocore operation models looked up by (boto service name, any-cased action)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._session: Any = None
        self._services: dict[str, tuple[Any, dict[str, str]]] = {}

    def get(self, service_name: str, action: str) -> Any:
        from moto.stepfunctions.parser.utils import camel_to_snake_case

        with self._lock:
            entry = self._services.get(service_name)
            if entry is None:
                if self._session is None:
                    import botocore.session

                    self._session = botocore.session.get_session()
                model = self._session.get_service_model(service_name)
                names = {camel_to_snake_case(op): op for op in model.operation_names}
                entry = (model, names)
                self._services[service_name] = entry
        model, names = entry
        operation = names.get(camel_to_snake_case(action))
        if operation is None:
            return None
        return model.operation_model(operation)


_MODELS = _OperationModels()


def fix_3_normalise_parameters_and_response() -> None:
    # The ported interpreter (localstack) maps request members through botocore's input
    # shape (AWS-style "Cluster" -> boto3 "cluster") and response members through the output
    # shape ("taskDefinition" -> "TaskDefinition"); moto 5.2.1 ships both as stubs, so
    # PascalCase parameters raise KeyError/ParamValidation and responses keep boto casing.
    # Responses also keep datetime objects, which make DescribeExecution/GetExecutionHistory 500.
    import importlib
    import logging

    module = importlib.import_module(_SERVICE_MODULE)
    cls = module.StateTaskService
    log = logging.getLogger("moto-launcher.sfn")

    def is_stub(fn: Any) -> bool:
        # True when the function body is a bare `pass` (docstrings aside).
        import ast
        import textwrap

        try:
            tree = ast.parse(textwrap.dedent(source_of(fn)))
        except SyntaxError:
            return False
        body = [n for n in tree.body[0].body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]  # type: ignore[attr-defined]
        return len(body) == 1 and isinstance(body[0], ast.Pass)

    if not (is_stub(cls._normalise_parameters) and is_stub(cls._normalise_response)):
        skipped(3, "_normalise_parameters/_normalise_response are implemented upstream")
        return
    for needed in ("_to_boto_request", "_from_boto_response", "_get_boto_service_name", "_get_boto_service_action"):
        if not hasattr(cls, needed):
            skipped(3, f"StateTaskService.{needed} is missing")
            return

    def operation_model(self: Any, boto_service_name: str | None, service_action_name: str | None) -> Any:
        service = self._get_boto_service_name(boto_service_name=boto_service_name)
        action = self._get_boto_service_action(service_action_name=service_action_name)
        try:
            return _MODELS.get(service, action)
        except Exception as error:  # unknown service: let the call itself fail later
            log.debug("no botocore model for %s.%s: %s", service, action, error)
            return None

    def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):  # type: ignore[no-untyped-def]
        if not isinstance(parameters, dict):
            return
        op = operation_model(self, boto_service_name, service_action_name)
        if op is not None and op.input_shape is not None:
            self._to_boto_request(parameters, op.input_shape)

    def _normalise_response(self, response, boto_service_name=None, service_action_name=None):  # type: ignore[no-untyped-def]
        _datetimes_to_iso(response)
        if not isinstance(response, dict):
            return
        op = operation_model(self, boto_service_name, service_action_name)
        if op is not None and op.output_shape is not None:
            self._from_boto_response(response, op.output_shape)

    cls._normalise_parameters = _normalise_parameters
    cls._normalise_response = _normalise_response
    applied(3, "service integration parameters/responses mapped through botocore models")


_EXTRA_SERVICE_NAMES = {
    "sfn": "stepfunctions",
    "states": "stepfunctions",
    "elasticloadbalancingv2": "elbv2",
    "elasticloadbalancing": "elb",
    "applicationautoscaling": "application-autoscaling",
    "cloudwatchlogs": "logs",
    "cloudwatchevents": "events",
    "eventbridge": "events",
    "apigatewayv2": "apigatewayv2",
    "secretsmanager": "secretsmanager",
    "scheduler": "scheduler",
}


def fix_8_service_name_overrides() -> None:
    # Real Step Functions names aws-sdk integrations by the SDK service id in lower case
    # (aws-sdk:elasticloadbalancingv2:...), moto hands the name straight to boto3, which only
    # knows elbv2 / application-autoscaling / logs / events.
    import importlib

    module = importlib.import_module(_SERVICE_MODULE)
    overrides = getattr(module.StateTaskService, "_SERVICE_NAME_SFN_TO_BOTO_OVERRIDES", None)
    if not isinstance(overrides, dict):
        skipped(8, "StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES not found")
        return
    missing = {k: v for k, v in _EXTRA_SERVICE_NAMES.items() if k not in overrides and k != v}
    if not missing:
        skipped(8, "service name overrides already present")
        return
    overrides.update(missing)
    applied(8, "aws-sdk service names " + ", ".join(f"{k}->{v}" for k, v in sorted(missing.items())))


def fix_6_lambda_endpoint() -> None:
    # The executor calls Lambda (and every other service) at http://localhost:$MOTO_PORT.
    # Nothing to patch in 5.2.1 beyond checking that: the proxy on MOTO_PORT answers Invoke,
    # and `X-Amz-Function-Error: Unhandled` + {errorType} become FunctionError ->
    # LambdaFunctionErrorException -> task failure with Error = errorType (moto's own _from_error).
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.utils import boto_client

    src = source_of(boto_client.boto_client_for)
    port = os.environ.get("MOTO_PORT")
    if "moto_server_port()" not in src:
        skipped(6, "boto_client_for no longer uses MOTO_PORT; check where the executor sends Lambda calls")
        return
    if "FunctionError" not in source_of(lambda_eval_utils):
        skipped(6, "lambda_eval_utils no longer maps FunctionError; check Lambda error handling")
        return
    if not port:
        skipped(6, "MOTO_PORT is not set: executor service calls go to moto's default port 5000")
        return
    applied(6, f"executor service calls (Lambda Invoke included) go to http://localhost:{port} (checked, no patch needed)")
    _cache_boto_clients(boto_client)


def _cache_boto_clients(boto_client: Any) -> None:
    # Performance only: boto_client_for builds a new boto3 client (~35 ms) for every task.
    # It ignores the credentials argument and botocore clients are thread-safe, so one client
    # per (region, service) is equivalent.
    import importlib
    import pkgutil

    original = boto_client.boto_client_for
    if "state_credentials" not in source_of(original) or "botocore_stubber.enabled" not in source_of(original):
        return
    cache: dict[tuple[str, str, bool], Any] = {}
    lock = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        from moto.core.models import botocore_stubber

        key = (region, service, bool(botocore_stubber.enabled))
        client = cache.get(key)
        if client is None:
            with lock:
                client = cache.get(key)
                if client is None:
                    client = original(region=region, service=service, state_credentials=state_credentials)
                    cache[key] = client
        return client

    # Load the importers (`from ...boto_client import boto_client_for`) before rebinding.
    import moto.stepfunctions.parser.asl.component.state.exec.state_task as state_task_pkg

    for info in pkgutil.walk_packages(state_task_pkg.__path__, state_task_pkg.__name__ + "."):
        try:
            importlib.import_module(info.name)
        except ImportError:
            pass
    from ._util import rebind_everywhere

    count = rebind_everywhere("moto.stepfunctions", "boto_client_for", original, boto_client_for)
    applied(6, f"boto3 clients of the executor cached per region/service ({count} call sites)")
