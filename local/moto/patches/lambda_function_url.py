"""Fix 22: AWS::Lambda::Url in CloudFormation, at an address the local runtime serves.

moto 5.2.1 implements the function URL API (CreateFunctionUrlConfig …) but not the CloudFormation resource: a stack's
AWS::Lambda::Url is skipped, and its FunctionUrl attribute (a stack output) has no value. Its URLs are
https://<id>.lambda-url.<region>.on.aws, which nothing answers locally. This fix creates the URL config from the
resource (FunctionUrl and FunctionArn attributes) and gives every function URL the address where the local runtime
answers it with the function's handler (local/runtime/function-urls.ts): http://127.0.0.1:$MOTO_PORT/_local/function-url/<name>/.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from ._util import applied, skipped, source_of

LOCAL_PATH = "/_local/function-url"
# CloudFormationModel.__subclasses__() holds its subclasses weakly: the model defined below must stay referenced.
_REGISTERED: list[type] = []


def local_function_url(function_name: str) -> str:
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT', '5000')}{LOCAL_PATH}/{function_name}/"


def fix_22_lambda_function_url() -> None:
    from moto.awslambda import models as lambda_models
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel

    if "AWS::Lambda::Url" in parsing.get_model_map():
        skipped(22, "moto already supports AWS::Lambda::Url in CloudFormation")
        return
    config_init = lambda_models.FunctionUrlConfig.__init__
    if "lambda-url" not in source_of(config_init):
        skipped(22, "FunctionUrlConfig changed shape; not patching")
        return

    @functools.wraps(config_init)
    def init(self, function, config):  # type: ignore[no-untyped-def]
        config_init(self, function=function, config=config)
        self.url = local_function_url(function.function_name)

    lambda_models.FunctionUrlConfig.__init__ = init  # type: ignore[method-assign]

    class FunctionUrl(CloudFormationModel):
        def __init__(self, url: str, function_arn: str):
            self.url = url
            self.function_arn = function_arn

        @property
        def physical_resource_id(self) -> str:
            return self.function_arn

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Lambda::Url"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr in ("FunctionUrl", "FunctionArn")

        def get_cfn_attribute(self, attribute_name: str) -> str:
            return self.url if attribute_name == "FunctionUrl" else self.function_arn

        @classmethod
        def create_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any) -> "FunctionUrl":  # type: ignore[override]
            properties = cloudformation_json["Properties"]
            backend = lambda_models.lambda_backends[account_id][region_name]
            config = {key: properties[key] for key in ("AuthType", "Cors", "InvokeMode") if key in properties}
            created = backend.create_function_url_config(properties["TargetFunctionArn"], config)
            return cls(created.url, created.function.function_arn)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource: Any, new_resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> "FunctionUrl":  # type: ignore[override]
            properties = cloudformation_json["Properties"]
            backend = lambda_models.lambda_backends[account_id][region_name]
            config = {key: properties[key] for key in ("AuthType", "Cors") if key in properties}
            updated = backend.update_function_url_config(properties["TargetFunctionArn"], config)
            return cls(updated.url, updated.function.function_arn)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str) -> None:  # type: ignore[override]
            backend = lambda_models.lambda_backends[account_id][region_name]
            try:
                backend.delete_function_url_config(cloudformation_json["Properties"]["TargetFunctionArn"])
            except Exception:  # noqa: BLE001 (the function, and its URL, may be gone already)
                pass

    _REGISTERED.append(FunctionUrl)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    if "AWS::Lambda::Url" not in parsing.get_model_map():
        skipped(22, "the AWS::Lambda::Url model did not register")
        return
    applied(22, f"AWS::Lambda::Url creates the URL config; function URLs are served by the local runtime at {LOCAL_PATH}/<name>/")
