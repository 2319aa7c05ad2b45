"""Start-up patches for moto 5.2.1 (see docs: /work/shared/docs/local-aws-moto.md).

Each fix checks that the code it patches still has the defect and skips with a note
otherwise, so a newer moto degrades to "fewer patches", not to a broken server.
"""

from __future__ import annotations

import traceback

from ._util import log
from .cloudformation import fix_9_cfn_state_machine_definition
from .cloudformation_validate import fix_18_cloudformation_validate_template
from .cloudwatch_composite_alarms import fix_17_cloudwatch_composite_alarms
from .config import fix_10_execute_state_machine
from .dynamodb import fix_11_atomic_dynamodb_writes
from .ecs_list_tasks_service_name import fix_19_list_tasks_service_name
from .ecs_task_definition_times import fix_12_task_definition_times
from .event_source_mappings import fix_21_runtime_delivers_event_sources
from .events import fix_7_events_targets
from .scheduler_schedule_group import fix_20_scheduler_schedule_group
from .lambda_function_url import fix_22_lambda_function_url
from .sfn_execution import fix_1_deepcopy_state_machine, fix_2_default_execution_name
from .sfn_integrations import (
    fix_3_normalise_parameters_and_response,
    fix_6_lambda_endpoint,
    fix_8_service_name_overrides,
)
from .sfn_jsonata import fix_4_jsonata
from .sfn_jsonpath import fix_5_jsonpath_definite_index
from .sfn_service_error_names import fix_13_sfn_service_error_names
from .sfn_status_events import fix_15_stop_is_aborted, fix_16_execution_status_events
from .sfn_task_failure_cause import fix_14_sfn_task_failure_cause

# Order matters only for fix 10: it must run before any state machine is created.
FIXES = (
    fix_10_execute_state_machine,
    fix_1_deepcopy_state_machine,
    fix_2_default_execution_name,
    fix_3_normalise_parameters_and_response,
    fix_4_jsonata,
    fix_5_jsonpath_definite_index,
    fix_6_lambda_endpoint,
    fix_7_events_targets,
    fix_8_service_name_overrides,
    fix_9_cfn_state_machine_definition,
    fix_11_atomic_dynamodb_writes,
    fix_12_task_definition_times,
    fix_13_sfn_service_error_names,
    fix_14_sfn_task_failure_cause,
    fix_15_stop_is_aborted,
    fix_16_execution_status_events,
    fix_17_cloudwatch_composite_alarms,
    fix_18_cloudformation_validate_template,
    fix_19_list_tasks_service_name,
    fix_20_scheduler_schedule_group,
    fix_21_runtime_delivers_event_sources,
    fix_22_lambda_function_url,
)


def apply_all() -> int:
    """Apply every fix; return the number that raised (they are logged, not fatal)."""
    failures = 0
    for fix in FIXES:
        try:
            fix()
        except Exception as error:  # noqa: BLE001
            failures += 1
            log(f"{fix.__name__} FAILED: {error!r}")
            traceback.print_exc()
    return failures
