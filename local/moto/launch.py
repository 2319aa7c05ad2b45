#!/usr/bin/env python3
"""Start moto_server with the Harbormaster start-up fixes applied.

Usage: python3 local/moto/launch.py -H 127.0.0.1 -p <motoPort>
Environment:
  MOTO_PORT                 port of the local runtime proxy; moto's Step Functions executor
                            sends its service calls (Lambda Invoke included) to
                            http://localhost:$MOTO_PORT, EventBridge Lambda targets go there too.
  HARBORMASTER_JSONATA_URL  JSONata evaluation endpoint (POST {expression, bindings}).
  HARBORMASTER_PARENT_PID   optional; exit when that process is gone.
Facts and rationale: /work/shared/docs/local-aws-moto.md. Fixes live in ./patches.
"""

from __future__ import annotations

import os
import sys

def watch_parent() -> None:
    """Exit when the Node process that started us is gone (e.g. a test run killed with SIGKILL)."""
    pid = os.environ.get("HARBORMASTER_PARENT_PID")
    if not pid or not pid.isdigit():
        return
    import threading
    import time

    def loop() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass

    threading.Thread(target=loop, name="parent-watchdog", daemon=True).start()


REQUIRED = "moto 5.2.1 with server extras is required: pip install 'moto[server]==5.2.1'"


def main(argv: list[str]) -> None:
    try:
        import moto  # noqa: F401
        import moto.server
    except ImportError as error:
        print(f"[moto-launcher] cannot import moto ({error}); {REQUIRED}", file=sys.stderr)
        sys.exit(2)
    version = getattr(moto, "__version__", "?")
    if version != "5.2.1":
        print(f"[moto-launcher] note: built for moto 5.2.1, found {version}", file=sys.stderr)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from patches import apply_all

    apply_all()
    watch_parent()
    moto.server.main(argv)


if __name__ == "__main__":
    main(sys.argv[1:])
