"""Shared helpers for the start-up patches: logging and guarded rebinding."""

from __future__ import annotations

import inspect
import sys
from typing import Any, Callable

PREFIX = "[moto-launcher]"


def log(message: str) -> None:
    print(f"{PREFIX} {message}", file=sys.stderr, flush=True)


def applied(fix: int, what: str) -> None:
    log(f"fix {fix} applied: {what}")


def skipped(fix: int, why: str) -> None:
    log(f"fix {fix} skipped: {why}")


def source_of(obj: Any) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def rebind_everywhere(prefix: str, name: str, old: Callable, new: Callable) -> int:
    """Replace every module-level binding `name` that still points at `old`.

    moto's modules import helpers by name (``from x import f``), so patching the
    defining module alone is not enough. Call this after the importers are loaded.
    """
    count = 0
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith(prefix):
            continue
        if getattr(module, name, None) is old:
            setattr(module, name, new)
            count += 1
    return count
