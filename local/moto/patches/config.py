"""Fix 10: switch Step Functions real execution on before any state machine exists.

moto only parses/executes definitions when execute_state_machine is set; state machines
created before the switch live in a different backend and are invisible afterwards.
"""

from __future__ import annotations

from ._util import applied, skipped


def fix_10_execute_state_machine() -> None:
    from moto.core import config

    sfn = config.default_user_config.get("stepfunctions")
    if not isinstance(sfn, dict) or "execute_state_machine" not in sfn:
        skipped(10, "moto.core.config has no stepfunctions.execute_state_machine switch")
        return
    sfn["execute_state_machine"] = True
    applied(10, "stepfunctions.execute_state_machine = True")
