"""Fix 5: JSONPath definite paths with an index return the value, not a one-element list."""

from __future__ import annotations

from typing import Any

from ._util import applied, rebind_everywhere, skipped

_JSON_PATH_MODULE = "moto.stepfunctions.parser.asl.utils.json_path"


def _is_definite(node: Any) -> bool | None:
    """True if the parsed JSONPath selects at most one node by construction
    ($, .field, [n] chains); False if not; None for node types we do not know."""
    from jsonpath_ng import jsonpath as jp

    if isinstance(node, (jp.Root, jp.This)):
        return True
    if isinstance(node, jp.Child):
        left, right = _is_definite(node.left), _is_definite(node.right)
        if left is None or right is None:
            return None
        return left and right
    if isinstance(node, jp.Fields):
        return len(node.fields) == 1 and node.fields[0] != "*"
    if isinstance(node, jp.Index):
        indices = getattr(node, "indices", None)
        if indices is None:
            indices = [getattr(node, "index", None)]
        return len(indices) == 1
    if isinstance(node, (jp.Slice, jp.Descendants, jp.Union, jp.Where)):
        return False
    return None


def fix_5_jsonpath_definite_index() -> None:
    # moto 5.2.1's extract_json wraps every match whose parent was reached through an index
    # into a list (a workaround for getmoto/moto#7825), so "$.a[0].b" yields [value].
    import importlib

    module = importlib.import_module(_JSON_PATH_MODULE)
    original = getattr(module, "extract_json", None)
    if original is None:
        skipped(5, "extract_json not found")
        return
    try:
        probe = original("$.a[0].b", {"a": [{"b": 1}]})
    except Exception as error:  # noqa: BLE001
        skipped(5, f"extract_json probe failed ({error}); not patching")
        return
    if probe != [1]:
        skipped(5, "extract_json already returns the value for $.a[0].b")
        return

    from jsonpath_ng.ext import parse

    def extract_json(path: str, data: Any) -> Any:
        try:
            definite = _is_definite(parse(path))
        except Exception:  # noqa: BLE001 - leave error reporting to the original
            definite = None
        if definite:
            matches = parse(path).find(data)
            if matches:
                return matches[0].value
        return original(path, data)

    # Load the known importers (`from ...json_path import extract_json`) before rebinding.
    for name in (
        "moto.stepfunctions.parser.asl.eval.states",
        "moto.stepfunctions.parser.asl.component.common.string.string_expression",
        "moto.stepfunctions.parser.asl.component.intrinsic.argument.argument",
        "moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.numeric",
        "moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.string_operators",
        "moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.boolean_equals",
        "moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations.timestamp_operators",
    ):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    count = rebind_everywhere("moto.stepfunctions", "extract_json", original, extract_json)
    applied(5, f"definite JSONPath with an index returns the value ({count} call sites)")
