"""``archspec expand``: the fully expanded spec, written back from the layer graph.

Every block call is written out in place (under a comment naming the call and its resolved
arguments), every repeat unrolled, every number resolved (widths after α and rounding, strides,
paddings that differ from the default), with no ``let``, ``if``, variant or scaling knob left.
Each block call and each repeat step becomes a ``group NAME:`` under the path segment it had, so
lowering the result gives the identical layer graph: the same layers at the same paths (the same
``state_dict`` keys), in the same order, with the same sizes and wiring. No torch import.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from archspec.graph import Graph, Node, Scope
from archspec.layerops import Defaults
from archspec.layerops.act import Act
from archspec.layerops.add import Add
from archspec.layerops.base import num_text
from archspec.layerops.concat import Concat
from archspec.layerops.droppath import DropPath
from archspec.layerops.mul import Mul
from archspec.layerops.norm import Norm

if TYPE_CHECKING:
    from archspec.network import Network

INDENT = "  "


class _Expander:
    def __init__(self, net: Network) -> None:
        self.g: Graph = net.graph
        self.cfg = net.config
        self.defaults = Defaults(self.cfg.act, self.cfg.norm, self.cfg.norm_eps, self.cfg.norm_momentum)
        self.out: list[str] = []
        self.nodes_of: dict[int, list[Node]] = {s.id: [] for s in self.g.scopes}
        for n in self.g.nodes:
            self.nodes_of[n.scope].append(n)
        self.first: dict[int, int] = {}  # scope id → smallest node id in its subtree
        for s in reversed(self.g.scopes):
            ids = [n.id for n in self.nodes_of[s.id]] + [self.first[c] for c in s.children if c in self.first]
            if ids:
                self.first[s.id] = min(ids)

    def items(self, s: Scope) -> list[Any]:
        """The scope's own nodes and non-empty child scopes, in data-flow order."""
        kids = [self.g.scopes[c] for c in s.children if c in self.first]
        found: list[Any] = [*self.nodes_of[s.id], *kids]
        return sorted(found, key=lambda it: it.id if isinstance(it, Node) else self.first[it.id])

    def emit(self, indent: int, text: str) -> None:
        self.out.append(INDENT * indent + text)

    def scope(self, s: Scope, indent: int) -> None:
        if s.kind in ("block", "group"):
            # A group keeps the block's path segment, so every layer keeps its path (and its key).
            args = " ".join(f"{k}={num_text(v)}" for k, v in s.info.items())
            note = f"  # {s.label} {args}".rstrip() if s.kind == "block" else ""
            self.emit(indent, f"group {_segment(s.name)}:{note}")
            self.body(self.items(s), indent + 1)
        elif s.kind == "residual":
            self.residual(s, indent)
        elif s.kind in ("concat", "sum", "select", "cascade"):
            head = f"{s.kind} split={s.info['split']}:" if s.info.get("split") else f"{s.kind}:"
            adds = {it.id for it in self.items(s) if _is(it, Add)}
            act = next((it for it in self.items(s) if _is(it, Act) and it.inputs[0] in adds), None)
            self.emit(indent, f"sum act={act.attrs.kind}:" if act is not None else head)
            # Every branch in the order written, a pass-through one too (it has no nodes of its own).
            for b in [self.g.scopes[c] for c in s.children]:
                if b.kind == "attention":
                    self.emit(indent + 1, "attention:")
                    self.body(self.items(b), indent + 2)
                elif b.kind == "branch":
                    seg = _segment(b.name)
                    self.emit(indent + 1, "branch:" if re.fullmatch(r"branch\d+", seg) else f"branch {seg}:")
                    written = len(self.out)
                    self.body(self.items(b), indent + 2)
                    if len(self.out) == written:  # a pass-through branch
                        self.emit(indent + 2, "identity")
        elif s.kind == "scale":
            self.emit(indent, "scale:")
            # A gate's convs default to no norm: inside it, a norm is the exception to write out.
            outer, self.defaults = self.defaults, self.defaults._replace(norm="none")
            self.body([it for it in self.items(s) if not _is(it, Mul)], indent + 1)
            self.defaults = outer
        elif s.kind == "dense":
            # The body of the first layer stands for all: the layers differ only in their input width.
            first = f"{s.name}.0"
            body = [it for it in self.items(s) if (it.name == first or it.name.startswith(first + "."))
                    and not _is(it, Concat)]
            self.emit(indent, f"dense {s.info['layers']}:")
            self.body(body, indent + 1)
        elif s.kind == "repeat":
            self.emit(indent, f"group {_segment(s.name)}:  # repeat {s.info['repeats']}")
            steps: dict[str, list[Any]] = {}
            for it in self.items(s):
                steps.setdefault(it.name[len(s.name) + 1 :].split(".", 1)[0], []).append(it)
            for i, items in steps.items():
                self.emit(indent + 1, f"group {i}:")
                self.body(items, indent + 2)
        else:
            self.body(self.items(s), indent)

    def residual(self, s: Scope, indent: int) -> None:
        kind = s.info.get("shortcut", "auto")
        items = self.items(s)
        adds = {it.id for it in items if _is(it, Add)}
        after = [it for it in items if _is(it, Act) and it.inputs[0] in adds]  # `act=` on the residual
        body = [it for it in items if not (_is(it, Add) or _is(it, DropPath)) and not
                (isinstance(it, Scope) and it.kind == "shortcut") and it not in after]
        head = "residual shortcut=" + {"identity": "auto"}.get(kind, kind)
        if s.info.get("order") == "shortcut_first":
            head += " order=shortcut_first"
        if after:
            head += f" act={after[0].attrs.kind}"
        drop = [it for it in items if _is(it, DropPath)]
        if drop:
            head += f" drop_path={num_text(drop[0].attrs.p)}"
        sc = next((it for it in items if isinstance(it, Scope) and it.kind == "shortcut"), None)
        if kind == "projection" and sc is not None:
            sc_norm = next((n.attrs.kind for n in self.nodes_of[sc.id] if _is(n, Norm)), "none")
            if sc_norm != self.defaults.norm:
                head += f" shortcut_norm={sc_norm}"
        if kind == "explicit":  # the shortcut written out: its own `shortcut:` body
            head = head.replace("residual shortcut=explicit", "residual")
        self.emit(indent, head + ":")
        self.body(body, indent + 1)
        if kind == "explicit" and sc is not None:
            self.emit(indent + 1, "shortcut:")
            self.body(self.items(sc), indent + 2)

    def body(self, items: list[Any], indent: int) -> None:
        i = 0
        while i < len(items):
            after: list[Node] = []
            for it in items[i + 1 : i + 3]:  # a conv's norm and act follow it directly
                if not isinstance(it, Node):
                    break
                after.append(it)
            i += self.item(items[i], indent, after)

    def item(self, it: Any, indent: int, after: list[Any] | None = None) -> int:
        """Write one node (a conv takes its norm and activation along) or scope; how many items it used."""
        if isinstance(it, Scope):
            self.scope(it, indent)
            return 1
        text, used = self.node(it, after or [])
        if text:
            self.emit(indent, text)
        return used

    def node(self, n: Node, after: list[Node]) -> tuple[str, int]:
        """The op's own statement (``layerops``), and how many nodes it covers."""
        return n.defn.expand(n, after, self.defaults)


def _segment(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _is(it: Any, op: type) -> bool:
    """Whether an item is a node of the op ``op`` (the combinators' own ops: add, mul, concat, …)."""
    return isinstance(it, Node) and isinstance(it.defn, op)


def expand(net: Network) -> str:
    """The expanded spec text (see the module docstring)."""
    e = _Expander(net)
    cfg, spec = net.config, net.spec
    variant = f" variant {net.variant}," if net.variant else ""
    knobs = " ".join(f"{k}={v:g}" for k, v in cfg.knobs.items() if k in ("alpha", "rho", "phi", "width", "depth"))
    e.out += [
        f"# {net.name}:{variant} expanded by archspec from {spec.file}: every block and repeat written out,",
        f"# every number resolved ({knobs}, input {'x'.join(map(str, net.input))}).",
        f"network {spec.name}" + (f' "{spec.description}"' if spec.description else ""),
        f"input {'x'.join(map(str, net.input))}",
        f"defaults: norm={cfg.norm} act={cfg.act} norm_eps={num_text(cfg.norm_eps)} norm_momentum={num_text(cfg.norm_momentum)}",
    ]
    for sid in e.g.scopes[0].children:
        s = e.g.scopes[sid]
        if sid not in e.first:
            continue
        head = s.name if s.name in ("stem", "head") else f"stage {s.name}"
        note = f"  # {s.info['block']} ×{s.info['repeats']}" if "block" in s.info and "repeats" in s.info else ""
        e.out += ["", f"{head}:{note}"]
        e.body(e.items(s), 1)
    from archspec.fmt import fmt

    return fmt("\n".join(e.out) + "\n", "<expanded>")  # canonical: trailing comments aligned as `fmt` does
