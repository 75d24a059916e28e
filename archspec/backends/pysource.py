"""Layer graph → a standalone, readable PyTorch source file (no import of archspec).

The module tree is the torch backend's: every layer sits at its hierarchical path
(``stage1.0.conv1``), so the generated model's ``state_dict`` keys, in order, are the compiled
module's. Each path prefix that holds layers is a *unit* with one input and one output. A unit that
is a plain chain becomes an ``nn.Sequential``; any other unit becomes a class whose ``forward`` is
written out. Units with the same structure share one class (all ResNet-50 identity bottlenecks
are one ``Bottleneck``); the numbers that differ between them become constructor arguments, named
after the block's arguments where the values match (``c``, ``s``, ``hidden``) or ``in_c``/``out_c``.
"""

from __future__ import annotations

import inspect
import keyword
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from archspec.backends import layers
from archspec.backends.modtree import Unit, units
from archspec.backends.naming import class_name as _class_name
from archspec.backends.naming import target as _target
from archspec.backends.torch import inplace_acts, make_layer
from archspec.graph import Graph, Node

if TYPE_CHECKING:
    from archspec.backends import Producer
    from archspec.backends.target import Target

_RESERVED = {"self", "x", "nn", "torch", "F", "OrderedDict", "super"}
_SHORTCUT_WORDS = {"identity": "identity shortcut", "projection": "projection shortcut",
                   "zeropad": "zero-padding shortcut", "none": "no shortcut", "explicit": "shortcut written out"}
_SUFFIX = {"identity": "", "projection": "Projection", "zeropad": "ZeroPad", "none": "NoSkip", "explicit": "Shortcut"}


@dataclass
class Leaf:
    """One layer: its class and constructor arguments (numbers are the template's slots)."""

    cls: str
    args: list[tuple[str, Any, bool, Any]]  # (name, value, positional, default)


@dataclass
class ClassDef:
    name: str
    doc: str
    instances: list[Unit]
    template: list[tuple[str, Any]]  # (attr, Leaf | Unit) for __init__, of the first instance
    forward: list[str]
    params: list[str] = field(default_factory=list)  # constructor argument per slot, or "" for a literal


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


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


# ---- templates: structure keys and slot values -------------------------------------------------


def _seg(item: Any) -> str:
    """The attribute a node or unit is registered under in its parent: the torch backend's, so the
    state_dict keys agree (`stage forward:` and `stage class:` become `forward_` and `class_`)."""
    return _target(item.name).rsplit(".", 1)[-1]


class _Writer:
    """Assigns classes bottom-up and renders the file."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self.scopes = {}
        for s in g.scopes:
            self.scopes.setdefault(s.name, s)
        self.classes: dict[Any, ClassDef] = {}
        self.taken: set[str] = set()
        self.helpers: set[str] = set()
        self.leaves: dict[int, Leaf] = {}
        self.shapes = {n.id: n.out for n in g.nodes} | {-1: g.input}
        self.inplace = inplace_acts(g)  # the activations the torch backend runs in place

    def expr(self, item: Any) -> Any:
        """A unit, or the constructor of a layer node (read once per node)."""
        if not isinstance(item, Node):
            return item
        if item.id not in self.leaves:
            held = item.defn.parameter(item.attrs)
            if held is not None:  # a parameter of this module (layer scale's γ): its shape and start value
                shape, init = held
                self.leaves[item.id] = Leaf("nn.Parameter", [*((f"d{i}", v, True, None) for i, v in enumerate(shape)),
                                                             ("init", float(init), True, None)])
            else:
                self.leaves[item.id] = _leaf(item, item.id in self.inplace)
        return self.leaves[item.id]

    def shape_key(self, e: Any) -> Any:
        """The structure of a constructor expression with every number abstracted."""
        if isinstance(e, Leaf):
            return (e.cls, tuple((a, "#" if _is_num(v) else repr(v)) for a, v, _, _ in e.args))
        if e.chain:
            return ("seq", tuple((_seg(k), self.shape_key(self.expr(k))) for k in e.items))
        return ("cls", id(e.cls))

    def numbers(self, e: Any) -> list[Any]:
        if isinstance(e, Leaf):
            return [v for _, v, _, _ in e.args if _is_num(v)]
        if e.chain:
            return [v for k in e.items for v in self.numbers(self.expr(k))]
        return list(e.values)

    def slot_args(self, e: Any) -> list[str]:
        if isinstance(e, Leaf):
            return [a for a, v, _, _ in e.args if _is_num(v)]
        if e.chain:
            return [f"{_seg(k)}_{a}" for k in e.items for a in self.slot_args(self.expr(k))]
        return [p or f"arg{i}" for i, p in enumerate(e.cls.params)]

    def assign(self, u: Unit) -> None:
        for k in u.items:
            if isinstance(k, Unit):
                self.assign(k)
        s = self.scopes.get(u.path)
        if s is not None and s.kind == "block":
            u.chain = False  # every block call is an instance of its block's class, chain or not
        if u.chain:
            return
        forward = self._forward(u)
        template = [(_seg(k), self.expr(k)) for k in u.items
                    if not isinstance(k, Node) or k.defn.module or k.defn.parameter(k.attrs) is not None]
        key = (self._label(u), tuple(forward), tuple((a, self.shape_key(e)) for a, e in template))
        if key not in self.classes:
            self.classes[key] = ClassDef("", self._doc(u), [], template, forward)
        u.cls = self.classes[key]
        self.classes[key].instances.append(u)
        u.values = [v for _, e in template for v in self.numbers(e)]

    def _label(self, u: Unit) -> str:
        s = self.scopes.get(u.path)
        if not u.path:
            return _class_name(self.g.name)
        if s is not None and s.kind in ("block", "stage"):
            return _class_name(s.label)
        parent = self.scopes.get(u.path.rsplit(".", 1)[0])
        base = s.kind if s is not None else (parent.kind + "_step" if parent is not None else "part")
        return _class_name(base)

    def _doc(self, u: Unit) -> str:
        s = self.scopes.get(u.path)
        if not u.path:
            return f"The `{self.g.name}` network."
        if s is not None and s.kind == "block":
            res = next((self.g.scopes[c] for c in s.children if self.g.scopes[c].kind == "residual"), None)
            kind = res.info.get("shortcut") if res is not None else None
            extra = f" ({_SHORTCUT_WORDS.get(kind, kind)})" if kind else ""
            return f"The `{s.label}` block{extra}."
        if s is None:
            parent = self.scopes.get(u.path.rsplit(".", 1)[0])
            return f"One step of a `{parent.kind}`." if parent is not None else f"The `{u.name}` part of the network."
        return f"The `{s.label}` {s.kind}."

    def _forward(self, u: Unit) -> list[str]:
        uses: Counter[int] = Counter()
        for it in u.items:
            uses.update(it.inputs if isinstance(it, Node) else (it.inp,))
        uses[u.out] += 1
        names: dict[int, str] = {u.inp: "x"}
        live: set[str] = {"x"}
        lines = []
        for it in u.items:
            ins = list(it.inputs) if isinstance(it, Node) else [it.inp]
            args = [names[i] for i in ins]
            for i in ins:
                uses[i] -= 1
            if isinstance(it, Unit) or it.defn.module:
                expr = f"self.{_attr(_seg(it))}({args[0]})"
            else:
                self.helpers.update(it.defn.python_helpers)
                held = [f"self.{_attr(_seg(it))}"] if it.defn.parameter(it.attrs) is not None else []
                expr = it.defn.python(it.attrs, args + held)
            dead = [names[i] for i in ins if uses[i] == 0 and names[i] in live]
            for i in ins:
                if uses[i] == 0:
                    live.discard(names[i])
            var = dead[0] if dead else _fresh(live)
            live.add(var)
            names[it.id if isinstance(it, Node) else it.out] = var
            lines.append(f"{var} = {expr}")
        lines.append(f"return {names[u.out]}")
        return lines

    def name_classes(self) -> None:
        by_label: dict[str, list[ClassDef]] = {}
        for key, c in self.classes.items():
            by_label.setdefault(key[0], []).append(c)
        for label, group in by_label.items():
            for c in sorted(group, key=lambda c: -len(c.instances)):
                c.name = self._unique(label, c)
        for c in self.classes.values():
            self._params(c)

    def _unique(self, label: str, c: ClassDef) -> str:
        s = self.scopes.get(c.instances[0].path)
        res = [self.g.scopes[i] for i in s.children if self.g.scopes[i].kind == "residual"] if s is not None else []
        options = [label]
        if res and res[0].info.get("shortcut") in _SUFFIX:
            options.append(label + _SUFFIX[res[0].info["shortcut"]])
        options += [f"{label}{i}" for i in range(2, 10_000)]
        name = next(o for o in options if o not in self.taken and o not in _RESERVED and not keyword.iskeyword(o))
        self.taken.add(name)
        return name

    def _params(self, c: ClassDef) -> None:
        """Slots that differ between instances become arguments, named after matching block values."""
        columns = list(zip(*(u.values for u in c.instances), strict=True)) if c.instances[0].values else []
        candidates: dict[tuple[Any, ...], str] = {}
        infos = [self._info(u) for u in c.instances]
        for k in infos[0]:
            col = tuple(i.get(k) for i in infos)
            if all(_is_num(v) for v in col) and k.isidentifier() and not keyword.iskeyword(k) and k not in _RESERVED:
                candidates.setdefault(col, k)
        used: set[str] = set()
        named: dict[tuple[Any, ...], str] = {}
        for slot, col in enumerate(columns):
            if len(set(col)) == 1 and all(type(v) is type(col[0]) for v in col):
                c.params.append("")
                continue
            if col not in named:
                name = candidates.get(col) or self._slot_name(c, slot, used)
                while name in used:
                    name += "_"
                used.add(name)
                named[col] = name
            c.params.append(named[col])

    def _info(self, u: Unit) -> dict[str, Any]:
        s = self.scopes.get(u.path)
        info = dict(s.info) if s is not None and s.kind == "block" else {}
        info.setdefault("in_c", self.shapes[u.inp][0])
        info.setdefault("out_c", self.shapes[u.out][0])
        return info

    def _slot_name(self, c: ClassDef, slot: int, used: set[str]) -> str:
        """The argument's own name (``padding``) where free, else prefixed by its layer (``conv2_padding``)."""
        i = 0
        for attr, e in c.template:
            for arg in self.slot_args(e):
                if i == slot:
                    short = arg.rsplit("_", 1)[-1] if "_" in arg and not arg.endswith("_") else arg
                    return short if short not in used and short.isidentifier() and short not in _RESERVED else f"{attr}_{arg}"
                i += 1
        return f"arg{slot}"

    # ---- rendering -------------------------------------------------------------------------

    def render_expr(self, e: Any, values: list[str], indent: int) -> str:
        """A constructor expression, consuming ``values`` (rendered numbers) in slot order."""
        pad = " " * indent
        if isinstance(e, Leaf):
            if e.cls == "nn.Parameter":  # its shape and starting value
                *dims, init = [values.pop(0) for _ in e.args]
                return f"nn.Parameter(torch.full(({', '.join(dims)}{',' if len(dims) == 1 else ''}), {init}))"
            if not e.cls.startswith("nn."):
                self.helpers.add(e.cls)
            parts = []
            for name, v, positional, default in e.args:
                text = values.pop(0) if _is_num(v) else repr(v)
                if not positional and text == repr(default):
                    continue
                parts.append(text if positional else f"{name}={text}")
            return f"{e.cls}({', '.join(parts)})"
        if e.chain:
            named = not all(_seg(k) == str(i) for i, k in enumerate(e.items))
            rows = []
            for k in e.items:
                body = self.render_expr(self.expr(k), values, indent + 4)
                rows.append(f'{pad}    ("{_seg(k)}", {body}),\n' if named else f"{pad}    {body},\n")
            if named:
                self.helpers.add("OrderedDict")
                return f"nn.Sequential(OrderedDict([\n{''.join(rows)}{pad}]))"
            return f"nn.Sequential(\n{''.join(rows)}{pad})"
        mine = [values.pop(0) for _ in e.values]
        args = {p: v for p, v in zip(e.cls.params, mine, strict=True) if p}
        return f"{e.cls.name}({', '.join(f'{k}={v}' for k, v in args.items())})"

    def render_class(self, c: ClassDef) -> str:
        first = c.instances[0]
        params = list(dict.fromkeys(p for p in c.params if p))
        rendered = [p if p else repr(v) for p, v in zip(c.params, first.values, strict=True)]
        sig = "".join(f", {p}: {_ptype(c, p)}" for p in params)
        lines = [f"class {c.name}(nn.Module):", f'    """{c.doc}"""', "", f"    def __init__(self{sig}) -> None:",
                 "        super().__init__()"]
        for attr, e in c.template:
            ctor = self.render_expr(e, rendered, 8)
            lines.append(f"        self.{attr} = {ctor}" if attr.isidentifier() and not keyword.iskeyword(attr)
                         else f"        self.add_module({attr!r}, {ctor})")
        lines += ["", "    def forward(self, x: torch.Tensor) -> torch.Tensor:"]
        lines += [f"        {line}" for line in c.forward]
        return "\n".join(lines)


def _ptype(c: ClassDef, p: str) -> str:
    i = c.params.index(p)
    return "float" if any(isinstance(u.values[i], float) for u in c.instances) else "int"


def _attr(name: str) -> str:
    return name if name.isidentifier() and not keyword.iskeyword(name) else f"get_submodule({name!r})"


def _fresh(live: set[str]) -> str:
    for name in ["out", *(f"out{i}" for i in range(2, 10_000))]:
        if name not in live:
            return name
    raise RuntimeError("too many live values")


def files(target: Target, module: object = None) -> dict[str, Producer]:
    """The ``py`` backend: ``NAME.py``."""
    return {f"{target.name}.py": lambda: generate(target)}


def generate(net: Target) -> str:
    """The network as a standalone PyTorch source file (see the module docstring)."""
    w = _Writer(net.graph)
    w.assign(units(net.graph))
    w.name_classes()
    order = list(w.classes.values())  # children were assigned first: definition order
    bodies = [w.render_class(c) for c in order]
    imports = ["from collections import OrderedDict", ""] if "OrderedDict" in w.helpers else []
    # Helpers are archspec's own layers and functions (archspec.backends.layers), copied in by name.
    helpers = [inspect.getsource(getattr(layers, h)).rstrip() for h in sorted(w.helpers) if hasattr(layers, h)]
    imports.append("import torch")
    if any("F." in h for h in helpers):
        imports.append("import torch.nn.functional as F")
    imports.append("from torch import nn")
    code = "\n\n\n".join([*helpers, *bodies])
    return f"{_docstring(net, order[-1].name)}\n\n" + "\n".join(imports) + f"\n\n\n{code}\n"


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
