"""Fix 20: AWS::Scheduler::ScheduleGroup in CloudFormation.

moto 5.2.1 implements the Scheduler API (CreateScheduleGroup, CreateSchedule in a group) but not the resource type:
a stack reports the group CREATE_COMPLETE without creating it, and every CreateSchedule in it then fails (moto's
create_schedule indexes its groups directly: a KeyError, an HTML 500). Register a CloudFormation model that creates
and deletes the group through the Scheduler backend; Ref is the group's name and GetAtt Arn its ARN, as in AWS.
"""

from __future__ import annotations

from typing import Any

from ._util import applied, skipped

CFN_TYPE = "AWS::Scheduler::ScheduleGroup"


def fix_20_scheduler_schedule_group() -> None:
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel
    from moto.scheduler.models import scheduler_backends

    if any(model.cloudformation_type() == CFN_TYPE for model in CloudFormationModel.__subclasses__()):
        skipped(20, f"moto already models {CFN_TYPE}")
        return

    class ScheduleGroupResource(CloudFormationModel):
        def __init__(self, name: str, arn: str):
            self.name = name
            self.arn = arn

        @property
        def physical_resource_id(self) -> str:
            return self.name

        @staticmethod
        def cloudformation_name_type() -> str:
            return "Name"

        @staticmethod
        def cloudformation_type() -> str:
            return CFN_TYPE

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> Any:
            if attribute_name == "Arn":
                return self.arn
            raise KeyError(attribute_name)

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
            properties = cloudformation_json.get("Properties", {})
            name = properties.get("Name", resource_name)
            group = scheduler_backends[account_id][region_name].create_schedule_group(name=name, tags=properties.get("Tags") or [])
            return cls(group.name, group.arn)

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
            backend = scheduler_backends[account_id][region_name]
            name = cloudformation_json.get("Properties", {}).get("Name", resource_name)
            if name in backend.schedule_groups:
                backend.delete_schedule_group(name)

        @classmethod
        def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
            name = cloudformation_json.get("Properties", {}).get("Name", new_resource_name)
            if name == original_resource.name:
                return original_resource
            cls.delete_from_cloudformation_json(original_resource.name, {"Properties": {"Name": original_resource.name}}, account_id, region_name)
            return cls.create_from_cloudformation_json(name, cloudformation_json, account_id, region_name)

    # The model maps are cached on first use; forget them so the new model is found.
    for cached in ("get_model_list", "get_model_map", "get_name_type_map"):
        getattr(parsing, cached).cache_clear()
    applied(20, f"{CFN_TYPE} creates and deletes the group through the Scheduler backend")
