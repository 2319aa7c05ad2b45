"""Fix 13: aws-sdk:ecs and :elasticloadbalancingv2 task errors are named as Step Functions names them.

moto's executor prefixes an aws-sdk integration error with the service's normalised name, but knows only
DynamoDB and SFN; for ECS it falls back to the lower-case API name, so an unmodelled error (throttling) becomes
`ecs.ecsException` where AWS reports `Ecs.EcsException` (likewise `ElasticLoadBalancingV2.…`), and state machines'
Retry/Catch could not match it.
"""

from __future__ import annotations

from ._util import applied, skipped

_MODULE = "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_aws_sdk"
_NAMES = {"ecs": "Ecs", "elasticloadbalancingv2": "ElasticLoadBalancingV2", "elbv2": "ElasticLoadBalancingV2"}


def fix_13_sfn_service_error_names() -> None:
    import importlib

    module = importlib.import_module(_MODULE)
    names = getattr(module, "_SERVICE_ERROR_NAMES", None)
    if not isinstance(names, dict):
        skipped(13, "_SERVICE_ERROR_NAMES is gone from the aws-sdk task service")
        return
    missing = {service: name for service, name in _NAMES.items() if service not in names}
    if not missing:
        skipped(13, "aws-sdk error names for " + ", ".join(_NAMES) + " are known upstream")
        return
    names.update(missing)
    applied(13, "aws-sdk error names: " + ", ".join(f"{service} -> {name}" for service, name in missing.items()))
