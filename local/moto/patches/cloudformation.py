"""Fix 9: AWS::StepFunctions::StateMachine with Definition + DefinitionSubstitutions.

moto 5.2.1 reads only DefinitionString (Definition gives an empty definition) and always
writes to the non-executing Step Functions backend, so with execution switched on a stack's
state machine is invisible to StartExecution. Serialise Definition, apply the ${Key}
substitutions (text such as $$.Task.Token is left alone) and use the backend the API uses.
"""

from __future__ import annotations

import json
from typing import Any

from ._util import applied, skipped, source_of


def definition_from_properties(properties: dict[str, Any]) -> str | None:
    definition = properties.get("DefinitionString")
    if definition is None and properties.get("Definition") is not None:
        raw = properties["Definition"]
        definition = raw if isinstance(raw, str) else json.dumps(raw)
    if definition is None:
        return None
    if not isinstance(definition, str):
        definition = json.dumps(definition)
    for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            text = json.dumps(value)
        else:
            text = str(value)
        definition = definition.replace("${" + str(key) + "}", text)
    return definition


def fix_9_cfn_state_machine_definition() -> None:
    from moto.stepfunctions import models as sfn_models
    from moto.stepfunctions.responses import get_backend

    cls = sfn_models.StateMachine
    create_src = source_of(cls.create_from_cloudformation_json)
    if '"Definition"' in create_src or "DefinitionSubstitutions" in create_src:
        skipped(9, "StateMachine CloudFormation handler already reads Definition")
        return
    if 'properties.get("DefinitionString"' not in create_src:
        skipped(9, "StateMachine.create_from_cloudformation_json changed shape; not patching")
        return

    cfn_to_api_tags = sfn_models.cfn_to_api_tags

    def create_from_cloudformation_json(klass, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        properties = cloudformation_json["Properties"]
        name = properties.get("StateMachineName", resource_name)
        definition = definition_from_properties(properties) or ""
        role_arn = properties.get("RoleArn", "")
        tags = cfn_to_api_tags(properties.get("Tags", []))
        return get_backend(account_id, region_name).create_state_machine(name, definition, role_arn, tags=tags)

    def delete_from_cloudformation_json(klass, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
        get_backend(account_id, region_name).delete_state_machine(resource_name)

    def update_from_cloudformation_json(klass, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
        properties = cloudformation_json.get("Properties", {})
        name = properties.get("StateMachineName", original_resource.name)
        if name != original_resource.name:
            cloudformation_json["Properties"] = original_resource.get_cfn_properties(properties)
            new_resource = klass.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)
            klass.delete_from_cloudformation_json(original_resource.arn, cloudformation_json, account_id, region_name)
            return new_resource
        backend = get_backend(account_id, region_name)
        state_machine = backend.update_state_machine(
            original_resource.arn,
            definition=definition_from_properties(properties),
            role_arn=properties.get("RoleArn"),
        )
        backend.tag_resource(state_machine.arn, cfn_to_api_tags(properties.get("Tags", [])))
        return state_machine

    cls.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    cls.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)
    cls.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
    applied(9, "CloudFormation StateMachine reads Definition + DefinitionSubstitutions and uses the executing backend")
