"""What changed between two designs, stage by stage: depth, widths, strides, params and MACs.

Stages are matched by name (stem, stage1, …, head). Reads the analysis only: no torch import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archspec.layerops import get

if TYPE_CHECKING:
    from archspec.network import Network

FIELDS = ("block", "depth", "width", "widths", "stride", "out", "params", "macs")


def stage_facts(net: Network) -> dict[str, dict[str, Any]]:
    """Per stage: its block, depth (blocks, or weight layers where it calls none), output width,
    the distinct conv/linear widths inside, its stride (input size ÷ output size), output shape,
    params and MACs."""
    g = net.graph
    scopes = {s.name: s for s in g.scopes if s.kind == "stage"}
    widths: dict[str, list[int]] = {}
    for layer in net.layers:
        if get(layer.op).kind in ("conv", "linear"):
            w = layer.out[0]
            widths.setdefault(layer.stage, [])
            if w not in widths[layer.stage]:
                widths[layer.stage].append(w)
    facts: dict[str, dict[str, Any]] = {}
    prev: tuple[int, ...] = net.input
    for t in net.stages:
        s = scopes[t.name]
        blocks = [g.scopes[c] for c in s.children if g.scopes[c].kind == "block"]
        labels = list(dict.fromkeys(b.label for b in blocks))
        # Rounded: an odd size halves to a ceiling (75 → 38 is a stride of 2).
        stride = max(1, round(prev[1] / t.out[1])) if len(t.out) == 3 and len(prev) == 3 else None
        layers = sum(1 for layer in net.layers if layer.stage == t.name and get(layer.op).kind in ("conv", "linear"))
        facts[t.name] = {
            "block": ",".join(labels) if labels else "",
            "depth": len(blocks) if blocks else layers,
            "width": t.out[0],
            "widths": sorted(widths.get(t.name, [])),
            "stride": stride,
            "out": list(t.out),
            "params": t.params,
            "macs": t.macs,
        }
        prev = t.out
    return facts


def _value(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(map(_value, v)) + "]"  # no spaces: a wrapped line never splits a list
    return "—" if v is None else str(v)


def _change(key: str, a: Any, b: Any) -> str:
    """``stride_on 3→1``; lists, which may be long, with spaces round the arrow to wrap at."""
    arrow = " → " if isinstance(a, (list, tuple)) or isinstance(b, (list, tuple)) else "→"
    return f"{key} {_value(a)}{arrow}{_value(b)}"


def reasons(a: Network, b: Network) -> dict[str, list[str]]:
    """Per stage both designs have, why it differs: each setting of its resolved config that changed
    (``stride_on 3→1``), or, where none did, what came into it (``input 64×56×56→32×56×56``)."""
    def configs(net: Network) -> dict[str, tuple[dict[str, Any], tuple[int, ...]]]:  # name → (config, input)
        ins = [net.input, *(s.out for s in net.stages)][:-1]
        return {s.name: (s.info, x) for s, x in zip(net.stages, ins, strict=True)}

    ca, cb = configs(a), configs(b)
    out: dict[str, list[str]] = {}
    for name in ca.keys() & cb.keys():
        (ia, pa), (ib, pb) = ca[name], cb[name]
        keys = list(ia) + [k for k in ib if k not in ia]
        why = [_change(k, ia.get(k), ib.get(k)) for k in keys if ia.get(k) != ib.get(k)]
        if not why and pa != pb:
            why = [f"input {'×'.join(map(str, pa))}→{'×'.join(map(str, pb))}"]
        out[name] = why
    return out


def diff(a: Network, b: Network) -> dict[str, Any]:
    """The two designs side by side: per stage each field as [a, b], whether it changed, and why
    (``why``: the settings of its resolved config that differ, see ``reasons``)."""
    fa, fb = stage_facts(a), stage_facts(b)
    why = reasons(a, b)
    names = list(fa) + [n for n in fb if n not in fa]
    stages = []
    for name in names:
        x, y = fa.get(name), fb.get(name)
        status = "added" if x is None else "removed" if y is None else "same"
        fields = {f: [x.get(f) if x else None, y.get(f) if y else None] for f in FIELDS}
        changed = [f for f, (u, v) in fields.items() if u != v]
        if status == "same" and changed:
            status = "changed"
        because = why.get(name, [])
        if status == "changed" and not because:  # a setting outside the stage's own config (defaults: norm=…)
            because = ["not its config: " + ", ".join(changed)]
        stages.append({"stage": name, "status": status, "changed": changed if x and y else list(FIELDS),
                       "why": because, "fields": fields})
    totals = {
        "input": [list(a.input), list(b.input)],
        "output": [list(a.output), list(b.output)],
        "params": [a.params, b.params],
        "macs": [a.macs, b.macs],
        "flops": [a.flops, b.flops],
        "activations": [a.activations, b.activations],
        "layers": [len(a.layers), len(b.layers)],
    }
    return {
        "a": {"name": a.name, "variant": a.variant, "file": a.spec.file},
        "b": {"name": b.name, "variant": b.variant, "file": b.spec.file},
        "same": all(s["status"] == "same" for s in stages) and all(u == v for u, v in totals.values()),
        "stages": stages,
        "totals": totals,
    }
