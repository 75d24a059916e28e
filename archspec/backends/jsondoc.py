"""The ``json`` backend: the spec IR (``spec.json``, which ``archspec.load`` reads back), the layer graph
(``graph.json``) and the analysis (``analysis.json``, what ``archspec analyze --json`` prints)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target


def files(target: Target, module: Any = None) -> dict[str, Producer]:
    out: dict[str, Producer] = {
        # not exclude_none: `else` has a required None test
        "spec.json": lambda: target.spec.model_dump_json(indent=2),
        "graph.json": lambda: json.dumps(target.graph.to_dict(), indent=1, default=str),
    }
    if target.report is not None:
        report = target.report
        out["analysis.json"] = lambda: json.dumps(report(), indent=1, default=str)
    return out
