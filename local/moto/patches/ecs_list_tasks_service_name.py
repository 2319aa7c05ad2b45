"""Fix 19: ListTasks with serviceName lists only that service's tasks, as in ECS.

moto 5.2.1 ignores the filter (its scheduler starts no service tasks) and answers with every task of the cluster.
The local runtime starts a service's tasks with the group `service:<name>`, as ECS does, so the filter is the group.
"""

from __future__ import annotations

import functools
import inspect

from ._util import applied, skipped, source_of


def fix_19_list_tasks_service_name() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.list_tasks
    if getattr(original, "__harbormaster_patched__", False):
        return
    if "We can't filter on `service_name`" not in source_of(original):
        skipped(18, "moto already filters ListTasks by serviceName")
        return

    signature = inspect.signature(original)

    @functools.wraps(original)
    def list_tasks(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        service_name = signature.bind(self, *args, **kwargs).arguments.get("service_name")
        tasks = original(self, *args, **kwargs)
        if not service_name:
            return tasks
        return [task for task in tasks if task.group == f"service:{service_name}"]

    list_tasks.__harbormaster_patched__ = True  # type: ignore[attr-defined]
    EC2ContainerServiceBackend.list_tasks = list_tasks  # type: ignore[method-assign]
    applied(18, "ListTasks filters by serviceName (the tasks' service:<name> group)")
