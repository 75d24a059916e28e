"""The server's settings, from the client's ``initializationOptions`` or its ``archspec`` configuration
section, and from ``archspec lsp``'s own flags:

    {"variant": "b7", "set": {"alpha": 0.5}, "budget": {"max_layers": 100000, "max_params": 2e10}}

``variant`` applies to the documents that have it (the others are analysed at their first variant);
``set`` as ``--set``; ``budget`` as the command line's ``--max-…`` flags. A value of the wrong kind
is left out rather than refused: a misconfigured editor still gets a working server.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from archspec.lower import Budget
from archspec.lsp.snapshot import Options

# Budget field ← the names the command line's flags give it.
BUDGET_KEYS = {"max_layers": "max_nodes", "max_params": "max_params", "max_activations": "max_activations",
               "max_layer_output": "max_layer_elements"}


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        return None
    return v


def read_options(raw: Any, current: Options | None = None) -> Options:
    """Options from the client's JSON, on top of ``current``."""
    opts = dataclasses.replace(current) if current is not None else Options()
    if not isinstance(raw, dict):
        return opts
    if "variant" in raw:
        opts.variant = raw["variant"] if isinstance(raw["variant"], str) and raw["variant"] else None
    if isinstance(raw.get("set"), dict):
        opts.overrides = {str(k): v for k, v in raw["set"].items() if _number(v) is not None}
    if isinstance(raw.get("budget"), dict):
        fields = {}
        for key, value in raw["budget"].items():
            n = _number(value)
            if key in BUDGET_KEYS and n is not None and n >= 1:
                fields[BUDGET_KEYS[key]] = int(n)
        opts.budget = dataclasses.replace(Budget(), **fields)
    return opts
