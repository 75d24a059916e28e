"""Layer graph → a standalone, readable PyTorch source file (no import of archspec).

The module tree is the torch backend's (``backends.classes``): every layer at its hierarchical path
(``stage1.0.conv1``), so the generated model's ``state_dict`` keys, in order, are the compiled
module's; a chain that is no block call is an ``nn.Sequential``; every block is an instance of one
class per block kind (``Bottleneck``, ``InvertedResidual``), with the same ``forward`` as the compiled
module's. The constructor of a class takes what differs between its instances
(``backends.pyclass``): ``Bottleneck(in_c=256, c=64, s=1)``, with the parts only some instances have
built under a condition (``if in_c != out_c``), as torchvision writes its blocks.
"""

from __future__ import annotations

import inspect
import keyword
import textwrap
from typing import TYPE_CHECKING, Any

import torch

from archspec.backends import layers
from archspec.backends.classes import Plan, plan
from archspec.backends.inplace import inplace_acts
from archspec.backends.modtree import Unit, registered
from archspec.backends.pyclass import NONE, PyClass
from archspec.backends.steps import seg
from archspec.backends.templates import ANY, Fun, Hole, Inst, Leaf, Param, Seq, TInst, TLeaf, TParam, TRep, TSeq, unify
from archspec.backends.torch import make_layer
from archspec.graph import Graph, Node

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target


def _leaf(n: Node, inplace: bool = False) -> Leaf:
    """Read a layer's constructor arguments back from the module the torch backend builds."""
    with torch.device("meta"):  # no memory for weights: only the constructor arguments are read
        m = make_layer(n, inplace=inplace)
    cls = type(m)
    prefix = "nn." if cls.__module__.startswith("torch.nn") else ""  # archspec's own layers are copied in
    args = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.name in ("device", "dtype") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if not hasattr(m, p.name):
            raise NotImplementedError(f"cannot read `{p.name}` back from {cls.__name__} to write its constructor")
        v = getattr(m, p.name)
        if p.name == "bias" and (v is None or isinstance(v, torch.Tensor)):
            v = v is not None  # the constructor takes a flag; the module holds the tensor
        if isinstance(v, tuple) and v and all(e == v[0] for e in v):
            v = v[0]
        args.append((p.name, v, p.default is p.empty, p.default))
    return Leaf(prefix + cls.__name__, args)


class _Writer:
    """Builds every class (children first) and renders the file."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.plan: Plan = plan(g)
        self.inplace = inplace_acts(g)
        self.shapes = {n.id: n.out for n in g.nodes} | {-1: g.input}
        self.helpers: set[str] = set()
        self.specs: dict[str, PyClass] = {}  # class name → its class
        self.leaves: dict[int, Leaf] = {}

    def expr(self, it: Node | Unit) -> Any:
        """What an instance builds for one of its parts."""
        if isinstance(it, Node):
            held = it.defn.parameter(it.attrs)
            if held is not None:
                return Param(tuple(held[0]), float(held[1]))
            if it.id not in self.leaves:
                self.leaves[it.id] = _leaf(it, it.id in self.inplace)
            return self.leaves[it.id]
        kind = self.plan.kinds.get(it.path)
        if kind is not None:
            return Inst(self.specs[kind.name], it)
        return Seq([(seg(k), self.expr(k)) for k in registered(it)])

    def build(self) -> list[PyClass]:
        out = []
        for kind in self.plan.order:
            infos = [self._info(u) for u in kind.units]
            spec = PyClass(kind, infos, self.concrete)
            self.specs[kind.name] = spec
            spec.build([[(seg(k), self.expr(k)) for k in registered(u)] for u in kind.units])
            self.helpers |= kind.helpers
            out.append(spec)
        return out

    def _info(self, u: Unit) -> dict[str, Any]:
        s = self.plan.scopes.get(u.path)
        info = {k: v for k, v in s.info.items() if isinstance(v, (int, float)) and k.isidentifier()
                and not keyword.iskeyword(k)} if s is not None and s.kind == "block" else {}
        info.setdefault("in_c", self.shapes[u.inp][0])
        info.setdefault("out_c", self.shapes[u.out][0])
        return info

    # ---- rendering --------------------------------------------------------------------------

    def concrete(self, e: Any) -> str:
        """An expression with every number written out (a module passed to a constructor)."""
        return self.render(unify([(0, e)], "part"), {}, 0)

    def render(self, t: Any, texts: dict[int, str], indent: int) -> str:
        """A template's source; ``texts``: each hole's source."""
        pad = " " * indent
        if isinstance(t, Hole):
            return texts[id(t)]
        if isinstance(t, TLeaf):
            cls = t.cls if isinstance(t.cls, str) else texts[id(t.cls)]
            if isinstance(t.cls, str) and not cls.startswith("nn."):
                self.helpers.add(cls)
            parts = []
            for name, v, positional, default in t.args:
                if not positional and not isinstance(v, Hole) and repr(v) == repr(default):
                    continue
                text = self.value(v, texts)
                parts.append(text if positional else f"{name}={text}")
            return f"{cls}({', '.join(parts)})"
        if isinstance(t, TParam):
            dims = [self.value(d, texts) for d in t.dims]
            return f"nn.Parameter(torch.full(({', '.join(dims)}{',' if len(dims) == 1 else ''}), {self.value(t.init, texts)}))"
        if isinstance(t, TInst):
            defaults = {a.name: a.default for a in t.spec.args}
            args = [f"{k}={self.value(v, texts)}" for k, v in t.args.items() if v is not ANY and (
                    isinstance(v, Hole) or defaults.get(k, NONE) is NONE or repr(v) != repr(defaults[k]))]
            return f"{t.spec.name}({', '.join(args)})"
        if isinstance(t, TSeq):
            named = not all(n == str(i) for i, (n, _) in enumerate(t.items))
            rows = [self.render(v, texts, indent + 4) for _, v in t.items]
            if named:
                self.helpers.add("OrderedDict")
                body = "".join(f'{pad}    ("{n}", {r}),\n' for (n, _), r in zip(t.items, rows, strict=True))
                return f"nn.Sequential(OrderedDict([\n{body}{pad}]))"
            return "nn.Sequential(\n" + "".join(f"{pad}    {r},\n" for r in rows) + f"{pad})"
        if isinstance(t, TRep):
            inner = dict(texts)
            for h_id, fun in t.funs.items():
                inner[h_id] = self._fun(fun, texts)
            return f"nn.Sequential(*[{self.render(t.item, inner, indent)} for i in range({self.value(t.n, texts)})])"
        raise TypeError(f"cannot render {type(t).__name__}")

    def value(self, v: Any, texts: dict[int, str]) -> str:
        return texts[id(v)] if isinstance(v, Hole) else repr(v)

    def _fun(self, f: Fun, texts: dict[int, str]) -> str:
        parts = [f"({t})" if " if " in t else t for t in (self.value(p, texts) for p in f.parts)]
        if f.kind == "const":
            return parts[0]
        if f.kind == "affine":
            return parts[0] if parts[1] == "0" else f"{parts[0]} + {parts[1]} * i"
        return f"({parts[0]} if i == 0 else {parts[1]})"

    def render_class(self, c: PyClass) -> str:
        args = sorted(c.args, key=lambda a: a.default is not NONE)
        sig = "".join(f", {a.name}: {a.type()}" + ("" if a.default is NONE else f" = {a.default!r}") for a in args)
        lines = [f"class {c.name}(nn.Module):", f'    """{c.kind.doc}"""', "", f"    def __init__(self{sig}) -> None:",
                 "        super().__init__()"]
        first = {p.seg: p for p in reversed(c.places)}
        for p in c.places:
            ctor = self.render(p.template, c.texts, 8 + (4 if p.cond and first[p.seg] is not p else 0))
            target = f"self.{p.seg}" if p.seg.isidentifier() and not keyword.iskeyword(p.seg) else None
            if not p.cond:
                lines.append(f"        {target} = {ctor}" if target else f"        self.add_module({p.seg!r}, {ctor})")
            elif first[p.seg] is p:  # where an instance without it holds None
                value = f"{ctor} if {p.cond} else None"
                lines.append(f"        {target} = {value}" if target else f"        self.add_module({p.seg!r}, {value})")
            else:
                lines.append(f"        if {p.cond}:")
                lines.append(f"            {target} = {ctor}" if target else f"            self.add_module({p.seg!r}, {ctor})")
        lines += [f"        {line}" for line in c.extra]
        lines += ["", "    def forward(self, x: torch.Tensor) -> torch.Tensor:"]
        lines += [f"        {line}" for line in c.kind.forward]
        return "\n".join(w for line in "\n".join(lines).split("\n") for w in wrap(line))


def wrap(line: str, limit: int = 120) -> list[str]:
    """A long line of generated code broken after commas inside its outermost brackets that cross ``limit``,
    each continuation aligned with the bracket (no strings with brackets or commas in generated code)."""
    if len(line) <= limit or line.lstrip().startswith(('"', "#")):
        return [line]
    depth, opens, best = 0, [], None
    for i, ch in enumerate(line):
        if ch in "([":
            opens.append(i)
            depth += 1
        elif ch in ")]":
            start = opens.pop()
            depth -= 1
            if start < limit < i and (best is None or start < best[0]):
                best = (start, i)
    if best is None:
        return [line]
    start, end = best
    parts, depth, last = [], 0, start + 1
    for i in range(start + 1, end):
        if line[i] in "([":
            depth += 1
        elif line[i] in ")]":
            depth -= 1
        elif line[i] == "," and depth == 0:
            parts.append(line[last:i + 1].strip())
            last = i + 1
    parts.append(line[last:end].strip())
    pad = " " * (start + 1)
    out, current = [], line[: start + 1]
    for part in parts:
        if current.strip() and current[-1] not in "([" and len(current) + 1 + len(part) > limit:
            out.append(current.rstrip())
            current = pad + part
        else:
            current += ("" if current[-1] in "([" else " ") + part
    out.append(current + line[end:])
    return [w for o in out for w in wrap(o, limit)] if len(out) > 1 else out


def files(target: Target, module: object = None) -> dict[str, Producer]:
    """The ``py`` backend: ``NAME.py``."""
    return {f"{target.name}.py": lambda: generate(target)}


def generate(net: Target) -> str:
    """The network as a standalone PyTorch source file (see the module docstring)."""
    w = _Writer(net.graph)
    classes = w.build()
    bodies = [w.render_class(c) for c in classes]
    imports = ["from collections import OrderedDict", ""] if "OrderedDict" in w.helpers else []
    # Helpers are archspec's own layers and functions (archspec.backends.layers), copied in by name.
    helpers = [inspect.getsource(getattr(layers, h)).rstrip() for h in sorted(w.helpers) if hasattr(layers, h)]
    imports.append("import torch")
    if any("F." in h for h in helpers):
        imports.append("import torch.nn.functional as F")
    imports.append("from torch import nn")
    code = "\n\n\n".join([*helpers, *bodies])
    return f"{_docstring(net, classes[-1].name)}\n\n" + "\n".join(imports) + f"\n\n\n{code}\n"


def _docstring(net: Target, model: str) -> str:
    title = net.title
    variant = f", variant {net.variant}" if net.variant else ""
    prose = (f"Generated by archspec from {net.file}{variant}. Input {'x'.join(map(str, net.input))}, output "
             f"{'x'.join(map(str, net.output))}; {net.params:,} parameters, {net.macs:,} MACs (multiply-accumulates of "
             f"conv and linear layers). Standalone: needs only PyTorch. `{model}()` builds the model; its state_dict "
             "keys are those of archspec's compiled module, so weights saved from one load into the other.")
    lines = [f"{title} (`{net.name}`).", "", *textwrap.wrap(prose, 100)]
    if net.source and not net.source.lstrip().startswith("{"):
        lines += ["", "The spec:", ""]
        lines += [("    " + line).rstrip() for line in net.source.strip("\n").splitlines()]
    text = "\n".join(lines).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{text}\n"""'
