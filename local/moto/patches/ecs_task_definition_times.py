"""Fix 12: task definitions carry registeredAt and deregisteredAt, as in ECS.

moto 5.2.1 stores neither, so DescribeTaskDefinition answers without them and revision cleanup could not tell
a revision's age. moto serialises responses from model attributes, so setting `registered_at` when a task
definition is created and `deregistered_at` when it is deregistered is enough.
"""

from __future__ import annotations

import functools

from ._util import applied, skipped, source_of


def fix_12_task_definition_times() -> None:
    from moto.core.utils import utcnow
    from moto.ecs.models import EC2ContainerServiceBackend, TaskDefinition

    if getattr(TaskDefinition.__init__, "__harbormaster_patched__", False):
        return
    if "registered_at" in source_of(TaskDefinition.__init__) or "deregistered_at" in source_of(EC2ContainerServiceBackend.deregister_task_definition):
        skipped(12, "moto already records task-definition registration times")
        return

    original_init = TaskDefinition.__init__
    original_deregister = EC2ContainerServiceBackend.deregister_task_definition

    @functools.wraps(original_init)
    def init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        original_init(self, *args, **kwargs)
        self.registered_at = utcnow()

    @functools.wraps(original_deregister)
    def deregister(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        task_definition = original_deregister(self, *args, **kwargs)
        # ECS keeps the first deregistration time; deregistering again changes nothing.
        if getattr(task_definition, "deregistered_at", None) is None:
            task_definition.deregistered_at = utcnow()
        return task_definition

    init.__harbormaster_patched__ = True  # type: ignore[attr-defined]
    TaskDefinition.__init__ = init  # type: ignore[method-assign]
    EC2ContainerServiceBackend.deregister_task_definition = deregister  # type: ignore[method-assign]
    applied(12, "ECS task definitions report registeredAt and deregisteredAt")
